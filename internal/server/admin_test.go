package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/testenv"
)

// zipOf returns a zip archive holding files.
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func adminClient(env *testenv.Env, id, secret string) *fcclient.Client {
	cfg := adminclient.Config{URL: env.ConsoleURL, Region: env.Region, AccessKeyID: id, AccessKeySecret: secret}
	return fcclient.New(cfg.URL+"/admin/fc", &http.Client{}, cfg.Sign)
}

func TestAdminFunctionsSignedByRootAndDeniedToUser(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	root := adminClient(env, env.AccessKeyID, env.AccessKeySecret)

	code := zipOf(t, map[string]string{"index.py": "def handler(event, context):\n    return event.upper()\n"})
	fn, err := root.CreateFunction(ctx, &fcapi.CreateFunctionInput{
		FunctionName: "upper", Runtime: "python3.10", Handler: "index.handler", Code: &fcapi.InputCode{ZipFile: code}, Timeout: 10,
	})
	if err != nil {
		t.Fatalf("CreateFunction signed by the root key: %v", err)
	}
	if !strings.Contains(fn.FunctionArn, env.AccountID) {
		t.Errorf("function ARN %q does not name account %s", fn.FunctionArn, env.AccountID)
	}
	out, err := root.Invoke(ctx, "upper", "", []byte("hello"), false)
	if err != nil || string(out.Payload) != "HELLO" {
		t.Fatalf("Invoke = %+v, %v; want HELLO", out, err)
	}

	// A RAM user without policies is refused, and an unsigned or wrongly
	// signed request never reaches the function service.
	svc := env.Server.RAM()
	if _, err := svc.CreateUser(ctx, env.AccountID, ram.UserInput{UserName: "nobody-allowed"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, env.AccountID, "nobody-allowed")
	if err != nil {
		t.Fatal(err)
	}
	user := adminClient(env, key.AccessKeyID, key.AccessKeySecret)
	if _, err := user.Invoke(ctx, "upper", "", []byte("x"), false); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("RAM user without policies: got %v, want AccessDenied", err)
	}
	bad := adminClient(env, env.AccessKeyID, "wrong-secret")
	if _, err := bad.ListFunctions(ctx, "", "", 0); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: got %v, want SignatureDoesNotMatch", err)
	}
	unsigned := fcclient.New(env.ConsoleURL+"/admin/fc", &http.Client{}, nil)
	if _, err := unsigned.ListFunctions(ctx, "", "", 0); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("unsigned: got %v, want AccessDenied", err)
	}
}

func TestAdminRAMThroughSignedRequests(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	cfg := adminclient.Config{URL: env.ConsoleURL, Region: env.Region, AccessKeyID: env.AccessKeyID, AccessKeySecret: env.AccessKeySecret}
	client := ramclient.New(cfg.URL+"/admin/ram", &http.Client{}, cfg.Sign)

	who, err := client.GetCallerIdentity(ctx)
	if err != nil || who.AccountID != env.AccountID || who.IdentityType != "Account" {
		t.Fatalf("GetCallerIdentity = %+v, %v", who, err)
	}
	if _, err := client.CreateUser(ctx, ramapi.CreateUserInput{UserName: "alice"}); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	roles, err := client.QuickAuthorize(ctx)
	if err != nil || len(roles) != 2 {
		t.Fatalf("QuickAuthorize = %v, %v; want two service roles", roles, err)
	}
	if _, err := env.Server.RAM().GetRole(ctx, env.AccountID, "aliyunfcdefaultrole"); err != nil {
		t.Errorf("AliyunFCDefaultRole not found by its lower-case name: %v", err)
	}
}
