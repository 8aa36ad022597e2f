package ossapi

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when the throttle sleeps.
type fakeClock struct {
	t     time.Time
	slept time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) sleep(_ context.Context, d time.Duration) error {
	if d > 0 {
		c.t = c.t.Add(d)
		c.slept += d
	}
	return nil
}

func fakeThrottle(bytesPerSecond int64) (*throttle, *fakeClock) {
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	t := newThrottle(bytesPerSecond)
	t.now, t.sleep = c.now, c.sleep
	return t, c
}

func TestThrottlePacesTraffic(t *testing.T) {
	const rate = 30 << 10 // bytes per second, the lowest limit OSS accepts
	const size = 300 << 10
	// The first trafficChunk bytes pass at once; the rest take size-chunk
	// bytes at rate.
	want := time.Duration(size-trafficChunk) * time.Second / rate

	t.Run("body", func(t *testing.T) {
		th, clock := fakeThrottle(rate)
		body := &throttledBody{ReadCloser: io.NopCloser(bytes.NewReader(make([]byte, size))), t: th, ctx: context.Background()}
		n, err := io.Copy(io.Discard, body)
		if err != nil || n != size {
			t.Fatalf("read %d bytes, %v; want %d", n, err, size)
		}
		if diff := clock.slept - want; diff < -time.Millisecond || diff > time.Millisecond {
			t.Errorf("reading %d bytes at %d B/s waited %v, want %v", size, rate, clock.slept, want)
		}
	})

	t.Run("response", func(t *testing.T) {
		th, clock := fakeThrottle(rate)
		rec := httptest.NewRecorder()
		w := &throttledWriter{ResponseWriter: rec, t: th, ctx: context.Background()}
		n, err := io.Copy(w, bytes.NewReader(make([]byte, size)))
		if err != nil || n != size || rec.Body.Len() != size {
			t.Fatalf("wrote %d bytes (%d arrived), %v; want %d", n, rec.Body.Len(), err, size)
		}
		if diff := clock.slept - want; diff < -time.Millisecond || diff > time.Millisecond {
			t.Errorf("writing %d bytes at %d B/s waited %v, want %v", size, rate, clock.slept, want)
		}
	})
}

func TestThrottleStopsWhenRequestEnds(t *testing.T) {
	th := newThrottle(30 << 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := &throttledWriter{ResponseWriter: httptest.NewRecorder(), t: th, ctx: ctx}
	n, err := w.Write(make([]byte, 4*trafficChunk))
	if err == nil {
		t.Fatal("write after the request ended succeeded")
	}
	if n > trafficChunk {
		t.Errorf("wrote %d bytes after the request ended, want at most one chunk", n)
	}
}
