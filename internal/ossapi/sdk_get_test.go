package ossapi_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestGetObjectRange(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "ranges")
	body := pattern(1000)
	putObject(t, c, "ranges", "k", body)

	tests := []struct {
		rng      string
		standard bool
		status   int    // 200, 206 or 416
		first    int    // first byte served for 206
		last     int    // last byte served for 206
		cr       string // Content-Range for 206 and 416
	}{
		{"bytes=0-499", false, 206, 0, 499, "bytes 0-499/1000"},
		{"bytes=500-999", false, 206, 500, 999, "bytes 500-999/1000"},
		{"bytes=500-", false, 206, 500, 999, "bytes 500-999/1000"},
		{"bytes=-100", false, 206, 900, 999, "bytes 900-999/1000"},
		{"bytes=0-0", false, 206, 0, 0, "bytes 0-0/1000"},
		{"bytes=999-999", false, 206, 999, 999, "bytes 999-999/1000"},
		{"bytes=0-", false, 206, 0, 999, "bytes 0-999/1000"},
		{"bytes=0-99,200-299", false, 206, 0, 99, "bytes 0-99/1000"},

		// Out of range or invalid: the whole object by default.
		{"bytes=0-1000", false, 200, 0, 0, ""},
		{"bytes=1000-2000", false, 200, 0, 0, ""},
		{"bytes=1000-", false, 200, 0, 0, ""},
		{"bytes=-2000", false, 200, 0, 0, ""},
		{"byte=0-499", false, 200, 0, 0, ""},
		{"bytes=500-100", false, 200, 0, 0, ""},
		{"bytes=-0", false, 200, 0, 0, ""},
		{"bytes=x-y", false, 200, 0, 0, ""},

		// Standard behaviour: clip the end, fail when no byte is selected.
		{"bytes=500-2000", true, 206, 500, 999, "bytes 500-999/1000"},
		{"bytes=-2000", true, 206, 0, 999, "bytes 0-999/1000"},
		{"bytes=1000-2000", true, 416, 0, 0, "bytes */1000"},
		{"bytes=1000-", true, 416, 0, 0, "bytes */1000"},
		{"bytes=-0", true, 416, 0, 0, "bytes */1000"},
		{"bytes=0-99", true, 206, 0, 99, "bytes 0-99/1000"},
	}
	for _, tc := range tests {
		req := &oss.GetObjectRequest{Bucket: oss.Ptr("ranges"), Key: oss.Ptr("k"), Range: oss.Ptr(tc.rng)}
		if tc.standard {
			req.RangeBehavior = oss.Ptr("standard")
		}
		name := tc.rng
		if tc.standard {
			name += " (standard)"
		}
		if tc.status == 416 {
			_, err := c.GetObject(ctx, req)
			se := serviceError(t, err, 416, "InvalidRange")
			if got := se.Headers.Get("Content-Range"); got != tc.cr {
				t.Errorf("%s: 416 Content-Range = %q, want %q", name, got, tc.cr)
			}
			continue
		}
		res, got := getObject(t, c, req)
		if res.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, tc.status)
			continue
		}
		want := body
		if tc.status == 206 {
			want = body[tc.first : tc.last+1]
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes served, want %d", name, len(got), len(want))
		}
		if res.ContentLength != int64(len(want)) {
			t.Errorf("%s: Content-Length %d, want %d", name, res.ContentLength, len(want))
		}
		if cr := oss.ToString(res.ContentRange); cr != tc.cr {
			t.Errorf("%s: Content-Range %q, want %q", name, cr, tc.cr)
		}
		if oss.ToString(res.HashCRC64) != crcOf(body) {
			t.Errorf("%s: x-oss-hash-crc64ecma is not the whole object's", name)
		}
	}
}

