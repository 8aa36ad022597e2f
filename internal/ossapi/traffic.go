package ossapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Bounds of x-oss-traffic-limit in bit/s, as the OSS Go SDK v2 documents
// them: 30 KiB/s to 100 MiB/s.
const (
	minTrafficLimit = 245760
	maxTrafficLimit = 838860800
)

// trafficChunk is the most bytes one throttled read or write moves at once,
// and so the burst a throttled transfer may send ahead of its rate.
const trafficChunk = 16 << 10

// trafficLimit validates x-oss-traffic-limit, which uploads, downloads and
// copies may carry, and returns the requested speed in bytes per second,
// or 0 when the request has none.
func trafficLimit(r *http.Request) (int64, error) {
	v := r.Header.Get("x-oss-traffic-limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minTrafficLimit || n > maxTrafficLimit {
		return 0, invalidArgument("x-oss-traffic-limit", v,
			"must be a speed in bit/s from "+strconv.Itoa(minTrafficLimit)+" to "+strconv.Itoa(maxTrafficLimit))
	}
	return n / 8, nil
}

// throttleTraffic makes the request body and the response of one request
// flow at most bytesPerSecond each, the speed x-oss-traffic-limit sets.
//
// NOTE: CopyObject and UploadPartCopy move their data inside the server, so
// their copies are not slowed down.
func throttleTraffic(w http.ResponseWriter, r *http.Request, bytesPerSecond int64) (http.ResponseWriter, *http.Request) {
	ctx := r.Context()
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &throttledBody{ReadCloser: r.Body, t: newThrottle(bytesPerSecond), ctx: ctx}
	}
	return &throttledWriter{ResponseWriter: w, t: newThrottle(bytesPerSecond), ctx: ctx}, r
}

// throttle paces a byte stream with a token bucket of trafficChunk bytes.
type throttle struct {
	limiter *rate.Limiter
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
}

func newThrottle(bytesPerSecond int64) *throttle {
	return &throttle{limiter: rate.NewLimiter(rate.Limit(bytesPerSecond), trafficChunk), now: time.Now, sleep: sleepContext}
}

// wait blocks until n bytes (at most trafficChunk) may pass, or ctx ends.
func (t *throttle) wait(ctx context.Context, n int) error {
	now := t.now()
	res := t.limiter.ReserveN(now, n)
	return t.sleep(ctx, res.DelayFrom(now))
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// throttledBody is a request body read at the throttle's pace.
type throttledBody struct {
	io.ReadCloser
	t   *throttle
	ctx context.Context
}

func (b *throttledBody) Read(p []byte) (int, error) {
	if len(p) > trafficChunk {
		p = p[:trafficChunk]
	}
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		if werr := b.t.wait(b.ctx, n); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// throttledWriter is a response written at the throttle's pace. It has no
// ReadFrom, so bodies go through Write in chunks instead of sendfile(2).
type throttledWriter struct {
	http.ResponseWriter
	t   *throttle
	ctx context.Context
}

func (w *throttledWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		chunk := p[:min(len(p), trafficChunk)]
		if err := w.t.wait(w.ctx, len(chunk)); err != nil {
			return written, err
		}
		n, err := w.ResponseWriter.Write(chunk)
		written += n
		if err != nil {
			return written, err
		}
		p = p[len(chunk):]
	}
	return written, nil
}

func (w *throttledWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *throttledWriter) Flush() { http.NewResponseController(w.ResponseWriter).Flush() }
