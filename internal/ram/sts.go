package ram

import (
	"context"
	"fmt"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/policy"
)

// Durations of temporary credentials.
const (
	// DefaultSessionDuration is the DurationSeconds of AssumeRole when the
	// request has none.
	DefaultSessionDuration = time.Hour

	// MinSessionDuration is the smallest DurationSeconds AssumeRole accepts.
	MinSessionDuration = 15 * time.Minute

	// chainedSessionLimit caps sessions obtained with the credentials of
	// another role session, as STS does for role chaining.
	chainedSessionLimit = time.Hour

	// MaxServiceSessionDuration is the longest session AssumeRoleForService
	// issues: Function Compute's credentials last 36 hours in the cloud.
	MaxServiceSessionDuration = 36 * time.Hour
)

// Credentials are temporary credentials, as STS returns them.
type Credentials struct {
	AccessKeyID     string    `json:"AccessKeyId"`
	AccessKeySecret string    `json:"AccessKeySecret"`
	SecurityToken   string    `json:"SecurityToken"`
	Expiration      time.Time `json:"Expiration"`
}

// AssumedRoleUser names a role session, as STS returns it.
type AssumedRoleUser struct {
	Arn           string `json:"Arn"`
	AssumedRoleID string `json:"AssumedRoleId"` // <role id>:<session name>
}

// AssumeRoleResult is the result of AssumeRole and AssumeRoleForService.
type AssumeRoleResult struct {
	Credentials     Credentials     `json:"Credentials"`
	AssumedRoleUser AssumedRoleUser `json:"AssumedRoleUser"`

	// Principal is the session as Authenticate will return it, for callers
	// that authorize on the session's behalf at once.
	Principal *Principal `json:"-"`
}

// AssumeRoleInput holds the parameters of AssumeRole, named as in STS.
type AssumeRoleInput struct {
	RoleArn         string
	RoleSessionName string
	Policy          string // session policy; empty for none
	DurationSeconds int    // 0 means 3600
}

// AssumeRole issues temporary credentials of a role to caller. The role's
// trust policy must allow caller, and caller must be allowed sts:AssumeRole
// on the role's ARN by its identity policies, unless caller is the root
// identity of an account.
//
// NOTE: STS rejects AssumeRole from an account's root identity. ossfc
// accepts it, so that a fresh server can mint temporary credentials with
// its root key alone.
func (s *Service) AssumeRole(ctx context.Context, caller *Principal, in AssumeRoleInput) (*AssumeRoleResult, error) {
	target, err := arn.ParseRAM(in.RoleArn)
	if err != nil || target.Kind != arn.RAMRole {
		return nil, invalidParameter("RoleArn", "The RoleArn %q is invalid: use acs:ram::<account id>:role/<role name>.", in.RoleArn)
	}
	if err := checkSessionName(in.RoleSessionName); err != nil {
		return nil, err
	}
	sessionPolicy, err := s.checkSessionPolicy(in.Policy)
	if err != nil {
		return nil, err
	}
	role, err := s.store.GetRole(ctx, target.AccountID, target.Name)
	if err != nil {
		return nil, storeError(err, roleNotExist(in.RoleArn), nil)
	}

	// The session may last from 15 minutes to the role's maximum, and at
	// most an hour when the caller is itself a role session.
	limit := time.Duration(role.MaxSessionDuration) * time.Second
	if caller.Type == PrincipalAssumedRole {
		limit = min(limit, chainedSessionLimit)
	}
	duration := DefaultSessionDuration
	if in.DurationSeconds != 0 {
		duration = time.Duration(in.DurationSeconds) * time.Second
	}
	if duration < MinSessionDuration || duration > limit {
		return nil, invalidParameter("DurationSeconds", "The DurationSeconds %d is invalid: use %d to %d seconds for role %s.",
			in.DurationSeconds, int(MinSessionDuration.Seconds()), int(limit.Seconds()), role.Name)
	}

	// The caller needs permission to call AssumeRole on this role, and the
	// role must trust the caller.
	roleArn := roleARN(role.AccountID, role.Name)
	if caller.Type != PrincipalAccount {
		if err := s.Authorize(ctx, caller, "sts:AssumeRole", roleArn); err != nil {
			return nil, err
		}
	}
	if err := s.checkTrust(role, caller.PolicyPrincipal()); err != nil {
		return nil, noPermission("You are not authorized to assume role %s: its trust policy does not allow %s.",
			roleArn, caller.ARN)
	}

	sess := &session{AccountID: role.AccountID, RoleID: role.ID, RoleName: role.Name,
		SessionName: in.RoleSessionName, Policy: in.Policy}
	sess.SourceAccountID = caller.AccountID
	switch caller.Type {
	case PrincipalRAMUser:
		sess.SourceKeyID, sess.SourceUserID, sess.SourceUserName = caller.AccessKeyID, caller.UserID, caller.UserName
	case PrincipalAccount:
		sess.SourceKeyID = caller.AccessKeyID
	case PrincipalAssumedRole:
		sess.SourceRoleID, sess.SourceRoleName = caller.RoleID, caller.RoleName
	}
	return s.issue(sess, duration, sessionPolicy)
}

