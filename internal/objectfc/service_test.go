package objectfc

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// fakeIdentity mints predictable credentials and lets tests deny the
// invocation role.
type fakeIdentity struct {
	denyRole bool
	mu       sync.Mutex
	minted   int
}

func (f *fakeIdentity) FunctionCredentials(ctx context.Context, accountID, roleARN, session string, ttl time.Duration) (Credentials, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.minted++
	return Credentials{AccessKeyID: fmt.Sprintf("STS.fn%d", f.minted), AccessKeySecret: "fn-secret", SecurityToken: "fn-token"}, nil
}

func (f *fakeIdentity) InvocationSession(ctx context.Context, accountID, roleARN, session string, ttl time.Duration, policy []byte) (Credentials, error) {
	return Credentials{AccessKeyID: "STS.input", AccessKeySecret: "input-secret", SecurityToken: "input-token"}, nil
}

func (f *fakeIdentity) RoleAllows(ctx context.Context, accountID, roleARN, action, resource string) error {
	if f.denyRole {
		return osserr.Newf(osserr.AccessDenied, "The role %s is not allowed %s.", roleARN, action)
	}
	return nil
}

// fakeRuntime runs fn for each invocation; fn plays the function.
type fakeRuntime struct {
	missing bool
	timeout time.Duration
	fn      func(ctx context.Context, ev Event, creds Credentials) error
}

func (f *fakeRuntime) Resolve(ctx context.Context, accountID, arn string) (*Function, error) {
	if f.missing {
		return nil, fmt.Errorf("%s: %w", arn, ErrFunctionNotFound)
	}
	return &Function{ARN: arn, AccountID: accountID, Timeout: f.timeout}, nil
}

func (f *fakeRuntime) Invoke(ctx context.Context, fn *Function, requestID string, event []byte, creds Credentials) error {
	var ev Event
	if err := json.Unmarshal(event, &ev); err != nil {
		return err
	}
	return f.fn(ctx, ev, creds)
}

// harness serves the caller's GET at /get/<key> and WriteGetObjectResponse
// at /wgor, the latter authenticated by the X-Test-Key header.
type harness struct {
	svc     *Service
	srv     *httptest.Server
	runtime *fakeRuntime
	ident   *fakeIdentity
	config  Config
}

func newHarness(t *testing.T) *harness {
	h := &harness{
		runtime: &fakeRuntime{timeout: 5 * time.Second},
		ident:   &fakeIdentity{},
		config:  Config{Actions: []string{"GetObject"}, FunctionARN: "acs:fc:cn-hangzhou:1234567890123456:functions/f"},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/get/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-oss-request-id", "REQ0001")
		req := &Request{
			ID: "REQ0001", AccountID: "1234567890123456", Region: "cn-hangzhou",
			AccessPointForObjectProcess: AccessPointRef{Name: "fcap", Alias: "fcap-x-opapalias", ARN: "acs:oss:cn-hangzhou:1234567890123456:accesspointforobjectprocess/fcap"},
			SupportingAccessPoint:       AccessPointRef{Name: "ap", Alias: "ap-x-ossalias", ARN: "acs:oss:cn-hangzhou:1234567890123456:accesspoint/ap"},
			Config:                      h.config,
			Key:                         strings.TrimPrefix(r.URL.Path, "/get/"),
			Caller:                      UserIdentity{Type: "Account", AccountID: "1234567890123456", AccessKeyID: "LTAIcaller"},
		}
		if err := h.svc.Serve(w, r, req); err != nil {
			osserr.Write(w, r, err, "REQ0001", r.Host)
		}
	})
	mux.HandleFunc("/wgor", func(w http.ResponseWriter, r *http.Request) {
		if err := h.svc.ServeWriteGetObjectResponse(w, r, r.Header.Get("X-Test-Key")); err != nil {
			osserr.Write(w, r, err, "REQ0002", r.Host)
		}
	})
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	h.svc = New(Options{Runtime: h.runtime, Identity: h.ident, AdvertiseURL: h.srv.URL})
	return h
}

// wgor sends a WriteGetObjectResponse like a function would.
func (h *harness) wgor(ctx context.Context, ev Event, key, status string, header map[string]string, body io.Reader, length int64) (*http.Response, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, h.srv.URL+"/wgor", body)
	if err != nil {
		return nil, err
	}
	r.ContentLength = length
	r.Header.Set("X-Test-Key", key)
	r.Header.Set("x-oss-request-route", ev.GetObjectContext.OutputRoute)
	r.Header.Set("x-oss-request-token", ev.GetObjectContext.OutputToken)
	r.Header.Set("x-oss-fwd-status", status)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return http.DefaultClient.Do(r)
}

