package e2e_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
	"github.com/ossfc/ossfc/internal/testenv"
)

// TestLargeObjectsThroughAliases streams a 64 MiB object through the
// streaming functions and checks the caller's body by length and SHA-256,
// both computed while reading. The per-example tests check that the
// functions' memory stays flat for such an object. This test checks that
// ossfc relays the whole body unchanged, well past every buffer on the way.
func TestLargeObjectsThroughAliases(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB through two functions")
	}
	const size = 64 << 20
	w := setup(t)

	// Each row is masked or converted on its own, so the expected output is
	// the transformed row repeated.
	tests := []struct {
		function    string
		header      string
		row         string
		transformed string
		length      bool // whether the function sends a Content-Length
	}{
		{
			function:    "mask",
			row:         "Alice,13800138000,alice@example.com\n",
			transformed: "Alice,138****8000,a****@example.com\n",
			length:      true,
		},
		{
			function:    "csv2json",
			header:      "id,name,email,city\n",
			row:         "42,Alice Smith,alice@example.com,\"Hangzhou, Zhejiang\"\n",
			transformed: `{"id":"42","name":"Alice Smith","email":"alice@example.com","city":"Hangzhou, Zhejiang"}` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			rows := int64(size / len(tt.row))
			key := "large-" + tt.function + ".csv"
			input := io.MultiReader(strings.NewReader(tt.header), fntest.RepeatReader([]byte(tt.row), rows*int64(len(tt.row))))
			w.putStream(t, key, input, int64(len(tt.header))+rows*int64(len(tt.row)), "text/csv")

			res, err := w.env.Client(testenv.NoRetry).GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(w.aliases[tt.function]), Key: oss.Ptr(key)})
			if err != nil {
				t.Fatalf("GetObject: %v", err)
			}
			defer res.Body.Close()
			hash := sha256.New()
			n, err := io.Copy(hash, res.Body)
			if err != nil {
				t.Fatalf("read failed after %d bytes: %v", n, err)
			}

			wantLength := rows * int64(len(tt.transformed))
			if res.StatusCode != 200 {
				t.Errorf("status = %d, want 200", res.StatusCode)
			}
			if n != wantLength {
				t.Errorf("body length = %d, want %d", n, wantLength)
			}
			if got, want := hex.EncodeToString(hash.Sum(nil)), fntest.SHA256Reader(fntest.RepeatReader([]byte(tt.transformed), wantLength)); got != want {
				t.Errorf("body SHA-256 = %s, want %s, that of the transformed rows", got, want)
			}
			wantHeader := ""
			if tt.length {
				wantHeader = fmt.Sprint(wantLength)
			}
			if got := res.Headers.Get("Content-Length"); got != wantHeader {
				t.Errorf("Content-Length = %q, want %q", got, wantHeader)
			}
		})
	}
}

// putStream stores size bytes read from body as key, without holding them
// in memory.
func (w *world) putStream(t *testing.T, key string, body io.Reader, size int64, contentType string) {
	t.Helper()
	if _, err := w.client.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: body, ContentLength: oss.Ptr(size), ContentType: oss.Ptr(contentType),
	}); err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}