// AssumeRoleForService issues temporary credentials of the role roleARN of
// account accountID to ossfc itself, acting as service: Function Compute
// ("fc.aliyuncs.com") assumes a function's role, and OSS
// ("oss.aliyuncs.com") the role that invokes the function of an Object FC
// Access Point. The role's trust policy must allow the service. A zero ttl
// means one hour; sessionPolicy, when not empty, narrows the session as in
// AssumeRole. Role names in roleARN are matched without regard to case.
func (s *Service) AssumeRoleForService(ctx context.Context, accountID, roleARN, service, sessionName string,
	ttl time.Duration, sessionPolicy string) (*AssumeRoleResult, error) {
	target, err := arn.ParseRAM(roleARN)
	if err != nil || target.Kind != arn.RAMRole {
		return nil, invalidParameter("RoleArn", "The RoleArn %q is invalid: use acs:ram::<account id>:role/<role name>.", roleARN)
	}
	if target.AccountID != accountID {
		return nil, noPermission("The role %s belongs to another account than %s, so %s cannot assume it for that account.",
			roleARN, accountID, service)
	}
	if service == "" {
		return nil, invalidParameter("Service", "The service principal is empty.")
	}
	if err := checkSessionName(sessionName); err != nil {
		return nil, err
	}
	if ttl == 0 {
		ttl = DefaultSessionDuration
	}
	if ttl < time.Second || ttl > MaxServiceSessionDuration {
		return nil, invalidParameter("DurationSeconds", "The session duration %v is invalid: use 1 second to %v.",
			ttl, MaxServiceSessionDuration)
	}
	parsedPolicy, err := s.checkSessionPolicy(sessionPolicy)
	if err != nil {
		return nil, err
	}

	role, err := s.store.GetRole(ctx, accountID, target.Name)
	if err != nil {
		return nil, storeError(err, notExist("Role", "The role %s does not exist; create it, for example with quick authorization.", roleARN), nil)
	}
	if err := s.checkTrust(role, policy.Principal{AccountID: accountID, Service: service}); err != nil {
		return nil, noPermission("The trust policy of role %s does not allow the service %s to assume it.",
			roleARN, service)
	}

	sess := &session{AccountID: accountID, RoleID: role.ID, RoleName: role.Name, SessionName: sessionName,
		Policy: sessionPolicy, Service: service}
	return s.issue(sess, ttl, parsedPolicy)
}

// checkSessionPolicy parses a session policy; "" means none.
func (s *Service) checkSessionPolicy(doc string) (*policy.Policy, error) {
	if doc == "" {
		return nil, nil
	}
	p, err := s.parsePolicy([]byte(doc), policy.Identity)
	if err != nil {
		return nil, invalidParameter("PolicyGrammar", "The session Policy is invalid: %s", policyErrorText(err))
	}
	return p, nil
}

// checkTrust returns an error unless the role's trust policy allows caller
// to call sts:AssumeRole.
func (s *Service) checkTrust(role *meta.Role, caller policy.Principal) error {
	trust, err := s.parsePolicy(role.AssumeRolePolicyDocument, policy.Trust)
	if err != nil {
		return fmt.Errorf("trust policy of role %s: %w", role.Name, err)
	}
	req := &policy.Request{Action: "sts:AssumeRole", Resource: roleARN(role.AccountID, role.Name), Principal: caller,
		Context: policy.Context{CurrentTime: s.now()}}
	if trust.Evaluate(req) != policy.Allow {
		return fmt.Errorf("trust policy of role %s does not allow the caller", role.Name)
	}
	return nil
}

// issue mints the credentials of sess, valid for duration from now, rounded
// down to whole seconds as STS reports expirations.
func (s *Service) issue(sess *session, duration time.Duration, sessionPolicy *policy.Policy) (*AssumeRoleResult, error) {
	now := s.now()
	expiration := now.Add(duration).UTC().Truncate(time.Second)
	sess.IssuedAt = now.Unix()
	sess.Expiration = expiration.Unix()
	sess.Secret = newSTSSecret()

	keyID := newSTSAccessKeyID()
	token, err := s.encodeToken(keyID, sess)
	if err != nil {
		return nil, internal(err)
	}
	p := sessionPrincipal(keyID, sess, sessionPolicy)
	return &AssumeRoleResult{
		Credentials: Credentials{AccessKeyID: keyID, AccessKeySecret: sess.Secret, SecurityToken: token,
			Expiration: expiration},
		AssumedRoleUser: AssumedRoleUser{Arn: p.ARN, AssumedRoleID: sess.RoleID + ":" + sess.SessionName},
		Principal:       p,
	}, nil
}

func sessionPrincipal(keyID string, sess *session, sessionPolicy *policy.Policy) *Principal {
	return &Principal{
		Type:          PrincipalAssumedRole,
		AccountID:     sess.AccountID,
		RoleID:        sess.RoleID,
		RoleName:      sess.RoleName,
		SessionName:   sess.SessionName,
		ARN:           arn.AssumedRole(sess.AccountID, sess.RoleName, sess.SessionName),
		AccessKeyID:   keyID,
		SessionPolicy: sessionPolicy,
		Service:       sess.Service,
		Expiration:    time.Unix(sess.Expiration, 0).UTC(),
	}
}
