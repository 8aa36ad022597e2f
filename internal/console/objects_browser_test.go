package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/chromedp/chromedp"

	"github.com/ossfc/ossfc/internal/testenv"
)

// Files with script in them: the console must show them without running
// the script in its origin.
const (
	hostileHTML = `<!doctype html><html><head><title>hostile</title></head><body>
<p>hello</p><script>window.ranScript = true; document.title = "script ran";</script></body></html>`
	hostileSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="document.documentElement.setAttribute('data-ran','onload')">
<script>document.documentElement.setAttribute("data-ran", "script");</script>
<rect width="40" height="40" fill="teal"/></svg>`
)

// photoPath returns a real photograph: the JPEG from the Go distribution's
// image test data, or a generated picture when GOROOT has no sources.
func photoPath(t *testing.T) string {
	t.Helper()
	if p := filepath.Join(runtime.GOROOT(), "src", "image", "testdata", "video-001.jpeg"); fileExists(p) {
		return p
	}
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / 320), uint8(y * 255 / 200), 160, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "photo.jpg", buf.String())
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// writeFile writes a file under a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// copyFile copies src to a fresh directory under name.
func copyFile(t *testing.T, src, name string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, string(b))
}

func TestBrowserBucketsAndObjects(t *testing.T) {
	env := testenv.Start(t)
	b := newTab(t, env.ConsoleURL)

	// A visit without a session lands on the sign-in page.
	b.open("/buckets")
	if got := b.path(); !strings.HasPrefix(got, "/signin") {
		t.Fatalf("unsigned visit to /buckets ended at %s, want the sign-in page", got)
	}
	b.screenshot("signin")

	// A wrong secret shows the OSS error code.
	b.do("enter a wrong secret",
		chromedp.SendKeys(chromedp.CSS("#access_key_id"), env.AccessKeyID),
		chromedp.SendKeys(chromedp.CSS("#access_key_secret"), "not-the-secret"),
	)
	b.submit("sign in with a wrong secret", "#signin")
	if got := b.text(".notice.error"); !strings.Contains(got, "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: error box says %q, want the code SignatureDoesNotMatch", got)
	}

	b.signIn(env.AccessKeyID, env.AccessKeySecret)
	if got := b.text("#no-buckets"); !strings.Contains(got, "Create one") {
		t.Errorf("empty bucket list says %q, want a hint to create a bucket", got)
	}

	// The bucket name is checked as it is typed.
	b.do("type an invalid bucket name", chromedp.SendKeys(chromedp.CSS("#bucket-name"), "Photos_1"))
	if got := b.text(`.validation[data-for="bucket-name"]`); !strings.Contains(got, "lower-case letters") {
		t.Errorf("validation of Photos_1 says %q, want the character rule", got)
	}
	b.clear("#bucket-name")
	b.do("type a valid bucket name", chromedp.SendKeys(chromedp.CSS("#bucket-name"), "photos"))
	if got := b.text(`.validation[data-for="bucket-name"]`); got != "Looks good." {
		t.Errorf("validation of photos says %q, want Looks good.", got)
	}
	b.do("create the bucket",
		chromedp.Click(chromedp.CSS(`#create-bucket button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS("#upload")),
	)
	if got := b.text(".notice.ok"); !strings.Contains(got, "photos created") {
		t.Errorf("after creating the bucket the page says %q", got)
	}

	// Upload a photo, a text file and two files carrying script.
	files := []string{
		copyFile(t, photoPath(t), "photo.jpg"),
		writeFile(t, "notes.txt", "first line\n<b>not bold</b>\n"),
		writeFile(t, "hostile.html", hostileHTML),
		writeFile(t, "hostile.svg", hostileSVG),
	}
	b.do("upload four files",
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), files),
		chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#object-list a[href$="key=photo.jpg"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#object-list a[href$="key=hostile.svg"]`)),
	)
	b.screenshot("objects")

	// The photo's page shows its metadata and the image.
	b.do("open the photo",
		chromedp.Click(chromedp.CSS(`#object-list a[href$="key=photo.jpg"]`)),
		chromedp.WaitVisible(chromedp.CSS("#preview-image")),
	)
	b.waitFor("the preview image loads", `document.querySelector("#preview-image").complete && document.querySelector("#preview-image").naturalWidth > 0`)
	if got := b.text("#object-meta"); !strings.Contains(got, "image/jpeg") {
		t.Errorf("photo metadata %q does not show the Content-Type image/jpeg", got)
	}
	b.screenshot("object")

	// Text is shown escaped, markup and all.
	b.open("/buckets/photos/object?key=hostile.html")
	if got := b.text("#preview-text"); !strings.Contains(got, "<script>window.ranScript") {
		t.Errorf("text preview of hostile.html is %q, want its source", got)
	}
	if ran := eval[bool](b, "window.ranScript === true"); ran {
		t.Error("the script of hostile.html ran on the object page")
	}

	// Opened on their own, the previews run no script.
	b.open("/buckets/photos/preview?key=hostile.html")
	if ran := eval[bool](b, "window.ranScript === true || document.title === 'script ran'"); ran {
		t.Error("the script of hostile.html ran when its preview was opened directly")
	}
	if got := eval[string](b, "document.body ? document.body.innerText : ''"); !strings.Contains(got, "<script>") {
		t.Errorf("hostile.html preview shows %q, want its source as plain text", got)
	}
	b.open("/buckets/photos/preview?key=hostile.svg")
	if tag := eval[string](b, "document.documentElement.tagName"); tag != "svg" {
		t.Errorf("hostile.svg preview root is %q, want the svg rendered", tag)
	}
	if ran := eval[string](b, `document.documentElement.getAttribute("data-ran") || ""`); ran != "" {
		t.Errorf("the script of hostile.svg ran (%s) when its preview was opened directly", ran)
	}

	// A bucket with objects cannot be deleted, and the page shows why with the code.
	b.open("/buckets/photos")
	b.do("delete the non-empty bucket",
		chromedp.Click(chromedp.CSS("details.danger summary")),
		chromedp.Click(chromedp.CSS("#delete-bucket")),
		chromedp.WaitVisible(chromedp.CSS(".notice.error")),
	)
	if got := b.text(".notice.error"); !strings.Contains(got, "BucketNotEmpty") || !strings.Contains(got, "Delete them first") {
		t.Errorf("deleting a non-empty bucket says %q, want a plain sentence and BucketNotEmpty", got)
	}

	// Delete an object from its page.
	b.open("/buckets/photos/object?key=notes.txt")
	b.do("delete notes.txt",
		chromedp.Click(chromedp.CSS("details.danger summary")),
		chromedp.Click(chromedp.CSS("#delete-object")),
		chromedp.WaitVisible(chromedp.CSS(".notice.ok")),
	)
	if got := b.text("#object-list"); strings.Contains(got, "notes.txt") {
		t.Errorf("notes.txt is still listed after deletion: %q", got)
	}
}

