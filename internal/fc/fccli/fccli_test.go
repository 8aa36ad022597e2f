package fccli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
)

const account = "1000000000000001"

// headerAuthorizer accepts requests whose X-Test-Account header names an
// account and records the actions it was asked about.
type headerAuthorizer struct{ actions []string }

func (a *headerAuthorizer) Authorize(r *http.Request, action, resource string) (string, error) {
	a.actions = append(a.actions, action+" "+resource)
	if acct := r.Header.Get("X-Test-Account"); acct != "" {
		return acct, nil
	}
	return "", errors.New("the request is not signed")
}

// newEnv starts a function service behind the admin API and returns a
// client signed for account.
func newEnv(t *testing.T) (*fcclient.Client, *headerAuthorizer, string) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := fc.New(fc.Config{CodeRoot: filepath.Join(dir, "code"), RuntimeDir: filepath.Join(dir, "run")}, store.Functions(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	authz := &headerAuthorizer{}
	srv := httptest.NewServer(http.StripPrefix("/admin/fc", fcapi.New(svc, authz)))
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
		store.Close()
	})
	client := fcclient.New(srv.URL+"/admin/fc", srv.Client(), func(r *http.Request) error {
		r.Header.Set("X-Test-Account", account)
		return nil
	})
	return client, authz, srv.URL
}

const handlerV1 = `import json
def handler(event, context):
    print("handling", context.request_id)
    return {"version": "one", "event": json.loads(event or b"null")}
`

const handlerV2 = `def handler(event, context):
    return {"version": "two"}
`

