package ossapi_test

import (
	"bufio"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// errorDocument is the <Error> body OSS sends.
type errorDocument struct {
	XMLName      xml.Name `xml:"Error"`
	Code         string   `xml:"Code"`
	Message      string   `xml:"Message"`
	RequestID    string   `xml:"RequestId"`
	HostID       string   `xml:"HostId"`
	EC           string   `xml:"EC"`
	RecommendDoc string   `xml:"RecommendDoc"`
	BucketName   string   `xml:"BucketName"`
	Key          string   `xml:"Key"`
}

// doRaw sends one plain HTTP request to the test server.
func doRaw(t *testing.T, env *testenv.Env, method, rawURL string, header http.Header, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := env.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, data
}

// checkErrorResponse checks the status, the <Error> document (or, for HEAD,
// x-oss-err) and the headers every OSS error carries, and returns the
// document.
func checkErrorResponse(t *testing.T, res *http.Response, body []byte, status int, code, ec string) errorDocument {
	t.Helper()
	if res.StatusCode != status {
		t.Errorf("status %d, want %d (%s)", res.StatusCode, status, body)
	}
	if res.Request.Method == http.MethodHead {
		if len(body) != 0 {
			t.Errorf("HEAD error with a %d-byte body", len(body))
		}
		var err error
		body, err = base64.StdEncoding.DecodeString(res.Header.Get("x-oss-err"))
		if err != nil || len(body) == 0 {
			t.Fatalf("HEAD error: x-oss-err %q is not base64 XML", res.Header.Get("x-oss-err"))
		}
	}
	var doc errorDocument
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("error body is not an <Error> document: %v\n%s", err, body)
	}
	id := res.Header.Get("x-oss-request-id")
	switch {
	case doc.Code != code:
		t.Errorf("Code %q, want %q (%s)", doc.Code, code, doc.Message)
	case doc.Message == "":
		t.Errorf("empty Message")
	case len(id) != 24 || doc.RequestID != id:
		t.Errorf("RequestId %q, x-oss-request-id %q; want the same 24 characters", doc.RequestID, id)
	case doc.HostID != res.Request.Host:
		t.Errorf("HostId %q, want the Host %q", doc.HostID, res.Request.Host)
	case res.Header.Get("Content-Type") != "application/xml":
		t.Errorf("Content-Type %q", res.Header.Get("Content-Type"))
	case res.Header.Get("Date") == "":
		t.Errorf("no Date header")
	}
	if ec != "" && doc.EC != ec {
		t.Errorf("EC %q, want %q", doc.EC, ec)
	}
	if doc.EC == "" || res.Header.Get("x-oss-ec") != doc.EC {
		t.Errorf("EC %q and x-oss-ec %q must be set and equal", doc.EC, res.Header.Get("x-oss-ec"))
	}
	// ossfc's own EC values (module 9999) have no OSS troubleshooting page.
	if hasDoc := doc.RecommendDoc != ""; hasDoc == strings.HasPrefix(doc.EC, "9999-") {
		t.Errorf("EC %s with RecommendDoc %q", doc.EC, doc.RecommendDoc)
	}
	return doc
}

func TestErrorResponseFormat(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "errors")

	tests := []struct {
		name, method, url string
		status            int
		code, ec          string
	}{
		{"no such bucket", "GET", env.URL + "/no-such-bucket/key", 404, "NoSuchBucket", "0015-00000101"},
		{"no such bucket HEAD", "HEAD", env.URL + "/no-such-bucket/key", 404, "NoSuchBucket", "0015-00000101"},
		{"anonymous", "GET", env.URL + "/errors/", 403, "AccessDenied", "0003-00000001"},
		{"anonymous HEAD", "HEAD", env.URL + "/errors/k", 403, "AccessDenied", ""},
		{"virtual hosted", "GET", "http://no-such-bucket." + testenv.Domain + ":" + env.Port() + "/k", 404, "NoSuchBucket", ""},
		{"method", "PATCH", env.URL + "/errors/k", 405, "MethodNotAllowed", ""},
		{"not implemented", "GET", env.URL + "/errors/?cors", 501, "NotImplemented", ""},
		{"not implemented object", "POST", env.URL + "/errors/k?restore", 501, "NotImplemented", ""},
		{"not implemented HEAD", "HEAD", env.URL + "/errors/k?symlink", 501, "NotImplemented", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := doRaw(t, env, tc.method, tc.url, nil, nil)
			doc := checkErrorResponse(t, res, body, tc.status, tc.code, tc.ec)
			if tc.code == "NoSuchBucket" && doc.BucketName != "no-such-bucket" {
				t.Errorf("BucketName %q", doc.BucketName)
			}
		})
	}
}

func TestSuccessResponseHeaders(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "headers")
	res, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	h := res.Headers
	if len(h.Get("x-oss-request-id")) != 24 || h.Get("Date") == "" || h.Get("Server") != "AliyunOSS" {
		t.Errorf("response headers %v", h)
	}
	ids := map[string]bool{}
	for range 20 {
		res, err := c.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr("headers")})
		if err != nil {
			t.Fatal(err)
		}
		ids[res.Headers.Get("x-oss-request-id")] = true
	}
	if len(ids) != 20 {
		t.Errorf("20 requests got %d distinct request ids", len(ids))
	}
}

// rawExchange writes request bytes on a new loopback connection, closes the
// write side, and returns every response the server sent.
func rawExchange(t *testing.T, env *testenv.Env, request string) []*http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", env.Server.Addr("api"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	conn.(*net.TCPConn).CloseWrite()

	var out []*http.Response
	br := bufio.NewReader(conn)
	for {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			return out
		}
		body, _ := io.ReadAll(res.Body)
		res.Body = io.NopCloser(strings.NewReader(string(body)))
		out = append(out, res)
	}
}

