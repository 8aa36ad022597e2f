package auth

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// parseAuthorization parses the Authorization header value of a request whose
// other headers are h.
func parseAuthorization(value string, h http.Header) (*Signature, error) {
	scheme, rest, _ := strings.Cut(value, " ")
	rest = strings.TrimLeft(rest, " ")
	switch scheme {
	case "OSS":
		return parseHeaderV1(rest, h)
	case algorithmV4:
		return parseHeaderV4(rest, h)
	case "OSS2", "AWS", "AWS4-HMAC-SHA256":
		return nil, errInvalidArgument(ecV1FormatInvalid,
			"Authorization header is invalid: signature scheme "+strconv.Quote(scheme)+" is not supported; sign requests with V4 (OSS4-HMAC-SHA256) or V1 (OSS).")
	default:
		return nil, errInvalidArgument(ecV1FormatInvalid,
			`Authorization header is invalid: it must start with "OSS4-HMAC-SHA256 " or "OSS ".`)
	}
}

// parseHeaderV1 parses "<AccessKeyId>:<Signature>", the part of a V1
// Authorization header after "OSS ".
func parseHeaderV1(credential string, h http.Header) (*Signature, error) {
	accessKeyID, signature, found := strings.Cut(credential, ":")
	if !found {
		return nil, errInvalidArgument(ecV1FormatInvalid,
			`Authorization header is invalid: expected "OSS <AccessKeyId>:<Signature>".`)
	}
	if !validAccessKeyID(accessKeyID) {
		return nil, errInvalidArgument(ecV1AccessKeyIDInvalid,
			"Authorization header is invalid: the AccessKeyId is empty or contains a character outside printable ASCII.")
	}
	if signature == "" {
		return nil, errInvalidArgument(ecV1SignatureMissing,
			"Authorization header is invalid: the signature after the colon is empty.")
	}

	s := &Signature{
		Version:       V1,
		AccessKeyID:   accessKeyID,
		SecurityToken: h.Get(headerSecurityToken),
		provided:      signature,
		dateLine:      h.Get(headerDate),
		ossDateV1:     h.Get(headerOSSDate),
	}

	// x-oss-date, when present, is the signing time; the Date line of the
	// string to sign is still the Date header.
	switch {
	case s.ossDateV1 != "":
		t, ok := parseHTTPOrISOTime(s.ossDateV1)
		if !ok {
			return nil, errDateMissing("The x-oss-date header is not an RFC 1123 or ISO 8601 (yyyymmddTHHMMSSZ) time.")
		}
		s.Time = t
	case s.dateLine != "":
		t, err := http.ParseTime(s.dateLine)
		if err != nil {
			return nil, errDateMissing("The Date header is not an RFC 1123 time such as \"Tue, 20 Dec 2022 08:48:18 GMT\".")
		}
		s.Time = t
	default:
		return nil, errDateMissing("The request has neither a Date nor an x-oss-date header.")
	}
	return s, nil
}

// parseHeaderV4 parses the comma-separated fields of a V4 Authorization
// header after "OSS4-HMAC-SHA256 ". Fields may be separated by "," or ", ".
func parseHeaderV4(fields string, h http.Header) (*Signature, error) {
	values := map[string]string{}
	for _, field := range strings.Split(fields, ",") {
		field = strings.TrimSpace(field)
		name, value, found := strings.Cut(field, "=")
		if !found {
			return nil, errInvalidArgument(ecV4FormatInvalid,
				"Authorization header is invalid: each field must be Name=Value, separated by commas.")
		}
		switch name {
		case "Credential", "AdditionalHeaders", "Signature":
		default:
			return nil, errInvalidArgument(ecV4FormatInvalid,
				"Authorization header is invalid: unknown field "+strconv.Quote(truncate(name, 64))+"; the fields are Credential, AdditionalHeaders and Signature.")
		}
		if _, dup := values[name]; dup {
			return nil, errInvalidArgument(ecV4FormatInvalid,
				"Authorization header is invalid: field "+name+" appears more than once.")
		}
		values[name] = value
	}
	credential, ok := values["Credential"]
	if !ok {
		return nil, errInvalidArgument(ecV4FormatInvalid, "Authorization header is invalid: the Credential field is missing.")
	}
	signature, ok := values["Signature"]
	if !ok {
		return nil, errInvalidArgument(ecV4FormatInvalid, "Authorization header is invalid: the Signature field is missing.")
	}

	s := &Signature{Version: V4, SecurityToken: h.Get(headerSecurityToken)}
	if err := s.setCredential(credential); err != nil {
		return nil, err
	}
	if err := s.setSignatureV4(signature); err != nil {
		return nil, err
	}
	if list, ok := values["AdditionalHeaders"]; ok {
		if err := s.setAdditionalHeaders(list); err != nil {
			return nil, err
		}
	}
	if err := s.setDateV4(h.Get(headerOSSDate), "x-oss-date header"); err != nil {
		return nil, err
	}
	if err := s.setPayloadHash(h); err != nil {
		return nil, err
	}
	return s, nil
}