func (h *harness) get(t *testing.T, key string, header map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	r, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/get/"+key, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestServeRelaysFunctionOutput(t *testing.T) {
	h := newHarness(t)
	events := make(chan Event, 1)
	wgorStatus := make(chan int, 1)
	h.runtime.fn = func(ctx context.Context, ev Event, creds Credentials) error {
		events <- ev
		resp, err := h.wgor(ctx, ev, creds.AccessKeyID, "200",
			map[string]string{"x-oss-fwd-header-Content-Type": "text/plain", "X-Oss-Fwd-Header-Etag": `"abc"`, "x-oss-fwd-header-x-oss-meta-k": "v", "x-oss-fwd-header-Set-Cookie": "no"},
			strings.NewReader("HELLO"), 5)
		if err != nil {
			return err
		}
		resp.Body.Close()
		wgorStatus <- resp.StatusCode
		return nil
	}

	resp, body, err := h.get(t, "dir/a%20b.txt?x-oss-process=image%2Fresize&Signature=secret&OSSAccessKeyId=LTAIcaller", map[string]string{"Authorization": "OSS LTAIcaller:sig", "Range": ""})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || string(body) != "HELLO" {
		t.Fatalf("caller got %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != "text/plain" || resp.Header.Get("ETag") != `"abc"` || resp.Header.Get("X-Oss-Meta-K") != "v" {
		t.Errorf("forwarded headers: %v", resp.Header)
	}
	if resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("a header outside the allowed set was forwarded")
	}
	if got := <-wgorStatus; got != 200 {
		t.Errorf("function got %d", got)
	}
	seen := <-events

	if seen.GetObjectContext.OutputRoute != h.srv.URL || !strings.HasPrefix(seen.GetObjectContext.OutputToken, TokenPrefix) {
		t.Errorf("getObjectContext = %+v", seen.GetObjectContext)
	}
	in, err := url.Parse(seen.GetObjectContext.InputOssURL)
	if err != nil || in.Path != "/ap-x-ossalias/dir/a b.txt" || in.Query().Get("OSSAccessKeyId") != "STS.input" || in.Query().Get("security-token") != "input-token" {
		t.Errorf("inputOssUrl = %s", seen.GetObjectContext.InputOssURL)
	}
	if strings.Contains(seen.UserRequest.URL, "Signature") || strings.Contains(seen.UserRequest.URL, "OSSAccessKeyId") || !strings.Contains(seen.UserRequest.URL, "x-oss-process") {
		t.Errorf("userRequest.url = %s", seen.UserRequest.URL)
	}
	if _, ok := seen.UserRequest.Headers["Authorization"]; ok {
		t.Errorf("Authorization reached the function")
	}
	raw, _ := json.Marshal(seen)
	for _, secret := range []string{"fn-secret", "input-secret", "LTAIcaller:sig", "Signature=secret"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("event contains %q", secret)
		}
	}
	if h.svc.Pending() != 0 {
		t.Errorf("%d tokens left pending", h.svc.Pending())
	}
}

func TestServeFailures(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(h *harness)
		header map[string]string
		status int
		code   string
	}{
		{"no transformation", func(h *harness) { h.config.FunctionARN = "" }, nil, 403, "AccessDenied"},
		{"range without feature", func(h *harness) {}, map[string]string{"Range": "bytes=0-1"}, 501, "NotImplemented"},
		{"function missing", func(h *harness) { h.runtime.missing = true }, nil, 500, "FunctionNotFound"},
		{"invocation role denied", func(h *harness) { h.ident.denyRole = true }, nil, 403, "AccessDenied"},
		{"returns without response", func(h *harness) {
			h.runtime.fn = func(context.Context, Event, Credentials) error { return nil }
		}, nil, 500, "FunctionResponseNotReceived"},
		{"crashes", func(h *harness) {
			h.runtime.fn = func(context.Context, Event, Credentials) error {
				return fmt.Errorf("exit status 2: %w", ErrFunctionFailed)
			}
		}, nil, 500, "FunctionExecutionFailed"},
		{"throttled", func(h *harness) {
			h.runtime.fn = func(context.Context, Event, Credentials) error { return fmt.Errorf("busy: %w", ErrThrottled) }
		}, nil, 503, "FunctionThrottled"},
		{"times out", func(h *harness) {
			h.runtime.timeout = 200 * time.Millisecond
			h.runtime.fn = func(ctx context.Context, ev Event, c Credentials) error { <-ctx.Done(); return ctx.Err() }
		}, nil, 504, "FunctionResponseTimeout"},
		{"function error status without body", func(h *harness) {
			h.runtime.fn = func(ctx context.Context, ev Event, c Credentials) error {
				resp, err := h.wgor(ctx, ev, c.AccessKeyID, "404", nil, http.NoBody, 0)
				if err == nil {
					resp.Body.Close()
				}
				return err
			}
		}, nil, 404, "NoSuchKey"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.runtime.fn = func(context.Context, Event, Credentials) error { return errors.New("not invoked") }
			tc.setup(h)
			resp, body, err := h.get(t, "k", tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || !strings.Contains(string(body), "<Code>"+tc.code+"</Code>") {
				t.Errorf("got %d %s, want %d %s", resp.StatusCode, body, tc.status, tc.code)
			}
			if h.svc.Pending() != 0 {
				t.Errorf("%d tokens left pending", h.svc.Pending())
			}
		})
	}
}

