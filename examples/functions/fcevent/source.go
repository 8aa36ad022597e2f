package fcevent

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
)

// maxSourceErrorBody bounds how much of an error response from inputOssUrl
// is read to find its OSS error code and message.
const maxSourceErrorBody = 64 << 10

// SourceError is a non-2xx answer to the GET of inputOssUrl, such as 404
// NoSuchKey or 416 InvalidRange.
type SourceError struct {
	StatusCode int
	Code       string // the OSS error code, when the body had one
	Message    string
}

func (e *SourceError) Error() string {
	return fmt.Sprintf("reading the original object failed with status %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// Open starts reading the original object from the event's inputOssUrl,
// with header added to the request (for example Range or If-None-Match).
// On a 2xx answer the caller must close the returned response's body. A
// non-2xx answer returns a *SourceError; failures to connect return the
// transport's error.
func Open(ctx context.Context, event *Event, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, event.GetObjectContext.InputOssURL, nil)
	if err != nil {
		return nil, fmt.Errorf("inputOssUrl is not a valid URL: %w", err)
	}
	for name, values := range header {
		req.Header[name] = values
	}
	// Without this, Go's transport asks for gzip and silently decompresses
	// an object stored with Content-Encoding: gzip, changing its bytes.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}

	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the original object failed: %w", err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}

	defer resp.Body.Close()
	serr := &SourceError{StatusCode: resp.StatusCode}
	var body struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxSourceErrorBody))
	if xml.Unmarshal(data, &body) == nil {
		serr.Code, serr.Message = body.Code, body.Message
	}
	return nil, serr
}
