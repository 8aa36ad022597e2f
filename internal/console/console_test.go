package console_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/console"
	"github.com/ossfc/ossfc/internal/testenv"
)

// fakeClock is a settable clock for session expiry.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// consoleServer runs a console in front of a test server's OSS API, with
// a fake clock, and returns its URL.
func consoleServer(t *testing.T, env *testenv.Env, clock *fakeClock) string {
	t.Helper()
	h := console.New(console.Options{
		Endpoint: env.URL, Region: env.Region,
		SessionIdleTimeout: 30 * time.Minute, SessionMaxAge: 2 * time.Hour,
		Now: clock.Now,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// browser is a minimal HTTP client with a cookie jar that does not follow
// redirects, so tests see each response.
type browser struct {
	t    *testing.T
	base string
	http *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: base, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) get(path string) (*http.Response, string) {
	b.t.Helper()
	return b.send(http.MethodGet, path, "", nil, nil)
}

func (b *browser) postForm(path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	return b.send(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()), nil)
}

func (b *browser) send(method, path, contentType string, body io.Reader, header http.Header) (*http.Response, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := b.http.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("read %s %s: %v", method, path, err)
	}
	return resp, string(data)
}

var (
	signInTokenPattern = regexp.MustCompile(`name="signin_token" value="([^"]+)"`)
	csrfPattern        = regexp.MustCompile(`data-csrf="([^"]+)"`)
)

func match(t *testing.T, re *regexp.Regexp, page string) string {
	t.Helper()
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page has no match for %s:\n%s", re, page)
	}
	return m[1]
}

// signIn signs in with a key pair and returns the session's CSRF token.
func (b *browser) signIn(id, secret string) string {
	b.t.Helper()
	_, page := b.get("/signin")
	token := match(b.t, signInTokenPattern, page)
	resp, _ := b.postForm("/signin", url.Values{"signin_token": {token}, "access_key_id": {id}, "access_key_secret": {secret}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign-in returned %s, want 303", resp.Status)
	}
	_, page = b.get("/buckets")
	return match(b.t, csrfPattern, page)
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	for _, path := range []string{"/signin", "/buckets", "/no/such/page", "/static/console.js"} {
		resp, _ := b.get(path)
		checks := map[string]string{
			"X-Frame-Options":        "DENY",
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy":        "no-referrer",
		}
		for name, want := range checks {
			if got := resp.Header.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", path, name, got, want)
			}
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: Content-Security-Policy %q allows inline script or style", path, csp)
		}
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	env := testenv.Start(t)
	base := consoleServer(t, env, &fakeClock{now: time.Now()})
	b := newBrowser(t, base)
	_, page := b.get("/signin")
	token := match(t, signInTokenPattern, page)
	resp, _ := b.postForm("/signin", url.Values{"signin_token": {token},
		"access_key_id": {env.AccessKeyID}, "access_key_secret": {env.AccessKeySecret}})

	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ossfc_console_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-in set no session cookie; cookies: %v", resp.Cookies())
	}
	if !session.HttpOnly {
		t.Error("session cookie is not HttpOnly")
	}
	if session.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie SameSite = %v, want Strict", session.SameSite)
	}
	if strings.Contains(session.Value, env.AccessKeySecret) || strings.Contains(session.Value, env.AccessKeyID) {
		t.Error("session cookie carries the key")
	}
	_, page = b.get("/buckets")
	if strings.Contains(page, env.AccessKeySecret) {
		t.Error("a page contains the access key secret")
	}
}

func TestSignInRejects(t *testing.T) {
	env := testenv.Start(t)
	base := consoleServer(t, env, &fakeClock{now: time.Now()})

	tests := []struct {
		name       string
		token      func(page string) string
		id, secret string
		wantStatus int
		wantText   string
	}{
		{"wrong secret", nil, env.AccessKeyID, "wrong", http.StatusForbidden, "SignatureDoesNotMatch"},
		{"unknown key id", nil, "LTAInosuchkey", "whatever", http.StatusForbidden, "InvalidAccessKeyId"},
		{"empty secret", nil, env.AccessKeyID, "", http.StatusBadRequest, "Enter both"},
		{"missing form token", func(string) string { return "" }, env.AccessKeyID, env.AccessKeySecret, http.StatusForbidden, "stale"},
		{"forged form token", func(string) string { return "forged" }, env.AccessKeyID, env.AccessKeySecret, http.StatusForbidden, "stale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, base)
			_, page := b.get("/signin")
			token := match(t, signInTokenPattern, page)
			if tt.token != nil {
				token = tt.token(page)
			}
			resp, page := b.postForm("/signin", url.Values{"signin_token": {token}, "access_key_id": {tt.id}, "access_key_secret": {tt.secret}})
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status %s, want %d", resp.Status, tt.wantStatus)
			}
			if !strings.Contains(page, tt.wantText) {
				t.Errorf("page does not say %q", tt.wantText)
			}
			if resp, _ := b.get("/buckets"); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("after a failed sign-in /buckets returned %s, want a redirect to sign in", resp.Status)
			}
		})
	}
}