func run(t *testing.T, client *fcclient.Client, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(context.Background(), args, client, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustRun(t *testing.T, client *fcclient.Client, args ...string) string {
	t.Helper()
	code, out, errOut := run(t, client, args...)
	if code != 0 {
		t.Fatalf("ossfc fn %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestDeployInvokePublishAlias(t *testing.T) {
	client, authz, _ := newEnv(t)
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "index.py"), []byte(handlerV1), 0o644)

	out := mustRun(t, client, "fn", "deploy", code, "--name", "hello", "--runtime", "python3.10", "--handler", "index.handler", "--timeout", "10")
	if got, want := strings.TrimSpace(out), "acs:fc:cn-hangzhou:"+account+":functions/hello"; got != want {
		t.Errorf("deploy printed %q, want %q", got, want)
	}
	out = mustRun(t, client, "invoke", "hello", "--event", `{"a":1}`)
	if !strings.Contains(out, `"version": "one"`) || !strings.Contains(out, `"a": 1`) {
		t.Errorf("invoke printed %q", out)
	}

	if out := mustRun(t, client, "publish", "hello"); strings.TrimSpace(out) != "1" {
		t.Errorf("publish printed %q, want 1", out)
	}
	mustRun(t, client, "alias", "create", "hello", "prod", "--version", "1")

	// Redeploying changes LATEST; the alias keeps running version 1.
	os.WriteFile(filepath.Join(code, "index.py"), []byte(handlerV2), 0o644)
	mustRun(t, client, "deploy", code, "--name", "hello", "--runtime", "python3.10")
	if out := mustRun(t, client, "invoke", "hello"); !strings.Contains(out, `"two"`) {
		t.Errorf("LATEST after redeploy printed %q", out)
	}
	if out := mustRun(t, client, "invoke", "hello", "--qualifier", "prod"); !strings.Contains(out, `"one"`) {
		t.Errorf("alias prod printed %q", out)
	}
	f, err := client.GetFunction(context.Background(), "hello", "")
	if err != nil || f.Handler != "index.handler" || f.Timeout != 10 {
		t.Errorf("redeploy changed settings it was not given: %+v, %v", f, err)
	}

	out = mustRun(t, client, "alias", "list", "hello")
	if !strings.Contains(out, "prod") {
		t.Errorf("alias list printed %q", out)
	}
	if out := mustRun(t, client, "versions", "hello"); !strings.Contains(out, "\n1 ") {
		t.Errorf("versions printed %q", out)
	}
	if out := mustRun(t, client, "list"); !strings.Contains(out, "hello") || !strings.Contains(out, "python3.10") {
		t.Errorf("list printed %q", out)
	}

	out = mustRun(t, client, "logs", "hello")
	if !strings.Contains(out, "FC Invoke Start RequestId:") || !strings.Contains(out, "handling ") {
		t.Errorf("logs printed %q", out)
	}

	// Function errors exit 1 with the error type.
	os.WriteFile(filepath.Join(code, "index.py"), []byte("def handler(e, c):\n    raise KeyError('k')\n"), 0o644)
	mustRun(t, client, "deploy", code, "--name", "hello", "--runtime", "python3.10")
	code2, out, errOut := run(t, client, "invoke", "hello", "--log")
	if code2 != 1 || !strings.Contains(errOut, "KeyError") || !strings.Contains(out, "errorMessage") {
		t.Errorf("failing invoke: exit %d stdout %q stderr %q", code2, out, errOut)
	}

	mustRun(t, client, "alias", "delete", "hello", "prod")
	mustRun(t, client, "delete", "hello")
	code2, _, errOut = run(t, client, "invoke", "hello")
	if code2 != 1 || !strings.Contains(errOut, "FunctionNotFound") {
		t.Errorf("invoke after delete: exit %d stderr %q", code2, errOut)
	}

	if !slices.Contains(authz.actions, "fc:CreateFunction acs:fc:cn-hangzhou:*:functions/hello") ||
		!slices.Contains(authz.actions, "fc:InvokeFunction acs:fc:cn-hangzhou:*:functions/hello") {
		t.Errorf("authorizations: %v", authz.actions)
	}
}

func TestAPIErrors(t *testing.T) {
	client, _, base := newEnv(t)
	ctx := context.Background()

	tests := []struct {
		name   string
		call   func() error
		status int
		code   string
	}{
		{"missing function", func() error { _, err := client.GetFunction(ctx, "nope", ""); return err }, 404, "FunctionNotFound"},
		{"missing alias", func() error { _, err := client.GetAlias(ctx, "nope", "prod"); return err }, 404, "AliasNotFound"},
		{"bad runtime", func() error {
			_, err := client.CreateFunction(ctx, &fcapi.CreateFunctionInput{FunctionName: "x", Runtime: "cobol"})
			return err
		}, 400, "InvalidArgument"},
		{"unsigned", func() error {
			_, err := fcclient.New(base+"/admin/fc", nil, nil).ListFunctions(ctx, "", "", 0)
			return err
		}, 403, "AccessDenied"},
	}
	for _, tc := range tests {
		err := tc.call()
		var apiErr *fcclient.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Code != tc.code || apiErr.RequestID == "" {
			t.Errorf("%s: got %v, want HTTP %d %s with a request id", tc.name, err, tc.status, tc.code)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-h"}, 0, "Usage: ossfc fn <command>"},
		{[]string{"bogus"}, 2, `unknown command "bogus"`},
		{[]string{"deploy", "-h"}, 0, "-runtime string"},
		{[]string{"deploy", "dir"}, 2, "--name and --runtime are required"},
		{[]string{"invoke"}, 2, "expected NAME"},
		{[]string{"alias", "rename"}, 2, "unknown alias command"},
		{[]string{"alias", "-h"}, 0, "ossfc fn alias create NAME ALIAS --version V"},
		{[]string{"list", "-h"}, 0, "Usage: ossfc fn list [options]"},
	}
	client := fcclient.New("http://127.0.0.1:1", nil, nil)
	for _, tc := range tests {
		code, out, errOut := run(t, client, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%v: exit %d, output %q; want exit %d containing %q", tc.args, code, out+errOut, tc.code, tc.want)
		}
	}
}

func TestDeployChecksStartCommand(t *testing.T) {
	client := fcclient.New("http://127.0.0.1:1", nil, nil)
	empty := t.TempDir()
	code, out, errOut := run(t, client, "deploy", empty, "--name", "f", "--runtime", "custom")
	if code == 0 || !strings.Contains(out+errOut, "has no ./bootstrap") {
		t.Errorf("deploy of an empty directory: exit %d, %q; want an error naming ./bootstrap", code, out+errOut)
	}
	code, out, errOut = run(t, client, "deploy", empty, "--name", "f", "--runtime", "custom", "--command", "./server --port 9000")
	if code == 0 || !strings.Contains(out+errOut, "has no ./server") {
		t.Errorf("deploy with --command ./server: exit %d, %q; want an error naming ./server", code, out+errOut)
	}
}

func TestDeployHTTPFunction(t *testing.T) {
	client, _, _ := newEnv(t)
	const token = "remote-token-1"
	remote := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/invoke" || r.Header.Get("Authorization") != "Bearer "+token {
			w.Header().Set("x-fc-status", "404")
			w.Write([]byte(`{"errorMessage":"unexpected request","errorType":"TestError"}`))
			return
		}
		event, _ := io.ReadAll(r.Body)
		w.Header().Set("x-fc-status", "200")
		w.Write(append([]byte("remote saw "), event...))
	}))
	t.Cleanup(remote.Close)
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)

	out := mustRun(t, client, "deploy", "--name", "remote", "--runtime", "http", "--url", remote.URL+"/invoke", "--bearer-token-file", tokenFile)
	if !strings.Contains(out, "functions/remote") {
		t.Errorf("deploy printed %q, want the function's ARN", out)
	}
	if out := mustRun(t, client, "invoke", "remote", "--event", "ping"); !strings.Contains(out, "remote saw ping") {
		t.Errorf("invoke printed %q, want the remote function's answer", out)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"deploy", "--name", "remote", "--runtime", "http"}, "--runtime http needs --url"},
		{[]string{"deploy", t.TempDir(), "--name", "remote", "--runtime", "http", "--url", remote.URL}, "no DIR or ZIP"},
		{[]string{"deploy", "--name", "local", "--runtime", "custom", "--url", remote.URL}, "expected one DIR or ZIP"},
	} {
		code, stdout, stderr := run(t, client, tc.args...)
		if code != 2 || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("%v: exit %d, output %q; want exit 2 containing %q", tc.args, code, stdout+stderr, tc.want)
		}
	}
}
