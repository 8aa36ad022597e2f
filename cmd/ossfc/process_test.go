package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/testenv"
)

// The test binary doubles as the ossfc binary: with OSSFC_TEST_RUN_MAIN=1 it
// runs the command line in its arguments instead of the tests, so process
// tests need no separate build.
func TestMain(m *testing.M) {
	if os.Getenv("OSSFC_TEST_RUN_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// process is an ossfc command running as a child of the test.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error // the exit status, once done is closed

	apiURL     string
	consoleURL string
}

// syncBuffer collects output; safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startProcess runs "ossfc <args>" with env added to a minimal environment.
// The process is killed when the test ends if it is still running.
func startProcess(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append([]string{"OSSFC_TEST_RUN_MAIN=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	p := &process{t: t, cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ossfc: %v", err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

var (
	apiLine     = regexp.MustCompile(`OSS API:\s+(https?://\S+)`)
	consoleLine = regexp.MustCompile(`console:\s+(https?://\S+)`)
)

// startServer runs "ossfc server" on free loopback ports and waits until it
// prints where it listens.
func startServer(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	args = append([]string{"server", "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0",
		"--functions-dir", testenv.FunctionsDir(t)}, args...)
	p := startProcess(t, env, args...)
	// The access key line is the last of the start-up lines.
	p.waitOutput(func() bool { return strings.Contains(p.stdout.String(), "access key id:") }, "the start-up lines on stdout")
	p.apiURL = apiLine.FindStringSubmatch(p.stdout.String())[1]
	if m := consoleLine.FindStringSubmatch(p.stdout.String()); m != nil {
		p.consoleURL = m[1]
	}
	return p
}

// waitOutput polls until cond holds; it fails the test if the process exits
// first or a minute passes.
func (p *process) waitOutput(cond func() bool, what string) {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		select {
		case <-p.done:
			p.t.Fatalf("ossfc exited (%v) before %s\nstdout:\n%s\nstderr:\n%s", p.err, what, p.stdout, p.stderr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s after a minute\nstdout:\n%s\nstderr:\n%s", what, p.stdout, p.stderr)
		}
	}
}

// stop sends sig and waits for the exit, returning the exit code.
func (p *process) stop(sig os.Signal) int {
	p.t.Helper()
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(time.Minute):
		p.t.Fatalf("ossfc did not exit a minute after %v\nstderr:\n%s", sig, p.stderr)
	}
	return p.cmd.ProcessState.ExitCode()
}

// client returns an SDK client for the process's OSS API.
func (p *process) client(keyID, secret, region string) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret)).
		WithRegion(region).
		WithEndpoint(p.apiURL).
		WithRetryMaxAttempts(1)
	return oss.NewClient(cfg)
}

// httpGet fetches url and returns the status and body.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// readCredentialsFile parses the NAME=value lines of a credentials file.
func readCredentialsFile(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open credentials file: %v", err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(name, "#") {
			out[name] = value
		}
	}
	return out
}

// portOf returns the port of an http(s)://host:port URL.
func portOf(t *testing.T, u string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://"))
	if err != nil {
		t.Fatalf("URL %q has no port: %v", u, err)
	}
	return port
}

var bg = context.Background()
