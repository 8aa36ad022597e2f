package fc

import (
	"encoding/base64"
	"errors"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
)

// Sealer encrypts small secrets for storage. purpose binds a sealed value
// to its use, so that a value copied elsewhere does not open.
type Sealer interface {
	Seal(plain []byte, purpose string) []byte
	Open(sealed []byte, purpose string) ([]byte, error)
}

// sealedTokenPrefix marks a stored bearer token that Config.Secrets sealed.
const sealedTokenPrefix = "sealed:"

func httpTokenPurpose(accountID, function string) string {
	return "fc/http-bearer-token/" + accountID + "/" + function
}

// sealHTTPToken replaces the plain bearer token in c with its sealed form,
// when the service has a Sealer and the token is set.
func (s *Service) sealHTTPToken(accountID, function string, c *meta.FunctionConfig) {
	if s.cfg.Secrets == nil || c.HTTPToken == "" {
		return
	}
	sealed := s.cfg.Secrets.Seal([]byte(c.HTTPToken), httpTokenPurpose(accountID, function))
	c.HTTPToken = sealedTokenPrefix + base64.StdEncoding.EncodeToString(sealed)
}

// httpToken returns the plain bearer token of a function's stored config.
func (s *Service) httpToken(accountID, function, stored string) (string, error) {
	encoded, ok := strings.CutPrefix(stored, sealedTokenPrefix)
	if !ok {
		return stored, nil
	}
	if s.cfg.Secrets == nil {
		return "", errors.New("the bearer token is encrypted, but the service has no key to decrypt it; start the service with Config.Secrets")
	}
	sealed, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", errors.New("the stored bearer token is damaged; deploy the function again with its bearer token")
	}
	plain, err := s.cfg.Secrets.Open(sealed, httpTokenPurpose(accountID, function))
	if err != nil {
		return "", errors.New("the stored bearer token cannot be decrypted with this server's key; deploy the function again with its bearer token")
	}
	return string(plain), nil
}
