package ram

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// EC values of authentication failures, from the OSS error code pages.
const (
	ecSTSKeyWithoutToken = "0002-00000003" // an STS AccessKeyId sent without its security token
	ecTokenWithLongKey   = "0002-00000002" // a security token sent with a long-term AccessKeyId
	ecAccessKeyDisabled  = "0002-00000903"
)

// IsTemporaryAccessKeyID reports whether id names temporary credentials.
func IsTemporaryAccessKeyID(id string) bool { return strings.HasPrefix(id, stsAccessKeyPrefix) }

// Authenticate finds the identity behind a request signed with accessKeyID
// (and securityToken, for temporary credentials) at time now, and returns it
// with the secret to verify the signature with. The secret must never be
// logged.
//
// Failures are *osserr.Error values with the codes OSS returns. An unknown
// or disabled key gives InvalidAccessKeyId. A token that is malformed,
// forged or sent with the wrong AccessKeyId gives InvalidSecurityToken, and
// so does a token whose role, user or access key is gone. An expired session
// gives SecurityTokenExpired, and any credential of a disabled account gives
// UserDisable. No failure message contains the secret or the token.
func (s *Service) Authenticate(ctx context.Context, accessKeyID, securityToken string, now time.Time) (*Principal, string, error) {
	if IsTemporaryAccessKeyID(accessKeyID) {
		return s.authenticateSession(ctx, accessKeyID, securityToken, now)
	}
	if securityToken != "" {
		return nil, "", osserr.New(osserr.InvalidAccessKeyID,
			"The OSS Access Key Id you provided does not exist in our records. A security token was sent with a long-term AccessKeyId; send it only with temporary credentials.").
			WithEC(ecTokenWithLongKey).With("OSSAccessKeyId", accessKeyID)
	}

	k, err := s.store.GetAccessKey(ctx, accessKeyID)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, "", osserr.New(osserr.InvalidAccessKeyID, "").With("OSSAccessKeyId", accessKeyID)
	}
	if err != nil {
		return nil, "", osserr.Internal(err)
	}
	if k.Status != meta.StatusActive {
		return nil, "", osserr.New(osserr.InvalidAccessKeyID, "The OSS Access Key Id you provided is disabled.").
			WithEC(ecAccessKeyDisabled).With("OSSAccessKeyId", accessKeyID)
	}
	if err := s.checkAccount(ctx, k.AccountID); err != nil {
		return nil, "", err
	}
	secret, err := s.openSecret(k)
	if err != nil {
		return nil, "", osserr.Internal(errors.New("the secret of access key " + k.ID + " does not open with the key in " + KeyFileName))
	}

	p := &Principal{AccountID: k.AccountID, AccessKeyID: k.ID}
	if k.UserID == "" {
		p.Type = PrincipalAccount
		p.ARN = arn.Root(k.AccountID)
		return p, secret, nil
	}
	u, err := s.store.GetUserByID(ctx, k.AccountID, k.UserID)
	if errors.Is(err, meta.ErrNotFound) {
		// The user was deleted between the two reads; its keys are gone.
		return nil, "", osserr.New(osserr.InvalidAccessKeyID, "").With("OSSAccessKeyId", accessKeyID)
	}
	if err != nil {
		return nil, "", osserr.Internal(err)
	}
	p.Type = PrincipalRAMUser
	p.UserID, p.UserName = u.ID, u.Name
	p.ARN = userARN(u.AccountID, u.Name)
	return p, secret, nil
}

// authenticateSession verifies temporary credentials: the token must open
// for accessKeyID, the session must not have expired, and everything it
// rests on must still hold.
func (s *Service) authenticateSession(ctx context.Context, accessKeyID, token string, now time.Time) (*Principal, string, error) {
	if token == "" {
		return nil, "", osserr.New(osserr.InvalidAccessKeyID,
			"The OSS Access Key Id you provided does not exist in our records. The security token is missing, and temporary AccessKeyIds need one.").
			WithEC(ecSTSKeyWithoutToken).With("OSSAccessKeyId", accessKeyID)
	}
	sess, err := decodeToken(s.sealer, accessKeyID, token)
	if err != nil {
		return nil, "", osserr.New(osserr.InvalidSecurityToken, "")
	}
	if now.Unix() >= sess.Expiration {
		return nil, "", osserr.New(osserr.SecurityTokenExpired, "")
	}
	if err := s.checkAccount(ctx, sess.AccountID); err != nil {
		return nil, "", err
	}
	if err := s.checkSessionBasis(ctx, sess); err != nil {
		return nil, "", err
	}

	p := sessionPrincipal(accessKeyID, sess, nil)
	if sess.Policy != "" {
		parsed, err := s.parsePolicy([]byte(sess.Policy), policy.Identity)
		if err != nil {
			// The policy parsed when the session was issued, so only a
			// stricter parser gets here; reject rather than drop the limit.
			return nil, "", osserr.New(osserr.InvalidSecurityToken, "")
		}
		p.SessionPolicy = parsed
	}
	return p, sess.Secret, nil
}

// checkSessionBasis checks that the role of the session, and the identity
// that assumed it, still exist unchanged. A deleted or recreated role, a
// deleted user, a deleted or disabled access key, or a deleted source role
// ends the session.
func (s *Service) checkSessionBasis(ctx context.Context, sess *session) error {
	revoked := func(what string) error {
		return osserr.New(osserr.InvalidSecurityToken, "The security token you provided is invalid: "+what+".")
	}

	role, err := s.store.GetRole(ctx, sess.AccountID, sess.RoleName)
	if errors.Is(err, meta.ErrNotFound) || (err == nil && role.ID != sess.RoleID) {
		return revoked("the role " + sess.RoleName + " of the session was deleted")
	}
	if err != nil {
		return osserr.Internal(err)
	}

	if sess.SourceKeyID != "" {
		k, err := s.store.GetAccessKey(ctx, sess.SourceKeyID)
		if errors.Is(err, meta.ErrNotFound) || (err == nil && k.Status != meta.StatusActive) {
			return revoked("the access key that assumed the role was deleted or disabled")
		}
		if err != nil {
			return osserr.Internal(err)
		}
	}
	if sess.SourceUserID != "" {
		_, err := s.store.GetUserByID(ctx, sess.SourceAccountID, sess.SourceUserID)
		if errors.Is(err, meta.ErrNotFound) {
			return revoked("the user that assumed the role was deleted")
		}
		if err != nil {
			return osserr.Internal(err)
		}
	}
	if sess.SourceRoleID != "" {
		src, err := s.store.GetRole(ctx, sess.SourceAccountID, sess.SourceRoleName)
		if errors.Is(err, meta.ErrNotFound) || (err == nil && src.ID != sess.SourceRoleID) {
			return revoked("the role whose session assumed this role was deleted")
		}
		if err != nil {
			return osserr.Internal(err)
		}
	}
	return nil
}

// checkAccount rejects credentials of a missing or disabled account.
func (s *Service) checkAccount(ctx context.Context, accountID string) error {
	a, err := s.store.GetAccount(ctx, accountID)
	if errors.Is(err, meta.ErrNotFound) {
		return osserr.New(osserr.InvalidAccessKeyID, "")
	}
	if err != nil {
		return osserr.Internal(err)
	}
	if a.Status != meta.StatusActive {
		return osserr.New(osserr.UserDisable, "")
	}
	return nil
}
