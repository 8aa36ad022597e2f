package auth

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// tamperBase is the request that the tampering tests sign.
func tamperBase() sdkRequest {
	return sdkRequest{
		method: "PUT", bucket: ptr("examplebucket"), key: ptr("dir/a b+c.txt"), body: "payload",
		query: [][2]string{{"versionId", "v1"}, {"x-oss-process", "image/resize,w_100"}},
		header: [][2]string{
			{"Content-Type", "text/plain"},
			{"x-oss-meta-author", "alice"},
		},
	}
}

// replaceQuery replaces the first value of key in the raw query of r.
func replaceQuery(r *http.Request, key, value string) {
	var parts []string
	for _, p := range strings.Split(r.URL.RawQuery, "&") {
		if k, _, _ := strings.Cut(p, "="); k == key {
			p = key + "=" + url.QueryEscape(value)
		}
		parts = append(parts, p)
	}
	r.URL.RawQuery = strings.Join(parts, "&")
}

// secretValues are strings that must never appear in an error.
func secretValues(s *Signature) []string {
	values := []string{testSecret, testToken, url.QueryEscape(testToken), escapeRFC3986(testToken, false)}
	if s != nil && s.provided != "" {
		values = append(values, s.provided, url.QueryEscape(s.provided))
	}
	return values
}

// checkNoLeak fails t if err, in any form the client or the log sees,
// contains one of secrets.
func checkNoLeak(t *testing.T, err error, secrets []string) {
	t.Helper()
	e := osserr.From(err)
	texts := []string{err.Error(), string(osserr.Render(e, "request-id", "host"))}
	for _, f := range e.Fields {
		texts = append(texts, f.Name+": "+f.Value)
	}
	for name, values := range e.Header {
		texts = append(texts, name+": "+strings.Join(values, ","))
	}
	for _, text := range texts {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("error contains a secret value %q:\n%s", secret, text)
			}
		}
	}
}

func TestTamperedRequestsFail(t *testing.T) {
	type tamper struct {
		name    string
		applies func(signOptions) bool
		change  func(r *http.Request, target *Target, secret, region *string, now *time.Time, signTime time.Time)
		code    osserr.Code
		ec      string // "" means the SignatureDoesNotMatch EC of the version
	}
	always := func(signOptions) bool { return true }
	mismatch := osserr.SignatureDoesNotMatch
	tampers := []tamper{
		{"wrong secret", always, func(_ *http.Request, _ *Target, secret, _ *string, _ *time.Time, _ time.Time) {
			*secret = "not the secret"
		}, mismatch, ""},
		{"changed meta header", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Header.Set("x-oss-meta-author", "mallory")
		}, mismatch, ""},
		{"added oss header", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Header.Set("x-oss-object-acl", "public-read")
		}, mismatch, ""},
		{"changed content type", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Header.Set("Content-Type", "text/html")
		}, mismatch, ""},
		{"changed version id", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			replaceQuery(r, "versionId", "v2")
		}, mismatch, ""},
		{"changed process parameter", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			replaceQuery(r, "x-oss-process", "image/resize,w_1")
		}, mismatch, ""},
		{"added acl sub-resource", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.URL.RawQuery += "&acl"
		}, mismatch, ""},
		{"changed method", always, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) { r.Method = "DELETE" }, mismatch, ""},
		{"changed key", always, func(_ *http.Request, target *Target, _, _ *string, _ *time.Time, _ time.Time) { target.Key += "x" }, mismatch, ""},
		{"changed bucket", always, func(_ *http.Request, target *Target, _, _ *string, _ *time.Time, _ time.Time) {
			target.Bucket = "otherbucket"
		}, mismatch, ""},
		{"replaced security token", func(o signOptions) bool { return o.token }, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			if r.Header.Get("x-oss-security-token") != "" {
				r.Header.Set("x-oss-security-token", "other-token")
			}
			replaceQuery(r, "security-token", "other-token")
			replaceQuery(r, "x-oss-security-token", "other-token")
		}, mismatch, ""},
		{"expired", func(o signOptions) bool { return o.presigned }, func(_ *http.Request, _ *Target, _, _ *string, now *time.Time, expires time.Time) {
			*now = expires.Add(time.Second)
		}, osserr.AccessDenied, "0002-00000069"},
		{"clock behind", func(o signOptions) bool { return !o.presigned }, func(_ *http.Request, _ *Target, _, _ *string, now *time.Time, signTime time.Time) {
			*now = signTime.Add(MaxClockSkew + time.Second)
		}, osserr.RequestTimeTooSkewed, "0002-00000504"},
		{"clock ahead", func(o signOptions) bool { return !o.presigned }, func(_ *http.Request, _ *Target, _, _ *string, now *time.Time, signTime time.Time) {
			*now = signTime.Add(-MaxClockSkew - time.Second)
		}, osserr.RequestTimeTooSkewed, "0002-00000504"},
		{"wrong region", func(o signOptions) bool { return o.v4 }, func(_ *http.Request, _ *Target, _, region *string, _ *time.Time, _ time.Time) {
			*region = "cn-shanghai"
		}, osserr.InvalidArgument, "0002-00000213"},
		{"missing additional header", func(o signOptions) bool { return o.v4 && o.additional }, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Header.Del(customHeader)
		}, mismatch, ""},
		{"changed additional header", func(o signOptions) bool { return o.v4 && o.additional }, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Header.Set(customHeader, "other")
		}, mismatch, ""},
		{"changed signed host", func(o signOptions) bool { return o.v4 && o.additional }, func(r *http.Request, _ *Target, _, _ *string, _ *time.Time, _ time.Time) {
			r.Host = "evil.example.test"
		}, mismatch, ""},
	}

	srv, ch := captureServer(t)
	for _, o := range allOptions() {
		now := time.Now().Truncate(time.Second)
		signTime := now
		if o.presigned {
			signTime = now.Add(30 * time.Minute)
		}
		got := send(t, srv, ch, tamperBase(), o, signTime)
		s, err := Parse(got.r)
		if err != nil {
			t.Fatalf("%v: Parse: %v", o, err)
		}
		if err := s.Verify(got.r, targetOf(got.r), testSecret, testRegion, now); err != nil {
			t.Fatalf("%v: untampered request: %v", o, err)
		}

		for _, tc := range tampers {
			if !tc.applies(o) {
				continue
			}
			t.Run(tc.name+"/"+o.String(), func(t *testing.T) {
				r := got.r.Clone(got.r.Context())
				u := *got.r.URL
				r.URL = &u
				target, secret, region, verifyAt := targetOf(r), testSecret, testRegion, now
				tc.change(r, &target, &secret, &region, &verifyAt, signTime)

				err := s.Verify(r, target, secret, region, verifyAt)
				ec := tc.ec
				if ec == "" {
					ec = "0002-00000040"
					if o.v4 {
						ec = "0002-00000201"
					}
				}
				e := wantOSSError(t, err, tc.code, ec)
				checkNoLeak(t, err, secretValues(s))
				if tc.code == mismatch && field(e, "StringToSign") == "" {
					t.Errorf("SignatureDoesNotMatch has no StringToSign")
				}
				if tc.code == osserr.RequestTimeTooSkewed || tc.code == osserr.AccessDenied {
					if got, want := e.Header.Get("Date"), verifyAt.UTC().Format(http.TimeFormat); got != want {
						t.Errorf("Date header = %q, want %q", got, want)
					}
				}
			})
		}
	}
}
