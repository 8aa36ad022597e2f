package ramapi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

var ctx = context.Background()

const (
	adminAccount = "1000000000000001"
	rootKeyID    = "LTAIadminrootkey000001"
	rootSecret   = "admin-root-secret"
)

// testAuthenticate identifies callers by headers instead of signatures,
// through the real ram.Service.Authenticate, so that key status, expiry and
// revocation apply as in the server.
func testAuthenticate(svc *ram.Service) func(*http.Request) (*ram.Principal, error) {
	return func(r *http.Request) (*ram.Principal, error) {
		id := r.Header.Get("X-Test-Access-Key-Id")
		if id == "" {
			return nil, errors.New("the request is not signed")
		}
		p, _, err := svc.Authenticate(r.Context(), id, r.Header.Get("X-Test-Security-Token"), time.Now())
		return p, err
	}
}

type apiEnv struct {
	svc *ram.Service
	url string
	srv *httptest.Server
}

func newAPIEnv(t *testing.T) *apiEnv {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := ram.New(ram.Config{Store: store.IAM(), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Bootstrap(ctx, adminAccount, rootKeyID, rootSecret); err != nil {
		t.Fatal(err)
	}
	h := ramapi.New(svc, ramapi.NewAuthorizer(svc, testAuthenticate(svc)))
	srv := httptest.NewServer(http.StripPrefix("/admin/ram", h))
	t.Cleanup(srv.Close)
	return &apiEnv{svc: svc, url: srv.URL + "/admin/ram", srv: srv}
}

// client returns a client that signs as keyID (and token, for temporary
// credentials); an empty keyID sends unsigned requests.
func (e *apiEnv) client(keyID, token string) *ramclient.Client {
	return ramclient.New(e.url, e.srv.Client(), func(r *http.Request) error {
		if keyID != "" {
			r.Header.Set("X-Test-Access-Key-Id", keyID)
		}
		if token != "" {
			r.Header.Set("X-Test-Security-Token", token)
		}
		return nil
	})
}

// wantAPIError fails the test unless err is a ramclient error with status
// and a code starting with code.
func wantAPIError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var ae *ramclient.Error
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v, want an API error %d %s", what, err, status, code)
		return
	}
	if ae.StatusCode != status || !strings.HasPrefix(ae.Code, code) {
		t.Errorf("%s: got %d %s (%s), want %d %s", what, ae.StatusCode, ae.Code, ae.Message, status, code)
	}
	if ae.RequestID == "" {
		t.Errorf("%s: the error has no RequestId", what)
	}
}

