package console_test

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/chromedp/chromedp"

	"github.com/ossfc/ossfc/internal/testenv"
)

// buildFunctionZip compiles the Go program in dir and returns a zip file
// with the binary at its root under the name "function", as a function
// of the custom runtime is deployed.
func buildFunctionZip(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "function")
	cmd := exec.Command("go", "build", "-o", bin, dir)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	program, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), filepath.Base(dir)+".zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	header := &zip.FileHeader{Name: "function", Method: zip.Deflate}
	header.SetMode(0o755)
	w, err := zw.CreateHeader(header)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(program); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// deployFunction fills the deploy form of the functions page and waits for
// the new function's page.
func (b *tab) deployFunction(name, zipPath string) {
	b.t.Helper()
	b.open("/functions")
	b.do("deploy "+name,
		chromedp.SendKeys(chromedp.CSS("#function-name"), name),
		chromedp.SetValue(chromedp.CSS("#function-runtime"), "custom"),
		chromedp.SendKeys(chromedp.CSS("#function-command"), "./function"),
		chromedp.SetUploadFiles(chromedp.CSS("#function-code"), []string{zipPath}),
		chromedp.Click(chromedp.CSS(`#deploy-function button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#function-config")),
	)
}

func TestBrowserFunctions(t *testing.T) {
	env := testenv.Start(t)
	zipPath := buildFunctionZip(t, "./testdata/echofunc")
	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	b.open("/functions")
	if got := b.text("#no-functions"); !strings.Contains(got, "Deploy one") {
		t.Errorf("empty function list says %q, want a hint to deploy", got)
	}

	b.deployFunction("echo", zipPath)
	if got := b.text(".notice.ok"); !strings.Contains(got, "echo deployed") {
		t.Errorf("after deploying the page says %q", got)
	}
	if got := b.text("#function-arn"); !strings.HasPrefix(got, "acs:fc:"+env.Region+":"+env.AccountID+":functions/echo") {
		t.Errorf("function ARN %q", got)
	}

	// Test invocation with an event shows the response and the log tail.
	b.clear("#invoke-event")
	b.do("invoke with an event",
		chromedp.SendKeys(chromedp.CSS("#invoke-event"), `{"hello": "console"}`),
		chromedp.Click(chromedp.CSS("#invoke")),
		chromedp.WaitVisible(chromedp.CSS("#invoke-result")),
	)
	if got := b.text("#invoke-payload"); !strings.Contains(got, `hello`) || !strings.Contains(got, "console") {
		t.Errorf("invocation response %q does not echo the event", got)
	}
	if got := b.text("#invoke-logs"); !strings.Contains(got, "echofunc received 20 bytes") {
		t.Errorf("invocation log %q lacks the function's log line", got)
	}
	if got := b.text("#invocation-list"); !strings.Contains(got, "ms") {
		t.Errorf("recent invocations %q list no invocation", got)
	}

	// The result is shown once, and reloading the page invokes nothing.
	invocations := eval[int](b, `document.querySelectorAll("#invocation-list details").length`)
	b.do("reload the function page", chromedp.Reload())
	if hasResult := eval[bool](b, `document.querySelector("#invoke-result") !== null`); hasResult {
		t.Error("the reloaded function page shows the invocation result again")
	}
	if got := eval[int](b, `document.querySelectorAll("#invocation-list details").length`); got != invocations {
		t.Errorf("after a reload the function has %d invocations, want %d", got, invocations)
	}

	// Versions and aliases.
	b.do("publish a version",
		chromedp.SendKeys(chromedp.CSS(`#publish-form input[name="description"]`), "first"),
		chromedp.Click(chromedp.CSS("#publish")),
		chromedp.WaitVisible(chromedp.CSS("#version-list")),
	)
	b.do("create an alias",
		chromedp.SendKeys(chromedp.CSS("#alias-name"), "prod"),
		chromedp.Click(chromedp.CSS(`#alias-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#alias-list")),
	)
	if got := b.text("#alias-list"); !strings.Contains(got, "prod") || !strings.Contains(got, "1") {
		t.Errorf("alias list %q lacks prod pointing at version 1", got)
	}

	// The alias is a qualifier of the test invocation.
	b.do("choose the alias", chromedp.SetValue(chromedp.CSS("#invoke-qualifier"), "prod"))
	b.submit("invoke the alias", "#invoke")
	if got := b.text("#invoke-result"); !strings.Contains(got, "on version 1") {
		t.Errorf("invocation through the alias says %q, want version 1", got)
	}
	b.screenshot("function")

	// A version that an alias points at cannot be deleted, and the page shows why.
	b.do("delete the aliased version",
		chromedp.Click(chromedp.CSS(`#version-list button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".notice.error")),
	)
	if got := b.text(".notice.error"); !strings.Contains(got, "Function Compute error") {
		t.Errorf("deleting an aliased version says %q, want the Function Compute error code", got)
	}
}

func TestBrowserRAMUserSeesDenial(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	client := env.Client()
	if _, err := client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("payroll")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("payroll"), Key: oss.Ptr("salaries.txt"),
		Body: strings.NewReader("alice 1000000\n")}); err != nil {
		t.Fatal(err)
	}

	// The account owner creates a user and an access key for it.
	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)
	b.open("/ram/users")
	if got := b.text("#no-users"); !strings.Contains(got, "Create one") {
		t.Errorf("empty user list says %q", got)
	}
	b.do("create user alice",
		chromedp.SendKeys(chromedp.CSS("#user-name"), "alice"),
		chromedp.Click(chromedp.CSS(`#create-user button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#create-key")),
		chromedp.Click(chromedp.CSS("#create-key")),
		chromedp.WaitVisible(chromedp.CSS("#new-key")),
	)
	keyID := b.text("#new-key-id")
	secret := b.text("#new-key-secret")
	if keyID == "" || secret == "" {
		t.Fatalf("new key page shows id %q and secret %q", keyID, secret)
	}
	if got := b.path(); got != "/ram/users/alice" {
		t.Errorf("creating a key ended at %s, want the user's page after a redirect", got)
	}
	b.screenshot("ram-user")

	// The secret is shown once: reloading the page neither shows it again
	// nor creates another key.
	b.do("reload the user's page", chromedp.Reload())
	if got := b.text("#key-list"); !strings.Contains(got, keyID) {
		t.Errorf("key list %q lacks the new key", got)
	}
	if rows := eval[int](b, `document.querySelectorAll("#key-list tbody tr").length`); rows != 1 {
		t.Errorf("after a reload the key list has %d keys, want 1", rows)
	}
	if html := eval[string](b, "document.documentElement.outerHTML"); strings.Contains(html, secret) {
		t.Error("the reloaded user's page shows the secret again")
	}

	// Alice has no policy: after signing in she gets denials, not the data.
	b.do("sign out", chromedp.Click(chromedp.CSS(".who button")), chromedp.WaitVisible(chromedp.CSS("#signin")))
	b.signIn(keyID, secret)
	b.open("/buckets")
	if got := b.text(".notice.error"); !strings.Contains(got, "AccessDenied") {
		t.Errorf("alice's bucket list says %q, want AccessDenied", got)
	}
	if html := eval[string](b, "document.body.innerText"); strings.Contains(html, "payroll") {
		t.Error("alice's bucket list shows the bucket payroll")
	}
	b.open("/buckets/payroll/object?key=salaries.txt")
	if got := b.text(".notice.error"); !strings.Contains(got, "AccessDenied") {
		t.Errorf("alice's object page says %q, want AccessDenied", got)
	}
	if text := eval[string](b, "document.body.innerText"); strings.Contains(text, "1000000") {
		t.Error("alice's object page shows the object's content")
	}
	b.screenshot("denied")
	b.open("/buckets/payroll/preview?key=salaries.txt")
	if text := eval[string](b, "document.body.innerText"); strings.Contains(text, "1000000") {
		t.Error("alice's preview shows the object's content")
	}
	b.open("/ram/users")
	if got := b.text(".notice.error"); !strings.Contains(got, "RAM error") {
		t.Errorf("alice's user list says %q, want a RAM error", got)
	}
}
