package ramapi

import (
	"context"
	"net/http"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/ram"
)

// Accounts.

// requireAdmin allows only the root identity of the admin account, the one
// the server bootstrapped, to manage accounts.
func (h *handler) requireAdmin(r *http.Request, c *call, action string) error {
	p, err := h.authorize(r, c, action, ownResource("*"))
	if err != nil {
		return err
	}
	if admin := h.svc.AdminAccountID(); admin == "" || !p.IsRoot(admin) {
		return &ram.Error{Code: ram.CodeNoPermission, Status: http.StatusForbidden,
			Message: "Only the root identity of the admin account " + admin + " may call " + action + "."}
	}
	return nil
}

func (h *handler) CreateAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	var in CreateAccountInput
	if err := decodeOptional(c, &in); err != nil {
		return err
	}
	if err := h.requireAdmin(r, c, "ossfc:CreateAccount"); err != nil {
		return err
	}
	a, key, err := h.svc.CreateAccount(r.Context(), in.AccountName)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, CreateAccountOutput{RequestID: c.requestID, Account: a, AccessKey: key})
}

func (h *handler) ListAccounts(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := h.requireAdmin(r, c, "ossfc:ListAccounts"); err != nil {
		return err
	}
	as, err := h.svc.ListAccounts(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListAccountsOutput{RequestID: c.requestID, Accounts: as})
}

// UpdateAccount enables or disables an account. Only the admin account's
// root may call it, and it cannot disable the admin account itself, since
// that root is the only identity able to enable it again.
func (h *handler) UpdateAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	var in UpdateAccountInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := h.requireAdmin(r, c, "ossfc:UpdateAccount"); err != nil {
		return err
	}
	id := r.PathValue("AccountId")
	if id == h.svc.AdminAccountID() && in.Status == meta.StatusInactive {
		return &ram.Error{Code: "InvalidParameter.AccountId", Status: http.StatusBadRequest,
			Message: "The admin account " + id + " cannot be disabled: its root identity is the only one that can enable accounts again."}
	}
	if err := h.svc.SetAccountStatus(r.Context(), id, in.Status); err != nil {
		return err
	}
	a, err := h.svc.GetAccount(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AccountOutput{RequestID: c.requestID, Account: a})
}

// Users.

func (h *handler) CreateUser(w http.ResponseWriter, r *http.Request, c *call) error {
	var in CreateUserInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "ram:CreateUser", ownResource("user/"+in.UserName))
	if err != nil {
		return err
	}
	u, err := h.svc.CreateUser(r.Context(), p.AccountID,
		ram.UserInput{UserName: in.UserName, DisplayName: in.DisplayName, Comments: in.Comments})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, UserOutput{RequestID: c.requestID, User: u})
}

func (h *handler) ListUsers(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := h.authorize(r, c, "ram:ListUsers", ownResource("user/*"))
	if err != nil {
		return err
	}
	us, err := h.svc.ListUsers(r.Context(), p.AccountID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListUsersOutput{RequestID: c.requestID, Users: us})
}

func (h *handler) GetUser(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("UserName")
	p, err := h.authorize(r, c, "ram:GetUser", ownResource("user/"+name))
	if err != nil {
		return err
	}
	u, err := h.svc.GetUser(r.Context(), p.AccountID, name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, UserOutput{RequestID: c.requestID, User: u})
}