func TestSignInRedirectStaysLocal(t *testing.T) {
	env := testenv.Start(t)
	base := consoleServer(t, env, &fakeClock{now: time.Now()})
	tests := []struct{ next, want string }{
		{"/buckets/photos?prefix=a%2F", "/buckets/photos?prefix=a%2F"},
		{"https://evil.example.test/", "/buckets"},
		{"//evil.example.test/", "/buckets"},
		{"/\\evil.example.test/", "/buckets"},
		{"", "/buckets"},
	}
	for _, tt := range tests {
		b := newBrowser(t, base)
		_, page := b.get("/signin?next=" + url.QueryEscape(tt.next))
		token := match(t, signInTokenPattern, page)
		resp, _ := b.postForm("/signin", url.Values{"signin_token": {token}, "next": {tt.next},
			"access_key_id": {env.AccessKeyID}, "access_key_secret": {env.AccessKeySecret}})
		if got := resp.Header.Get("Location"); got != tt.want {
			t.Errorf("next=%q: redirected to %q, want %q", tt.next, got, tt.want)
		}
	}
}

func TestCSRFTokenRequired(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))
	csrf := b.signIn(env.AccessKeyID, env.AccessKeySecret)

	tests := []struct {
		name   string
		token  string
		status int
	}{
		{"no token", "", http.StatusForbidden},
		{"wrong token", "not-the-token", http.StatusForbidden},
		{"session token", csrf, http.StatusSeeOther},
	}
	for i, tt := range tests {
		bucket := "csrf-" + string(rune('a'+i))
		form := url.Values{"bucket": {bucket}}
		if tt.token != "" {
			form.Set("csrf_token", tt.token)
		}
		resp, _ := b.postForm("/buckets", form)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: create bucket returned %s, want %d", tt.name, resp.Status, tt.status)
		}
		_, err := env.Client().GetBucketInfo(context.Background(), &oss.GetBucketInfoRequest{Bucket: oss.Ptr(bucket)})
		if created := err == nil; created != (tt.status == http.StatusSeeOther) {
			t.Errorf("%s: bucket created = %v", tt.name, created)
		}
	}

	// A script's upload carries the token in the header.
	resp, _ := b.send(http.MethodPost, "/buckets/csrf-c/upload?key=a.txt", "text/plain", strings.NewReader("hello"),
		http.Header{"Accept": {"application/json"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload without the token returned %s, want 403", resp.Status)
	}
	resp, _ = b.send(http.MethodPost, "/buckets/csrf-c/upload?key=a.txt", "text/plain", strings.NewReader("hello"),
		http.Header{"Accept": {"application/json"}, "X-Csrf-Token": {csrf}})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("upload with the token returned %s, want 200", resp.Status)
	}
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name    string
		steps   []time.Duration // clock advances, each followed by a request
		expired bool
	}{
		{"active session", []time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, false},
		{"idle too long", []time.Duration{31 * time.Minute}, true},
		{"older than the maximum age", []time.Duration{25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute, 25 * time.Minute}, true},
	}
	env := testenv.Start(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Now()}
			b := newBrowser(t, consoleServer(t, env, clock))
			b.signIn(env.AccessKeyID, env.AccessKeySecret)

			var resp *http.Response
			for _, d := range tt.steps {
				clock.Advance(d)
				resp, _ = b.get("/buckets")
			}
			if gotExpired := resp.StatusCode == http.StatusSeeOther; gotExpired != tt.expired {
				t.Errorf("after %v: /buckets returned %s, want expired = %v", tt.steps, resp.Status, tt.expired)
			}
		})
	}
}

func TestSignOutEndsSession(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))
	csrf := b.signIn(env.AccessKeyID, env.AccessKeySecret)

	// Keep the cookie, as a stolen copy would be kept.
	u, _ := url.Parse(b.base)
	cookies := b.http.Jar.Cookies(u)

	if resp, _ := b.postForm("/signout", url.Values{"csrf_token": {csrf}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out returned %s", resp.Status)
	}
	replay := newBrowser(t, b.base)
	replay.http.Jar.SetCookies(u, cookies)
	if resp, _ := replay.get("/buckets"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the old session cookie still works after sign-out: %s", resp.Status)
	}
}

