package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/chromedp/chromedp"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestBrowserAccessPointPolicy(t *testing.T) {
	env := testenv.Start(t)
	if _, err := env.Client().PutBucket(context.Background(), &oss.PutBucketRequest{Bucket: oss.Ptr("reports")}); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	b.open("/accesspoints")
	if got := b.text("#no-accesspoints"); !strings.Contains(got, "Create one") {
		t.Errorf("empty access point list says %q", got)
	}
	b.do("type a name that is too short", chromedp.SendKeys(chromedp.CSS("#ap-name"), "ap"))
	if got := b.text(`.validation[data-for="ap-name"]`); !strings.Contains(got, "3 to 19") {
		t.Errorf("validation of a short name says %q", got)
	}
	b.clear("#ap-name")
	b.createAccessPoint("reports-ap", "reports")
	arn := "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspoint/reports-ap"
	if got := b.text("#accesspoint-meta"); !strings.Contains(got, arn) || !strings.Contains(got, "enable") {
		t.Errorf("access point details %q lack the ARN %s or the status", got, arn)
	}
	if got := b.text("#no-policy"); !strings.Contains(got, "No policy") {
		t.Errorf("policy editor says %q, want a note that no policy is set", got)
	}

	// Invalid JSON disables saving, and the page shows why.
	b.clear("#policy-text")
	b.do("type invalid JSON", chromedp.SendKeys(chromedp.CSS("#policy-text"), `{"Version": "1",`))
	if got := b.text(`.validation[data-for="policy-text"]`); !strings.Contains(got, "Not valid JSON") {
		t.Errorf("policy validation says %q", got)
	}
	if disabled := eval[bool](b, `document.getElementById("save-policy").disabled`); !disabled {
		t.Error("the save button is enabled for invalid JSON")
	}

	// A valid policy is saved through PutAccessPointPolicy.
	policy := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + env.AccountID +
		`"],"Resource":["` + arn + `/object/*"]}]}`
	b.clear("#policy-text")
	b.do("type a policy", chromedp.SendKeys(chromedp.CSS("#policy-text"), policy))
	b.submit("save the policy", "#save-policy")
	if got := b.text(".notice.ok"); got != "Access point policy saved." {
		t.Errorf("after saving the policy the page says %q", got)
	}
	stored, err := env.Client().GetAccessPointPolicy(context.Background(), &oss.GetAccessPointPolicyRequest{
		Bucket: oss.Ptr("reports"), AccessPointName: oss.Ptr("reports-ap")})
	if err != nil {
		t.Fatalf("GetAccessPointPolicy after saving: %v", err)
	}
	if !strings.Contains(stored.Body, arn+"/object/*") {
		t.Errorf("stored policy %q", stored.Body)
	}
	b.screenshot("accesspoint")

	// A policy the server rejects shows the OSS error code.
	b.clear("#policy-text")
	b.do("save a policy with an unknown effect",
		chromedp.SendKeys(chromedp.CSS("#policy-text"), `{"Version":"1","Statement":[{"Effect":"Perhaps","Action":["oss:GetObject"],"Resource":["*"]}]}`),
		chromedp.Click(chromedp.CSS("#save-policy")),
		chromedp.WaitVisible(chromedp.CSS(".notice.error")),
	)
	if got := b.text(".notice.error"); !strings.Contains(got, "OSS error") {
		t.Errorf("a rejected policy shows %q, want the OSS error", got)
	}

	b.do("delete the policy", chromedp.Click(chromedp.CSS("#delete-policy")), chromedp.WaitVisible(chromedp.CSS("#no-policy")))
	b.do("delete the access point",
		chromedp.Click(chromedp.CSS("details.danger summary")),
		chromedp.Click(chromedp.CSS("#delete-accesspoint")),
		chromedp.WaitVisible(chromedp.CSS("#no-accesspoints")),
	)
}

// TestBrowserObjectFCAccessPoint creates an Object FC Access Point through
// the form with the identity example and reads a text object through it.
func TestBrowserObjectFCAccessPoint(t *testing.T) {
	env := testenv.Start(t)
	zipPath := buildFunctionZip(t, "../../examples/functions/identity/cmd/identity")
	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	b.createBucketAndUpload("docs", writeFile(t, "readme.txt", "hello through the function\n"))
	b.deployFunction("identity", zipPath)
	b.createAccessPoint("docs-ap", "docs")

	b.open("/fcaccesspoints/new")
	b.do("run quick authorization", chromedp.Click(chromedp.CSS("#quick-authorize")), chromedp.WaitVisible(chromedp.CSS(".notice.ok")))
	b.do("create the Object FC Access Point",
		chromedp.SendKeys(chromedp.CSS("#fcap-name"), "docs-identity"),
		chromedp.Click(chromedp.CSS("#fcap-create")),
		chromedp.WaitVisible(chromedp.CSS("#fcap-meta")),
	)
	alias := b.text("#fcap-alias")

	// The configuration view and the policy editor.
	if got := b.text("#fcap-config"); !strings.Contains(got, "GetObject") || !strings.Contains(got, "not supported") {
		t.Errorf("configuration %q, want GetObject without Range support", got)
	}
	b.do("save a policy", chromedp.Click(chromedp.CSS("#save-policy")), chromedp.WaitVisible(chromedp.CSS("#delete-policy")))
	if _, err := env.Client().GetAccessPointPolicyForObjectProcess(context.Background(), &oss.GetAccessPointPolicyForObjectProcessRequest{
		Bucket: oss.Ptr("docs"), AccessPointForObjectProcessName: oss.Ptr("docs-identity")}); err != nil {
		t.Errorf("GetAccessPointPolicyForObjectProcess after saving: %v", err)
	}

	// Read the object both ways.
	b.do("open the comparison", chromedp.Click(chromedp.CSS("#fcap-compare")), chromedp.WaitVisible(chromedp.CSS("#compare-form")))
	b.do("compare readme.txt",
		chromedp.SendKeys(chromedp.CSS("#compare-key"), "readme.txt"),
		chromedp.Click(chromedp.CSS(`#compare-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#side-by-side")),
	)
	direct, transformed := strings.TrimSpace(b.text("#direct-text")), strings.TrimSpace(b.text("#transformed-text"))
	if direct != "hello through the function" || transformed != direct {
		t.Errorf("direct read %q, read through %s %q; want the same text", direct, alias, transformed)
	}

	// Delete it from its page.
	b.open("/fcaccesspoints")
	b.do("open it", chromedp.Click(chromedp.CSS("#fcaccesspoint-list a")), chromedp.WaitVisible(chromedp.CSS("#fcap-meta")))
	b.do("delete it",
		chromedp.Click(chromedp.CSS("details.danger summary")),
		chromedp.Click(chromedp.CSS("#delete-fcaccesspoint")),
		chromedp.WaitVisible(chromedp.CSS("#no-fcaccesspoints")),
	)
}
