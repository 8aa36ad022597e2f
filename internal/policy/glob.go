package policy

import (
	"strings"
	"unicode/utf8"
)

// matchWildcard reports whether s matches pattern, in which '*' matches any
// run of characters, including none, and '?' matches exactly one character.
// Every other byte must be equal, so callers fold case beforehand where the
// comparison ignores it. The match backtracks only to the last '*', which
// bounds the work by len(pattern)*len(s).
func matchWildcard(pattern, s string) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			switch c := pattern[p]; {
			case c == '*':
				starP, starI = p, i
				p++
				continue
			case c == '?':
				_, size := utf8.DecodeRuneInString(s[i:])
				p++
				i += size
				continue
			case c == s[i]:
				p++
				i++
				continue
			}
		}
		if starP < 0 {
			return false
		}

		// Let the last '*' absorb one more character and retry after it.
		_, size := utf8.DecodeRuneInString(s[starI:])
		starI += size
		p, i = starP+1, starI
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// arnFields is the number of colon-separated fields in an ARN:
// acs:<service>:<region>:<account>:<relative-id>.
const arnFields = 5

// resourcePattern is a Resource or NotResource value split into ARN fields.
//
// Fields are matched one by one, so a '*' in the region or account field
// cannot reach into the next field. Without this, "acs:oss:*:1234:b*" would
// match an object of account 5678 whose key contains ":1234:b". The relative
// id may itself contain ':' (object keys can), so it is the fifth field and
// holds the rest of the string. A pattern with fewer fields, such as "*" or
// "acs:oss:*", matches the remainder of the resource with its last field.
type resourcePattern []string

func compileResource(pattern string) resourcePattern {
	return strings.SplitN(pattern, ":", arnFields)
}

func (p resourcePattern) match(resource string) bool {
	fields := strings.SplitN(resource, ":", len(p))
	if len(fields) != len(p) {
		return false
	}
	for i, field := range fields {
		if !matchWildcard(p[i], field) {
			return false
		}
	}
	return true
}