func TestObjectResponsesAreSandboxed(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	client := env.Client()
	ctx := context.Background()
	if _, err := client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("files")}); err != nil {
		t.Fatal(err)
	}
	objects := map[string]string{
		"page.html":  "text/html",
		"image.svg":  "image/svg+xml",
		"photo.jpg":  "image/jpeg",
		"data.bin":   "application/octet-stream",
		"lying.png":  "text/html",
		"notes.txt":  "",
		"script.xml": "application/xhtml+xml",
		"page.xhtml": "application/xhtml+xml",
	}
	for key, contentType := range objects {
		req := &oss.PutObjectRequest{Bucket: oss.Ptr("files"), Key: oss.Ptr(key), Body: strings.NewReader("<script>alert(1)</script>")}
		if contentType != "" {
			req.ContentType = oss.Ptr(contentType)
		}
		if _, err := client.PutObject(ctx, req); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		path            string
		wantType        string
		wantDisposition string
	}{
		{"/buckets/files/preview?key=page.html", "text/plain; charset=utf-8", "inline"},
		{"/buckets/files/preview?key=image.svg", "image/svg+xml", "inline"},
		{"/buckets/files/preview?key=photo.jpg", "image/jpeg", "inline"},
		{"/buckets/files/preview?key=data.bin", "application/octet-stream", "attachment"},
		{"/buckets/files/preview?key=lying.png", "text/plain; charset=utf-8", "inline"},
		{"/buckets/files/preview?key=notes.txt", "text/plain; charset=utf-8", "inline"},
		{"/buckets/files/preview?key=script.xml", "text/plain; charset=utf-8", "inline"},
		{"/buckets/files/preview?key=page.xhtml", "application/octet-stream", "attachment"},
		{"/buckets/files/download?key=page.html", "application/octet-stream", "attachment"},
		{"/buckets/files/download?key=photo.jpg", "application/octet-stream", "attachment"},
	}
	for _, tt := range tests {
		resp, body := b.get(tt.path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", tt.path, resp.Status)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != tt.wantType {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.wantType)
		}
		if got := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(got, tt.wantDisposition) {
			t.Errorf("%s: Content-Disposition %q, want %s", tt.path, got, tt.wantDisposition)
		}
		if got := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(got, "sandbox") {
			t.Errorf("%s: Content-Security-Policy %q does not start with sandbox", tt.path, got)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tt.path, got)
		}
		if body != "<script>alert(1)</script>" {
			t.Errorf("%s: body %q", tt.path, body)
		}
	}
}

func TestUploadLargeFileAsMultipart(t *testing.T) {
	env := testenv.Start(t)
	h := console.New(console.Options{
		Endpoint: env.URL, Region: env.Region,
		MultipartThreshold: 256 << 10, PartSize: 128 << 10,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	csrf := b.signIn(env.AccessKeyID, env.AccessKeySecret)
	ctx := context.Background()
	if _, err := env.Client().PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("large")}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		size      int
		multipart bool
	}{
		{"below the threshold", 200 << 10, false},
		{"above the threshold", 600 << 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Repeat("0123456789abcdef", tt.size/16)
			resp, body := b.send(http.MethodPost, "/buckets/large/upload?key="+url.QueryEscape(tt.name), "application/octet-stream",
				strings.NewReader(data), http.Header{"Accept": {"application/json"}, "X-Csrf-Token": {csrf}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("upload returned %s: %s", resp.Status, body)
			}
			out, err := env.Client().GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("large"), Key: oss.Ptr(tt.name)})
			if err != nil {
				t.Fatal(err)
			}
			defer out.Body.Close()
			got, err := io.ReadAll(out.Body)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != data {
				t.Errorf("stored object has %d bytes, want the %d uploaded", len(got), len(data))
			}
			if isMultipart := strings.Contains(oss.ToString(out.ETag), "-"); isMultipart != tt.multipart {
				t.Errorf("ETag %s: multipart = %v, want %v", oss.ToString(out.ETag), isMultipart, tt.multipart)
			}
		})
	}
}

func TestUnsignedRequests(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))

	resp, _ := b.get("/buckets/photos?prefix=a%2F")
	if got := resp.Header.Get("Location"); got != "/signin?next=%2Fbuckets%2Fphotos%3Fprefix%3Da%252F" {
		t.Errorf("unsigned page visit redirected to %q", got)
	}
	resp, body := b.send(http.MethodPost, "/buckets/photos/upload?key=a", "text/plain", strings.NewReader("x"),
		http.Header{"Accept": {"application/json"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Sign in again") {
		t.Errorf("unsigned upload returned %s %q, want 401 with a hint", resp.Status, body)
	}
}

func TestOpenBucketByName(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, consoleServer(t, env, &fakeClock{now: time.Now()}))
	b.signIn(env.AccessKeyID, env.AccessKeySecret)

	resp, page := b.get("/buckets")
	if !strings.Contains(page, `id="open-bucket"`) {
		t.Fatalf("the buckets page has no form to open a bucket by name")
	}
	resp, _ = b.get("/buckets?open=reports")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/buckets/reports" {
		t.Errorf("open=reports: %s to %q, want 303 to /buckets/reports", resp.Status, resp.Header.Get("Location"))
	}
	resp, _ = b.get("/buckets?open=" + url.QueryEscape("../admin"))
	if loc := resp.Header.Get("Location"); strings.Contains(loc, "admin") {
		t.Errorf("an invalid bucket name led to %q", loc)
	}
}