func TestBodyLengthMismatch(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "length")

	presignPut := func(key string) *url.URL {
		return presignPutMD5(t, c, key, "")
	}
	request := func(u *url.URL, length int, body string) string {
		return "PUT " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Length: " + itoa(length) +
			"\r\n\r\n" + body
	}

	t.Run("shorter", func(t *testing.T) {
		responses := rawExchange(t, env, request(presignPut("short"), 100, "only twenty bytes!!!"))
		if len(responses) == 0 {
			t.Fatalf("no response to a short body")
		}
		res := responses[0]
		body, _ := io.ReadAll(res.Body)
		res.Request = &http.Request{Method: "PUT", Host: env.Server.Addr("api")}
		checkErrorResponse(t, res, body, 400, "IncompleteBody", "")
		if exists, err := c.IsObjectExist(ctx, "length", "short"); err != nil || exists {
			t.Errorf("short upload left an object: %v, %v", exists, err)
		}
	})

	t.Run("longer", func(t *testing.T) {
		responses := rawExchange(t, env, request(presignPut("long"), 5, "helloEXTRA BYTES"))
		if len(responses) == 0 || responses[0].StatusCode != 200 {
			for _, r := range responses {
				body, _ := io.ReadAll(r.Body)
				t.Logf("response %s: %s", r.Status, body)
			}
			t.Fatalf("%d responses; want 200 for the first Content-Length bytes", len(responses))
		}
		if got := responses[0].Header.Get("ETag"); got != etagOf([]byte("hello")) {
			t.Errorf("ETag %s, want the MD5 of the first 5 bytes", got)
		}
		_, data := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr("length"), Key: oss.Ptr("long")})
		if string(data) != "hello" {
			t.Errorf("stored %q, want hello", data)
		}
		// The surplus is read as the next request, which is not HTTP.
		if len(responses) > 1 && responses[1].StatusCode != 400 {
			t.Errorf("surplus bytes answered with %d, want 400", responses[1].StatusCode)
		}
	})

	// V4 signs Content-MD5, so the presigned URL is made for it.
	withMD5 := func(u *url.URL, md5 string, length int, body string) string {
		return "PUT " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Length: " + itoa(length) +
			"\r\nContent-MD5: " + md5 + "\r\nConnection: close\r\n\r\n" + body
	}
	t.Run("md5 of the announced length", func(t *testing.T) {
		md5 := contentMD5([]byte("hello"))
		responses := rawExchange(t, env, withMD5(presignPutMD5(t, c, "md5", md5), md5, 5, "helloEXTRA"))
		if len(responses) != 1 || responses[0].StatusCode != 200 {
			t.Fatalf("%d responses; want one 200", len(responses))
		}
	})
	t.Run("wrong md5", func(t *testing.T) {
		md5 := contentMD5([]byte("other"))
		responses := rawExchange(t, env, withMD5(presignPutMD5(t, c, "bad-md5", md5), md5, 5, "hello"))
		if len(responses) != 1 {
			t.Fatalf("%d responses; want one", len(responses))
		}
		res := responses[0]
		body, _ := io.ReadAll(res.Body)
		res.Request = &http.Request{Method: "PUT", Host: env.Server.Addr("api")}
		checkErrorResponse(t, res, body, 400, "InvalidDigest", "0017-00000503")
	})
}

func presignPutMD5(t *testing.T, c *oss.Client, key, md5 string) *url.URL {
	t.Helper()
	req := &oss.PutObjectRequest{Bucket: oss.Ptr("length"), Key: oss.Ptr(key)}
	if md5 != "" {
		req.ContentMD5 = oss.Ptr(md5)
	}
	p, err := c.Presign(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(p.URL)
	return u
}

func TestRequestLimits(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "length")

	// A Content-Length over 5 GiB is rejected before any byte is read.
	u := presignPutMD5(t, c, "huge", "")
	responses := rawExchange(t, env, "PUT "+u.RequestURI()+" HTTP/1.1\r\nHost: "+u.Host+
		"\r\nContent-Length: 5368709121\r\n\r\n")
	if len(responses) == 0 {
		t.Fatalf("no response to a 5 GiB + 1 upload")
	}
	res := responses[0]
	body, _ := io.ReadAll(res.Body)
	res.Request = &http.Request{Method: "PUT", Host: env.Server.Addr("api")}
	checkErrorResponse(t, res, body, 400, "EntityTooLarge", "")

	// Request headers over 64 KiB.
	header := http.Header{"X-Oss-Meta-Big": {strings.Repeat("v", 70<<10)}}
	res, _ = doRaw(t, env, "GET", env.URL+"/length/k", header, nil)
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("70 KiB of headers: status %d, want 431", res.StatusCode)
	}

	// DeleteMultipleObjects is bounded by its 1,000 keys, not by the 1 MiB
	// of other XML bodies: 210 keys of 1,023 bytes that XML escaping makes
	// five times longer already need 1.07 MB.
	objs := make([]oss.DeleteObject, 210)
	for i := range objs {
		objs[i] = oss.DeleteObject{Key: oss.Ptr(fmt.Sprintf("%04d", i) + strings.Repeat("&", 1019))}
	}
	deleted, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr("length"), Objects: objs})
	if err != nil {
		t.Fatalf("210 keys of 1,023 bytes: %v", err)
	}
	if len(deleted.DeletedObjects) != len(objs) {
		t.Errorf("%d keys reported deleted, want %d", len(deleted.DeletedObjects), len(objs))
	}
}