func TestUsersAndKeysOverHTTP(t *testing.T) {
	e := newAPIEnv(t)
	root := e.client(rootKeyID, "")

	u, err := root.CreateUser(ctx, ramapi.CreateUserInput{UserName: "alice", DisplayName: "Alice"})
	if err != nil {
		t.Fatal(err)
	}
	if u.UserName != "alice" || u.Arn != "acs:ram::"+adminAccount+":user/alice" {
		t.Errorf("created user = %+v", u)
	}
	_, err = root.CreateUser(ctx, ramapi.CreateUserInput{UserName: "alice"})
	wantAPIError(t, "duplicate user", err, http.StatusConflict, "EntityAlreadyExists.User")

	key, err := root.CreateAccessKey(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if key.AccessKeySecret == "" || !strings.HasPrefix(key.AccessKeyID, "LTAI") {
		t.Fatalf("created key = %+v", key)
	}
	keys, err := root.ListAccessKeys(ctx, "alice")
	if err != nil || len(keys) != 1 || keys[0].AccessKeySecret != "" {
		t.Errorf("list keys = %+v, %v; want one key without its secret", keys, err)
	}

	// alice has no policies yet, so every RAM call is denied.
	alice := e.client(key.AccessKeyID, "")
	_, err = alice.ListUsers(ctx)
	wantAPIError(t, "alice lists users", err, http.StatusForbidden, "NoPermission")

	if err := root.AttachPolicy(ctx, "AliyunRAMFullAccess", ramapi.AttachPolicyInput{PolicyType: "System", UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	users, err := alice.ListUsers(ctx)
	if err != nil || len(users) != 1 {
		t.Errorf("alice lists users with RAM full access: %d users, %v", len(users), err)
	}
	attached, err := root.ListPoliciesForUser(ctx, "alice")
	if err != nil || len(attached) != 1 || attached[0].PolicyName != "AliyunRAMFullAccess" {
		t.Errorf("alice's policies = %+v, %v", attached, err)
	}

	// With no UserName, key calls act on the caller's own keys.
	own, err := alice.CreateAccessKey(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := alice.ListAccessKeys(ctx, "")
	if err != nil || len(mine) != 2 || mine[1].AccessKeyID != own.AccessKeyID || mine[1].UserName != "alice" {
		t.Errorf("alice's own keys = %+v, %v", mine, err)
	}
	_, err = alice.CreateAccessKey(ctx, "")
	wantAPIError(t, "third key", err, http.StatusConflict, "LimitExceeded.User.AccessKey")

	// Disabling a key makes its requests fail authentication.
	if err := root.UpdateAccessKey(ctx, "alice", key.AccessKeyID, "Inactive"); err != nil {
		t.Fatal(err)
	}
	_, err = alice.ListUsers(ctx)
	wantAPIError(t, "disabled key", err, http.StatusForbidden, "InvalidAccessKeyId")
	err = root.UpdateAccessKey(ctx, "alice", key.AccessKeyID, "Sleeping")
	wantAPIError(t, "bad status", err, http.StatusBadRequest, "InvalidParameter.Status")

	if err := root.DeleteAccessKey(ctx, "alice", own.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	if err := root.DeleteUser(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = root.GetUser(ctx, "alice")
	wantAPIError(t, "deleted user", err, http.StatusNotFound, "EntityNotExist.User")
}

func TestRolesPoliciesAndSTSOverHTTP(t *testing.T) {
	e := newAPIEnv(t)
	root := e.client(rootKeyID, "")

	trust := "{\n  \"Version\": \"1\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"sts:AssumeRole\", " +
		"\"Principal\": {\"RAM\": [\"acs:ram::" + adminAccount + ":root\"]}}]\n}"
	role, err := root.CreateRole(ctx, ramapi.CreateRoleInput{RoleName: "Reader", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	got, err := root.GetRole(ctx, "READER")
	if err != nil || got.AssumeRolePolicyDocument != trust {
		t.Errorf("get role = %+v, %v; want the trust policy byte for byte", got, err)
	}

	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`
	if _, err := root.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "Read", PolicyDocument: doc}); err != nil {
		t.Fatal(err)
	}
	_, err = root.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "Broken", PolicyDocument: "{"})
	wantAPIError(t, "broken policy", err, http.StatusBadRequest, "InvalidParameter.PolicyDocument")
	if err := root.AttachPolicy(ctx, "Read", ramapi.AttachPolicyInput{RoleName: "reader"}); err != nil {
		t.Fatal(err)
	}
	err = root.AttachPolicy(ctx, "Read", ramapi.AttachPolicyInput{RoleName: "reader", UserName: "x"})
	wantAPIError(t, "attach to two principals", err, http.StatusBadRequest, "InvalidParameter.Principal")
	err = root.DeletePolicy(ctx, "Read")
	wantAPIError(t, "delete attached policy", err, http.StatusConflict, "DeleteConflict.Policy")
	p, err := root.GetPolicy(ctx, "", "Read")
	if err != nil || p.PolicyDocument != doc || p.AttachmentCount != 1 {
		t.Errorf("get policy = %+v, %v", p, err)
	}
	rolePolicies, err := root.ListPoliciesForRole(ctx, "Reader")
	if err != nil || len(rolePolicies) != 1 {
		t.Errorf("role policies = %+v, %v", rolePolicies, err)
	}

	out, err := root.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: "cli-session", DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if !strings.HasPrefix(c.AccessKeyID, "STS.") || c.SecurityToken == "" || out.RequestID == "" {
		t.Fatalf("AssumeRole output = %+v", out)
	}
	session := e.client(c.AccessKeyID, c.SecurityToken)
	who, err := session.GetCallerIdentity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if who.IdentityType != "AssumedRoleUser" || who.RoleID != role.RoleID || who.AccountID != adminAccount ||
		who.Arn != out.AssumedRoleUser.Arn {
		t.Errorf("caller identity of the session = %+v", who)
	}
	_, err = session.ListUsers(ctx)
	wantAPIError(t, "session lists users", err, http.StatusForbidden, "NoPermission")
	_, err = session.CreateAccessKey(ctx, "")
	wantAPIError(t, "session creates its own key", err, http.StatusBadRequest, "InvalidParameter.UserName")

	_, err = root.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: "x"})
	wantAPIError(t, "short session name", err, http.StatusBadRequest, "InvalidParameter.RoleSessionName")

	// Deleting the role ends its sessions.
	if err := root.DeleteRole(ctx, "Reader"); err != nil {
		t.Fatal(err)
	}
	_, err = session.GetCallerIdentity(ctx)
	wantAPIError(t, "session of a deleted role", err, http.StatusForbidden, "InvalidSecurityToken")

	if err := root.DetachPolicy(ctx, "Read", ramapi.AttachPolicyInput{RoleName: "Reader"}); err == nil {
		t.Error("detach from a deleted role succeeded")
	}
	if err := root.DeletePolicy(ctx, "Read"); err != nil {
		t.Errorf("delete policy after its role is gone: %v", err)
	}
}

func TestQuickAuthorizeOverHTTP(t *testing.T) {
	e := newAPIEnv(t)
	roles, err := e.client(rootKeyID, "").QuickAuthorize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) != 2 || roles[0].RoleName != ram.FCDefaultRole || roles[1].RoleName != ram.OSSObjectFCRole {
		t.Errorf("roles = %+v", roles)
	}

	// A user allowed to create roles but not to attach policies cannot run
	// quick authorization.
	root := e.client(rootKeyID, "")
	if _, err := root.CreateUser(ctx, ramapi.CreateUserInput{UserName: "ops"}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:CreateRole","Resource":"*"}]}`
	if _, err := root.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "RolesOnly", PolicyDocument: doc}); err != nil {
		t.Fatal(err)
	}
	if err := root.AttachPolicy(ctx, "RolesOnly", ramapi.AttachPolicyInput{UserName: "ops"}); err != nil {
		t.Fatal(err)
	}
	key, err := root.CreateAccessKey(ctx, "ops")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client(key.AccessKeyID, "").QuickAuthorize(ctx)
	wantAPIError(t, "quick authorization without attach permission", err, http.StatusForbidden, "NoPermission")
}

func TestAccountsOverHTTP(t *testing.T) {
	e := newAPIEnv(t)
	root := e.client(rootKeyID, "")
	out, err := root.CreateAccount(ctx, "team-b")
	if err != nil {
		t.Fatal(err)
	}
	if out.Account.AccountName != "team-b" || out.AccessKey.AccessKeySecret == "" {
		t.Fatalf("create account = %+v", out)
	}
	accounts, err := root.ListAccounts(ctx)
	if err != nil || len(accounts) != 2 {
		t.Errorf("accounts = %+v, %v", accounts, err)
	}

	// The new account's root manages its own users, not accounts.
	other := e.client(out.AccessKey.AccessKeyID, "")
	if _, err := other.CreateUser(ctx, ramapi.CreateUserInput{UserName: "bob"}); err != nil {
		t.Errorf("new account creates a user: %v", err)
	}
	_, err = other.CreateAccount(ctx, "team-c")
	wantAPIError(t, "non-admin creates an account", err, http.StatusForbidden, "NoPermission")
	users, err := root.ListUsers(ctx)
	if err != nil || len(users) != 0 {
		t.Errorf("the admin account sees %d users of another account, %v", len(users), err)
	}
}

func TestAccountStatusOverHTTP(t *testing.T) {
	e := newAPIEnv(t)
	root := e.client(rootKeyID, "")
	out, err := root.CreateAccount(ctx, "team-b")
	if err != nil {
		t.Fatal(err)
	}
	id := out.Account.AccountID
	other := e.client(out.AccessKey.AccessKeyID, "")

	// Disabling rejects the account's keys; enabling accepts them again.
	a, err := root.UpdateAccount(ctx, id, "Inactive")
	if err != nil || a.Status != "Inactive" || a.AccountID != id {
		t.Fatalf("disable = %+v, %v", a, err)
	}
	if _, err := other.ListUsers(ctx); err == nil {
		t.Error("a key of a disabled account was accepted")
	}
	if a, err := root.UpdateAccount(ctx, id, "Active"); err != nil || a.Status != "Active" {
		t.Fatalf("enable = %+v, %v", a, err)
	}
	if _, err := other.ListUsers(ctx); err != nil {
		t.Errorf("a key of an enabled account: %v", err)
	}

	// Only the admin root may change a status, never to disable itself.
	_, err = other.UpdateAccount(ctx, id, "Inactive")
	wantAPIError(t, "non-admin disables its own account", err, http.StatusForbidden, "NoPermission")
	_, err = root.UpdateAccount(ctx, adminAccount, "Inactive")
	wantAPIError(t, "admin disables the admin account", err, http.StatusBadRequest, "InvalidParameter.AccountId")
	_, err = root.UpdateAccount(ctx, id, "Paused")
	wantAPIError(t, "unknown status", err, http.StatusBadRequest, "InvalidParameter.Status")
	_, err = root.UpdateAccount(ctx, "9999999999999999", "Active")
	wantAPIError(t, "missing account", err, http.StatusNotFound, "EntityNotExist.Account")
}

func TestRequestErrors(t *testing.T) {
	e := newAPIEnv(t)

	_, err := e.client("", "").ListUsers(ctx)
	wantAPIError(t, "unsigned request", err, http.StatusForbidden, "NoPermission")
	_, err = e.client("LTAInosuchkey", "").ListUsers(ctx)
	wantAPIError(t, "unknown key", err, http.StatusForbidden, "InvalidAccessKeyId")

	post := func(path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.url+path, strings.NewReader(body))
		req.Header.Set("X-Test-Access-Key-Id", rootKeyID)
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	tests := []struct {
		path, body string
		status     int
		code       string
	}{
		{"/users", `{"UserName":"a","Nickname":"x"}`, http.StatusBadRequest, "InvalidParameter.Body"},
		{"/users", `{"UserName":"a"} {}`, http.StatusBadRequest, "InvalidParameter.Body"},
		{"/users", strings.Repeat(" ", 300<<10), http.StatusRequestEntityTooLarge, "InvalidParameter.Body"},
		{"/no-such-route", `{}`, http.StatusNotFound, "PathNotSupported"},
	}
	for _, tc := range tests {
		resp := post(tc.path, tc.body)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(b), `"Code":"`+tc.code) {
			t.Errorf("POST %s: got %d %s, want %d %s", tc.path, resp.StatusCode, b, tc.status, tc.code)
		}
		if resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("x-ram-request-id") == "" {
			t.Errorf("POST %s: headers %v", tc.path, resp.Header)
		}
	}
}

// failingBody is a request body that fails at its end, as the reader that
// verifies a signed payload hash does on a mismatch.
type failingBody struct{ io.Reader }

func (failingBody) Close() error { return nil }

func (b failingBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	if err == io.EOF {
		return n, osserr.New(osserr.SignatureDoesNotMatch, "The payload does not match its signed hash.")
	}
	return n, err
}

// payloadAuthorizer wraps the body as a signature check does.
type payloadAuthorizer struct{ inner ramapi.Authorizer }

func (a payloadAuthorizer) Authorize(r *http.Request, action, resource string) (*ram.Principal, error) {
	p, err := a.inner.Authorize(r, action, resource)
	r.Body = failingBody{r.Body}
	return p, err
}

func TestPayloadVerifiedAfterAuthorize(t *testing.T) {
	e := newAPIEnv(t)
	h := ramapi.New(e.svc, payloadAuthorizer{ramapi.NewAuthorizer(e.svc, testAuthenticate(e.svc))})
	srv := httptest.NewServer(http.StripPrefix("/admin/ram", h))
	defer srv.Close()

	client := ramclient.New(srv.URL+"/admin/ram", srv.Client(), func(r *http.Request) error {
		r.Header.Set("X-Test-Access-Key-Id", rootKeyID)
		return nil
	})
	_, err := client.CreateUser(ctx, ramapi.CreateUserInput{UserName: "mallory"})
	wantAPIError(t, "body that fails verification", err, http.StatusForbidden, "SignatureDoesNotMatch")
	if _, err := e.svc.GetUser(ctx, adminAccount, "mallory"); !ram.IsNotFound(err) {
		t.Errorf("the user was created although its request body failed verification: %v", err)
	}
}