func (h *handler) DeleteUser(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("UserName")
	p, err := h.authorize(r, c, "ram:DeleteUser", ownResource("user/"+name))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteUser(r.Context(), p.AccountID, name); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

func (h *handler) ListPoliciesForUser(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("UserName")
	p, err := h.authorize(r, c, "ram:ListPoliciesForUser", ownResource("user/"+name))
	if err != nil {
		return err
	}
	ps, err := h.svc.ListAttachedPolicies(r.Context(), p.AccountID, meta.PrincipalUser, name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListAttachedPoliciesOutput{RequestID: c.requestID, Policies: ps})
}

// Access keys.

// keyOwnerResource returns the user name that key calls act on and the
// resource to authorize: the named user, or else the caller's own identity.
// Temporary credentials have no keys of their own, so they must name a user.
func keyOwnerResource(p *ram.Principal, userName string) (string, string, error) {
	if userName != "" {
		return userName, ownResource("user/" + userName), nil
	}
	switch p.Type {
	case ram.PrincipalRAMUser:
		return p.UserName, ownResource("user/" + p.UserName), nil
	case ram.PrincipalAccount:
		return "", ownResource("root"), nil
	}
	return "", "", &ram.Error{Code: "InvalidParameter.UserName", Status: http.StatusBadRequest,
		Message: "Temporary credentials have no access keys of their own; set UserName."}
}

// authorizeKeyCall authorizes action on the keys of the user userName, or
// of the caller's own identity when userName is "". In that case the caller
// is first identified through sts:GetCallerIdentity, which every
// authenticated identity may call, and then authorized on its own resource.
func (h *handler) authorizeKeyCall(r *http.Request, c *call, action, userName string) (*ram.Principal, string, error) {
	if userName != "" {
		p, err := h.authorize(r, c, action, ownResource("user/"+userName))
		return p, userName, err
	}
	p, err := h.authorize(r, c, "sts:GetCallerIdentity", "*")
	if err != nil {
		return nil, "", err
	}
	owner, resource, err := keyOwnerResource(p, "")
	if err != nil {
		return nil, "", err
	}
	if err := h.svc.Authorize(r.Context(), p, action, arnInAccount(resource, p.AccountID)); err != nil {
		return nil, "", err
	}
	return p, owner, nil
}

func (h *handler) CreateAccessKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var in CreateAccessKeyInput
	if err := decodeOptional(c, &in); err != nil {
		return err
	}
	p, owner, err := h.authorizeKeyCall(r, c, "ram:CreateAccessKey", in.UserName)
	if err != nil {
		return err
	}
	k, err := h.svc.CreateAccessKey(r.Context(), p.AccountID, owner)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AccessKeyOutput{RequestID: c.requestID, AccessKey: k})
}

func (h *handler) ListAccessKeys(w http.ResponseWriter, r *http.Request, c *call) error {
	p, owner, err := h.authorizeKeyCall(r, c, "ram:ListAccessKeys", r.URL.Query().Get("UserName"))
	if err != nil {
		return err
	}
	ks, err := h.svc.ListAccessKeys(r.Context(), p.AccountID, owner)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListAccessKeysOutput{RequestID: c.requestID, AccessKeys: ks})
}