func TestGetObjectConditional(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "cond")
	body := []byte("conditional body")
	putObject(t, c, "cond", "k", body)
	etag := etagOf(body)
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("cond"), Key: oss.Ptr("k")})
	if err != nil {
		t.Fatal(err)
	}
	mod := *head.LastModified
	before := mod.Add(-time.Hour).UTC().Format(http.TimeFormat)
	after := mod.Add(time.Hour).UTC().Format(http.TimeFormat)
	at := mod.UTC().Format(http.TimeFormat)

	tests := []struct {
		name   string
		req    oss.GetObjectRequest
		status int
	}{
		{"if-match hit", oss.GetObjectRequest{IfMatch: oss.Ptr(etag)}, 200},
		{"if-match star", oss.GetObjectRequest{IfMatch: oss.Ptr("*")}, 200},
		{"if-match list", oss.GetObjectRequest{IfMatch: oss.Ptr(`"0000", ` + etag)}, 200},
		{"if-match miss", oss.GetObjectRequest{IfMatch: oss.Ptr(`"0000"`)}, 412},
		{"if-none-match hit", oss.GetObjectRequest{IfNoneMatch: oss.Ptr(etag)}, 304},
		{"if-none-match miss", oss.GetObjectRequest{IfNoneMatch: oss.Ptr(`"0000"`)}, 200},
		{"if-modified-since before", oss.GetObjectRequest{IfModifiedSince: oss.Ptr(before)}, 200},
		{"if-modified-since at", oss.GetObjectRequest{IfModifiedSince: oss.Ptr(at)}, 304},
		{"if-modified-since after", oss.GetObjectRequest{IfModifiedSince: oss.Ptr(after)}, 304},
		{"if-unmodified-since after", oss.GetObjectRequest{IfUnmodifiedSince: oss.Ptr(after)}, 200},
		{"if-unmodified-since at", oss.GetObjectRequest{IfUnmodifiedSince: oss.Ptr(at)}, 200},
		{"if-unmodified-since before", oss.GetObjectRequest{IfUnmodifiedSince: oss.Ptr(before)}, 412},
		{"if-match wins over unmodified", oss.GetObjectRequest{IfMatch: oss.Ptr(etag), IfUnmodifiedSince: oss.Ptr(before)}, 200},
		{"if-none-match wins over modified", oss.GetObjectRequest{IfNoneMatch: oss.Ptr(`"0000"`), IfModifiedSince: oss.Ptr(after)}, 200},
		{"412 before 304", oss.GetObjectRequest{IfMatch: oss.Ptr(`"0000"`), IfNoneMatch: oss.Ptr(etag)}, 412},
		{"range with if-match", oss.GetObjectRequest{IfMatch: oss.Ptr(etag), Range: oss.Ptr("bytes=0-3")}, 206},
	}
	for _, tc := range tests {
		req := tc.req
		req.Bucket, req.Key = oss.Ptr("cond"), oss.Ptr("k")
		res, err := c.GetObject(ctx, &req)
		switch tc.status {
		case 200, 206:
			if err != nil {
				t.Errorf("%s: %v; want %d", tc.name, err, tc.status)
				continue
			}
			res.Body.Close()
			if res.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, res.StatusCode, tc.status)
			}
		case 304:
			// A 304 has no body and no x-oss-err, so the SDK reports
			// BadErrorResponse with the response headers.
			se := serviceError(t, err, 304, "BadErrorResponse")
			if got := se.Headers.Get("ETag"); got != etag {
				t.Errorf("%s: 304 ETag = %q, want %q", tc.name, got, etag)
			}
			if se.Headers.Get("x-oss-request-id") == "" {
				t.Errorf("%s: 304 without x-oss-request-id", tc.name)
			}
		case 412:
			se := serviceError(t, err, 412, "PreconditionFailed")
			if se.EC == "" {
				t.Errorf("%s: 412 without EC", tc.name)
			}
		}
	}

	// HeadObject evaluates the same conditions.
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("cond"), Key: oss.Ptr("k"), IfMatch: oss.Ptr(`"0000"`)})
	serviceError(t, err, 412, "PreconditionFailed")
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("cond"), Key: oss.Ptr("k"), IfNoneMatch: oss.Ptr(etag)})
	serviceError(t, err, 304, "BadErrorResponse")
}

func TestGetObjectResponseOverrides(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "override-" + sc.name
			createBucket(t, c, bucket)
			putObject(t, c, bucket, "k.txt", []byte("x"))
			res, _ := getObject(t, c, &oss.GetObjectRequest{
				Bucket: oss.Ptr(bucket), Key: oss.Ptr("k.txt"),
				ResponseContentType:        oss.Ptr("application/x-test"),
				ResponseContentDisposition: oss.Ptr(`attachment; filename="a b.txt"`),
				ResponseCacheControl:       oss.Ptr("max-age=60"),
				ResponseContentEncoding:    oss.Ptr("identity"),
				ResponseContentLanguage:    oss.Ptr("zh-CN"),
				ResponseExpires:            oss.Ptr("Thu, 01 Jan 2037 00:00:00 GMT"),
			})
			checks := map[string][2]string{
				"Content-Type":        {oss.ToString(res.ContentType), "application/x-test"},
				"Content-Disposition": {res.Headers.Get("Content-Disposition"), `attachment; filename="a b.txt"`},
				"Cache-Control":       {res.Headers.Get("Cache-Control"), "max-age=60"},
				"Content-Encoding":    {res.Headers.Get("Content-Encoding"), "identity"},
				"Content-Language":    {res.Headers.Get("Content-Language"), "zh-CN"},
				"Expires":             {res.Headers.Get("Expires"), "Thu, 01 Jan 2037 00:00:00 GMT"},
			}
			for name, c := range checks {
				if c[0] != c[1] {
					t.Errorf("%s = %q, want %q", name, c[0], c[1])
				}
			}
		})
	}
}
