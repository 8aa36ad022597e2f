package auth

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// MaxClockSkew is the largest difference OSS accepts between the signing time
// of a header-signed request and the server clock, and how far in the future
// the x-oss-date of a V4 presigned URL may be.
const MaxClockSkew = 15 * time.Minute

// CheckTime checks the signing time of s against now. A header-signed
// request must be signed within MaxClockSkew of now, or it fails with
// RequestTimeTooSkewed. A presigned URL fails with AccessDenied "Request has
// expired." after its expiry, and a V4 one also when its x-oss-date is more
// than MaxClockSkew after now.
//
// Every error it returns carries now as its Date response header, so the
// front end may call CheckTime before it looks up the access key, and the
// SDKs correct their clock from that Date. Verify calls CheckTime first.
func (s *Signature) CheckTime(now time.Time) error {
	if s.Presigned {
		if s.Version == V4 && s.Time.Sub(now) > MaxClockSkew {
			return errNotYetValid(s.Time, now)
		}
		if now.Unix() > s.Expires.Unix() {
			return errExpired(s.Expires, now)
		}
		return nil
	}

	skew := now.Sub(s.Time)
	if skew > MaxClockSkew || skew < -MaxClockSkew {
		return TimeTooSkewed(s.Time, now)
	}
	return nil
}

// Verify checks s against secret, the AccessKeySecret of s.AccessKeyID. r is
// the request as received and t what it addressed (the bucket or alias as
// sent, and the decoded key). region is the server's region, which a V4
// credential scope must name. now is the server clock, for CheckTime.
//
// Verify returns nil when the signature matches. Its errors are
// *osserr.Error values: those of CheckTime, InvalidArgument for a V4 scope
// naming another region, and SignatureDoesNotMatch (EC 0002-00000040 for V1,
// 0002-00000201 for V4), which carries the server's StringToSign (and the
// CanonicalRequest for V4) with any security token replaced by a
// placeholder. A V4 signature that lists an additional header missing from r
// never matches.
//
// Verify does not read the body. For a V4 request that signs its payload
// hash, wrap the body with VerifyPayload.
func (s *Signature) Verify(r *http.Request, t Target, secret, region string, now time.Time) error {
	if err := s.CheckTime(now); err != nil {
		return err
	}

	params := parseQuery(r.URL.RawQuery)
	switch s.Version {
	case V1:
		return s.verifyV1(r, t, params, secret)
	case V4:
		if s.Region != region {
			return errInvalidArgument(ecV4CredentialInvalid,
				"The region of the V4 Credential ("+strconv.Quote(s.Region)+") is not the region of this server ("+strconv.Quote(region)+"); configure the client with region "+region+".")
		}
		return s.verifyV4(r, t, params, secret)
	default:
		return osserr.Internal(errors.New("auth: Verify called on a signature of version " + s.Version.String()))
	}
}

func (s *Signature) verifyV1(r *http.Request, t Target, params []queryParam, secret string) error {
	provided := s.provided
	if s.Presigned {
		// A '+' of the base64 signature that the client left unescaped in
		// the URL arrives decoded as a space.
		provided = strings.ReplaceAll(provided, " ", "+")
	}
	for _, candidate := range s.stringsToSignV1(r, t, params, false) {
		if hmac.Equal([]byte(signV1(secret, candidate)), []byte(provided)) {
			return nil
		}
	}

	redacted := s.stringsToSignV1(r, t, params, true)[0]
	return osserr.New(osserr.SignatureDoesNotMatch, "").
		WithEC(ecV1SignatureMismatch).
		With("OSSAccessKeyId", s.AccessKeyID).
		With("StringToSign", redacted)
}

func (s *Signature) verifyV4(r *http.Request, t Target, params []queryParam, secret string) error {
	requests, missing := s.canonicalRequestsV4(r, t, params, false)
	if len(missing) == 0 {
		key := signingKeyV4(secret, s.scopeDate, s.Region, s.product)
		for _, canonical := range requests {
			if hmac.Equal([]byte(signV4(key, s.stringToSignV4(canonical))), []byte(s.provided)) {
				return nil
			}
		}
	}

	redacted, _ := s.canonicalRequestsV4(r, t, params, true)
	e := osserr.New(osserr.SignatureDoesNotMatch, "").
		WithEC(ecV4SignatureMismatch).
		With("OSSAccessKeyId", s.AccessKeyID).
		With("StringToSign", s.stringToSignV4(requests[0])).
		With("CanonicalRequest", redacted[0])
	if len(missing) > 0 {
		e.Wrap(errors.New("auth: the V4 signature lists headers missing from the request: " + strings.Join(missing, ";")))
	}
	return e
}
