package auth

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// EC values of authentication failures, as listed in Alibaba Cloud's OSS
// error-code pages. OSS documents them as diagnostic only.
const (
	ecV1SignatureMismatch  = "0002-00000040"
	ecV1FormatInvalid      = "0002-00000061"
	ecV1AccessKeyIDInvalid = "0002-00000064"
	ecV1SignatureMissing   = "0002-00000065"
	ecExpiresMissing       = "0002-00000067"
	ecExpiresEmpty         = "0002-00000068"
	ecRequestExpired       = "0002-00000069"
	ecExpiresInvalid       = "0002-00000070"
	ecV4SignatureMismatch  = "0002-00000201"
	ecV4FormatInvalid      = "0002-00000202"
	ecV4AccessKeyIDInvalid = "0002-00000206"
	ecV4CredentialInvalid  = "0002-00000213"
	ecV4ContentSHA256      = "0002-00000214"
	ecV4ExpiresOutOfRange  = "0002-00000232"
	ecV4RequestNotYetValid = "0002-00000235"
	ecDateMissing          = "0002-00000503"
	ecRequestTimeTooSkewed = "0002-00000504"
)

const (
	// redactedSecurityToken replaces security tokens in the StringToSign
	// and CanonicalRequest of error documents.
	redactedSecurityToken = "<redacted>"

	// maxPresignedV4ExpiresIn is the largest x-oss-expires in seconds:
	// seven days, also the SDK's limit.
	maxPresignedV4ExpiresIn = 604800
)

// errInvalidArgument returns a 400 InvalidArgument naming what is wrong with
// the signature. message must not contain a signature or a security token.
func errInvalidArgument(ec, message string) *osserr.Error {
	return osserr.New(osserr.InvalidArgument, message).WithEC(ec)
}

// errAccessDenied returns a 403 AccessDenied with message and ec.
func errAccessDenied(ec, message string) *osserr.Error {
	return osserr.New(osserr.AccessDenied, message).WithEC(ec)
}

// errDateMissing returns the AccessDenied error of a request that carries no
// usable signing time; detail says which header or parameter is wrong.
func errDateMissing(detail string) *osserr.Error {
	return errAccessDenied(ecDateMissing, "OSS authentication requires a valid Date. "+detail)
}

// errExpires returns the error for a presigned URL whose expiry parameter
// (Expires for V1, x-oss-expires for V4) is missing, empty or not a number.
func errExpires(name, value string, present bool) *osserr.Error {
	switch {
	case !present:
		return errAccessDenied(ecExpiresMissing, "The presigned URL has no "+name+" parameter.")
	case value == "":
		return errAccessDenied(ecExpiresEmpty, "The "+name+" parameter of the presigned URL is empty.")
	default:
		return errAccessDenied(ecExpiresInvalid, "The "+name+" parameter of the presigned URL is not a valid integer: "+strconv.Quote(value)+".")
	}
}

// ossTime formats t as OSS writes times in error documents.
func ossTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// TimeTooSkewed returns the RequestTimeTooSkewed error for a request signed
// at requestTime and received at now. The error carries now as its Date
// response header: the OSS SDKs compute their clock offset from the Date of
// this error response and retry, so now must be the server clock reading the
// check used.
func TimeTooSkewed(requestTime, now time.Time) *osserr.Error {
	return osserr.New(osserr.RequestTimeTooSkewed, "").
		WithEC(ecRequestTimeTooSkewed).
		With("RequestTime", ossTime(requestTime)).
		With("ServerTime", ossTime(now)).
		With("MaxAllowedSkewMilliseconds", strconv.FormatInt(MaxClockSkew.Milliseconds(), 10)).
		WithHeader("Date", now.UTC().Format(http.TimeFormat))
}

// errExpired returns the AccessDenied error of a presigned URL used after
// expires.
func errExpired(expires, now time.Time) *osserr.Error {
	return errAccessDenied(ecRequestExpired, "Request has expired.").
		With("Expires", ossTime(expires)).
		With("ServerTime", ossTime(now)).
		WithHeader("Date", now.UTC().Format(http.TimeFormat))
}

// errNotYetValid returns the error of a V4 presigned URL whose x-oss-date is
// more than MaxClockSkew after now.
func errNotYetValid(signed, now time.Time) *osserr.Error {
	return errAccessDenied(ecV4RequestNotYetValid, "Request is not valid yet: the x-oss-date of the presigned URL is later than the server time.").
		With("RequestTime", ossTime(signed)).
		With("ServerTime", ossTime(now)).
		WithHeader("Date", now.UTC().Format(http.TimeFormat))
}
