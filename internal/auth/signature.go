package auth

import (
	"net/http"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Version is the signature version of a request.
type Version int

const (
	// Anonymous is a request with no signature at all.
	Anonymous Version = iota
	// V1 is HMAC-SHA1 over the V1 string to sign ("OSS <AccessKeyId>:<Signature>").
	V1
	// V4 is OSS4-HMAC-SHA256 over the V4 canonical request.
	V4
)

// String returns the version as OSS documentation names it.
func (v Version) String() string {
	switch v {
	case V1:
		return "V1"
	case V4:
		return "V4"
	default:
		return "Anonymous"
	}
}

// Signature is the parsed, not yet verified, signature of one request.
type Signature struct {
	Version Version

	// Presigned is true for the query-string form (a presigned URL) and false
	// for the Authorization header form.
	Presigned bool

	AccessKeyID string

	// SecurityToken is the STS token: the x-oss-security-token header for the
	// header forms, the V1 query parameter security-token, or the V4 query
	// parameter x-oss-security-token. The caller validates it against the
	// temporary credentials of AccessKeyID.
	SecurityToken string

	// Time is the signing time. V1 headers take it from the x-oss-date
	// header, or from Date when x-oss-date is absent. V4 takes it from the
	// x-oss-date header or query parameter. It is zero for V1 presigned URLs,
	// which carry only their expiry.
	Time time.Time

	// Expires is when a presigned URL stops being valid; zero for the header
	// forms.
	Expires time.Time

	// Region is the region of the V4 credential scope; empty for V1.
	Region string

	provided string // the signature as sent: base64 for V1, lower-case hex for V4

	// V1: the Date line of the string to sign (the Date header, or Expires
	// for presigned URLs) and the x-oss-date header as sent.
	dateLine  string
	ossDateV1 string

	// V4 fields.
	ossDate           string   // x-oss-date as sent, yyyymmddTHHMMSSZ
	scopeDate         string   // yyyymmdd of the credential scope
	product           string   // always "oss" once parsed
	additionalHeaders []string // lower-case names, in the order the client listed them
	payloadHash       string   // x-oss-content-sha256, lower-case hex; "" when unsigned
}

// Target is the bucket and object that a request addresses.
type Target struct {
	// Bucket is the bucket name or alias exactly as the client sent it, or ""
	// for service-level requests such as ListBuckets and
	// WriteGetObjectResponse.
	Bucket string

	// Key is the decoded object key, or "" when the request names none.
	Key string
}

// Names of headers and query parameters that carry signatures.
const (
	headerAuthorization = "Authorization"
	headerDate          = "Date"
	headerOSSDate       = "x-oss-date"
	headerSecurityToken = "x-oss-security-token"
	headerContentSHA256 = "x-oss-content-sha256"

	queryV1AccessKeyID   = "OSSAccessKeyId"
	queryV1Expires       = "Expires"
	queryV1Signature     = "Signature"
	queryV1SecurityToken = "security-token"

	queryV4Version           = "x-oss-signature-version"
	queryV4Credential        = "x-oss-credential"
	queryV4Date              = "x-oss-date"
	queryV4Expires           = "x-oss-expires"
	queryV4Signature         = "x-oss-signature"
	queryV4AdditionalHeaders = "x-oss-additional-headers"
	queryV4SecurityToken     = "x-oss-security-token"

	algorithmV4     = "OSS4-HMAC-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	iso8601Basic    = "20060102T150405Z"
	scopeTerminator = "aliyun_v4_request"
)

// Parse extracts the signature of r without verifying it. It returns (nil,
// nil) for an anonymous request: one with no Authorization header and no
// signature query parameters. Malformed input returns an *osserr.Error with
// the code, message and EC that OSS returns; messages never contain a
// signature or a security token.
func Parse(r *http.Request) (*Signature, error) {
	params := parseQuery(r.URL.RawQuery)
	authorization, hasHeader := r.Header[headerAuthorization]
	v1Query := hasAnyQuery(params, queryV1AccessKeyID, queryV1Signature)
	v4Query := hasAnyQuery(params, queryV4Version, queryV4Credential, queryV4Signature)

	forms := 0
	for _, present := range []bool{hasHeader, v1Query, v4Query} {
		if present {
			forms++
		}
	}
	if forms > 1 {
		return nil, osserr.New(osserr.InvalidArgument,
			"The request carries more than one signature: use either the Authorization header or the signature query parameters of one signature version.")
	}

	switch {
	case hasHeader:
		if len(authorization) != 1 {
			return nil, errInvalidArgument(ecV1FormatInvalid, "Authorization header is invalid: the request has more than one Authorization header.")
		}
		return parseAuthorization(authorization[0], r.Header)
	case v1Query:
		return parsePresignedV1(params)
	case v4Query:
		return parsePresignedV4(params, r.Header)
	default:
		return nil, nil
	}
}

// hasAnyQuery reports whether params has a pair named one of keys.
func hasAnyQuery(params []queryParam, keys ...string) bool {
	for _, k := range keys {
		if _, ok := lookupQuery(params, k); ok {
			return true
		}
	}
	return false
}

// PayloadHash returns the SHA-256 of the body that a V4 signature covers, as
// lower-case hex, or "" when the body is unsigned (UNSIGNED-PAYLOAD, no
// x-oss-content-sha256 header, V1, or a nil Signature).
func (s *Signature) PayloadHash() string {
	if s == nil {
		return ""
	}
	return s.payloadHash
}

// AdditionalHeaders returns the lower-case names of the headers that a V4
// signature lists beyond the ones always signed.
func (s *Signature) AdditionalHeaders() []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s.additionalHeaders...)
}
