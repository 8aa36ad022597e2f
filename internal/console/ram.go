package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// ramPrincipal names the user or role a RAM page is about.
type ramPrincipal struct {
	kind string // "user" or "role"
	name string
}

func (p ramPrincipal) page() string { return "/ram/" + p.kind + "s/" + url.PathEscape(p.name) }

func (p ramPrincipal) attachment(policyType string) ramapi.AttachPolicyInput {
	in := ramapi.AttachPolicyInput{PolicyType: policyType}
	if p.kind == "user" {
		in.UserName = p.name
	} else {
		in.RoleName = p.name
	}
	return in
}

// ListUsers shows the account's RAM users and the form to create one.
func (c *Console) ListUsers(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	p := page{Title: "RAM users", Nav: "users"}
	users, err := s.ram.ListUsers(r.Context())
	p.Data = users
	return c.renderResult(w, r, s, "users", p, err)
}

// CreateUser creates a RAM user.
func (c *Console) CreateUser(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	in := ramapi.CreateUserInput{
		UserName:    strings.TrimSpace(r.PostFormValue("userName")),
		DisplayName: strings.TrimSpace(r.PostFormValue("displayName")),
	}
	u, err := s.ram.CreateUser(r.Context(), in)
	if err != nil {
		c.redirectError(w, r, s, "/ram/users", err)
		return nil
	}
	redirect(w, r, s, "/ram/users/"+url.PathEscape(u.UserName), "User "+u.UserName+" created. Create an access key and attach policies below.")
	return nil
}

// userDetail is the user page's data.
type userDetail struct {
	User     any
	Keys     any
	Attached any
	Policies any

	// NewKey is the access key that CreateAccessKey just created. Its
	// secret is on this one rendering of the page only.
	NewKey any
}

func userPage(name string) string { return ramPrincipal{kind: "user", name: name}.page() }

// GetUser shows a user, its access keys and attached policies, and the
// secret of an access key that CreateAccessKey created for the user and no
// page has shown yet.
func (c *Console) GetUser(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("user")
	d, ok := s.takeResult(userPage(name)).(*userDetail)
	if !ok {
		d = &userDetail{}
	}
	p := page{Title: name, Nav: "users", Data: d}
	u, err := s.ram.GetUser(r.Context(), name)
	if err != nil {
		return c.renderResult(w, r, s, "user", p, err)
	}
	d.User = u
	keys, err := s.ram.ListAccessKeys(r.Context(), name)
	d.Keys = keys
	if err == nil {
		var attached any
		attached, err = s.ram.ListPoliciesForUser(r.Context(), name)
		d.Attached = attached
	}
	if err == nil {
		var policies any
		policies, err = s.ram.ListPolicies(r.Context(), "")
		d.Policies = policies
	}
	c.renderPartial(w, r, s, "user", p, err)
	return nil
}

