// Package mask is an Object FC Access Point function that masks personal
// data in text objects (plain text, CSV, JSON): e-mail addresses, mobile
// and international phone numbers, resident identity card numbers of
// mainland China, and payment card numbers. rules.go defines exactly what is
// masked and which characters stay visible.
//
// Masking keeps the length and every separator, so the object streams
// through in constant memory. A Range request is served by masking a window
// around the range. masked(range) equals range(masked(whole object)), also
// when the range cuts a value in half.
//
// Objects whose Content-Type contains "json" or whose key ends in .json,
// .jsonl or .ndjson are JSON: there a number outside quotes is masked with
// '0' instead of '*', so it stays a JSON number.
//
// Deploy it with Function Compute's custom runtime (build ./cmd/mask) and
// allow the GetObject-Range feature on the Object FC Access Point.
package mask

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
)

// Handle masks the object, or the requested range of it, of one
// invocation. It is an fcevent.HandlerFunc.
func Handle(ctx context.Context, event *fcevent.Event) error {
	out, err := fcevent.NewOutput(ctx, event)
	if err != nil {
		return err
	}
	if r, ok := parseRange(event.Header("Range")); ok {
		return maskRange(ctx, out, event, r)
	}

	source, err := fcevent.Open(ctx, event, nil)
	if err != nil {
		return out.WriteSourceError(ctx, err)
	}
	defer source.Body.Close()

	return out.Write(ctx, &fcevent.Response{
		Status:        http.StatusOK,
		Header:        responseHeader(source),
		Body:          newMaskReader(source.Body, isJSON(event, source)),
		ContentLength: source.ContentLength,
	})
}

// maskRange serves a Range request. It reads the range and Context bytes on
// each side of it from the original object, masks that window, and sends
// only the requested bytes. Every byte in the range is thus masked with the
// same neighbours it has in the whole object.
func maskRange(ctx context.Context, out *fcevent.Output, event *fcevent.Event, r byteRange) error {
	source, err := fcevent.Open(ctx, event, http.Header{"Range": {r.window()}})
	if err != nil {
		return out.WriteSourceError(ctx, err)
	}
	defer source.Body.Close()

	// The window the source sent: [start, end] of size bytes in all.
	start, end, size := int64(0), source.ContentLength-1, source.ContentLength
	if source.StatusCode == http.StatusPartialContent {
		if start, end, size, err = parseContentRange(source.Header.Get("Content-Range")); err != nil {
			return out.WriteError(ctx, http.StatusInternalServerError, "InternalError", err.Error())
		}
	}

	first, last, ok := r.resolve(size)
	if !ok {
		return out.WriteError(ctx, http.StatusRequestedRangeNotSatisfiable, "InvalidRange",
			fmt.Sprintf("The requested range %s cannot be satisfied: the object has %d bytes.", r, size))
	}
	if first < start || last > end {
		return out.WriteError(ctx, http.StatusInternalServerError, "InternalError",
			fmt.Sprintf("The original object returned bytes %d-%d, which do not cover the requested %d-%d.", start, end, first, last))
	}

	masked := newMaskReader(io.LimitReader(source.Body, end-start+1), isJSON(event, source))
	if _, err := io.CopyN(io.Discard, masked, first-start); err != nil {
		return out.WriteError(ctx, http.StatusInternalServerError, "InternalError", "Reading the original object failed: "+err.Error())
	}
	header := responseHeader(source)
	header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", first, last, size))
	return out.Write(ctx, &fcevent.Response{
		Status:        http.StatusPartialContent,
		Header:        header,
		Body:          io.LimitReader(masked, last-first+1),
		ContentLength: last - first + 1,
	})
}

// responseHeader returns the caller's headers: those of the original object
// that masking does not change. The ETag is left out because the bytes
// differ from the stored object's.
func responseHeader(source *http.Response) http.Header {
	header := http.Header{"Accept-Ranges": {"bytes"}}
	for _, name := range []string{"Content-Type", "Last-Modified", "Cache-Control", "Content-Disposition", "Content-Language"} {
		if v := source.Header.Get(name); v != "" {
			header.Set(name, v)
		}
	}
	return header
}

// isJSON reports whether the object is JSON, by its Content-Type or by the
// extension of the requested key.
func isJSON(event *fcevent.Event, source *http.Response) bool {
	if strings.Contains(strings.ToLower(source.Header.Get("Content-Type")), "json") {
		return true
	}
	key := event.UserRequest.URL
	if u, err := url.Parse(key); err == nil {
		key = u.Path
	}
	switch strings.ToLower(path.Ext(key)) {
	case ".json", ".jsonl", ".ndjson":
		return true
	}
	return false
}
