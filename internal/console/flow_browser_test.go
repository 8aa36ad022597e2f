package console_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ossfc/ossfc/internal/testenv"
)

// imageExample is the command of the example function that resizes
// images, relative to this package.
const imageExample = "../../examples/functions/image/cmd/image"

// createBucketAndUpload creates a bucket through the form and uploads files
// into it.
func (b *tab) createBucketAndUpload(bucket string, files ...string) {
	b.t.Helper()
	b.open("/buckets")
	b.do("create bucket "+bucket,
		chromedp.SendKeys(chromedp.CSS("#bucket-name"), bucket),
		chromedp.Click(chromedp.CSS(`#create-bucket button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#upload")),
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), files),
		chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#object-list")),
	)
}

// createAccessPoint creates an access point through the form and waits for
// its page.
func (b *tab) createAccessPoint(name, bucket string) {
	b.t.Helper()
	b.open("/accesspoints")
	b.do("create access point "+name,
		chromedp.SendKeys(chromedp.CSS("#ap-name"), name),
		chromedp.SetValue(chromedp.CSS("#ap-bucket"), bucket),
		chromedp.Click(chromedp.CSS(`#create-accesspoint button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#accesspoint-meta")),
	)
}

// TestBrowserWholeFlow walks the feature as a user does: a bucket with a
// photo, the image example deployed from a zip, an access point and an
// Object FC Access Point created through the forms, and the resized photo
// beside the original.
func TestBrowserWholeFlow(t *testing.T) {
	env := testenv.Start(t)
	zipPath := buildFunctionZip(t, imageExample)
	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	b.createBucketAndUpload("photos", copyFile(t, photoPath(t), "photo.jpg"))
	b.deployFunction("image", zipPath)
	b.createAccessPoint("photos-ap", "photos")
	if got := b.text("#ap-alias"); !strings.HasPrefix(got, "photos-ap-") || !strings.HasSuffix(got, "-ossalias") {
		t.Errorf("access point alias %q", got)
	}

	// The creation form offers quick authorization while the roles are missing.
	b.open("/fcaccesspoints")
	if got := b.text("#no-fcaccesspoints"); !strings.Contains(got, "create one") {
		t.Errorf("empty Object FC Access Point list says %q", got)
	}
	b.do("open the creation form", chromedp.Click(chromedp.CSS("#create-fcaccesspoint")), chromedp.WaitVisible(chromedp.CSS("#fcap-form")))
	b.do("run quick authorization",
		chromedp.Click(chromedp.CSS("#quick-authorize")),
		chromedp.WaitVisible(chromedp.CSS(".notice.ok")),
	)
	if got := b.text(".notice.ok"); !strings.Contains(got, "AliyunOSSObjectFcForOSSDefaultRole") {
		t.Errorf("quick authorization says %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("#quick-auth").length`); n != 0 {
		t.Error("the form still asks for quick authorization after it ran")
	}

	// Fill the form: the name is checked as it is typed, the bucket follows
	// the access point, and the version defaults to LATEST.
	b.do("type an invalid name", chromedp.SendKeys(chromedp.CSS("#fcap-name"), "Thumbs"))
	if got := b.text(`.validation[data-for="fcap-name"]`); !strings.Contains(got, "lower-case") {
		t.Errorf("validation of Thumbs says %q", got)
	}
	b.clear("#fcap-name")
	b.do("fill the form",
		chromedp.SendKeys(chromedp.CSS("#fcap-name"), "thumbnails"),
		chromedp.SetValue(chromedp.CSS("#fcap-accesspoint"), "photos-ap"),
		chromedp.SetValue(chromedp.CSS("#fcap-function"), "image"),
		chromedp.Click(chromedp.CSS("#fcap-range")),
	)
	if got := eval[string](b, `document.getElementById("fcap-bucket").value`); got != "photos" {
		t.Errorf("bucket field shows %q, want photos", got)
	}
	if got := eval[string](b, `document.getElementById("fcap-qualifier").value`); got != "LATEST" {
		t.Errorf("function version defaults to %q, want LATEST", got)
	}
	b.screenshot("fcaccesspoint-form")
	b.do("create the Object FC Access Point",
		chromedp.Click(chromedp.CSS("#fcap-create")),
		chromedp.WaitVisible(chromedp.CSS("#fcap-meta")),
	)
	alias := b.text("#fcap-alias")
	if !strings.HasPrefix(alias, "thumbnails-") || !strings.HasSuffix(alias, "-opapalias") {
		t.Errorf("Object FC Access Point alias %q", alias)
	}
	if got := b.text("#fcap-function-arn"); got != "acs:fc:"+env.Region+":"+env.AccountID+":functions/image:LATEST" {
		t.Errorf("configured function %q", got)
	}
	if got := b.text("#fcap-config"); !strings.Contains(got, "supported") || strings.Contains(got, "not supported") {
		t.Errorf("configuration %q does not show Range support", got)
	}

	// The list shows the status and the alias.
	b.open("/fcaccesspoints")
	if got := b.text("#fcaccesspoint-list"); !strings.Contains(got, alias) || !strings.Contains(got, "enable") {
		t.Errorf("list %q lacks the alias or the status enable", got)
	}
	b.screenshot("fcaccesspoints")

	// Side by side: the photo read directly and resized by the function.
	b.open("/compare?alias=" + alias + "&key=photo.jpg&process=image/resize,w_64")
	b.waitFor("both images load", `["direct-image", "transformed-image"].every((id) => {
		const img = document.getElementById(id);
		return img && img.complete && img.naturalWidth > 0;
	})`)
	direct := eval[int](b, `document.getElementById("direct-image").naturalWidth`)
	resized := eval[int](b, `document.getElementById("transformed-image").naturalWidth`)
	if resized != 64 || direct <= 64 {
		t.Errorf("direct image is %d pixels wide and the transformed one %d, want the original and 64", direct, resized)
	}
	b.screenshot("side-by-side")

	// The function's page lists the invocation the transformed read made.
	b.open("/functions/image")
	if got := b.text("#invocation-list"); !strings.Contains(got, "LATEST") {
		t.Errorf("recent invocations %q lack the transformed read", got)
	}
}
