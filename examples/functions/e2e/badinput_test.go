package e2e_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// TestBadInputsThroughAliases pins what an SDK caller gets through a live
// ossfc when the object is not what the function expects: the function's
// OSS error as an *oss.ServiceError, or, once the 200 has gone out, a body
// whose read fails.
func TestBadInputsThroughAliases(t *testing.T) {
	w := setup(t)
	// The SDK retries 5xx responses and connection errors, and a second
	// attempt would hide what the first one returned.
	client := w.env.Client(testenv.NoRetry)

	t.Run("corrupt jpeg", func(t *testing.T) {
		photo, err := os.ReadFile("../image/testdata/video-001.jpeg")
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name    string
			data    []byte
			message string // a fragment of the error message with x-oss-process
		}{
			// The frame header is intact, so the size is known, but the scan
			// data ends early.
			{"truncated in the scan", photo[:len(photo)/2], "The jpeg image is corrupt: "},
			{"truncated in the header", photo[:20], "The object is not an image this function reads (JPEG, PNG, GIF, BMP, TIFF or WebP): "},
			{"garbage bytes", []byte("this is a text file, not a JPEG image\n"), "The object is not an image this function reads (JPEG, PNG, GIF, BMP, TIFF or WebP): "},
		}
		for i, tt := range tests {
			key := fmt.Sprintf("corrupt-%d.jpg", i)
			w.put(t, key, tt.data, "image/jpeg")

			for _, process := range []string{"image/resize,w_50", "image/format,png"} {
				t.Run(tt.name+" with "+process, func(t *testing.T) {
					res, err := client.GetObject(ctx, &oss.GetObjectRequest{
						Bucket: oss.Ptr(w.aliases["image"]), Key: oss.Ptr(key), Process: oss.Ptr(process),
					})
					if err == nil {
						body, _ := io.ReadAll(res.Body)
						res.Body.Close()
						t.Fatalf("GetObject succeeded with status %d and %d bytes; want 400 BadRequest", res.StatusCode, len(body))
					}
					var serr *oss.ServiceError
					if !errors.As(err, &serr) {
						t.Fatalf("error = %v (%T), want an *oss.ServiceError", err, err)
					}
					if serr.StatusCode != 400 {
						t.Errorf("status = %d, want 400", serr.StatusCode)
					}
					if serr.Code != "BadRequest" {
						t.Errorf("code = %q, want BadRequest", serr.Code)
					}
					if !strings.HasPrefix(serr.Message, tt.message) {
						t.Errorf("message = %q, want it to start with %q", serr.Message, tt.message)
					}
					if id := serr.Headers.Get("x-oss-request-id"); serr.RequestID == "" || serr.RequestID != id {
						t.Errorf("RequestId in the error document = %q, x-oss-request-id = %q; want the same id", serr.RequestID, id)
					}
				})
			}

			// The package documents that an object read without x-oss-process
			// is sent unchanged, so it is not decoded and arrives whole.
			t.Run(tt.name+" without x-oss-process", func(t *testing.T) {
				res, body := w.get(t, "image", key, &oss.GetObjectRequest{})
				if !bytes.Equal(body, tt.data) {
					t.Errorf("body is %d bytes, want the stored %d bytes unchanged", len(body), len(tt.data))
				}
				if res.StatusCode != 200 || res.ContentLength != int64(len(tt.data)) {
					t.Errorf("status %d, Content-Length %d; want 200 and %d", res.StatusCode, res.ContentLength, len(tt.data))
				}
				if got := oss.ToString(res.ContentType); got != "image/jpeg" {
					t.Errorf("Content-Type = %q, want image/jpeg", got)
				}
			})
		}
	})

	t.Run("early ragged csv row", func(t *testing.T) {
		// A row within the first 64 KiB of output is found before the function
		// starts the response, so the caller gets 400 naming the line.
		var long strings.Builder
		long.WriteString("n,square\n")
		for i := range 1000 { // about 30 KiB of JSON
			fmt.Fprintf(&long, "%d,%d\n", i, i*i)
		}
		long.WriteString("1000,1000000,extra\n")

		tests := []struct {
			name    string
			input   string
			message string
		}{
			{"too few fields on line 3", "a,b,c\n1,2,3\n4,5\n", "The CSV row on line 3 has 2 fields, but the header has 3."},
			{"too many fields on line 1002", long.String(), "The CSV row on line 1002 has 3 fields, but the header has 2."},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := fmt.Sprintf("early-ragged-%d.csv", i)
				w.put(t, key, []byte(tt.input), "text/csv")

				res, err := client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(w.aliases["csv2json"]), Key: oss.Ptr(key)})
				if err == nil {
					res.Body.Close()
					t.Fatalf("GetObject succeeded with status %d; want 400 InvalidArgument", res.StatusCode)
				}
				var serr *oss.ServiceError
				if !errors.As(err, &serr) {
					t.Fatalf("error = %v (%T), want an *oss.ServiceError", err, err)
				}
				if serr.StatusCode != 400 {
					t.Errorf("status = %d, want 400", serr.StatusCode)
				}
				if serr.Code != "InvalidArgument" {
					t.Errorf("code = %q, want InvalidArgument", serr.Code)
				}
				if serr.Message != tt.message {
					t.Errorf("message = %q, want %q", serr.Message, tt.message)
				}
			})
		}
	})

	t.Run("late ragged csv row", func(t *testing.T) {
		// About 3.5 MiB of JSON precede the ragged row. That is far more than
		// the 64 KiB the function converts before it commits to 200, and more
		// than the function's and ossfc's write buffers, so the rows before
		// the error reach the caller.
		const goodRows = 100_000
		var input bytes.Buffer
		input.WriteString("n,square\n")
		for i := range goodRows {
			fmt.Fprintf(&input, "%d,%d\n", i, i*i)
		}
		input.WriteString("oops\n")
		for range 100 {
			input.WriteString("1,1\n")
		}
		w.put(t, "late-ragged.csv", input.Bytes(), "text/csv")

		res, err := client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(w.aliases["csv2json"]), Key: oss.Ptr("late-ragged.csv")})
		if err != nil {
			t.Fatalf("GetObject: %v; want 200, sent before the ragged row was read", err)
		}
		defer res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("status = %d, want 200", res.StatusCode)
		}
		if got := res.Headers.Get("Content-Length"); got != "" {
			t.Errorf("Content-Length = %s, want none (a chunked body)", got)
		}

		// Whole rows arrive in order, then the read fails: the function aborts
		// its WriteGetObjectResponse, and ossfc closes the caller's
		// connection inside the chunked body, which Go's HTTP client reports
		// as an unexpected EOF.
		rows, readErr := readRows(t, res.Body)
		if readErr == nil || readErr == io.EOF {
			t.Fatalf("the body ended cleanly after %d rows; want a failed read", rows)
		}
		if !errors.Is(readErr, io.ErrUnexpectedEOF) {
			t.Errorf("read error = %v, want %v", readErr, io.ErrUnexpectedEOF)
		}
		// ossfc holds back the last byte it received until the function's body
		// ends cleanly, so the newline of the last good row never arrives.
		if minRows := 64 << 10 / len(`{"n":"1000","square":"1000000"}`+"\n"); rows < minRows || rows >= goodRows {
			t.Errorf("%d whole rows arrived, want from %d to %d", rows, minRows, goodRows-1)
		}
	})
}

// readRows reads JSON Lines of the late ragged CSV from body until a read
// fails and returns the number of whole rows and the read error (io.EOF
// when the body ended cleanly). A row out of order, which would be one that
// follows the ragged row, fails the test.
func readRows(t *testing.T, body io.Reader) (int, error) {
	t.Helper()
	r := bufio.NewReader(body)
	rows := 0
	for {
		line, err := r.ReadBytes('\n')
		if err != nil {
			// A cut last line carries no newline and is not counted.
			return rows, err
		}
		var row map[string]string
		if err := json.Unmarshal(line, &row); err != nil {
			t.Fatalf("row %d is not a JSON object: %q", rows, line)
		}
		if want := fmt.Sprint(rows); row["n"] != want {
			t.Fatalf("row %d has n = %q, want %s", rows, row["n"], want)
		}
		rows++
	}
}