// CreateAccessKey creates an access key for a user and redirects to the
// user's page, which shows the secret once. The secret waits in the
// server-side session until that page takes it, and the page is not
// cached, so neither a reload nor the back button shows it again or
// creates another key.
func (c *Console) CreateAccessKey(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("user")
	back := userPage(name)
	key, err := s.ram.CreateAccessKey(r.Context(), name)
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	s.keepResult(back, &userDetail{NewKey: key})
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// UpdateAccessKey enables or disables an access key.
func (c *Console) UpdateAccessKey(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name, id := r.PathValue("user"), r.PathValue("key")
	status := r.PostFormValue("status")
	back := "/ram/users/" + url.PathEscape(name)
	if err := s.ram.UpdateAccessKey(r.Context(), name, id, status); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Access key "+id+" is now "+status+".")
	return nil
}

// DeleteAccessKey deletes an access key.
func (c *Console) DeleteAccessKey(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name, id := r.PathValue("user"), r.PathValue("key")
	back := "/ram/users/" + url.PathEscape(name)
	if err := s.ram.DeleteAccessKey(r.Context(), name, id); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Access key "+id+" deleted.")
	return nil
}

// DeleteUser deletes a user.
func (c *Console) DeleteUser(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("user")
	if err := s.ram.DeleteUser(r.Context(), name); err != nil {
		c.redirectError(w, r, s, "/ram/users/"+url.PathEscape(name), err)
		return nil
	}
	redirect(w, r, s, "/ram/users", "User "+name+" deleted.")
	return nil
}

// ListRoles shows the account's roles, the form to create one and quick
// authorization.
func (c *Console) ListRoles(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	p := page{Title: "RAM roles", Nav: "roles"}
	roles, err := s.ram.ListRoles(r.Context())
	p.Data = roles
	return c.renderResult(w, r, s, "roles", p, err)
}

// CreateRole creates a role with a trust policy.
func (c *Console) CreateRole(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	in := ramapi.CreateRoleInput{
		RoleName:                 strings.TrimSpace(r.PostFormValue("roleName")),
		Description:              strings.TrimSpace(r.PostFormValue("description")),
		AssumeRolePolicyDocument: r.PostFormValue("trustPolicy"),
	}
	if err := checkJSON(in.AssumeRolePolicyDocument, "The trust policy"); err != nil {
		c.redirectError(w, r, s, "/ram/roles", err)
		return nil
	}
	role, err := s.ram.CreateRole(r.Context(), in)
	if err != nil {
		c.redirectError(w, r, s, "/ram/roles", err)
		return nil
	}
	redirect(w, r, s, "/ram/roles/"+url.PathEscape(role.RoleName), "Role "+role.RoleName+" created. Attach policies below.")
	return nil
}

// QuickAuthorize creates the service roles that Object FC Access Points
// need, with their policies.
func (c *Console) QuickAuthorize(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	back := localPath(r.PostFormValue("back"))
	roles, err := s.ram.QuickAuthorize(r.Context())
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	names := make([]string, len(roles))
	for i, role := range roles {
		names[i] = role.RoleName
	}
	redirect(w, r, s, back, "Quick authorization done: "+strings.Join(names, " and ")+" exist with their policies.")
	return nil
}

type roleDetail struct {
	Role     any
	Attached any
	Policies any
}

// GetRole shows a role, its trust policy and attached policies.
func (c *Console) GetRole(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("role")
	d := &roleDetail{}
	p := page{Title: name, Nav: "roles", Data: d}
	role, err := s.ram.GetRole(r.Context(), name)
	if err != nil {
		return c.renderResult(w, r, s, "role", p, err)
	}
	d.Role = role
	attached, err := s.ram.ListPoliciesForRole(r.Context(), name)
	d.Attached = attached
	if err == nil {
		var policies any
		policies, err = s.ram.ListPolicies(r.Context(), "")
		d.Policies = policies
	}
	c.renderPartial(w, r, s, "role", p, err)
	return nil
}

// UpdateRoleTrust replaces a role's trust policy.
func (c *Console) UpdateRoleTrust(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("role")
	back := "/ram/roles/" + url.PathEscape(name)
	doc := r.PostFormValue("trustPolicy")
	if err := checkJSON(doc, "The trust policy"); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	if _, err := s.ram.UpdateRole(r.Context(), name, ramapi.UpdateRoleInput{NewAssumeRolePolicyDocument: &doc}); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Trust policy saved.")
	return nil
}

// DeleteRole deletes a role.
func (c *Console) DeleteRole(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("role")
	if err := s.ram.DeleteRole(r.Context(), name); err != nil {
		c.redirectError(w, r, s, "/ram/roles/"+url.PathEscape(name), err)
		return nil
	}
	redirect(w, r, s, "/ram/roles", "Role "+name+" deleted.")
	return nil
}

// AttachPolicy attaches a policy to the user or role of the path.
func (c *Console) AttachPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.attachOrDetach(w, r, s, true)
}

// DetachPolicy detaches a policy from the user or role of the path.
func (c *Console) DetachPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.attachOrDetach(w, r, s, false)
}

func (c *Console) attachOrDetach(w http.ResponseWriter, r *http.Request, s *session, attach bool) error {
	if s.ram == nil {
		return errNoAdmin
	}
	who := ramPrincipal{kind: "user", name: r.PathValue("user")}
	if who.name == "" {
		who = ramPrincipal{kind: "role", name: r.PathValue("role")}
	}
	policyType, policyName, _ := strings.Cut(r.PostFormValue("policy"), ":")
	if policyName == "" {
		c.redirectError(w, r, s, who.page(), invalidInput("Choose a policy."))
		return nil
	}

	var err error
	message := "Policy " + policyName + " attached."
	if attach {
		err = s.ram.AttachPolicy(r.Context(), policyName, who.attachment(policyType))
	} else {
		err = s.ram.DetachPolicy(r.Context(), policyName, who.attachment(policyType))
		message = "Policy " + policyName + " detached."
	}
	if err != nil {
		c.redirectError(w, r, s, who.page(), err)
		return nil
	}
	redirect(w, r, s, who.page(), message)
	return nil
}

