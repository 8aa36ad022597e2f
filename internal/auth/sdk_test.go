package auth

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

// These tests sign requests with the OSS Go SDK's own signer package, send
// them to a loopback server, and verify what arrives.

const (
	testRegion    = "cn-hangzhou"
	testDomain    = "oss-cn-hangzhou.example.test"
	testKeyID     = "LTAI5tTestAccessKey"
	testSecret    = "TestSecret+/=with symbols"
	testToken     = "CAIS+token/with=symbols&more"
	customHeader  = "X-Custom-Signed"
	customValue   = "custom value"
	longUTF8Bytes = 1023
)

// sdkRequest is one request as an OSS client builds it.
type sdkRequest struct {
	method      string
	bucket      *string // nil for service-level requests
	key         *string // nil when no object is addressed
	query       [][2]string
	subResource []string // the operation's sub-resources, which V1 signs
	header      [][2]string
	body        string
}

// signOptions selects the signature variant.
type signOptions struct {
	v4, presigned, token, virtualHosted, additional bool
}

func (o signOptions) String() string {
	return fmt.Sprintf("v4=%t,presigned=%t,token=%t,virtual=%t,additional=%t", o.v4, o.presigned, o.token, o.virtualHosted, o.additional)
}

// received is a request as the loopback server saw it.
type received struct {
	r    *http.Request
	body []byte
}

