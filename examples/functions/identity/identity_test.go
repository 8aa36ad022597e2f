package identity

import (
	"bytes"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
)

// startInProcess serves Handle over the custom-runtime contract on a
// loopback test server.
func startInProcess(t *testing.T) string {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	server := httptest.NewServer(fcevent.NewHTTPHandler(Handle, logger))
	t.Cleanup(server.Close)
	return server.URL
}

func TestIdentity(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)
	data := make([]byte, 300_000)
	for i := range data {
		data[i] = byte(rand.IntN(256))
	}
	h.PutBytes(t, "blob.bin", data, "application/x-test")

	t.Run("whole object", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "blob.bin", "", nil))
		if w.Status != http.StatusOK {
			t.Errorf("status = %d, want 200", w.Status)
		}
		if !bytes.Equal(w.Body, data) {
			t.Errorf("body differs from the object: %d bytes, want %d", len(w.Body), len(data))
		}
		if got := w.Header.Get("Content-Type"); got != "application/x-test" {
			t.Errorf("Content-Type = %q, want application/x-test", got)
		}
		if w.Header.Get("ETag") == "" {
			t.Error("ETag of the object not relayed")
		}
		if w.ContentLength != int64(len(data)) {
			t.Errorf("WriteGetObjectResponse Content-Length = %d, want %d", w.ContentLength, len(data))
		}
		if w.ContentMD5 != "" {
			t.Errorf("streamed WriteGetObjectResponse carries Content-MD5 %q", w.ContentMD5)
		}
	})

	t.Run("range", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "blob.bin", "", map[string]string{"Range": "bytes=1000-1999"}))
		if w.Status != http.StatusPartialContent {
			t.Errorf("status = %d, want 206", w.Status)
		}
		if !bytes.Equal(w.Body, data[1000:2000]) {
			t.Error("body is not bytes 1000-1999 of the object")
		}
		if got, want := w.Header.Get("Content-Range"), "bytes 1000-1999/300000"; got != want {
			t.Errorf("Content-Range = %q, want %q", got, want)
		}
	})

	t.Run("not modified", func(t *testing.T) {
		etag := h.Run(t, fn, h.Event(t, "blob.bin", "", nil)).Header.Get("ETag")
		w := h.Run(t, fn, h.Event(t, "blob.bin", "", map[string]string{"If-None-Match": etag}))
		if w.Status != http.StatusNotModified {
			t.Errorf("status = %d, want 304", w.Status)
		}
		if w.BodyLen != 0 {
			t.Errorf("304 has a body of %d bytes", w.BodyLen)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "missing.bin", "", nil))
		if w.Status != http.StatusNotFound {
			t.Errorf("status = %d, want 404", w.Status)
		}
		if !strings.Contains(string(w.Body), "<Code>NoSuchKey</Code>") {
			t.Errorf("body = %s, want a NoSuchKey error", w.Body)
		}
	})
}

// TestIdentityLargeObject streams an object four times larger than the
// memory the function may use through the built program.
func TestIdentityLargeObject(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB")
	}
	const size = 64 << 20
	const memoryLimit = 16 << 20

	h := fntest.New(t)
	proc := fntest.StartFunction(t, fntest.BuildFunction(t, "./cmd/identity"))
	h.Put(t, "large.bin", fntest.PatternReader(size), "")

	w := h.Run(t, proc.URL, h.Event(t, "large.bin", "", nil))
	if w.Status != http.StatusOK || w.BodyErr != nil {
		t.Fatalf("status = %d, body error %v", w.Status, w.BodyErr)
	}
	if w.BodyLen != size {
		t.Errorf("body length = %d, want %d", w.BodyLen, size)
	}
	if want := fntest.PatternSHA256(size); w.BodySHA256 != want {
		t.Errorf("body SHA-256 = %s, want %s", w.BodySHA256, want)
	}
	rss := proc.PeakRSS(t)
	t.Logf("function peak RSS: %.1f MiB", float64(rss)/(1<<20))
	if rss > memoryLimit {
		t.Errorf("function peak RSS = %d MiB, want at most %d MiB", rss>>20, memoryLimit>>20)
	}
}
