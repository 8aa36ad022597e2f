package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/identity"
	imagefn "github.com/ossfc/ossfc/examples/functions/image"
	"github.com/ossfc/ossfc/internal/testenv"
)

// The transformed-GET scenarios deploy a copy of -binary and start it as
// "<binary> function <name>", as they would start ossfc. In the tests,
// -binary is a script that runs this test binary with those arguments (see
// functionLauncher), and TestMain then serves the example function.
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "function" {
		handlers := map[string]fcevent.HandlerFunc{"identity": identity.Handle, "image": imagefn.Handle}
		if h := handlers[os.Args[2]]; h != nil {
			fmt.Fprintln(os.Stderr, fcevent.Serve(h))
		}
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestPatternReader(t *testing.T) {
	sizes := []int64{0, 1, patternBlockSize - 1, patternBlockSize, 2*patternBlockSize + 5}
	for _, size := range sizes {
		p := newPattern(size)
		got, err := io.ReadAll(p)
		if err != nil || int64(len(got)) != size {
			t.Fatalf("size %d: read %d bytes, %v", size, len(got), err)
		}
		for off := int64(0); off < size; off += patternBlockSize {
			end := min(off+patternBlockSize, size)
			if !bytes.Equal(got[off:end], patternBlock[:end-off]) {
				t.Fatalf("size %d: bytes at %d do not repeat the block", size, off)
			}
		}

		// ReadAt at the end and a seek back.
		buf := make([]byte, 10)
		if n, err := p.ReadAt(buf, size); n != 0 || err != io.EOF {
			t.Errorf("size %d: ReadAt at the end = %d, %v; want 0, EOF", size, n, err)
		}
		if pos, err := p.Seek(0, io.SeekEnd); pos != size || err != nil {
			t.Errorf("size %d: Seek to the end = %d, %v", size, pos, err)
		}
	}
}

// TestMainQuickAgainstEndpoint runs every scenario in quick mode against a
// test server given by -endpoint and -console. The memory scenario skips
// itself, because that server is not a child process. The test checks that
// each figure is reported, not its value.
func TestMainQuickAgainstEndpoint(t *testing.T) {
	env := testenv.Start(t)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_ID", env.AccessKeyID)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_SECRET", env.AccessKeySecret)

	var stdout, stderr bytes.Buffer
	args := []string{"-endpoint", env.URL, "-console", env.ConsoleURL, "-region", env.Region, "-quick", "-duration", "200ms",
		"-binary", functionLauncher(t)}
	code := Main(context.Background(), args, &stdout, &stderr)
	t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, figure := range []string{
		"PUT, 1 client(s)", "GET, 8 client(s)", "4 KiB PUT, 32 client(s)", "4 KiB GET, 1 client(s)", "Uploader",
		"TCP copy, 32 KiB buffers", "TCP copy, 1 MiB buffers", "p50 through identity", "p99 overhead", "GET through identity", "through identity / direct",
		"p50 starting an instance", "embedded photo, 1 client(s)",
	} {
		if !strings.Contains(stdout.String(), figure) {
			t.Errorf("output lacks %q:\n%s", figure, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "get-memory-1gib skipped") {
		t.Errorf("memory scenario did not report its skip:\n%s", stderr.String())
	}
}

func TestMainRejectsUnknownScenario(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"-scenarios", "nope"}, &stdout, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if !strings.Contains(stderr.String(), `unknown scenario "nope"`) {
		t.Errorf("stderr = %q", stderr.String())
	}
}

// TestTransformScenariosSkipWithoutConsole checks that the scenarios that
// deploy functions skip themselves when the admin API is unknown.
func TestTransformScenariosSkipWithoutConsole(t *testing.T) {
	env := testenv.Start(t)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_ID", env.AccessKeyID)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_SECRET", env.AccessKeySecret)

	var stdout, stderr bytes.Buffer
	args := []string{"-endpoint", env.URL, "-region", env.Region, "-quick", "-scenarios", "transform-4kib,image-resize"}
	if code := Main(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit code %d\nstderr:\n%s", code, stderr.String())
	}
	for _, name := range []string{"transform-4kib", "image-resize"} {
		if !strings.Contains(stderr.String(), name+" skipped: the server's admin API is unknown") {
			t.Errorf("%s did not report its skip:\n%s", name, stderr.String())
		}
	}
}

// functionLauncher returns a shell script that runs a copy of this test
// binary with the script's arguments. Deploying the small script instead of
// the large test binary keeps the tests quick. The copy lies in a directory
// that other users can search, so that functions started as nobody reach
// it when the test runs as root.
func functionLauncher(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ossfc-bench-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, "bench.test")
	if err := os.WriteFile(binary, data, 0o755); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "launch")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec "+binary+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return script
}