// parsePresignedV1 parses the OSSAccessKeyId, Expires, Signature and
// security-token query parameters of a V1 presigned URL.
func parsePresignedV1(params []queryParam) (*Signature, error) {
	accessKeyID, _ := lookupQuery(params, queryV1AccessKeyID)
	if !validAccessKeyID(accessKeyID) {
		return nil, errInvalidArgument(ecV1AccessKeyIDInvalid,
			"The OSSAccessKeyId parameter of the presigned URL is missing, empty or contains a character outside printable ASCII.")
	}
	signature, _ := lookupQuery(params, queryV1Signature)
	if signature == "" {
		return nil, errInvalidArgument(ecV1SignatureMissing, "The Signature parameter of the presigned URL is missing or empty.")
	}
	expires, present := lookupQuery(params, queryV1Expires)
	seconds, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return nil, errExpires(queryV1Expires, expires, present)
	}
	token, _ := lookupQuery(params, queryV1SecurityToken)

	return &Signature{
		Version:       V1,
		Presigned:     true,
		AccessKeyID:   accessKeyID,
		SecurityToken: token,
		Expires:       time.Unix(seconds, 0).UTC(),
		provided:      signature,
		dateLine:      expires,
	}, nil
}

// parsePresignedV4 parses the x-oss-* signature query parameters of a V4
// presigned URL; h supplies the x-oss-content-sha256 header, if any.
func parsePresignedV4(params []queryParam, h http.Header) (*Signature, error) {
	version, _ := lookupQuery(params, queryV4Version)
	if version != algorithmV4 {
		return nil, errInvalidArgument(ecV4FormatInvalid,
			"The x-oss-signature-version parameter of the presigned URL must be OSS4-HMAC-SHA256; got "+strconv.Quote(truncate(version, 64))+".")
	}
	token, _ := lookupQuery(params, queryV4SecurityToken)
	s := &Signature{Version: V4, Presigned: true, SecurityToken: token}

	credential, ok := lookupQuery(params, queryV4Credential)
	if !ok {
		return nil, errInvalidArgument(ecV4CredentialInvalid, "The x-oss-credential parameter of the presigned URL is missing.")
	}
	if err := s.setCredential(credential); err != nil {
		return nil, err
	}
	signature, ok := lookupQuery(params, queryV4Signature)
	if !ok {
		return nil, errInvalidArgument(ecV4FormatInvalid, "The x-oss-signature parameter of the presigned URL is missing.")
	}
	if err := s.setSignatureV4(signature); err != nil {
		return nil, err
	}
	if list, ok := lookupQuery(params, queryV4AdditionalHeaders); ok {
		if err := s.setAdditionalHeaders(list); err != nil {
			return nil, err
		}
	}
	date, _ := lookupQuery(params, queryV4Date)
	if err := s.setDateV4(date, "x-oss-date parameter"); err != nil {
		return nil, err
	}

	expires, present := lookupQuery(params, queryV4Expires)
	seconds, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return nil, errExpires(queryV4Expires, expires, present)
	}
	if seconds < 1 || seconds > maxPresignedV4ExpiresIn {
		return nil, errAccessDenied(ecV4ExpiresOutOfRange,
			"The x-oss-expires parameter of the presigned URL must be between 1 and 604800 seconds; got "+strconv.FormatInt(seconds, 10)+".")
	}
	s.Expires = s.Time.Add(time.Duration(seconds) * time.Second)

	if err := s.setPayloadHash(h); err != nil {
		return nil, err
	}
	return s, nil
}

