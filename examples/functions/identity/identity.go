// Package identity is an Object FC Access Point function that returns the
// original object unchanged, streamed from inputOssUrl to
// WriteGetObjectResponse. It measures the cost of the transform path
// itself, so benchmarks use it.
//
// The caller's Range and conditional headers (If-Match, If-None-Match,
// If-Modified-Since, If-Unmodified-Since) are passed on to inputOssUrl, so
// the caller gets the same 206, 304 or 412 that a direct GetObject gives.
//
// Deploy it with Function Compute's custom runtime: build ./cmd/identity
// for Linux and start it as the runtime's command; it listens on
// $FC_SERVER_PORT.
package identity

import (
	"context"
	"net/http"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
)

// passedHeaders are the caller's request headers sent on to the original
// object.
var passedHeaders = []string{"Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since"}

// relayedHeaders are the headers of the original object given to the
// caller.
var relayedHeaders = []string{
	"Accept-Ranges", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language",
	"Content-Range", "Content-Type", "ETag", "Expires", "Last-Modified",
}

// Handle returns the object of one invocation unchanged. It is an
// fcevent.HandlerFunc.
func Handle(ctx context.Context, event *fcevent.Event) error {
	out, err := fcevent.NewOutput(ctx, event)
	if err != nil {
		return err
	}

	request := http.Header{}
	for _, name := range passedHeaders {
		if v := event.Header(name); v != "" {
			request.Set(name, v)
		}
	}
	source, err := fcevent.Open(ctx, event, request)
	if err != nil {
		return out.WriteSourceError(ctx, err)
	}
	defer source.Body.Close()

	header := http.Header{}
	for _, name := range relayedHeaders {
		if v := source.Header.Get(name); v != "" {
			header.Set(name, v)
		}
	}
	return out.Write(ctx, &fcevent.Response{
		Status:        source.StatusCode,
		Header:        header,
		Body:          source.Body,
		ContentLength: source.ContentLength,
	})
}