func (h *handler) UpdateAccessKey(w http.ResponseWriter, r *http.Request, c *call) error {
	var in UpdateAccessKeyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, owner, err := h.authorizeKeyCall(r, c, "ram:UpdateAccessKey", in.UserName)
	if err != nil {
		return err
	}
	if err := h.svc.UpdateAccessKeyStatus(r.Context(), p.AccountID, owner, r.PathValue("AccessKeyId"), in.Status); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

func (h *handler) DeleteAccessKey(w http.ResponseWriter, r *http.Request, c *call) error {
	p, owner, err := h.authorizeKeyCall(r, c, "ram:DeleteAccessKey", r.URL.Query().Get("UserName"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteAccessKey(r.Context(), p.AccountID, owner, r.PathValue("AccessKeyId")); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

// Roles.

func (h *handler) CreateRole(w http.ResponseWriter, r *http.Request, c *call) error {
	var in CreateRoleInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "ram:CreateRole", ownResource("role/"+in.RoleName))
	if err != nil {
		return err
	}
	role, err := h.svc.CreateRole(r.Context(), p.AccountID, ram.RoleInput{RoleName: in.RoleName,
		Description: in.Description, AssumeRolePolicyDocument: in.AssumeRolePolicyDocument,
		MaxSessionDuration: in.MaxSessionDuration})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, RoleOutput{RequestID: c.requestID, Role: role})
}

func (h *handler) ListRoles(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := h.authorize(r, c, "ram:ListRoles", ownResource("role/*"))
	if err != nil {
		return err
	}
	roles, err := h.svc.ListRoles(r.Context(), p.AccountID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListRolesOutput{RequestID: c.requestID, Roles: roles})
}

func (h *handler) GetRole(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("RoleName")
	p, err := h.authorize(r, c, "ram:GetRole", ownResource("role/"+name))
	if err != nil {
		return err
	}
	role, err := h.svc.GetRole(r.Context(), p.AccountID, name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, RoleOutput{RequestID: c.requestID, Role: role})
}

func (h *handler) UpdateRole(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("RoleName")
	var in UpdateRoleInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "ram:UpdateRole", ownResource("role/"+name))
	if err != nil {
		return err
	}
	role, err := h.svc.UpdateRole(r.Context(), p.AccountID, name, ram.RoleUpdate{
		NewAssumeRolePolicyDocument: in.NewAssumeRolePolicyDocument,
		NewMaxSessionDuration:       in.NewMaxSessionDuration,
		NewDescription:              in.NewDescription,
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, RoleOutput{RequestID: c.requestID, Role: role})
}

func (h *handler) DeleteRole(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("RoleName")
	p, err := h.authorize(r, c, "ram:DeleteRole", ownResource("role/"+name))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteRole(r.Context(), p.AccountID, name); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

func (h *handler) ListPoliciesForRole(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("RoleName")
	p, err := h.authorize(r, c, "ram:ListPoliciesForRole", ownResource("role/"+name))
	if err != nil {
		return err
	}
	ps, err := h.svc.ListAttachedPolicies(r.Context(), p.AccountID, meta.PrincipalRole, name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListAttachedPoliciesOutput{RequestID: c.requestID, Policies: ps})
}

// Policies.

func (h *handler) CreatePolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	var in CreatePolicyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "ram:CreatePolicy", ownResource("policy/"+in.PolicyName))
	if err != nil {
		return err
	}
	pol, err := h.svc.CreatePolicy(r.Context(), p.AccountID, ram.PolicyInput{PolicyName: in.PolicyName,
		Description: in.Description, PolicyDocument: in.PolicyDocument})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, PolicyOutput{RequestID: c.requestID, Policy: pol})
}

func (h *handler) ListPolicies(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := h.authorize(r, c, "ram:ListPolicies", ownResource("policy/*"))
	if err != nil {
		return err
	}
	ps, err := h.svc.ListPolicies(r.Context(), p.AccountID, r.URL.Query().Get("PolicyType"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListPoliciesOutput{RequestID: c.requestID, Policies: ps})
}

func (h *handler) GetPolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("PolicyName")
	p, err := h.authorize(r, c, "ram:GetPolicy", ownResource("policy/"+name))
	if err != nil {
		return err
	}
	pol, err := h.svc.GetPolicy(r.Context(), p.AccountID, r.URL.Query().Get("PolicyType"), name)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, PolicyOutput{RequestID: c.requestID, Policy: pol})
}

func (h *handler) UpdatePolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("PolicyName")
	var in UpdatePolicyInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "ram:CreatePolicyVersion", ownResource("policy/"+name))
	if err != nil {
		return err
	}
	pol, err := h.svc.UpdatePolicy(r.Context(), p.AccountID, name, in.PolicyDocument, in.Description)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, PolicyOutput{RequestID: c.requestID, Policy: pol})
}

func (h *handler) DeletePolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	name := r.PathValue("PolicyName")
	p, err := h.authorize(r, c, "ram:DeletePolicy", ownResource("policy/"+name))
	if err != nil {
		return err
	}
	if err := h.svc.DeletePolicy(r.Context(), p.AccountID, name); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

// attachment reads an attach or detach body: the principal type and name,
// and the RAM action for it.
func attachment(c *call, userAction, roleAction string) (in AttachPolicyInput, principalType, name, action, resource string, err error) {
	if err = decode(c, &in); err != nil {
		return
	}
	switch {
	case in.UserName != "" && in.RoleName == "":
		return in, meta.PrincipalUser, in.UserName, userAction, ownResource("user/" + in.UserName), nil
	case in.RoleName != "" && in.UserName == "":
		return in, meta.PrincipalRole, in.RoleName, roleAction, ownResource("role/" + in.RoleName), nil
	}
	err = &ram.Error{Code: "InvalidParameter.Principal", Status: http.StatusBadRequest,
		Message: "Set exactly one of UserName and RoleName."}
	return
}

