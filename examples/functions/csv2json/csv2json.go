// Package csv2json is an Object FC Access Point function that turns a CSV
// object (RFC 4180, as Go's encoding/csv reads it) into JSON Lines. Each row
// becomes one JSON object whose keys are the header's names, in header
// order, and whose values are strings. It streams, so objects of any size
// convert in constant memory.
//
// NOTE: one row is held in memory at a time, so a single huge field (a
// quoted value of gigabytes) is not bounded.
//
// Errors in the CSV, such as a row with more or fewer fields than the
// header, a stray quote, or a header that names a column twice, stop the
// conversion:
//
//   - When the error is within the first 64 KiB of output, nothing has been
//     sent yet, and the caller gets 400 InvalidArgument with a message that
//     names the line.
//   - Later, the status 200 and the rows before the error have been sent
//     already. The function then aborts the response body, so the caller's
//     read fails instead of ending as if the object were complete, and the
//     function logs the line and exits the invocation with an error.
//
// A Range header is ignored: the whole converted object is sent with 200,
// because offsets in the CSV do not map to offsets in the JSON.
//
// Deploy it with Function Compute's custom runtime: build ./cmd/csv2json.
package csv2json

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
)

// prefetchSize is how much output is produced before the response starts,
// so that errors in the first rows reach the caller as a 400.
const prefetchSize = 64 << 10

// Handle converts the object of one invocation. It is an
// fcevent.HandlerFunc.
func Handle(ctx context.Context, event *fcevent.Event) error {
	out, err := fcevent.NewOutput(ctx, event)
	if err != nil {
		return err
	}
	source, err := fcevent.Open(ctx, event, nil)
	if err != nil {
		return out.WriteSourceError(ctx, err)
	}
	defer source.Body.Close()

	// Convert the first rows before sending anything.
	lines := newConverter(source.Body)
	prefix := make([]byte, prefetchSize)
	n, err := io.ReadFull(lines, prefix)
	prefix = prefix[:n]
	var csvErr *csvError
	switch {
	case errors.As(err, &csvErr):
		return out.WriteError(ctx, http.StatusBadRequest, "InvalidArgument", csvErr.Error())
	case err != nil && err != io.EOF && err != io.ErrUnexpectedEOF:
		return out.WriteError(ctx, http.StatusInternalServerError, "InternalError", "Reading the original object failed.")
	}

	resp := &fcevent.Response{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/x-ndjson"}},
	}
	if err != nil {
		// The whole output fits in the prefix, so its length is known.
		resp.Body, resp.ContentLength = bytes.NewReader(prefix), int64(len(prefix))
	} else {
		resp.Body, resp.ContentLength = io.MultiReader(bytes.NewReader(prefix), lines), -1
	}
	if err := out.Write(ctx, resp); err != nil {
		if errors.As(err, &csvErr) {
			return fmt.Errorf("the response was aborted after %d rows: %w", lines.rows, csvErr)
		}
		return err
	}
	return nil
}
