package auth

import (
	"net/url"
	"sort"
	"strings"
)

// queryParam is one key=value pair of a raw query string, in wire order.
type queryParam struct {
	rawKey, rawValue string // as sent, still percent-encoded
	key, value       string // decoded; "+" decodes to a space
	hasValue         bool   // the pair contained "="

	// decoded is false when the key or value has a bad percent escape; key
	// and value then hold the raw text.
	decoded bool

	// valid is false when the pair has a ';' or a bad percent escape. Such
	// pairs are dropped by net/url's query parser, and so by the V1 signers
	// that use it.
	valid bool
}

// parseQuery splits raw on '&' and decodes each pair. It never fails: pairs it
// cannot decode keep their raw text and are marked invalid.
func parseQuery(raw string) []queryParam {
	var params []queryParam
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}

		p := queryParam{decoded: true}
		p.rawKey, p.rawValue, p.hasValue = strings.Cut(pair, "=")
		var errKey, errValue error
		p.key, errKey = url.QueryUnescape(p.rawKey)
		p.value, errValue = url.QueryUnescape(p.rawValue)
		if errKey != nil || errValue != nil {
			p.key, p.value, p.decoded = p.rawKey, p.rawValue, false
		}
		p.valid = p.decoded && !strings.Contains(pair, ";")
		params = append(params, p)
	}
	return params
}

// lookupQuery returns the decoded value of the first pair named key.
func lookupQuery(params []queryParam, key string) (value string, ok bool) {
	for _, p := range params {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

// isUnreserved reports whether c is an RFC 3986 unreserved character, the
// only bytes that OSS signers leave unescaped.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// escapeRFC3986 percent-encodes every byte of s except unreserved characters,
// with upper-case hex digits. When keepSlash is set, '/' is also kept, as in
// the V4 canonical URI.
func escapeRFC3986(s string, keepSlash bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) || keepSlash && c == '/' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// canonicalPair is one encoded entry of a V4 canonical query string.
type canonicalPair struct{ key, value string }

// joinCanonicalPairs writes pairs as "k=v" (or "k" when v is empty) joined by '&'.
func joinCanonicalPairs(pairs []canonicalPair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.key)
		if p.value != "" {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// canonicalQueryV4 returns the V4 canonical query strings that a client may
// have signed for params, most likely first, leaving out the pair named skip
// (x-oss-signature for presigned URLs) unless skip is empty.
//
// The first is the normal form: each key and value decoded and re-encoded as
// RFC 3986 with space as %20, sorted by encoded key, so that any equivalent
// percent-encoding the client used ("%7E" for "~", lower-case hex) verifies.
// When the query repeats a key, the same pairs sorted by key and then value
// follow. The last is the Go SDK's own computation over the raw query (it
// turns '+' into %20 and keeps the last value of a repeated key for every
// occurrence), for clients that signed the text they sent.
func canonicalQueryV4(params []queryParam, skip string) []string {
	var pairs, raw []canonicalPair
	rawValues := map[string]string{}
	repeated := false
	seen := map[string]bool{}
	for _, p := range params {
		if skip != "" && p.key == skip {
			continue
		}
		key := escapeRFC3986(p.key, false)
		if seen[key] {
			repeated = true
		}
		seen[key] = true
		if p.decoded {
			pairs = append(pairs, canonicalPair{key, escapeRFC3986(p.value, false)})
		} else {
			pairs = append(pairs, canonicalPair{plusToSpace(p.rawKey), plusToSpace(p.rawValue)})
		}

		rawKey := plusToSpace(p.rawKey)
		raw = append(raw, canonicalPair{key: rawKey})
		rawValues[rawKey] = plusToSpace(p.rawValue)
	}

	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].key < pairs[j].key })
	candidates := []string{joinCanonicalPairs(pairs)}

	if repeated {
		byValue := append([]canonicalPair(nil), pairs...)
		sort.SliceStable(byValue, func(i, j int) bool {
			if byValue[i].key != byValue[j].key {
				return byValue[i].key < byValue[j].key
			}
			return byValue[i].value < byValue[j].value
		})
		candidates = appendUnique(candidates, joinCanonicalPairs(byValue))
	}

	sort.SliceStable(raw, func(i, j int) bool { return raw[i].key < raw[j].key })
	for i := range raw {
		raw[i].value = rawValues[raw[i].key]
	}
	return appendUnique(candidates, joinCanonicalPairs(raw))
}

// plusToSpace rewrites '+' as "%20", the space encoding V4 signs.
func plusToSpace(s string) string {
	return strings.ReplaceAll(s, "+", "%20")
}

// appendUnique appends s to list unless list already contains it.
func appendUnique(list []string, s string) []string {
	for _, v := range list {
		if v == s {
			return list
		}
	}
	return append(list, s)
}