func TestWriteGetObjectResponseChecks(t *testing.T) {
	h := newHarness(t)
	results := make(chan string, 10)
	h.runtime.fn = func(ctx context.Context, ev Event, creds Credentials) error {
		try := func(key, status string, header map[string]string) {
			resp, err := h.wgor(ctx, ev, key, status, header, strings.NewReader("x"), 1)
			if err != nil {
				results <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			results <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		}
		try("STS.other", "200", nil)
		try(creds.AccessKeyID, "299", nil)
		try(creds.AccessKeyID, "200", map[string]string{"x-oss-request-route": "http://elsewhere"})
		try(creds.AccessKeyID, "200", nil)
		try(creds.AccessKeyID, "200", nil)
		return nil
	}
	resp, body, err := h.get(t, "k", nil)
	if err != nil || resp.StatusCode != 200 || string(body) != "x" {
		t.Fatalf("caller: %v %v %q", err, resp, body)
	}
	want := []string{"403 ", "400 ", "400 ", "200", "403 "}
	codes := []string{"AccessDenied", "InvalidArgument", "InvalidArgument", "", "AccessDenied"}
	for i := range want {
		got := <-results
		if !strings.HasPrefix(got, want[i]) || !strings.Contains(got, codes[i]) {
			t.Errorf("call %d: got %.120s, want %s %s", i+1, got, want[i], codes[i])
		}
	}
}

func TestWriteGetObjectResponseBadMD5AbortsCaller(t *testing.T) {
	h := newHarness(t)
	wgorResult := make(chan int, 1)
	wgorBody := make(chan string, 1)
	h.runtime.fn = func(ctx context.Context, ev Event, creds Credentials) error {
		wrong := md5.Sum([]byte("other"))
		resp, err := h.wgor(ctx, ev, creds.AccessKeyID, "200",
			map[string]string{"Content-MD5": base64.StdEncoding.EncodeToString(wrong[:])}, strings.NewReader("data"), 4)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wgorResult <- resp.StatusCode
		wgorBody <- string(b)
		return nil
	}
	_, body, err := h.get(t, "k", nil)
	if err == nil && string(body) == "data" {
		t.Fatalf("caller received the complete body although its MD5 was wrong")
	}
	if got := <-wgorResult; got != 400 {
		t.Errorf("function got %d, want 400", got)
	}
	if got := <-wgorBody; !strings.Contains(got, "<Code>InvalidDigest</Code>") {
		t.Errorf("function got the error %.200s, want InvalidDigest", got)
	}
}

func TestServeChunkedAndCallerGone(t *testing.T) {
	h := newHarness(t)
	functionSaw := make(chan string, 1)
	h.runtime.fn = func(ctx context.Context, ev Event, creds Credentials) error {
		pr, pw := io.Pipe()
		go func() {
			for i := 0; i < 1000; i++ {
				if _, err := pw.Write(bytes.Repeat([]byte("z"), 64<<10)); err != nil {
					return
				}
			}
			pw.Close()
		}()
		resp, err := h.wgor(ctx, ev, creds.AccessKeyID, "200", nil, pr, -1)
		if err != nil {
			functionSaw <- err.Error()
			return nil
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		functionSaw <- fmt.Sprintf("%d %s", resp.StatusCode, b)
		pr.Close()
		return nil
	}

	resp, err := http.Get(h.srv.URL + "/get/k")
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentLength != -1 {
		t.Errorf("chunked function output relayed with length %d", resp.ContentLength)
	}
	buf := make([]byte, 1<<20)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // the caller leaves after 1 MiB

	select {
	case got := <-functionSaw:
		if !strings.Contains(got, "ClientDisconnected") {
			t.Errorf("function got %.200s, want ClientDisconnected", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the function's WriteGetObjectResponse did not end after the caller left")
	}
}
