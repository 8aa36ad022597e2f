package fc

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta/sqlite"
)

const testAccount = "1000000000000001"

// fakeIssuer mints predictable credentials and counts its calls.
type fakeIssuer struct {
	mu    sync.Mutex
	calls []string // role ARNs
}

func (f *fakeIssuer) AssumeRoleForFunction(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration) (Credentials, error) {
	f.mu.Lock()
	f.calls = append(f.calls, roleARN)
	f.mu.Unlock()
	return Credentials{AccessKeyID: "STS.test-key", AccessKeySecret: "test-secret", SecurityToken: "test-token",
		Expiration: time.Now().Add(ttl)}, nil
}

// openService opens a service whose data directory (0700, holding the
// metadata and a secret file), code root and runtime dir live under dir.
func openService(dir string, cfg Config) (*Service, string, error) {
	svc, data, _, err := openServiceStore(dir, cfg, nil)
	return svc, data, err
}

func openServiceStore(dir string, cfg Config, logger *slog.Logger) (*Service, string, *sqlite.Store, error) {
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, "", nil, err
	}
	os.WriteFile(filepath.Join(data, "credentials"), []byte("root-secret"), 0o600)
	store, err := sqlite.Open(context.Background(), filepath.Join(data, "meta.db"))
	if err != nil {
		return nil, "", nil, err
	}
	cfg.CodeRoot = filepath.Join(dir, "code")
	cfg.RuntimeDir = filepath.Join(dir, "run")
	svc, err := New(cfg, store.Functions(), &fakeIssuer{}, logger)
	if err != nil {
		store.Close()
	}
	return svc, data, store, err
}

// testDir returns a temporary directory that other users can search, so
// the function user reaches the code root inside it.
func testDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	return dir
}

type testService struct {
	*Service
	dir    string
	data   string
	issuer *fakeIssuer
	store  *sqlite.Store
	logs   *logBuffer // the service's log
	closed bool
}

// closeAll closes the service and then its store.
func (ts *testService) closeAll(t *testing.T) {
	if ts.closed {
		return
	}
	ts.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ts.Close(ctx); err != nil {
		t.Errorf("close: %v", err)
	}
	ts.store.Close()
}

func newTestService(t *testing.T, cfg Config) *testService {
	t.Helper()
	dir := testDir(t)
	logs := &logBuffer{}
	svc, data, store, err := openServiceStore(dir, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ts := &testService{Service: svc, dir: dir, data: data, issuer: svc.creds.(*fakeIssuer), store: store, logs: logs}
	t.Cleanup(func() { ts.closeAll(t) })
	return ts
}

// emptyCodeDir is the code of functions whose command is the test binary.
func emptyCodeDir() string {
	dir, _ := os.MkdirTemp("", "ossfc-fc-code-")
	os.WriteFile(filepath.Join(dir, "README"), []byte("test function\n"), 0o644)
	return dir
}

// testBinarySpec is a function that runs the test binary in role.
func testBinarySpec(name, runtime, role string, concurrency, maxInstances int) FunctionSpec {
	return FunctionSpec{
		Name: name, Runtime: runtime, Handler: "index.handler",
		Command:             []string{functionBinary},
		TimeoutSeconds:      30,
		InstanceConcurrency: concurrency, MaxInstances: maxInstances,
		Environment: map[string]string{roleVar: role},
		Role:        "acs:ram::" + testAccount + ":role/aliyunfcdefaultrole",
		Code:        &Code{Dir: emptyCodeDir()},
	}
}

func customSpec(name string, concurrency, maxInstances int) FunctionSpec {
	return testBinarySpec(name, RuntimeCustom, "custom", concurrency, maxInstances)
}

func (ts *testService) create(t *testing.T, spec FunctionSpec) {
	t.Helper()
	if spec.Code != nil && spec.Code.Dir != "" {
		defer os.RemoveAll(spec.Code.Dir)
	}
	if _, err := ts.CreateFunction(context.Background(), testAccount, spec); err != nil {
		t.Fatalf("create %s: %v", spec.Name, err)
	}
}

func (ts *testService) invoke(t *testing.T, function string, payload []byte) (*InvokeResult, error) {
	t.Helper()
	return ts.Invoke(context.Background(), InvokeRequest{AccountID: testAccount, Function: function, Payload: payload})
}

func (ts *testService) mustInvoke(t *testing.T, function string, payload []byte) *InvokeResult {
	t.Helper()
	res, err := ts.invoke(t, function, payload)
	if err != nil {
		if res != nil {
			t.Logf("logs: %q", res.Logs)
		}
		t.Fatalf("invoke %s: %v", function, err)
	}
	return res
}

// logBuffer collects the service's log output for tests to read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
