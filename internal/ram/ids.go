package ram

import (
	"crypto/rand"
	"math/big"
)

const (
	digits       = "0123456789"
	alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// Formats of generated identifiers, modelled on Alibaba Cloud's: account
// UIDs and RAM user ids are 16 digits, role ids 19 digits, AccessKeyIds are
// "LTAI" and 20 letters or digits, temporary AccessKeyIds "STS." and 25.
const (
	accountIDLength       = 16
	userIDLength          = 16
	roleIDLength          = 19
	accessKeyIDPrefix     = "LTAI"
	accessKeyIDLength     = 20 // after the prefix
	accessKeySecretLength = 30
	stsAccessKeyPrefix    = "STS."
	stsAccessKeyLength    = 25 // after the prefix
	stsSecretLength       = 44
)

// randomString returns n characters drawn uniformly from alphabet.
func randomString(alphabet string, n int) string {
	out := make([]byte, n)
	limit := big.NewInt(int64(len(alphabet)))
	for i := range out {
		v, err := rand.Int(rand.Reader, limit)
		if err != nil {
			panic("crypto/rand failed: " + err.Error()) // unreachable: since Go 1.24 crypto/rand crashes instead of returning an error
		}
		out[i] = alphabet[v.Int64()]
	}
	return string(out)
}

// numericID returns n digits whose first is not zero.
func numericID(n int) string {
	return randomString(digits[1:], 1) + randomString(digits, n-1)
}

func newAccountID() string { return numericID(accountIDLength) }
func newUserID() string    { return numericID(userIDLength) }
func newRoleID() string    { return numericID(roleIDLength) }

func newAccessKeyID() string {
	return accessKeyIDPrefix + randomString(alphanumeric, accessKeyIDLength)
}
func newAccessKeySecret() string {
	return randomString(alphanumeric, accessKeySecretLength)
}

func newSTSAccessKeyID() string {
	return stsAccessKeyPrefix + randomString(alphanumeric, stsAccessKeyLength)
}
func newSTSSecret() string { return randomString(alphanumeric, stsSecretLength) }

// isAccountID reports whether s has the form of an account UID: 16 digits.
func isAccountID(s string) bool {
	if len(s) != accountIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