// ListPolicies shows the custom and system policies and the form to create
// a custom one.
func (c *Console) ListPolicies(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	p := page{Title: "RAM policies", Nav: "policies"}
	policies, err := s.ram.ListPolicies(r.Context(), "")
	p.Data = policies
	return c.renderResult(w, r, s, "policies", p, err)
}

// CreatePolicy creates a custom policy.
func (c *Console) CreatePolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	in := ramapi.CreatePolicyInput{
		PolicyName:     strings.TrimSpace(r.PostFormValue("policyName")),
		Description:    strings.TrimSpace(r.PostFormValue("description")),
		PolicyDocument: r.PostFormValue("document"),
	}
	if err := checkJSON(in.PolicyDocument, "The policy document"); err != nil {
		c.redirectError(w, r, s, "/ram/policies", err)
		return nil
	}
	pol, err := s.ram.CreatePolicy(r.Context(), in)
	if err != nil {
		c.redirectError(w, r, s, "/ram/policies", err)
		return nil
	}
	redirect(w, r, s, "/ram/policies/Custom/"+url.PathEscape(pol.PolicyName), "Policy "+pol.PolicyName+" created. Attach it to a user or role on their pages.")
	return nil
}

// GetPolicy shows a policy's document, editable for custom policies.
func (c *Console) GetPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("policy")
	p := page{Title: name, Nav: "policies"}
	pol, err := s.ram.GetPolicy(r.Context(), r.PathValue("type"), name)
	if err == nil {
		pol.PolicyDocument = indentJSON(pol.PolicyDocument)
	}
	p.Data = pol
	return c.renderResult(w, r, s, "policy", p, err)
}

// UpdatePolicy replaces a custom policy's document.
func (c *Console) UpdatePolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("policy")
	back := "/ram/policies/Custom/" + url.PathEscape(name)
	doc := r.PostFormValue("document")
	if err := checkJSON(doc, "The policy document"); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	if _, err := s.ram.UpdatePolicy(r.Context(), name, ramapi.UpdatePolicyInput{PolicyDocument: doc}); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Policy document saved.")
	return nil
}

// DeletePolicy deletes a custom policy.
func (c *Console) DeletePolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.ram == nil {
		return errNoAdmin
	}
	name := r.PathValue("policy")
	if err := s.ram.DeletePolicy(r.Context(), name); err != nil {
		c.redirectError(w, r, s, "/ram/policies/Custom/"+url.PathEscape(name), err)
		return nil
	}
	redirect(w, r, s, "/ram/policies", "Policy "+name+" deleted.")
	return nil
}

// checkJSON rejects a document that is not JSON before it is sent, with
// the parser's position.
func checkJSON(doc, what string) error {
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return invalidInput(what + " is not valid JSON: " + err.Error() + ".")
	}
	return nil
}

// indentJSON formats a JSON document for the editor, or returns it as is
// when it is not JSON.
func indentJSON(doc string) string {
	var v any
	if json.Unmarshal([]byte(doc), &v) != nil {
		return doc
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return doc
	}
	return string(b)
}

// renderResult renders a page whose data came from one call: with err,
// the page shows the error with the error's status instead of the data.
func (c *Console) renderResult(w http.ResponseWriter, r *http.Request, s *session, name string, p page, err error) error {
	if err != nil {
		p.Error = c.explain(r, err)
		c.renderStatus(w, r, s, p.Error.Status, name, p)
		return nil
	}
	c.render(w, r, s, name, p)
	return nil
}

// renderPartial renders a page whose main object loaded but whose other
// parts may have failed with err. The page shows the parts it has and the
// error.
func (c *Console) renderPartial(w http.ResponseWriter, r *http.Request, s *session, name string, p page, err error) {
	if err != nil {
		p.Error = c.explain(r, err)
	}
	c.render(w, r, s, name, p)
}
