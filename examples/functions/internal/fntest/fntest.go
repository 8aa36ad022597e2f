// Package fntest runs the example functions in tests: it starts an ossfc
// server with internal/testenv to hold the original objects, builds events
// whose inputOssUrl is a presigned GET of such an object, invokes a function
// over Function Compute's custom-runtime contract, and records the
// WriteGetObjectResponse the function sends to a loopback server that
// verifies its signature with internal/auth.
//
// Only the example functions' tests import it.
package fntest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/internal/testenv"
)

// The temporary credentials handed to functions, and the region they sign
// for.
const (
	FunctionKeyID  = "STS.fntestfunction00001"
	FunctionSecret = "fntest-function-secret-0001"
	FunctionToken  = "fntest-security-token-0001"
)

// Bucket is the bucket that holds the original objects.
const Bucket = "examples-source"

// Harness is one ossfc server with a bucket and a WriteGetObjectResponse
// recorder.
type Harness struct {
	Env      *testenv.Env
	Client   *oss.Client
	Recorder *Recorder
}

// New starts a server, creates Bucket and starts a recorder; all stop when
// the test ends.
func New(t testing.TB) *Harness {
	t.Helper()
	env := testenv.Start(t)
	client := env.Client()
	if _, err := client.PutBucket(context.Background(), &oss.PutBucketRequest{Bucket: oss.Ptr(Bucket)}); err != nil {
		t.Fatalf("PutBucket %s: %v", Bucket, err)
	}
	return &Harness{Env: env, Client: client, Recorder: NewRecorder(t, env.Region)}
}

// Put stores body as key with contentType ("" for none).
func (h *Harness) Put(t testing.TB, key string, body io.Reader, contentType string) {
	t.Helper()
	req := &oss.PutObjectRequest{Bucket: oss.Ptr(Bucket), Key: oss.Ptr(key), Body: body}
	if contentType != "" {
		req.ContentType = oss.Ptr(contentType)
	}
	if _, err := h.Client.PutObject(context.Background(), req); err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}

// PutBytes stores data as key.
func (h *Harness) PutBytes(t testing.TB, key string, data []byte, contentType string) {
	t.Helper()
	h.Put(t, key, bytes.NewReader(data), contentType)
}

// Event returns an event for a GetObject of key whose caller sent query
// (for example "x-oss-process=image/resize,w_100", or "") and headers. Its
// inputOssUrl is a presigned GET of key, and its outputRoute the recorder.
func (h *Harness) Event(t testing.TB, key, query string, headers map[string]string) *fcevent.Event {
	t.Helper()
	presigned, err := h.Client.Presign(context.Background(), &oss.GetObjectRequest{Bucket: oss.Ptr(Bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Fatalf("presign GET %s: %v", key, err)
	}
	userURL := "http://fc-example-0123456789abcdef0123456789abcd-opapalias." + testenv.Domain + "/" + key
	if query != "" {
		userURL += "?" + query
	}
	all := map[string]string{"Host": "fc-example-0123456789abcdef0123456789abcd-opapalias." + testenv.Domain}
	for k, v := range headers {
		all[k] = v
	}
	return &fcevent.Event{
		Version:   "1.0",
		RequestID: randomHex(12),
		GetObjectContext: fcevent.GetObjectContext{
			InputOssURL: presigned.URL,
			OutputRoute: h.Recorder.URL,
			OutputToken: "OSSV1#" + randomHex(16),
		},
		UserRequest:  fcevent.UserRequest{URL: userURL, Headers: all},
		UserIdentity: fcevent.UserIdentity{Type: "Account", AccountID: h.Env.AccountID, AccessKeyID: h.Env.AccessKeyID},
	}
}

// Invoke sends event to the custom-runtime function at fnURL as Function
// Compute does and returns the function's status: x-fc-status, or else the
// HTTP status.
func (h *Harness) Invoke(t testing.TB, fnURL string, event *fcevent.Event) int {
	t.Helper()
	body, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, fnURL+"/invoke", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]string{
		"Content-Type":           "application/octet-stream",
		"x-fc-request-id":        randomHex(8),
		"x-fc-access-key-id":     FunctionKeyID,
		"x-fc-access-key-secret": FunctionSecret,
		"x-fc-security-token":    FunctionToken,
		"x-fc-region":            h.Env.Region,
		"x-fc-account-id":        h.Env.AccountID,
		"x-fc-function-name":     "example",
		"x-fc-qualifier":         "LATEST",
		"x-fc-control-path":      "/invoke",
	} {
		req.Header.Set(name, value)
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("invoke %s: %v", fnURL, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if s := resp.Header.Get("x-fc-status"); s != "" && s != "200" {
		return atoi(s)
	}
	return resp.StatusCode
}

// Run invokes the function, fails the test unless it succeeded, and
// returns the WriteGetObjectResponse it sent.
func (h *Harness) Run(t testing.TB, fnURL string, event *fcevent.Event) *WGOR {
	t.Helper()
	if status := h.Invoke(t, fnURL, event); status != http.StatusOK {
		t.Fatalf("function status = %d, want 200", status)
	}
	return h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
}

// BuildFunction compiles the example program in dir (relative to the
// calling test's package, for example ".") and returns the binary's path.
func BuildFunction(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "function")
	cmd := exec.Command("go", "build", "-o", bin, dir)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
	return bin
}

// Process is a function program started as Function Compute's custom
// runtime starts it.
type Process struct {
	URL string
	cmd *exec.Cmd
	out *lockedBuffer
}

// StartFunction runs bin with FC_SERVER_PORT set to a free loopback port
// and waits until it accepts connections. The process is killed when the
// test ends.
func StartFunction(t testing.TB, bin string) *Process {
	t.Helper()
	port := freePort(t)
	out := &lockedBuffer{}
	cmd := exec.Command(bin)
	cmd.Env = []string{"FC_SERVER_PORT=" + port, "FC_SERVER_HOST=127.0.0.1", "PATH=" + os.Getenv("PATH")}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &Process{URL: "http://127.0.0.1:" + port, cmd: cmd, out: out}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("function output:\n%s", out.String())
		}
	})

	for attempt := 0; ; attempt++ {
		resp, err := http.Get(p.URL + "/")
		if err == nil {
			resp.Body.Close()
			return p
		}
		if attempt == 500 {
			t.Fatalf("function did not start listening on %s: %v\n%s", p.URL, err, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// PeakRSS returns the process's peak resident set size in bytes (VmHWM).
func (p *Process) PeakRSS(t testing.TB) int64 {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read from /proc, which needs Linux")
	}
	status, err := os.ReadFile(filepath.Join("/proc", itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		t.Fatalf("read process status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))
			return int64(atoi(kb)) * 1024
		}
	}
	t.Fatal("VmHWM missing from /proc status")
	return 0
}

// Output returns what the process wrote to stdout and stderr so far.
func (p *Process) Output() string { return p.out.String() }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
