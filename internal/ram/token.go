package ram

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
)

// tokenPrefix starts every security token ossfc issues; the number is the
// token format version.
const tokenPrefix = "ossfc1."

// maxTokenLength bounds the tokens decodeToken accepts. A token holds a
// session policy of at most policy.MaxSize (16 KiB) plus about 1 KiB of
// fields, base64-encoded.
const maxTokenLength = 24 << 10

// session is the content of a security token: everything needed to verify a
// request signed with the temporary credentials, and to check at each use
// that what the credentials rest on still holds. Field names are short
// because the token travels in every request.
type session struct {
	Secret      string `json:"sk"`
	AccountID   string `json:"a"`
	RoleID      string `json:"r"`
	RoleName    string `json:"rn"`
	SessionName string `json:"sn"`
	Policy      string `json:"p,omitempty"` // session policy document
	Service     string `json:"svc,omitempty"`

	// The identity that called AssumeRole, when it was not a service: its
	// account, its long-term access key and RAM user, or the role of the
	// session it used.
	SourceAccountID string `json:"sa,omitempty"`
	SourceKeyID     string `json:"sk_id,omitempty"`
	SourceUserID    string `json:"su,omitempty"`
	SourceUserName  string `json:"sun,omitempty"`
	SourceRoleID    string `json:"sr,omitempty"`
	SourceRoleName  string `json:"srn,omitempty"`

	IssuedAt   int64 `json:"iat"` // Unix seconds
	Expiration int64 `json:"exp"` // Unix seconds; the credentials fail from this second on
}

// tokenAAD binds a token to its AccessKeyId, so that a token presented with
// another AccessKeyId does not open.
func tokenAAD(accessKeyID string) string { return "ossfc/security-token/" + accessKeyID }

var errBadToken = errors.New("security token is malformed")

// encodeToken seals s for the temporary AccessKeyId accessKeyID.
func (sv *Service) encodeToken(accessKeyID string, s *session) (string, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(sv.sealer.seal(plain, tokenAAD(accessKeyID))), nil
}

// decodeToken opens a security token sent with accessKeyID. Any token that
// this server's key did not seal for that AccessKeyId, or that was changed,
// fails with errBadToken. The caller reports InvalidSecurityToken without
// revealing which check failed.
func decodeToken(sl *sealer, accessKeyID, token string) (*session, error) {
	body, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok || len(token) > maxTokenLength {
		return nil, errBadToken
	}
	sealed, err := base64.RawURLEncoding.Strict().DecodeString(body)
	if err != nil {
		return nil, errBadToken
	}
	plain, err := sl.open(sealed, tokenAAD(accessKeyID))
	if err != nil {
		return nil, errBadToken
	}
	var s session
	if err := json.Unmarshal(plain, &s); err != nil {
		return nil, errBadToken
	}
	if s.Secret == "" || s.AccountID == "" || s.RoleID == "" || s.RoleName == "" || s.Expiration == 0 {
		return nil, errBadToken
	}
	return &s, nil
}
