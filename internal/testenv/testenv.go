// Package testenv starts a complete ossfc server inside a test, on loopback
// ports with a temporary data directory, and builds official OSS SDK clients
// for it. Only tests import it.
//
// Virtual-hosted style is tested with the service domain Domain: the clients
// built here dial the server's loopback address whatever host name a request
// carries, so no name is ever resolved and no other address is contacted.
package testenv

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/server"
)

// Domain is the service domain test servers accept for virtual-hosted style.
const Domain = "oss-test.ossfc.test"

// Env is a running test server.
type Env struct {
	T      testing.TB
	Server *server.Server
	Config config.Config

	// URL is the OSS API base URL (http://127.0.0.1:<port>, or https://
	// with TLS), ConsoleURL the console listener's.
	URL        string
	ConsoleURL string

	// RootCAs contains the server's certificate when it serves HTTPS, for
	// clients to trust; nil with plain HTTP. HTTPClient and the SDK
	// clients trust it already.
	RootCAs *x509.CertPool

	Region          string
	AccountID       string
	AccessKeyID     string
	AccessKeySecret string

	// Logs receives the server's log records; tests may scan it.
	Logs *LogBuffer

	cancel context.CancelFunc
	done   chan error

	mu         sync.Mutex
	transports []*http.Transport // of every HTTPClient, closed by Stop
}

// Start starts a server with a fresh data directory; each option may change
// the configuration first. The server stops when the test ends.
func Start(t testing.TB, options ...func(*config.Config)) *Env {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.FunctionsDir = FunctionsDir(t)
	cfg.Addr = "127.0.0.1:0"
	cfg.ConsoleAddr = "127.0.0.1:0"
	cfg.Domains = []string{Domain}
	cfg.AccountID = "1234567890123456"
	cfg.RootAccessKeyID = "LTAItestrootkey000000001"
	cfg.RootAccessKeySecret = "testrootsecret00000000000000001"
	// Generous, so that a loaded machine finishing an in-flight function
	// invocation does not fail a test at its end.
	cfg.ShutdownTimeout = 15 * time.Second
	for _, o := range options {
		o(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("test server configuration: %v", err)
	}
	return StartWith(t, cfg)
}

// FunctionsDir returns a new directory for function code that the
// unprivileged function user can reach when tests run as root (t.TempDir
// creates mode 0700 directories, which that user cannot search). It is
// removed when the test ends.
func FunctionsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ossfc-functions-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// StartWith starts a server with exactly cfg.
func StartWith(t testing.TB, cfg config.Config) *Env {
	t.Helper()
	logs := &LogBuffer{}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(logs, testWriter(t)), &slog.HandlerOptions{Level: slog.LevelDebug}))

	ctx, cancel := context.WithCancel(context.Background())
	s, err := server.New(ctx, cfg, logger)
	if err != nil {
		cancel()
		t.Fatalf("start test server: %v", err)
	}
	e := &Env{
		T: t, Server: s, Config: cfg, URL: s.AdvertiseURL(), Region: cfg.Region,
		Logs: logs, cancel: cancel, done: make(chan error, 1),
	}
	e.ConsoleURL = s.URL("console")
	if cfg.TLS() {
		e.RootCAs = certPool(t, cfg.TLSCertFile)
	}
	creds := s.Credentials()
	e.AccountID, e.AccessKeyID, e.AccessKeySecret = creds.AccountID, creds.AccessKeyID, creds.AccessKeySecret

	go func() { e.done <- s.Serve(ctx) }()
	t.Cleanup(e.Stop)
	return e
}

// Stop shuts the server down and waits for it; later calls do nothing.
func (e *Env) Stop() {
	if e.cancel == nil {
		return
	}
	// A connection a client dialed but never used looks new to the
	// server, and http.Server.Shutdown waits 5 s for new connections.
	e.mu.Lock()
	for _, tr := range e.transports {
		tr.CloseIdleConnections()
	}
	e.mu.Unlock()

	e.cancel()
	e.cancel = nil
	if err := <-e.done; err != nil {
		e.T.Errorf("test server shutdown: %v", err)
	}
}

// Port returns the OSS API port.
func (e *Env) Port() string {
	u, err := url.Parse(e.URL)
	if err != nil {
		return ""
	}
	return u.Port()
}

// ClientOption adjusts the SDK configuration of a test client.
type ClientOption func(*oss.Config)

// V1 makes a client sign with signature version 1.
func V1(c *oss.Config) { c.WithSignatureVersion(oss.SignatureVersionV1) }

// NoRetry makes a client give up after the first attempt, for failure tests.
func NoRetry(c *oss.Config) { c.WithRetryMaxAttempts(1) }

// WithKey makes a client use another key pair (and security token).
func WithKey(id, secret, token string) ClientOption {
	return func(c *oss.Config) {
		c.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, token))
	}
}

// Anonymous makes a client send unsigned requests.
func Anonymous(c *oss.Config) {
	c.WithCredentialsProvider(credentials.NewAnonymousCredentialsProvider())
}

// Client returns an SDK client for the root account in path style (the SDK
// picks path style for an IP endpoint), signing with V4 unless an option
// says otherwise.
func (e *Env) Client(opts ...ClientOption) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(e.AccessKeyID, e.AccessKeySecret)).
		WithRegion(e.Region).
		WithEndpoint(e.URL).
		WithHttpClient(e.HTTPClient())
	for _, o := range opts {
		o(cfg)
	}
	return oss.NewClient(cfg)
}

// VirtualHostedClient returns an SDK client whose endpoint is the service
// domain, so buckets travel in the Host header.
func (e *Env) VirtualHostedClient(opts ...ClientOption) *oss.Client {
	return e.Client(append([]ClientOption{func(c *oss.Config) {
		c.WithEndpoint(e.scheme() + "://" + Domain + ":" + e.Port())
	}}, opts...)...)
}

// scheme returns the scheme of the server's listeners.
func (e *Env) scheme() string {
	if e.RootCAs != nil {
		return "https"
	}
	return "http"
}

// HTTPClient returns an HTTP client that connects every request to the test
// server's loopback address, whatever its host name. With TLS it trusts the
// server's certificate.
func (e *Env) HTTPClient() *http.Client {
	addr := e.Server.Addr("api")
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 64,
	}
	if e.RootCAs != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: e.RootCAs}
	}
	e.mu.Lock()
	e.transports = append(e.transports, tr)
	e.mu.Unlock()
	return &http.Client{Transport: tr}
}

// LogBuffer collects log output; safe for concurrent use.
type LogBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testWriter sends log lines to the test log when OSSFC_TEST_LOG=1, so
// failures can be read without flooding passing runs.
func testWriter(t testing.TB) io.Writer {
	if os.Getenv("OSSFC_TEST_LOG") != "1" {
		return io.Discard
	}
	return writerFunc(func(p []byte) (int, error) {
		t.Log(strings.TrimRight(string(p), "\n"))
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
