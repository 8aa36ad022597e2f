package ram

import (
	"time"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/policy"
)

// PrincipalType is the kind of identity that signed a request.
type PrincipalType string

// The principal types, named as STS GetCallerIdentity names them.
const (
	PrincipalAccount     PrincipalType = "Account"     // the account's root identity
	PrincipalRAMUser     PrincipalType = "RAMUser"     // a RAM user with a long-term key
	PrincipalAssumedRole PrincipalType = "AssumedRole" // temporary credentials of a role session
)

// Principal is the authenticated identity behind a request.
type Principal struct {
	Type      PrincipalType
	AccountID string

	// UserID and UserName are set for PrincipalRAMUser.
	UserID   string
	UserName string

	// RoleID, RoleName and SessionName are set for PrincipalAssumedRole.
	// RoleName keeps the case the role was created with.
	RoleID      string
	RoleName    string
	SessionName string

	// ARN is acs:ram::<uid>:root, acs:ram::<uid>:user/<name> or
	// acs:ram::<uid>:assumed-role/<role>/<session>.
	ARN string

	// AccessKeyID is the key that signed the request; "STS." keys are
	// temporary.
	AccessKeyID string

	// SessionPolicy narrows what a role session may do; nil when the
	// session has none. Package authz applies it.
	SessionPolicy *policy.Policy

	// Service is the service principal that assumed the role, such as
	// "fc.aliyuncs.com" for function credentials. It is empty for long-term
	// keys and for sessions that a RAM identity assumed.
	Service string

	// Expiration is when temporary credentials expire; zero for long-term
	// keys.
	Expiration time.Time
}

// PolicyPrincipal returns p in the form policy evaluation expects.
func (p *Principal) PolicyPrincipal() policy.Principal {
	out := policy.Principal{AccountID: p.AccountID, ARN: p.ARN}
	switch p.Type {
	case PrincipalAccount:
		out.ID = p.AccountID
	case PrincipalRAMUser:
		out.ID = p.UserID
	case PrincipalAssumedRole:
		out.ID = p.RoleID
	}
	return out
}

// IsRoot reports whether p is the root identity of account accountID.
func (p *Principal) IsRoot(accountID string) bool {
	return p.Type == PrincipalAccount && p.AccountID == accountID
}

// String returns the ARN of p, for messages.
func (p *Principal) String() string { return p.ARN }

func userARN(accountID, name string) string { return arn.User(accountID, name) }
func roleARN(accountID, name string) string { return arn.Role(accountID, name) }
