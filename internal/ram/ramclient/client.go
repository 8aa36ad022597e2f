// Package ramclient is a Go client of ossfc's identity admin API (package
// ramapi). Requests are signed by a hook, so the same client serves the
// CLI, tests and any caller with its own credentials.
//
// ramclient imports ram's and ramapi's JSON types and the standard library.
package ramclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// Client calls the admin API at a base URL.
type Client struct {
	base string
	http *http.Client
	sign func(*http.Request) error
}

// New returns a client for the API at baseURL (the prefix under which the
// server mounts ramapi, such as http://127.0.0.1:9001/admin/ram).
// httpClient nil means http.DefaultClient; Sign, when set, is called on
// every request just before it is sent.
func New(baseURL string, httpClient *http.Client, sign func(*http.Request) error) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), http: httpClient, sign: sign}
}

// Error is an error response of the API.
type Error struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s [request %s]", e.Code, e.StatusCode, e.Message, e.RequestID)
}

// path joins escaped path elements to the base URL.
func (c *Client) path(elems ...string) string {
	p := c.base
	for _, e := range elems {
		p += "/" + url.PathEscape(e)
	}
	return p
}

// withQuery appends the non-empty values of q to u.
func withQuery(u string, q url.Values) string {
	for k, vs := range q {
		if len(vs) == 0 || vs[0] == "" {
			q.Del(k)
		}
	}
	if len(q) == 0 {
		return u
	}
	return u + "?" + q.Encode()
}

// do sends a request with body encoded as JSON (when not nil) and decodes
// the response into out (when not nil).
func (c *Client) do(ctx context.Context, method, u string, body, out any) error {
	var rd io.Reader
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = b
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.sign != nil {
		if err := c.sign(req); err != nil {
			return fmt.Errorf("sign request: %w", err)
		}
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return unreachable(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var eb ramapi.ErrorBody
		if json.Unmarshal(data, &eb) != nil || eb.Code == "" {
			return &Error{StatusCode: resp.StatusCode, Code: "BadErrorResponse", Message: strings.TrimSpace(string(data))}
		}
		return &Error{StatusCode: resp.StatusCode, Code: eb.Code, Message: eb.Message, RequestID: eb.RequestID}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s %s response: %w", method, u, err)
	}
	return nil
}

// CreateAccount creates an account and returns it with its root access
// key, whose secret is returned only here.
func (c *Client) CreateAccount(ctx context.Context, name string) (*ramapi.CreateAccountOutput, error) {
	var out ramapi.CreateAccountOutput
	err := c.do(ctx, http.MethodPost, c.path("accounts"), ramapi.CreateAccountInput{AccountName: name}, &out)
	return &out, err
}

// ListAccounts returns every account.
func (c *Client) ListAccounts(ctx context.Context) ([]*ram.Account, error) {
	var out ramapi.ListAccountsOutput
	err := c.do(ctx, http.MethodGet, c.path("accounts"), nil, &out)
	return out.Accounts, err
}

// UpdateAccount sets the status of an account: Active, or Inactive to
// reject every credential of the account with UserDisable.
func (c *Client) UpdateAccount(ctx context.Context, accountID, status string) (*ram.Account, error) {
	var out ramapi.AccountOutput
	err := c.do(ctx, http.MethodPut, c.path("accounts", accountID), ramapi.UpdateAccountInput{Status: status}, &out)
	return out.Account, err
}

// CreateUser creates a RAM user.
func (c *Client) CreateUser(ctx context.Context, in ramapi.CreateUserInput) (*ram.User, error) {
	var out ramapi.UserOutput
	err := c.do(ctx, http.MethodPost, c.path("users"), in, &out)
	return out.User, err
}

// GetUser returns a RAM user.
func (c *Client) GetUser(ctx context.Context, name string) (*ram.User, error) {
	var out ramapi.UserOutput
	err := c.do(ctx, http.MethodGet, c.path("users", name), nil, &out)
	return out.User, err
}

// ListUsers returns the RAM users of the caller's account.
func (c *Client) ListUsers(ctx context.Context) ([]*ram.User, error) {
	var out ramapi.ListUsersOutput
	err := c.do(ctx, http.MethodGet, c.path("users"), nil, &out)
	return out.Users, err
}

// DeleteUser deletes a RAM user with its access keys and attachments.
func (c *Client) DeleteUser(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, c.path("users", name), nil, nil)
}

