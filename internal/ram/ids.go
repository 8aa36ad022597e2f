package ram

import "crypto/rand"

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

// randomString returns n characters drawn uniformly from alphabet, which
// has 1 to 256 characters. Random bytes at or above the largest multiple of
// len(alphabet) are skipped, so that every character is equally likely.
// Drawing one byte per character, instead of one big.Int, keeps minting the
// two sets of temporary credentials of every transformed GetObject cheap.
func randomString(alphabet string, n int) string {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	var buf [64]byte
	for len(out) < n {
		rand.Read(buf[:]) // since Go 1.24, crypto/rand crashes the program instead of returning an error
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
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
