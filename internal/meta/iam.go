package meta

import (
	"context"
	"time"
)

// Status values of accounts and access keys, spelled as RAM spells them.
const (
	StatusActive   = "Active"
	StatusInactive = "Inactive"
)

// Principal types that policies are attached to.
const (
	PrincipalUser = "User"
	PrincipalRole = "Role"
)

// Policy types. Custom policies are stored per account; System policies are
// built into the ram package and only referenced by attachments.
const (
	PolicyCustom = "Custom"
	PolicySystem = "System"
)

// Account is one Alibaba Cloud account (tenant) of the deployment.
type Account struct {
	ID        string // 16-digit UID
	Name      string // display name; may be empty
	Status    string // StatusActive or StatusInactive
	CreatedAt time.Time
}

// User is a RAM user. Its Name is unique within the account.
type User struct {
	AccountID   string
	ID          string // 16-digit user id, unique in the deployment
	Name        string // UserName
	DisplayName string
	Comments    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AccessKey is a long-term access key of a RAM user or of an account's root
// identity. The store receives the secret sealed and never the plain text.
type AccessKey struct {
	ID        string // AccessKeyId, unique in the deployment
	AccountID string
	UserID    string // "" for a key of the account's root identity
	Status    string // StatusActive or StatusInactive

	// SealedSecret is the AccessKeySecret encrypted by the ram package.
	SealedSecret []byte

	CreatedAt time.Time
}

// Role is a RAM role. Role names are unique within an account without regard
// to case, as RAM matches them, and the stored Name keeps the case it was
// created with.
type Role struct {
	AccountID   string
	ID          string // role id, unique in the deployment
	Name        string
	Description string

	// AssumeRolePolicyDocument is the trust policy, stored exactly as sent.
	AssumeRolePolicyDocument []byte

	MaxSessionDuration int // seconds
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Policy is a custom policy of an account.
type Policy struct {
	AccountID   string
	Name        string // PolicyName, unique within the account
	Description string

	// Document is the policy text, stored exactly as sent.
	Document []byte

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Attachment links a policy to a RAM user or role. PrincipalID is the user or
// role id, so a principal deleted and created again under the same name does
// not inherit the old attachments.
type Attachment struct {
	AccountID     string
	PolicyType    string // PolicyCustom or PolicySystem
	PolicyName    string
	PrincipalType string // PrincipalUser or PrincipalRole
	PrincipalID   string
	AttachDate    time.Time
}

// IAMStore holds accounts, RAM users, access keys, roles, custom policies and
// their attachments. Names passed to lookups are matched exactly, except role
// names, which are matched without regard to case.
type IAMStore interface {
	// CreateAccount adds a, or returns ErrExists when the id is taken.
	CreateAccount(ctx context.Context, a *Account) error

	// GetAccount returns the account with id, or ErrNotFound.
	GetAccount(ctx context.Context, id string) (*Account, error)

	// ListAccounts returns every account in id order.
	ListAccounts(ctx context.Context) ([]*Account, error)

	// UpdateAccount applies fn to the stored account inside one transaction
	// and saves the result; fn's error aborts the update and is returned as
	// is. The id cannot change.
	UpdateAccount(ctx context.Context, id string, fn func(*Account) error) error

	// CreateUser adds u. It returns ErrNotFound when the account does not
	// exist and ErrExists when the account has a user with that name or the
	// id is taken.
	CreateUser(ctx context.Context, u *User) error

	// GetUser returns the user named name in accountID, or ErrNotFound.
	GetUser(ctx context.Context, accountID, name string) (*User, error)

	// GetUserByID returns the user of accountID with id, or ErrNotFound.
	GetUserByID(ctx context.Context, accountID, id string) (*User, error)

	// ListUsers returns the users of accountID in name order.
	ListUsers(ctx context.Context, accountID string) ([]*User, error)

	// DeleteUser removes the user together with its access keys and policy
	// attachments, so that nothing can authenticate as it afterwards. It
	// returns ErrNotFound for an unknown user.
	DeleteUser(ctx context.Context, accountID, name string) error

	// CreateAccessKey adds k. Check, when not nil, runs inside the write
	// transaction with the keys that the owner already has (the user, or
	// the root identity when UserID is ""). An error from check aborts the
	// creation and is returned unchanged, so callers enforce a per-owner
	// limit with it. CreateAccessKey returns ErrExists when the id is taken
	// and ErrNotFound when the account or the user does not exist.
	CreateAccessKey(ctx context.Context, k *AccessKey, check func(existing []*AccessKey) error) error

	// GetAccessKey returns the key with id, or ErrNotFound.
	GetAccessKey(ctx context.Context, id string) (*AccessKey, error)

	// ListAccessKeys returns the keys of one owner in creation order:
	// the user with userID, or the root identity when userID is "".
	ListAccessKeys(ctx context.Context, accountID, userID string) ([]*AccessKey, error)

	// UpdateAccessKey applies fn to the stored key inside one transaction
	// and saves its Status and SealedSecret. An error from fn aborts the
	// update and is returned as is.
	UpdateAccessKey(ctx context.Context, id string, fn func(*AccessKey) error) error

	// DeleteAccessKey removes the key, or returns ErrNotFound.
	DeleteAccessKey(ctx context.Context, id string) error

	// CreateRole adds r. It returns ErrNotFound when the account does not
	// exist and ErrExists when the account has a role whose name equals
	// r.Name without regard to case, or the id is taken.
	CreateRole(ctx context.Context, r *Role) error

	// GetRole returns the role of accountID whose name equals name without
	// regard to case, or ErrNotFound.
	GetRole(ctx context.Context, accountID, name string) (*Role, error)

	// ListRoles returns the roles of accountID in name order.
	ListRoles(ctx context.Context, accountID string) ([]*Role, error)

	// UpdateRole applies fn to the stored role inside one transaction and
	// saves its Description, AssumeRolePolicyDocument, MaxSessionDuration
	// and UpdatedAt. An error from fn aborts the update and is returned as
	// is.
	UpdateRole(ctx context.Context, accountID, name string, fn func(*Role) error) error

	// DeleteRole removes the role and its policy attachments, or returns
	// ErrNotFound.
	DeleteRole(ctx context.Context, accountID, name string) error

	// CreatePolicy adds the custom policy p. It returns ErrNotFound when the
	// account does not exist and ErrExists when the name is taken.
	CreatePolicy(ctx context.Context, p *Policy) error

	// GetPolicy returns the custom policy named name, or ErrNotFound.
	GetPolicy(ctx context.Context, accountID, name string) (*Policy, error)

	// ListPolicies returns the custom policies of accountID in name order.
	ListPolicies(ctx context.Context, accountID string) ([]*Policy, error)

	// UpdatePolicy applies fn to the stored policy inside one transaction
	// and saves its Description, Document and UpdatedAt. An error from fn
	// aborts the update and is returned as is.
	UpdatePolicy(ctx context.Context, accountID, name string, fn func(*Policy) error) error

	// DeletePolicy removes the custom policy. It returns ErrNotFound for an
	// unknown policy and ErrNotEmpty while the policy is attached to any
	// user or role.
	DeletePolicy(ctx context.Context, accountID, name string) error

	// Attach records a. It returns ErrExists when the same policy is already
	// attached to the principal, and ErrNotFound when the principal or, for
	// a custom policy, the policy does not exist.
	Attach(ctx context.Context, a *Attachment) error

	// Detach removes the attachment, or returns ErrNotFound.
	Detach(ctx context.Context, a *Attachment) error

	// ListAttachments returns the attachments of one principal, in policy
	// type and name order.
	ListAttachments(ctx context.Context, accountID, principalType, principalID string) ([]*Attachment, error)

	// ListPolicyAttachments returns the attachments of one policy, in
	// principal type and id order.
	ListPolicyAttachments(ctx context.Context, accountID, policyType, policyName string) ([]*Attachment, error)
}
