package bench

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/testenv"
)

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
// test server given by -endpoint. The memory scenario skips itself, because
// that server is not a child process. The test checks that each figure is
// reported, not its value.
func TestMainQuickAgainstEndpoint(t *testing.T) {
	env := testenv.Start(t)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_ID", env.AccessKeyID)
	t.Setenv("OSSFC_BENCH_ACCESS_KEY_SECRET", env.AccessKeySecret)

	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"-endpoint", env.URL, "-region", env.Region, "-quick", "-duration", "200ms"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
	for _, figure := range []string{"PUT, 1 client(s)", "GET, 8 client(s)", "4 KiB PUT, 32 client(s)", "4 KiB GET, 1 client(s)", "Uploader"} {
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