// recordUploadStates is a script that records the upload form's progress
// bar and status text at each change, in sessionStorage under
// "upload-states". sessionStorage outlives the navigation to the object
// list that follows a finished upload, so the test reads the states after
// that page has loaded instead of racing the navigation.
const recordUploadStates = `(() => {
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const states = [];
  const record = () => {
    states.push({visible: bar.checkVisibility(), value: bar.value, max: bar.max, status: status.textContent});
    sessionStorage.setItem("upload-states", JSON.stringify(states));
  };
  const observer = new MutationObserver(record);
  observer.observe(bar, {attributes: true});
  observer.observe(bar.parentElement, {attributes: true});
  observer.observe(status, {childList: true, characterData: true, subtree: true});
})()`

// uploadState is one state recorded by recordUploadStates.
type uploadState struct {
	Visible bool    `json:"visible"`
	Value   float64 `json:"value"`
	Max     float64 `json:"max"`
	Status  string  `json:"status"`
}

func TestBrowserUploadProgress(t *testing.T) {
	env := testenv.Start(t)
	if _, err := env.Client().PutBucket(context.Background(), &oss.PutBucketRequest{Bucket: oss.Ptr("uploads")}); err != nil {
		t.Fatal(err)
	}

	// Chromium fires upload progress events while it sends an 8 MiB body,
	// the last of them before the response arrives.
	const size = 8 << 20
	content := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	file := writeFile(t, "big.bin", string(content))

	b := newTab(t, env.ConsoleURL)
	b.signIn(env.AccessKeyID, env.AccessKeySecret)
	b.open("/buckets/uploads")
	if visible := eval[bool](b, `document.getElementById("upload-progress").checkVisibility()`); visible {
		t.Error("the progress bar is visible before an upload")
	}

	b.do("record the progress bar", chromedp.Evaluate[chromedp.Void](recordUploadStates))
	b.do("upload big.bin",
		chromedp.SetUploadFiles(chromedp.CSS("#upload-file"), []string{file}),
		chromedp.Click(chromedp.CSS(`#upload button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#object-list a[href$="key=big.bin"]`)),
	)

	recorded := eval[string](b, `sessionStorage.getItem("upload-states") || "[]"`)
	var states []uploadState
	if err := json.Unmarshal([]byte(recorded), &states); err != nil {
		t.Fatalf("decode the recorded upload states: %v", err)
	}
	if len(states) == 0 {
		t.Fatal("the progress bar and status text never changed during the upload")
	}

	// While the file was being sent the bar was visible and rose above 0.
	// upload.js sets the bar after the response only in the same step that
	// sets the status to Uploaded, so a value above 0 recorded with the
	// status Uploading comes from an upload progress event.
	var sending []uploadState
	for _, s := range states {
		if strings.HasPrefix(s.Status, "Uploading big.bin") {
			sending = append(sending, s)
		}
	}
	if len(sending) == 0 {
		t.Fatalf("the status never said Uploading big.bin; states %+v", states)
	}
	for _, s := range sending {
		if !s.Visible {
			t.Errorf("the progress bar was hidden during the upload; states %+v", states)
			break
		}
	}
	if last := sending[len(sending)-1]; last.Value <= 0 {
		t.Errorf("the progress bar stayed at %v while big.bin was sent; states %+v", last.Value, states)
	}

	// The bar never went back, and it ended full with the status saying so.
	for i := 1; i < len(states); i++ {
		if states[i].Value < states[i-1].Value {
			t.Errorf("the progress bar went back from %v to %v; states %+v", states[i-1].Value, states[i].Value, states)
		}
	}
	final := states[len(states)-1]
	if !final.Visible {
		t.Error("the progress bar was hidden at the end of the upload")
	}
	if final.Max != 100 {
		t.Errorf("the progress bar's maximum is %v, want 100", final.Max)
	}
	if final.Value != final.Max {
		t.Errorf("the progress bar ended at %v of %v, want its maximum", final.Value, final.Max)
	}
	if final.Status != "Uploaded big.bin." {
		t.Errorf("the status text ended as %q, want Uploaded big.bin.", final.Status)
	}

	// The object list the page went on to shows the object at its size.
	if got := b.text("#object-list"); !strings.Contains(got, "big.bin") || !strings.Contains(got, "8.0 MiB") {
		t.Errorf("object list %q lacks big.bin of 8.0 MiB", got)
	}
}