// setCredential parses "<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request".
func (s *Signature) setCredential(credential string) *osserr.Error {
	const format = "<AccessKeyId>/<yyyymmdd>/<region>/oss/aliyun_v4_request"
	parts := strings.Split(credential, "/")
	if len(parts) != 5 {
		return errInvalidArgument(ecV4CredentialInvalid, "The V4 Credential is invalid: expected "+format+".")
	}
	if !validAccessKeyID(parts[0]) {
		return errInvalidArgument(ecV4AccessKeyIDInvalid,
			"The AccessKeyId of the V4 Credential is empty or contains a character outside printable ASCII.")
	}
	if _, err := time.Parse("20060102", parts[1]); err != nil || len(parts[1]) != 8 {
		return errInvalidArgument(ecV4CredentialInvalid, "The date of the V4 Credential must be yyyymmdd; got "+strconv.Quote(truncate(parts[1], 16))+".")
	}
	if parts[2] == "" || !isToken(parts[2]) {
		return errInvalidArgument(ecV4CredentialInvalid, "The region of the V4 Credential is empty or invalid.")
	}
	if parts[3] != "oss" {
		return errInvalidArgument(ecV4CredentialInvalid, "The product of the V4 Credential must be oss; got "+strconv.Quote(truncate(parts[3], 32))+".")
	}
	if parts[4] != scopeTerminator {
		return errInvalidArgument(ecV4CredentialInvalid, "The V4 Credential must end with /aliyun_v4_request.")
	}
	s.AccessKeyID, s.scopeDate, s.Region, s.product = parts[0], parts[1], parts[2], parts[3]
	return nil
}

// setSignatureV4 checks that signature is 64 hex digits and stores it in lower case.
func (s *Signature) setSignatureV4(signature string) *osserr.Error {
	if !isHex(signature, 64) {
		return errInvalidArgument(ecV4FormatInvalid, "The V4 signature must be 64 hexadecimal digits.")
	}
	s.provided = strings.ToLower(signature)
	return nil
}

// setAdditionalHeaders parses a ';'-separated list of header names.
func (s *Signature) setAdditionalHeaders(list string) *osserr.Error {
	for _, name := range strings.Split(list, ";") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || !isToken(name) {
			return errInvalidArgument(ecV4FormatInvalid,
				"The V4 AdditionalHeaders list is invalid: it must be header names separated by ';'.")
		}
		s.additionalHeaders = append(s.additionalHeaders, name)
	}
	return nil
}

// setDateV4 parses the x-oss-date value and checks it against the scope date.
// where names the header or parameter it came from.
func (s *Signature) setDateV4(date, where string) *osserr.Error {
	t, err := time.Parse(iso8601Basic, date)
	if err != nil {
		return errDateMissing("The " + where + " is missing or is not an ISO 8601 time such as 20231216T162057Z.")
	}
	if date[:8] != s.scopeDate {
		return errInvalidArgument(ecV4CredentialInvalid,
			"The date of the V4 Credential ("+s.scopeDate+") is not the date of the "+where+" ("+date[:8]+").")
	}
	s.ossDate, s.Time = date, t
	return nil
}

// setPayloadHash reads x-oss-content-sha256: UNSIGNED-PAYLOAD, absent, or the
// hex SHA-256 of the body.
func (s *Signature) setPayloadHash(h http.Header) *osserr.Error {
	value := h.Get(headerContentSHA256)
	switch {
	case value == "" || value == unsignedPayload:
		return nil
	case isHex(value, 64):
		s.payloadHash = strings.ToLower(value)
		return nil
	default:
		return errInvalidArgument(ecV4ContentSHA256,
			"The x-oss-content-sha256 header must be UNSIGNED-PAYLOAD or the hexadecimal SHA-256 of the body.")
	}
}

// parseHTTPOrISOTime parses an HTTP date or an ISO 8601 basic time.
func parseHTTPOrISOTime(value string) (time.Time, bool) {
	if t, err := http.ParseTime(value); err == nil {
		return t, true
	}
	if t, err := time.Parse(iso8601Basic, value); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// validAccessKeyID reports whether id is non-empty printable ASCII without
// spaces, the only form OSS issues.
func validAccessKeyID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP token (RFC 9110): the form of header
// names, and of region names.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			continue
		}
		if !strings.ContainsRune("!#$%&'*+^`|", rune(c)) {
			return false
		}
	}
	return s != ""
}

// isHex reports whether s is exactly n hexadecimal digits.
func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n bytes for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
