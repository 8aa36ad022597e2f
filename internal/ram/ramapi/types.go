package ramapi

import "github.com/ossfc/ossfc/internal/ram"

// Request bodies and responses of the admin API. Every response carries
// the RequestId of the call.

// ErrorBody is the body of every error response.
type ErrorBody struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	RequestID string `json:"RequestId"`
}

// CreateAccountInput is the body of POST /accounts.
type CreateAccountInput struct {
	AccountName string `json:"AccountName,omitempty"`
}

// CreateAccountOutput returns the new account and its root access key,
// whose secret is shown only here.
type CreateAccountOutput struct {
	RequestID string         `json:"RequestId"`
	Account   *ram.Account   `json:"Account"`
	AccessKey *ram.AccessKey `json:"AccessKey"`
}

// ListAccountsOutput is the response of GET /accounts.
type ListAccountsOutput struct {
	RequestID string         `json:"RequestId"`
	Accounts  []*ram.Account `json:"Accounts"`
}

// UpdateAccountInput is the body of PUT /accounts/{AccountId}.
type UpdateAccountInput struct {
	Status string `json:"Status"` // Active or Inactive
}

// AccountOutput is the response of PUT /accounts/{AccountId}.
type AccountOutput struct {
	RequestID string       `json:"RequestId"`
	Account   *ram.Account `json:"Account"`
}

// CreateUserInput is the body of POST /users.
type CreateUserInput struct {
	UserName    string `json:"UserName"`
	DisplayName string `json:"DisplayName,omitempty"`
	Comments    string `json:"Comments,omitempty"`
}

// UserOutput is the response of the calls that return one user.
type UserOutput struct {
	RequestID string    `json:"RequestId"`
	User      *ram.User `json:"User"`
}

// ListUsersOutput is the response of GET /users.
type ListUsersOutput struct {
	RequestID string      `json:"RequestId"`
	Users     []*ram.User `json:"Users"`
}

// CreateAccessKeyInput is the body of POST /access-keys. An empty UserName
// means the caller's own identity: the account's root identity, or the
// calling RAM user.
type CreateAccessKeyInput struct {
	UserName string `json:"UserName,omitempty"`
}

// AccessKeyOutput returns a new access key; its secret is shown only here.
type AccessKeyOutput struct {
	RequestID string         `json:"RequestId"`
	AccessKey *ram.AccessKey `json:"AccessKey"`
}

// ListAccessKeysOutput is the response of GET /access-keys.
type ListAccessKeysOutput struct {
	RequestID  string           `json:"RequestId"`
	AccessKeys []*ram.AccessKey `json:"AccessKeys"`
}

// UpdateAccessKeyInput is the body of PUT /access-keys/{AccessKeyId}.
type UpdateAccessKeyInput struct {
	UserName string `json:"UserName,omitempty"`
	Status   string `json:"Status"` // Active or Inactive
}

// CreateRoleInput is the body of POST /roles.
type CreateRoleInput struct {
	RoleName                 string `json:"RoleName"`
	Description              string `json:"Description,omitempty"`
	AssumeRolePolicyDocument string `json:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int    `json:"MaxSessionDuration,omitempty"`
}

// UpdateRoleInput is the body of PUT /roles/{RoleName}; absent fields stay
// as they are.
type UpdateRoleInput struct {
	NewAssumeRolePolicyDocument *string `json:"NewAssumeRolePolicyDocument,omitempty"`
	NewMaxSessionDuration       *int    `json:"NewMaxSessionDuration,omitempty"`
	NewDescription              *string `json:"NewDescription,omitempty"`
}

// RoleOutput is the response of the calls that return one role.
type RoleOutput struct {
	RequestID string    `json:"RequestId"`
	Role      *ram.Role `json:"Role"`
}

// ListRolesOutput is the response of GET /roles and POST /quick-authorize.
type ListRolesOutput struct {
	RequestID string      `json:"RequestId"`
	Roles     []*ram.Role `json:"Roles"`
}

// CreatePolicyInput is the body of POST /policies.
type CreatePolicyInput struct {
	PolicyName     string `json:"PolicyName"`
	Description    string `json:"Description,omitempty"`
	PolicyDocument string `json:"PolicyDocument"`
}

// UpdatePolicyInput is the body of PUT /policies/{PolicyName}.
type UpdatePolicyInput struct {
	PolicyDocument string  `json:"PolicyDocument"`
	Description    *string `json:"Description,omitempty"`
}

// PolicyOutput is the response of the calls that return one policy.
type PolicyOutput struct {
	RequestID string      `json:"RequestId"`
	Policy    *ram.Policy `json:"Policy"`
}

// ListPoliciesOutput is the response of GET /policies.
type ListPoliciesOutput struct {
	RequestID string        `json:"RequestId"`
	Policies  []*ram.Policy `json:"Policies"`
}

// AttachPolicyInput is the body of POST /policies/{PolicyName}/attach and
// .../detach. Exactly one of UserName and RoleName is set; PolicyType
// "" means Custom.
type AttachPolicyInput struct {
	PolicyType string `json:"PolicyType,omitempty"`
	UserName   string `json:"UserName,omitempty"`
	RoleName   string `json:"RoleName,omitempty"`
}

// ListAttachedPoliciesOutput is the response of GET /users/{UserName}/policies
// and GET /roles/{RoleName}/policies.
type ListAttachedPoliciesOutput struct {
	RequestID string                `json:"RequestId"`
	Policies  []*ram.AttachedPolicy `json:"Policies"`
}

// AssumeRoleInput is the body of POST /sts/assume-role.
type AssumeRoleInput struct {
	RoleArn         string `json:"RoleArn"`
	RoleSessionName string `json:"RoleSessionName"`
	Policy          string `json:"Policy,omitempty"`
	DurationSeconds int    `json:"DurationSeconds,omitempty"`
}

// AssumeRoleOutput is the response of POST /sts/assume-role.
type AssumeRoleOutput struct {
	RequestID       string              `json:"RequestId"`
	Credentials     ram.Credentials     `json:"Credentials"`
	AssumedRoleUser ram.AssumedRoleUser `json:"AssumedRoleUser"`
}

// CallerIdentityOutput is the response of GET /sts/caller-identity, named
// as STS GetCallerIdentity names its fields.
type CallerIdentityOutput struct {
	RequestID    string `json:"RequestId"`
	AccountID    string `json:"AccountId"`
	Arn          string `json:"Arn"`
	IdentityType string `json:"IdentityType"` // Account, RAMUser or AssumedRoleUser
	PrincipalID  string `json:"PrincipalId"`
	UserID       string `json:"UserId,omitempty"`
	RoleID       string `json:"RoleId,omitempty"`
}
