package auth

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Seed corpora live in testdata/fuzz/<FuzzName>.

// checkParseResult fails t when Parse returned something other than a
// signature or an *osserr.Error, and runs Verify on a signature.
func checkParseResult(t *testing.T, r *http.Request, s *Signature, err error) {
	if err != nil {
		var e *osserr.Error
		if !errors.As(err, &e) {
			t.Fatalf("Parse error %v is a %T, not *osserr.Error", err, err)
		}
		if s != nil {
			t.Fatalf("Parse returned both a signature and an error")
		}
		return
	}
	if s == nil {
		return
	}
	now := s.Time
	if s.Presigned {
		now = s.Expires.Add(-time.Second)
	}
	_ = s.Verify(r, Target{Bucket: "bucket", Key: "a/b c"}, "secret", s.Region, now)
	_ = s.Verify(r, Target{}, "secret", "cn-hangzhou", time.Time{})
}

func FuzzParseAuthorization(f *testing.F) {
	f.Fuzz(func(t *testing.T, authorization, date, ossDate, contentSHA256 string) {
		r := &http.Request{
			Method: "PUT",
			URL:    &url.URL{Path: "/bucket/key", RawQuery: "acl&x-oss-process=a%20b"},
			Host:   "bucket.example.test",
			Header: http.Header{
				"Authorization":        {authorization},
				"Date":                 {date},
				"X-Oss-Date":           {ossDate},
				"X-Oss-Content-Sha256": {contentSHA256},
				"X-Oss-Meta-A":         {"1", "2"},
			},
		}
		s, err := Parse(r)
		checkParseResult(t, r, s, err)
	})
}

func FuzzParsePresignedQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, rawQuery string) {
		r := &http.Request{
			Method: "GET",
			URL:    &url.URL{Path: "/key", RawQuery: rawQuery},
			Host:   "bucket.example.test",
			Header: http.Header{"Content-Type": {"text/plain"}},
		}
		s, err := Parse(r)
		checkParseResult(t, r, s, err)
	})
}

// FuzzCanonicalQuery checks that the query canonicalisations never panic and
// that the normal V4 form is a fixed point: canonicalising it again changes
// nothing. A pair "=" (empty key and value) is the exception: it becomes an
// empty entry, as in the SDK, which the second pass skips.
func FuzzCanonicalQuery(f *testing.F) {
	f.Fuzz(func(t *testing.T, rawQuery string) {
		params := parseQuery(rawQuery)
		_ = canonicalizedResourceV1(Target{Bucket: "b", Key: "k"}, params, isSignedV1, false)
		_ = canonicalizedResourceV1(Target{Bucket: "b", Key: "k"}, params, isSignedV1Fallback, true)

		for _, p := range params {
			if p.key == "" && p.value == "" {
				return
			}
		}
		first := canonicalQueryV4(params, "")[0]
		again := canonicalQueryV4(parseQuery(first), "")[0]
		if again != first {
			t.Fatalf("canonical query is not stable:\n%q\n%q", first, again)
		}
	})
}