func (h *handler) AttachPolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.attachOrDetach(w, r, c, "ram:AttachPolicyToUser", "ram:AttachPolicyToRole", h.svc.AttachPolicy)
}

func (h *handler) DetachPolicy(w http.ResponseWriter, r *http.Request, c *call) error {
	return h.attachOrDetach(w, r, c, "ram:DetachPolicyFromUser", "ram:DetachPolicyFromRole", h.svc.DetachPolicy)
}

func (h *handler) attachOrDetach(w http.ResponseWriter, r *http.Request, c *call, userAction, roleAction string,
	apply func(ctx context.Context, accountID, policyType, policyName, principalType, principalName string) error) error {
	in, principalType, name, action, resource, err := attachment(c, userAction, roleAction)
	if err != nil {
		return err
	}
	p, err := h.authorize(r, c, action, resource)
	if err != nil {
		return err
	}
	policyType := in.PolicyType
	if policyType == "" {
		policyType = meta.PolicyCustom
	}
	if err := apply(r.Context(), p.AccountID, policyType, r.PathValue("PolicyName"), principalType, name); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, struct {
		RequestID string `json:"RequestId"`
	}{c.requestID})
}

// STS and quick authorization.

func (h *handler) AssumeRole(w http.ResponseWriter, r *http.Request, c *call) error {
	var in AssumeRoleInput
	if err := decode(c, &in); err != nil {
		return err
	}
	p, err := h.authorize(r, c, "sts:AssumeRole", in.RoleArn)
	if err != nil {
		return err
	}
	res, err := h.svc.AssumeRole(r.Context(), p, ram.AssumeRoleInput{RoleArn: in.RoleArn,
		RoleSessionName: in.RoleSessionName, Policy: in.Policy, DurationSeconds: in.DurationSeconds})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, AssumeRoleOutput{RequestID: c.requestID, Credentials: res.Credentials,
		AssumedRoleUser: res.AssumedRoleUser})
}

func (h *handler) GetCallerIdentity(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := h.authorize(r, c, "sts:GetCallerIdentity", "*")
	if err != nil {
		return err
	}
	out := CallerIdentityOutput{RequestID: c.requestID, AccountID: p.AccountID, Arn: p.ARN}
	switch p.Type {
	case ram.PrincipalAccount:
		out.IdentityType, out.PrincipalID = "Account", p.AccountID
	case ram.PrincipalRAMUser:
		out.IdentityType, out.PrincipalID, out.UserID = "RAMUser", p.UserID, p.UserID
	case ram.PrincipalAssumedRole:
		out.IdentityType, out.PrincipalID, out.RoleID = "AssumedRoleUser", p.RoleID+":"+p.SessionName, p.RoleID
	}
	return writeJSON(w, http.StatusOK, out)
}

func (h *handler) QuickAuthorize(w http.ResponseWriter, r *http.Request, c *call) error {
	p, err := h.authorize(r, c, "ram:CreateRole", ownResource("role/"+ram.FCDefaultRole))
	if err != nil {
		return err
	}
	// Quick authorization creates two roles and attaches a policy to each,
	// so the caller needs those permissions on both roles.
	for _, role := range []string{ram.FCDefaultRole, ram.OSSObjectFCRole} {
		for _, action := range []string{"ram:CreateRole", "ram:AttachPolicyToRole"} {
			if err := h.svc.Authorize(r.Context(), p, action, arn.Role(p.AccountID, role)); err != nil {
				return err
			}
		}
	}
	roles, err := h.svc.QuickAuthorize(r.Context(), p.AccountID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ListRolesOutput{RequestID: c.requestID, Roles: roles})
}

// arnInAccount replaces the "*" account segment of an own-account resource
// with accountID.
func arnInAccount(resource, accountID string) string {
	const prefix = "acs:ram::*:"
	if len(resource) > len(prefix) && resource[:len(prefix)] == prefix {
		return "acs:ram::" + accountID + ":" + resource[len(prefix):]
	}
	return resource
}
