package ram

import (
	"strings"
	"testing"
)

func TestRandomStringUsesWholeAlphabet(t *testing.T) {
	tests := []struct {
		name     string
		alphabet string
		n        int
	}{
		{"alphanumeric", alphanumeric, 44},
		{"digits", digits, 19},
		{"nonzero digits", digits[1:], 1},
		{"one character", "x", 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[rune]int{}
			for range 2000 {
				s := randomString(tc.alphabet, tc.n)
				if len(s) != tc.n {
					t.Fatalf("randomString returned %q, want %d characters", s, tc.n)
				}
				for _, c := range s {
					if !strings.ContainsRune(tc.alphabet, c) {
						t.Fatalf("randomString returned %q, with %q outside the alphabet", s, c)
					}
					seen[c]++
				}
			}
			// Every case draws at least 2,000 characters from at most 62,
			// so each character is expected 32 times or more. One never
			// drawn means a broken generator: a working one misses a
			// character with a chance below 1e-12.
			for _, c := range tc.alphabet {
				if seen[c] == 0 {
					t.Errorf("character %q never drawn", c)
				}
			}
		})
	}
}

func TestGeneratedIDFormats(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		prefix string
		length int
	}{
		{"account", newAccountID(), "", accountIDLength},
		{"role", newRoleID(), "", roleIDLength},
		{"access key", newAccessKeyID(), accessKeyIDPrefix, len(accessKeyIDPrefix) + accessKeyIDLength},
		{"STS access key", newSTSAccessKeyID(), stsAccessKeyPrefix, len(stsAccessKeyPrefix) + stsAccessKeyLength},
		{"STS secret", newSTSSecret(), "", stsSecretLength},
	}
	for _, tc := range tests {
		if len(tc.id) != tc.length || !strings.HasPrefix(tc.id, tc.prefix) {
			t.Errorf("%s id %q: want %d characters starting with %q", tc.name, tc.id, tc.length, tc.prefix)
		}
	}
	if id := newAccountID(); id[0] == '0' || !isAccountID(id) {
		t.Errorf("account id %q is not 16 digits without a leading zero", id)
	}
}