// CreateAccessKey creates an access key for the RAM user userName, or for
// the caller's own identity when userName is "". The secret is returned
// only here.
func (c *Client) CreateAccessKey(ctx context.Context, userName string) (*ram.AccessKey, error) {
	var out ramapi.AccessKeyOutput
	err := c.do(ctx, http.MethodPost, c.path("access-keys"), ramapi.CreateAccessKeyInput{UserName: userName}, &out)
	return out.AccessKey, err
}

// ListAccessKeys returns the access keys of userName, or of the caller's
// own identity when userName is "", without secrets.
func (c *Client) ListAccessKeys(ctx context.Context, userName string) ([]*ram.AccessKey, error) {
	var out ramapi.ListAccessKeysOutput
	err := c.do(ctx, http.MethodGet, withQuery(c.path("access-keys"), url.Values{"UserName": {userName}}), nil, &out)
	return out.AccessKeys, err
}

// UpdateAccessKey sets the status (Active or Inactive) of an access key.
func (c *Client) UpdateAccessKey(ctx context.Context, userName, accessKeyID, status string) error {
	return c.do(ctx, http.MethodPut, c.path("access-keys", accessKeyID),
		ramapi.UpdateAccessKeyInput{UserName: userName, Status: status}, nil)
}

// DeleteAccessKey deletes an access key.
func (c *Client) DeleteAccessKey(ctx context.Context, userName, accessKeyID string) error {
	return c.do(ctx, http.MethodDelete, withQuery(c.path("access-keys", accessKeyID), url.Values{"UserName": {userName}}), nil, nil)
}

// CreateRole creates a RAM role.
func (c *Client) CreateRole(ctx context.Context, in ramapi.CreateRoleInput) (*ram.Role, error) {
	var out ramapi.RoleOutput
	err := c.do(ctx, http.MethodPost, c.path("roles"), in, &out)
	return out.Role, err
}

// GetRole returns a role; role names ignore case.
func (c *Client) GetRole(ctx context.Context, name string) (*ram.Role, error) {
	var out ramapi.RoleOutput
	err := c.do(ctx, http.MethodGet, c.path("roles", name), nil, &out)
	return out.Role, err
}

// ListRoles returns the roles of the caller's account.
func (c *Client) ListRoles(ctx context.Context) ([]*ram.Role, error) {
	var out ramapi.ListRolesOutput
	err := c.do(ctx, http.MethodGet, c.path("roles"), nil, &out)
	return out.Roles, err
}

// UpdateRole changes a role's trust policy, maximum session duration or
// description.
func (c *Client) UpdateRole(ctx context.Context, name string, in ramapi.UpdateRoleInput) (*ram.Role, error) {
	var out ramapi.RoleOutput
	err := c.do(ctx, http.MethodPut, c.path("roles", name), in, &out)
	return out.Role, err
}

// DeleteRole deletes a role; its sessions stop working.
func (c *Client) DeleteRole(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, c.path("roles", name), nil, nil)
}

// CreatePolicy creates a custom policy.
func (c *Client) CreatePolicy(ctx context.Context, in ramapi.CreatePolicyInput) (*ram.Policy, error) {
	var out ramapi.PolicyOutput
	err := c.do(ctx, http.MethodPost, c.path("policies"), in, &out)
	return out.Policy, err
}

