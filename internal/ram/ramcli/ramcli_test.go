package ramcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

const (
	adminAccount = "1000000000000001"
	rootKeyID    = "LTAIclirootkey0000001"
	rootSecret   = "cli-root-secret"
)

type cliEnv struct {
	svc *ram.Service
	url string
	srv *httptest.Server
}

// newCLIEnv starts the admin API on loopback. Requests carry their access
// key in headers instead of a signature; the real Authenticate checks it.
func newCLIEnv(t *testing.T) *cliEnv {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc, err := ram.New(ram.Config{Store: store.IAM(), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Bootstrap(context.Background(), adminAccount, rootKeyID, rootSecret); err != nil {
		t.Fatal(err)
	}
	authenticate := func(r *http.Request) (*ram.Principal, error) {
		id := r.Header.Get("X-Test-Access-Key-Id")
		if id == "" {
			return nil, errors.New("the request is not signed")
		}
		p, _, err := svc.Authenticate(r.Context(), id, r.Header.Get("X-Test-Security-Token"), time.Now())
		return p, err
	}
	srv := httptest.NewServer(http.StripPrefix("/admin/ram", ramapi.New(svc, ramapi.NewAuthorizer(svc, authenticate))))
	t.Cleanup(srv.Close)
	return &cliEnv{svc: svc, url: srv.URL + "/admin/ram", srv: srv}
}

// run runs one admin command signed as keyID (and token) and returns its
// exit code, standard output and standard error.
func (e *cliEnv) run(keyID, token string, args ...string) (int, string, string) {
	client := ramclient.New(e.url, e.srv.Client(), func(r *http.Request) error {
		r.Header.Set("X-Test-Access-Key-Id", keyID)
		if token != "" {
			r.Header.Set("X-Test-Security-Token", token)
		}
		return nil
	})
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, client, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustRun runs a command as the admin root and fails the test unless it
// succeeds.
func (e *cliEnv) mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errText := e.run(rootKeyID, "", args...)
	if code != 0 {
		t.Fatalf("ossfc %s: exit %d, stderr %q", strings.Join(args, " "), code, errText)
	}
	return out
}

// field returns the value of a "Name: value" line of out.
func field(t *testing.T, out, name string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s line in %q", name, out)
	return ""
}

func TestUserKeyAndPolicyCommands(t *testing.T) {
	e := newCLIEnv(t)
	out := e.mustRun(t, "admin", "user", "create", "alice", "--display-name", "Alice")
	if !strings.Contains(field(t, out, "Arn"), ":user/alice") {
		t.Errorf("user create output %q", out)
	}
	if out := e.mustRun(t, "admin", "user", "list"); !strings.Contains(out, "alice") || !strings.Contains(out, "Alice") {
		t.Errorf("user list output %q", out)
	}

	out = e.mustRun(t, "admin", "key", "create", "--user", "alice")
	keyID, secret := field(t, out, "AccessKeyId"), field(t, out, "AccessKeySecret")
	if !strings.HasPrefix(keyID, "LTAI") || secret == "" {
		t.Fatalf("key create output %q", out)
	}
	if out := e.mustRun(t, "admin", "key", "list", "--user", "alice"); !strings.Contains(out, keyID) || strings.Contains(out, secret) {
		t.Errorf("key list output %q: want the key id and not the secret", out)
	}

	doc := filepath.Join(t.TempDir(), "policy.json")
	text := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:ListUsers","Resource":"*"}]}`
	if err := os.WriteFile(doc, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun(t, "admin", "policy", "create", "ListOnly", "--document", "@"+doc)
	out = e.mustRun(t, "admin", "policy", "get", "ListOnly")
	var p ram.Policy
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.PolicyDocument != text {
		t.Errorf("policy get printed %q (%v), want the document as created", out, err)
	}

	// alice may list users only after the policy is attached.
	if code, _, errText := e.run(keyID, "", "user", "list"); code != 1 || !strings.Contains(errText, "NoPermission") {
		t.Errorf("alice lists users before attach: exit %d, stderr %q", code, errText)
	}
	if out := e.mustRun(t, "admin", "policy", "attach", "ListOnly", "--user", "alice"); out != "Custom policy ListOnly attached to user alice\n" {
		t.Errorf("policy attach printed %q", out)
	}
	if code, out, errText := e.run(keyID, "", "user", "list"); code != 0 || !strings.Contains(out, "alice") {
		t.Errorf("alice lists users after attach: exit %d, stdout %q, stderr %q", code, out, errText)
	}
	if out := e.mustRun(t, "admin", "policy", "detach", "ListOnly", "--user", "alice"); out != "Custom policy ListOnly detached from user alice\n" {
		t.Errorf("policy detach printed %q", out)
	}

	e.mustRun(t, "admin", "key", "disable", keyID, "--user", "alice")
	if code, _, errText := e.run(keyID, "", "whoami"); code != 1 || !strings.Contains(errText, "InvalidAccessKeyId") {
		t.Errorf("disabled key: exit %d, stderr %q", code, errText)
	}
	e.mustRun(t, "admin", "key", "enable", keyID, "--user", "alice")
	if code, out, _ := e.run(keyID, "", "whoami"); code != 0 || field(t, out, "IdentityType") != "RAMUser" {
		t.Errorf("enabled key: exit %d, stdout %q", code, out)
	}
	e.mustRun(t, "admin", "key", "delete", keyID, "--user", "alice")
	e.mustRun(t, "admin", "policy", "delete", "ListOnly")
	e.mustRun(t, "admin", "user", "delete", "alice")
	if out := e.mustRun(t, "admin", "user", "list"); strings.Contains(out, "alice") {
		t.Errorf("deleted user still listed: %q", out)
	}
	if out := e.mustRun(t, "admin", "policy", "list", "--type", "System"); !strings.Contains(out, "AliyunFCDefaultRolePolicy") {
		t.Errorf("system policies missing: %q", out)
	}
}

func TestRoleAndSTSCommands(t *testing.T) {
	e := newCLIEnv(t)
	out := e.mustRun(t, "admin", "role", "create", "Reader", "--trust-account", adminAccount, "--max-session-duration", "7200")
	arn := field(t, out, "Arn")
	if out := e.mustRun(t, "admin", "role", "get", "reader"); !strings.Contains(out, `acs:ram::`+adminAccount+`:root`) {
		t.Errorf("role get output %q lacks the trust policy", out)
	}
	if out := e.mustRun(t, "admin", "role", "list"); !strings.Contains(out, "Reader") || !strings.Contains(out, "7200s") {
		t.Errorf("role list output %q", out)
	}

	out = e.mustRun(t, "admin", "sts", "assume-role", "--role-arn", arn, "--session-name", "cli-test", "--duration", "900")
	var res ramapi.AssumeRoleOutput
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("assume-role printed %q: %v", out, err)
	}
	c := res.Credentials
	if !strings.HasPrefix(c.AccessKeyID, "STS.") || c.SecurityToken == "" || c.AccessKeySecret == "" {
		t.Fatalf("credentials = %+v", c)
	}
	code, who, errText := e.run(c.AccessKeyID, c.SecurityToken, "whoami")
	if code != 0 || field(t, who, "IdentityType") != "AssumedRoleUser" || !strings.Contains(field(t, who, "Arn"), "assumed-role/Reader/cli-test") {
		t.Errorf("whoami with the session: exit %d, stdout %q, stderr %q", code, who, errText)
	}

	e.mustRun(t, "admin", "role", "delete", "Reader")
	if code, _, errText := e.run(c.AccessKeyID, c.SecurityToken, "whoami"); code != 1 || !strings.Contains(errText, "InvalidSecurityToken") {
		t.Errorf("session after its role was deleted: exit %d, stderr %q", code, errText)
	}

	out = e.mustRun(t, "admin", "quick-authorize")
	for _, role := range []string{ram.FCDefaultRole, ram.OSSObjectFCRole} {
		if !strings.Contains(out, role) {
			t.Errorf("quick-authorize output %q lacks %s", out, role)
		}
	}
}

func TestAccountCommands(t *testing.T) {
	e := newCLIEnv(t)
	code, out, errText := e.run(rootKeyID, "", "account", "create", "--name", "team-b")
	if code != 0 {
		t.Fatalf("account create: exit %d, stderr %q", code, errText)
	}
	if !strings.Contains(errText, "not shown again") {
		t.Errorf("account create does not warn that the secret is shown once: %q", errText)
	}
	newKey := field(t, out, "AccessKeyId")
	if out := e.mustRun(t, "admin", "account", "list"); !strings.Contains(out, "team-b") || !strings.Contains(out, adminAccount) {
		t.Errorf("account list output %q", out)
	}
	if code, _, errText := e.run(newKey, "", "account", "list"); code != 1 || !strings.Contains(errText, "NoPermission") {
		t.Errorf("non-admin account list: exit %d, stderr %q", code, errText)
	}

	newAccount := field(t, out, "AccountId")
	if out := e.mustRun(t, "account", "disable", newAccount); field(t, out, "Status") != "Inactive" {
		t.Errorf("account disable output %q", out)
	}
	if code, _, errText := e.run(newKey, "", "whoami"); code != 1 || !strings.Contains(errText, "UserDisable") {
		t.Errorf("whoami with a key of a disabled account: exit %d, stderr %q", code, errText)
	}
	if out := e.mustRun(t, "account", "enable", newAccount); field(t, out, "Status") != "Active" {
		t.Errorf("account enable output %q", out)
	}
	if code, _, errText := e.run(newKey, "", "whoami"); code != 0 {
		t.Errorf("whoami after enabling the account: exit %d, stderr %q", code, errText)
	}
}

func TestUsageErrors(t *testing.T) {
	e := newCLIEnv(t)
	tests := []struct {
		args []string
		code int
		want string // in stdout or stderr
	}{
		{nil, 2, "Usage: ossfc admin"},
		{[]string{"-h"}, 0, "Usage: ossfc admin"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"user"}, 2, "missing subcommand"},
		{[]string{"user", "bogus"}, 2, `unknown subcommand "bogus"`},
		{[]string{"user", "create"}, 2, "expected NAME"},
		{[]string{"user", "create", "-h"}, 0, "Usage: ossfc admin user create NAME"},
		{[]string{"role", "create", "r1"}, 2, "set exactly one of --trust"},
		{[]string{"role", "create", "r1", "--trust-service", "fc.aliyuncs.com", "--trust-account", adminAccount}, 2, "set exactly one of --trust"},
		{[]string{"policy", "create", "p1"}, 2, "--document is required"},
		{[]string{"policy", "attach", "p1"}, 2, "set exactly one of --user and --role"},
		{[]string{"sts", "assume-role"}, 2, "--role-arn and --session-name are required"},
		{[]string{"policy", "create", "p1", "--document", "@/nonexistent/file.json"}, 1, "no such file"},
		{[]string{"user", "list", "extra"}, 2, "unexpected argument extra"},
		{[]string{"key", "create", "--bogus"}, 2, "flag provided but not defined"},
	}
	for _, tc := range tests {
		code, out, errText := e.run(rootKeyID, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errText, tc.want) {
			t.Errorf("ossfc admin %v: exit %d, output %q; want exit %d and %q", tc.args, code, out+errText, tc.code, tc.want)
		}
	}
}