// captureServer returns the address of a loopback server that hands every
// request it receives to the returned channel.
func captureServer(t *testing.T) (*httptest.Server, <-chan received) {
	t.Helper()
	ch := make(chan received, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ch <- received{r: r.Clone(context.Background()), body: body}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// sdkEscapePath escapes a key as the SDK puts it in a URL path: RFC 3986
// unreserved characters and '/' stay, every other byte becomes %XX.
func sdkEscapePath(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sdkQuery encodes parameters as the SDK's client does.
func sdkQuery(params [][2]string) string {
	var parts []string
	for _, p := range params {
		part := url.QueryEscape(p[0])
		if p[1] != "" {
			part += "=" + strings.ReplaceAll(url.QueryEscape(p[1]), "+", "%20")
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "&")
}

// send signs req with the SDK signer at signTime and sends it to srv. For
// presigned URLs signTime is the expiry.
func send(t *testing.T, srv *httptest.Server, ch <-chan received, req sdkRequest, o signOptions, signTime time.Time) received {
	t.Helper()

	host := testDomain
	var path string
	switch {
	case req.bucket == nil:
		path = "/"
	case o.virtualHosted:
		host = *req.bucket + "." + testDomain
		path = "/"
	default:
		host = srv.Listener.Addr().String()
		path = "/" + *req.bucket + "/"
	}
	if req.key != nil {
		path += sdkEscapePath(*req.key)
	}
	rawURL := srv.URL + path
	if len(req.query) > 0 {
		rawURL += "?" + sdkQuery(req.query)
	}

	hr, err := http.NewRequest(req.method, rawURL, strings.NewReader(req.body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	hr.Host = host
	for _, h := range req.header {
		hr.Header.Add(h[0], h[1])
	}
	var additional []string
	if o.additional {
		hr.Header.Set("Host", host)
		hr.Header.Set(customHeader, customValue)
		additional = []string{"host", customHeader, "x-oss-meta-ignored-as-default"}
	}

	cred := credentials.Credentials{AccessKeyID: testKeyID, AccessKeySecret: testSecret}
	if o.token {
		cred.SecurityToken = testToken
	}
	product, region := "oss", testRegion
	ctx := &signer.SigningContext{
		Product:           &product,
		Region:            &region,
		Bucket:            req.bucket,
		Key:               req.key,
		Request:           hr,
		SubResource:       req.subResource,
		AdditionalHeaders: additional,
		Credentials:       &cred,
		AuthMethodQuery:   o.presigned,
		Time:              signTime,
	}
	var s signer.Signer = &signer.SignerV1{}
	if o.v4 {
		s = &signer.SignerV4{}
	}
	if err := s.Sign(context.Background(), ctx); err != nil {
		t.Fatalf("SDK Sign: %v", err)
	}

	resp, err := srv.Client().Do(hr)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	resp.Body.Close()
	return <-ch
}

// targetOf resolves what a received request addresses, as the front end
// does: <bucket>.<testDomain> is virtual-hosted, testDomain is the service,
// anything else is path style.
func targetOf(r *http.Request) Target {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	switch {
	case host == testDomain:
		return Target{}
	case strings.HasSuffix(host, "."+testDomain):
		return Target{Bucket: strings.TrimSuffix(host, "."+testDomain), Key: path}
	default:
		bucket, key, _ := strings.Cut(path, "/")
		return Target{Bucket: bucket, Key: key}
	}
}

func ptr(s string) *string { return &s }

// allOptions lists every combination of signature variants.
func allOptions() []signOptions {
	var out []signOptions
	for i := 0; i < 32; i++ {
		out = append(out, signOptions{v4: i&1 != 0, presigned: i&2 != 0, token: i&4 != 0, virtualHosted: i&8 != 0, additional: i&16 != 0})
	}
	return out
}

// awkwardRequests is the table of keys, buckets, sub-resources and query
// parameters that every signature variant must verify.
func awkwardRequests() map[string]sdkRequest {
	object := func(key string) sdkRequest {
		return sdkRequest{method: "GET", bucket: ptr("examplebucket"), key: ptr(key)}
	}
	reqs := map[string]sdkRequest{
		"key plain":             object("plain.txt"),
		"key plus equals space": object("a+b=c d~e%f.txt"),
		"key percent literal":   object("100%25 done%2F"),
		"key unicode":           object("中文/ключ/😀.bin"),
		"key double slash":      object("dir//double///slashes"),
		"key leading slash":     object("/leading-slash"),
		"key trailing slash":    object("folder/"),
		"key url delimiters":    object("?q#h&a=b;c:d@e"),
		"key 1023 ascii":        object(strings.Repeat("k", longUTF8Bytes)),
		"key 1023 utf8":         object(strings.Repeat("é", longUTF8Bytes/2) + "x"),
		"key sdk vector":        object("1234+-/123/1.txt"),
		"put with metadata": {
			method: "PUT", bucket: ptr("examplebucket"), key: ptr("upload.bin"), body: "hello world",
			header: [][2]string{
				{"Content-Type", "application/octet-stream"},
				{"Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww=="},
				{"x-oss-meta-author", "  alice  "},
				{"X-Oss-Meta-Multi", "one"}, {"X-Oss-Meta-Multi", "two"},
				{"x-oss-forbid-overwrite", "true"},
				{"Cache-Control", "no-cache"},
			},
		},
		"version id": {method: "GET", bucket: ptr("examplebucket"), key: ptr("v.txt"), query: [][2]string{{"versionId", "CAEQ+/=v1"}}},
		"upload part": {
			method: "PUT", bucket: ptr("examplebucket"), key: ptr("big file.bin"), body: "part",
			query: [][2]string{{"partNumber", "1"}, {"uploadId", "0004B9894A22E5B1888A1E29F823****"}},
		},
		"image process": {method: "GET", bucket: ptr("examplebucket"), key: ptr("cat.jpg"), query: [][2]string{{"x-oss-process", "image/resize,w_100/quality,q_80"}}},
		"response overrides": {
			method: "GET", bucket: ptr("examplebucket"), key: ptr("report.pdf"),
			query: [][2]string{{"response-content-disposition", `attachment; filename="a b+c.pdf"`}, {"response-content-type", "application/pdf"}},
		},
		"list objects": {
			method: "GET", bucket: ptr("examplebucket"),
			query: [][2]string{{"prefix", "a b/ü"}, {"max-keys", "100"}, {"encoding-type", "url"}, {"delimiter", "/"}, {"list-type", "2"}},
		},
		"bucket acl": {method: "GET", bucket: ptr("examplebucket"), query: [][2]string{{"acl", ""}}},
		"alias object": {
			method: "GET", bucket: ptr("fcap-01-0123456789abcdef0123456789abcd-opapalias"), key: ptr("photos/2024/a b.jpg"),
		},
		"fc access point config": {
			method: "GET", bucket: ptr("examplebucket"),
			query:       [][2]string{{"accessPointConfigForObjectProcess", ""}, {"x-oss-access-point-for-object-process-name", "fc-ap-01"}},
			subResource: []string{"accessPointConfigForObjectProcess"},
			header:      [][2]string{{"x-oss-access-point-for-object-process-name", "fc-ap-01"}},
		},
		"bucket with dots and digits": {method: "GET", bucket: ptr("my.bucket-01.logs"), key: ptr("2024/05/01.log")},
		"list buckets":                {method: "GET", query: [][2]string{{"prefix", "ex"}, {"max-keys", "10"}}},
		"write get object response": {
			method: "POST", body: "transformed",
			query:       [][2]string{{"x-oss-write-get-object-response", ""}},
			subResource: []string{"x-oss-write-get-object-response"},
			header: [][2]string{
				{"x-oss-request-route", "fc-ap-01-123.oss-cn-hangzhou-opap.example.test"},
				{"x-oss-request-token", "token=abc+def/ghi"},
				{"x-oss-fwd-status", "200"},
				{"x-oss-fwd-header-Content-Type", "text/plain"},
			},
		},
		"awkward parameter names": {
			method: "GET", bucket: ptr("examplebucket"), key: ptr("k"),
			query: [][2]string{{"x-oss-a b", "c+d=e&f"}, {"x-oss-ü", "ä"}, {"tagging", ""}, {"x-oss-empty", ""}},
		},
	}
	return reqs
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	srv, ch := captureServer(t)
	for name, req := range awkwardRequests() {
		for _, o := range allOptions() {
			t.Run(name+"/"+o.String(), func(t *testing.T) {
				now := time.Now()
				signTime := now
				if o.presigned {
					signTime = now.Add(time.Hour)
				}
				got := send(t, srv, ch, req, o, signTime)

				s, err := Parse(got.r)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				checkParsed(t, s, o)
				target := targetOf(got.r)
				if err := s.Verify(got.r, target, testSecret, testRegion, time.Now()); err != nil {
					t.Fatalf("Verify(%+v): %v", target, err)
				}
				if err := s.Verify(got.r, target, testSecret+"x", testRegion, time.Now()); err == nil {
					t.Errorf("Verify with the wrong secret succeeded")
				}
			})
		}
	}
}

// checkParsed checks the exported fields that Parse derived.
func checkParsed(t *testing.T, s *Signature, o signOptions) {
	t.Helper()
	wantVersion := V1
	if o.v4 {
		wantVersion = V4
	}
	if s == nil {
		t.Fatalf("Parse returned no signature")
	}
	if s.Version != wantVersion || s.Presigned != o.presigned || s.AccessKeyID != testKeyID {
		t.Errorf("Parse = version %v presigned %t key %q", s.Version, s.Presigned, s.AccessKeyID)
	}
	wantToken := ""
	if o.token {
		wantToken = testToken
	}
	if s.SecurityToken != wantToken {
		t.Errorf("SecurityToken = %q, want %q", s.SecurityToken, wantToken)
	}
	if o.v4 && s.Region != testRegion {
		t.Errorf("Region = %q, want %q", s.Region, testRegion)
	}
	if o.presigned && s.Expires.IsZero() {
		t.Errorf("Expires is zero for a presigned URL")
	}
	if !o.presigned && s.Time.IsZero() {
		t.Errorf("Time is zero for a header signature")
	}
}