// GetPolicy returns a policy with its document. policyType "" looks for a
// custom policy first, then a system one.
func (c *Client) GetPolicy(ctx context.Context, policyType, name string) (*ram.Policy, error) {
	var out ramapi.PolicyOutput
	err := c.do(ctx, http.MethodGet, withQuery(c.path("policies", name), url.Values{"PolicyType": {policyType}}), nil, &out)
	return out.Policy, err
}

// ListPolicies returns the policies of one type, or of both when
// policyType is "".
func (c *Client) ListPolicies(ctx context.Context, policyType string) ([]*ram.Policy, error) {
	var out ramapi.ListPoliciesOutput
	err := c.do(ctx, http.MethodGet, withQuery(c.path("policies"), url.Values{"PolicyType": {policyType}}), nil, &out)
	return out.Policies, err
}

// UpdatePolicy replaces the document of a custom policy.
func (c *Client) UpdatePolicy(ctx context.Context, name string, in ramapi.UpdatePolicyInput) (*ram.Policy, error) {
	var out ramapi.PolicyOutput
	err := c.do(ctx, http.MethodPut, c.path("policies", name), in, &out)
	return out.Policy, err
}

// DeletePolicy deletes a custom policy that is attached to nothing.
func (c *Client) DeletePolicy(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, c.path("policies", name), nil, nil)
}

// AttachPolicy attaches a policy to the user or role that in names.
func (c *Client) AttachPolicy(ctx context.Context, policyName string, in ramapi.AttachPolicyInput) error {
	return c.do(ctx, http.MethodPost, c.path("policies", policyName, "attach"), in, nil)
}

// DetachPolicy detaches a policy from the user or role that in names.
func (c *Client) DetachPolicy(ctx context.Context, policyName string, in ramapi.AttachPolicyInput) error {
	return c.do(ctx, http.MethodPost, c.path("policies", policyName, "detach"), in, nil)
}

// ListPoliciesForUser returns the policies attached to a user.
func (c *Client) ListPoliciesForUser(ctx context.Context, userName string) ([]*ram.AttachedPolicy, error) {
	var out ramapi.ListAttachedPoliciesOutput
	err := c.do(ctx, http.MethodGet, c.path("users", userName, "policies"), nil, &out)
	return out.Policies, err
}

// ListPoliciesForRole returns the policies attached to a role.
func (c *Client) ListPoliciesForRole(ctx context.Context, roleName string) ([]*ram.AttachedPolicy, error) {
	var out ramapi.ListAttachedPoliciesOutput
	err := c.do(ctx, http.MethodGet, c.path("roles", roleName, "policies"), nil, &out)
	return out.Policies, err
}

// AssumeRole obtains temporary credentials of a role.
func (c *Client) AssumeRole(ctx context.Context, in ramapi.AssumeRoleInput) (*ramapi.AssumeRoleOutput, error) {
	var out ramapi.AssumeRoleOutput
	err := c.do(ctx, http.MethodPost, c.path("sts", "assume-role"), in, &out)
	return &out, err
}

// GetCallerIdentity returns the identity the client's credentials belong to.
func (c *Client) GetCallerIdentity(ctx context.Context) (*ramapi.CallerIdentityOutput, error) {
	var out ramapi.CallerIdentityOutput
	err := c.do(ctx, http.MethodGet, c.path("sts", "caller-identity"), nil, &out)
	return &out, err
}

// QuickAuthorize creates the Object FC Access Point service roles and
// returns them.
func (c *Client) QuickAuthorize(ctx context.Context) ([]*ram.Role, error) {
	var out ramapi.ListRolesOutput
	err := c.do(ctx, http.MethodPost, c.path("quick-authorize"), nil, &out)
	return out.Roles, err
}

// unreachable explains a request that never got an answer: most often the
// server is not running, or OSSFC_CONSOLE_URL names another address.
func unreachable(err error) error {
	return fmt.Errorf("%w (is ossfc server running, and does OSSFC_CONSOLE_URL name its console address?)", err)
}
