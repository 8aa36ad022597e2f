package console_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// browserPath finds Debian's chromium. Without it the browser tests skip,
// unless OSSFC_REQUIRE_BROWSER=1 (set by scripts/test.sh) makes its
// absence a failure.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, candidate := range []string{os.Getenv("OSSFC_CHROMIUM"), "chromium", "/usr/bin/chromium", "chromium-browser"} {
		if candidate == "" {
			continue
		}
		if p, err := exec.LookPath(candidate); err == nil {
			return p
		}
	}
	if os.Getenv("OSSFC_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium not found and OSSFC_REQUIRE_BROWSER=1; install it with: apt-get install chromium")
	}
	t.Skip("chromium not found; install it (apt-get install chromium) to run the browser tests")
	return ""
}

// tab is one headless Chromium tab. Its helpers fail the test on error, so
// a test reads as the steps a user takes.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the console's base URL
}

// newTab starts a fresh headless Chromium with its own profile directory
// and opens a tab. The host resolver rules keep the browser off every host
// but loopback.
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	path := browserPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 6*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return &tab{t: t, ctx: ctx, base: base}
}

// stepTimeout bounds one step, so a missing element fails the test with
// the step's name instead of running into the test's deadline. It is
// generous because CI runs these tests under the race detector beside other
// packages on two cores, where uploading and deploying a function can take
// tens of seconds.
const stepTimeout = 90 * time.Second

// do runs actions and fails the test on the first error.
func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
}

// submit clicks the element at css, which submits a form or follows a
// link, and waits for the next page's load event. A check that waits for an
// element instead could match the page the click left.
func (b *tab) submit(what, css string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css)))); err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.location())
	}
}

// open navigates to a console path and waits for the page to load.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.base+path))
}

// text returns the visible text of the first element matching css.
func (b *tab) text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	for {
		// A page that is being replaced can drop the node between the wait
		// and the read; the next round finds it on the new page.
		err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(css)))
		if err == nil {
			var s string
			if s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css))); err == nil {
				return s
			}
		}
		if ctx.Err() != nil || !strings.Contains(err.Error(), "No node with given id") {
			b.t.Fatalf("read text of %s: %v (page %s)", css, err, b.location())
		}
	}
}

// clear empties an input field the way a user does, so its input event
// fires.
func (b *tab) clear(css string) {
	b.t.Helper()
	js := `(() => { const el = document.querySelector(` + strconv.Quote(css) + `);
		el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); })()`
	b.do("clear "+css, chromedp.Evaluate[chromedp.Void](js))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, expression string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it is true.
func (b *tab) waitFor(what, expression string) {
	b.t.Helper()
	b.do("wait until "+what, chromedp.Poll[chromedp.Void](expression, chromedp.WithPollingTimeout(90*time.Second)))
}

// location returns the current URL, or "" when it cannot be read.
func (b *tab) location() string {
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	return loc
}

// path returns the path and query of the current URL.
func (b *tab) path() string {
	return strings.TrimPrefix(b.location(), b.base)
}

// screenshot saves a PNG of the page. With OSSFC_SCREENSHOTS=1 it goes to
// docs/screenshots/<name>.png in the repository, where the README links
// it; otherwise to the test's temporary directory, so a test run leaves the
// work tree clean.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := b.t.TempDir()
	if os.Getenv("OSSFC_SCREENSHOTS") == "1" {
		dir = filepath.Join("..", "..", "docs", "screenshots")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatalf("save screenshot %s: %v", name, err)
	}
}

// signIn fills the sign-in form and waits for the next page.
func (b *tab) signIn(id, secret string) {
	b.t.Helper()
	b.open("/signin")
	b.do("sign in",
		chromedp.SendKeys(chromedp.CSS("#access_key_id"), id),
		chromedp.SendKeys(chromedp.CSS("#access_key_secret"), secret),
		chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#principal")),
	)
}
