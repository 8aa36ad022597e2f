package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
)

// isDefaultSignedV4 reports whether V4 signs the header named lower without
// it being listed in AdditionalHeaders.
func isDefaultSignedV4(lower string) bool {
	return strings.HasPrefix(lower, "x-oss-") || lower == "content-type" || lower == "content-md5"
}

// canonicalHeadersV4 returns the canonical headers of r: every x-oss-*,
// Content-Type and Content-MD5 header, plus each header named in additional,
// as "name:value\n" lines sorted by name. The listed header "host" is the Host
// of the request. missing names the listed headers that r lacks. With redact,
// the x-oss-security-token value is replaced by a placeholder.
func canonicalHeadersV4(r *http.Request, additional []string, redact bool) (block string, missing []string) {
	listed := map[string]bool{}
	for _, name := range additional {
		listed[name] = true
	}

	values := map[string][]string{}
	var names []string
	for name, vs := range r.Header {
		lower := strings.ToLower(name)
		if lower == "host" || !isDefaultSignedV4(lower) && !listed[lower] {
			continue
		}
		if _, seen := values[lower]; !seen {
			names = append(names, lower)
		}
		values[lower] = append(values[lower], vs...)
	}
	if listed["host"] && r.Host != "" {
		names = append(names, "host")
		values["host"] = []string{r.Host}
	}
	for _, name := range additional {
		if _, ok := values[name]; !ok && !isDefaultSignedV4(name) {
			missing = append(missing, name)
		}
	}
	sort.Strings(names)

	var b strings.Builder
	for _, name := range names {
		value := joinTrimmed(values[name])
		if redact && name == headerSecurityToken {
			value = redactedSecurityToken
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(value)
		b.WriteByte('\n')
	}
	return b.String(), missing
}

// canonicalRequestV4 assembles the V4 canonical request.
func canonicalRequestV4(method, uri, query, headers string, additional []string, payload string) string {
	return method + "\n" + uri + "\n" + query + "\n" + headers + "\n" + strings.Join(additional, ";") + "\n" + payload
}

// hashedPayloadV4 returns the x-oss-content-sha256 header as sent, or
// UNSIGNED-PAYLOAD when the request has none.
func hashedPayloadV4(h http.Header) string {
	if v := h.Get(headerContentSHA256); v != "" {
		return v
	}
	return unsignedPayload
}

// scopeV4 returns "<yyyymmdd>/<region>/<product>/aliyun_v4_request".
func (s *Signature) scopeV4() string {
	return s.scopeDate + "/" + s.Region + "/" + s.product + "/" + scopeTerminator
}

// stringToSignV4 returns the V4 string to sign for canonicalRequest.
func (s *Signature) stringToSignV4(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return algorithmV4 + "\n" + s.ossDate + "\n" + s.scopeV4() + "\n" + hex.EncodeToString(sum[:])
}

// signingKeyV4 derives the V4 signing key from the secret and the scope.
func signingKeyV4(secret, date, region, product string) []byte {
	key := hmacSHA256([]byte("aliyun_v4"+secret), date)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, product)
	return hmacSHA256(key, scopeTerminator)
}

// signV4 returns hex(HMAC-SHA256(signingKey, stringToSign)).
func signV4(signingKey []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(signingKey, stringToSign))
}

func hmacSHA256(key []byte, data string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(data))
	return mac.Sum(nil)
}

// canonicalRequestsV4 returns every canonical request that a client may have
// signed for r, most likely first (see canonicalQueryV4), and the listed
// additional headers that r lacks.
func (s *Signature) canonicalRequestsV4(r *http.Request, t Target, params []queryParam, redact bool) (requests, missing []string) {
	skip := ""
	if s.Presigned {
		skip = queryV4Signature
	}
	if redact {
		params = redactQueryParam(params, queryV4SecurityToken)
	}
	uri := escapeRFC3986(resourcePath(t), true)
	headers, missing := canonicalHeadersV4(r, s.additionalHeaders, redact)
	payload := hashedPayloadV4(r.Header)
	for _, query := range canonicalQueryV4(params, skip) {
		requests = append(requests, canonicalRequestV4(r.Method, uri, query, headers, s.additionalHeaders, payload))
	}
	return requests, missing
}

// redactQueryParam returns a copy of params with the value of key replaced
// by a placeholder.
func redactQueryParam(params []queryParam, key string) []queryParam {
	out := append([]queryParam(nil), params...)
	for i := range out {
		if out[i].key == key && out[i].value != "" {
			out[i].value, out[i].rawValue = redactedSecurityToken, redactedSecurityToken
		}
	}
	return out
}
