package ossapi_test

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/testenv"
)

// callbackServer is an application server on 127.0.0.1 that records the
// callbacks it receives and replies with status and reply. Once trust has
// named the public key URL to accept, it also verifies each callback's
// signature, as an application receiving OSS callbacks does.
type callbackServer struct {
	*httptest.Server
	mu           sync.Mutex
	requests     []recordedCallback
	status       int
	reply        string
	publicKeyURL string
}

type recordedCallback struct {
	method, host, requestURI, contentType, body string

	// signatureErr is the outcome of verifying the signature, and
	// tamperedErr of verifying it over the body with one byte appended,
	// which must fail.
	signatureErr, tamperedErr error
}

func newCallbackServer(t *testing.T, status int, reply string) *callbackServer {
	cs := &callbackServer{status: status, reply: reply}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cb := recordedCallback{method: r.Method, host: r.Host, requestURI: r.RequestURI, contentType: r.Header.Get("Content-Type"), body: string(body)}
		cs.mu.Lock()
		trusted := cs.publicKeyURL
		cs.mu.Unlock()
		cb.signatureErr = verifyCallbackSignature(trusted, r.Header, r.RequestURI, body)
		cb.tamperedErr = verifyCallbackSignature(trusted, r.Header, r.RequestURI, append(body, '!'))

		cs.mu.Lock()
		cs.requests = append(cs.requests, cb)
		cs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(cs.status)
		io.WriteString(w, cs.reply)
	}))
	t.Cleanup(cs.Close)
	return cs
}

// trust makes the server verify callbacks with the public key of env, and
// accept no other x-oss-pub-key-url.
func (cs *callbackServer) trust(env *testenv.Env) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.publicKeyURL = env.URL + ossapi.CallbackPublicKeyPath
}

// verifyCallbackSignature checks an OSS callback signature as a receiver
// does. It decodes x-oss-pub-key-url and fetches the PEM public key from it,
// but only from the trusted URL, because a forger can name their own key. It
// then rebuilds the signed text from the request line and the body, and
// verifies the base64 Authorization header as an RSA PKCS #1 v1.5 signature
// with MD5.
func verifyCallbackSignature(trustedURL string, h http.Header, requestURI string, body []byte) error {
	keyURL, err := base64.StdEncoding.DecodeString(h.Get("x-oss-pub-key-url"))
	if err != nil {
		return fmt.Errorf("x-oss-pub-key-url is not base64: %w", err)
	}
	if trustedURL == "" || string(keyURL) != trustedURL {
		return fmt.Errorf("x-oss-pub-key-url %q is not the trusted %q", keyURL, trustedURL)
	}
	signature, err := base64.StdEncoding.DecodeString(h.Get("Authorization"))
	if err != nil || len(signature) == 0 {
		return fmt.Errorf("Authorization %q is not a base64 signature", h.Get("Authorization"))
	}

	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get(string(keyURL))
	if err != nil {
		return fmt.Errorf("fetching the public key: %w", err)
	}
	defer res.Body.Close()
	keyPEM, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return fmt.Errorf("fetching the public key: status %d, %v", res.StatusCode, err)
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil || block.Type != "PUBLIC KEY" {
		return fmt.Errorf("the public key is not a PEM PUBLIC KEY block: %q", keyPEM)
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return fmt.Errorf("parsing the public key: %w", err)
	}
	key, ok := parsed.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the public key is a %T, not RSA", parsed)
	}

	path, query, hasQuery := strings.Cut(requestURI, "?")
	decodedPath, err := url.PathUnescape(path)
	if err != nil {
		return fmt.Errorf("request path %q: %w", path, err)
	}
	signed := decodedPath
	if hasQuery {
		signed += "?" + query
	}
	signed += "\n" + string(body)
	digest := md5.Sum([]byte(signed))
	return rsa.VerifyPKCS1v15(key, crypto.MD5, digest[:], signature)
}

func (cs *callbackServer) received() []recordedCallback {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return append([]recordedCallback{}, cs.requests...)
}

// hostPort is the callback server's address as --callback-allow takes it.
func (cs *callbackServer) hostPort() string {
	u, _ := url.Parse(cs.URL)
	return u.Host
}

func allowCallbacks(hosts ...string) func(*config.Config) {
	return func(c *config.Config) { c.CallbackAllow = hosts }
}

func encodeJSON(t *testing.T, v any) *string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return oss.Ptr(base64.StdEncoding.EncodeToString(b))
}

func TestPutObjectCallback(t *testing.T) {
	app := newCallbackServer(t, 200, `{"Status":"OK","from":"app"}`)
	env := testenv.Start(t, allowCallbacks(app.hostPort()))
	app.trust(env)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "cbput")

	// The paths check the signed text: it holds the decoded path and the
	// query as sent.
	tests := []struct {
		name     string
		path     string
		key      string
		body     string
		bodyType string
		want     string
	}{
		{"json", "/notify", "dir/a.txt", `{"bucket":${bucket},"object":${object},"size":${size},"etag":${etag},"mime":${mimeType},"v":${x:var1}}`,
			"application/json",
			`{"bucket":"cbput","object":"dir/a.txt","size":5,"etag":"5D41402ABC4B2A76B9719D911017C592","mime":"text/plain","v":"one two"}`},
		{"form", "/up%20loads/done?source=oss&dir=a%2Fb", "a b&c.txt", "bucket=${bucket}&object=${object}&size=${size}&my=${x:var1}&unknown=${nope}",
			"", "bucket=cbput&object=a+b%26c.txt&size=5&my=one+two&unknown="},
		{"no path", "", "plain.txt", "object=${object}", "", "object=plain.txt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(app.received())
			res, err := c.PutObject(ctx, &oss.PutObjectRequest{
				Bucket: oss.Ptr("cbput"), Key: oss.Ptr(tc.key), ContentType: oss.Ptr("text/plain"), Body: strings.NewReader("hello"),
				Callback: encodeJSON(t, map[string]string{
					"callbackUrl": app.URL + tc.path, "callbackHost": "app.example.test",
					"callbackBody": tc.body, "callbackBodyType": tc.bodyType,
				}),
				CallbackVar: encodeJSON(t, map[string]string{"x:var1": "one two"}),
			})
			if err != nil {
				t.Fatalf("PutObject with callback: %v", err)
			}
			if res.CallbackResult["from"] != "app" || res.StatusCode != 200 {
				t.Errorf("callback result = %v (status %d), want the application's reply", res.CallbackResult, res.StatusCode)
			}
			got := app.received()
			if len(got) != before+1 {
				t.Fatalf("application received %d callbacks, want 1", len(got)-before)
			}
			cb := got[len(got)-1]
			wantType := tc.bodyType
			if wantType == "" {
				wantType = "application/x-www-form-urlencoded"
			}
			if cb.method != "POST" || cb.contentType != wantType || cb.host != "app.example.test" || cb.body != tc.want {
				t.Errorf("callback = %+v\nwant POST %s to host app.example.test with body %s", cb, wantType, tc.want)
			}
			if cb.signatureErr != nil {
				t.Errorf("callback to %s: signature does not verify: %v", cb.requestURI, cb.signatureErr)
			}
			if cb.tamperedErr == nil {
				t.Errorf("callback to %s: signature verifies over a changed body", cb.requestURI)
			}
			if data, _ := getBody(t, c, "cbput", tc.key); string(data) != "hello" {
				t.Errorf("stored object = %q", data)
			}
		})
	}
}

func TestCallbackFailures(t *testing.T) {
	allowed := newCallbackServer(t, 500, `{"error":"boom"}`)
	notJSON := newCallbackServer(t, 200, `plain text`)
	notAllowed := newCallbackServer(t, 200, `{}`)
	env := testenv.Start(t, allowCallbacks(allowed.hostPort(), notJSON.hostPort(), "127.0.0.1:1"))
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "cbfail")

	tests := []struct {
		name string
		url  string
	}{
		{"host not allowed", notAllowed.URL},
		{"application answers 500", allowed.URL},
		{"reply not JSON", notJSON.URL},
		{"nothing listening", "http://127.0.0.1:1/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := strings.ReplaceAll(tc.name, " ", "-")
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("cbfail"), Key: oss.Ptr(key), Body: strings.NewReader("kept"),
				Callback: encodeJSON(t, map[string]string{"callbackUrl": tc.url, "callbackBody": "object=${object}"})})
			wantCode(t, err, 203, "CallbackFailed")
			if data, _ := getBody(t, c, "cbfail", key); string(data) != "kept" {
				t.Errorf("object after a failed callback = %q, want it stored", data)
			}
		})
	}
	if n := len(notAllowed.received()); n != 0 {
		t.Errorf("a host missing from --callback-allow received %d callbacks", n)
	}

	// The second URL is tried when the first fails.
	ok := newCallbackServer(t, 200, `{"second":true}`)
	env2 := testenv.Start(t, allowCallbacks(allowed.hostPort(), ok.hostPort()))
	c2 := env2.Client(testenv.NoRetry)
	createBucket(t, c2, "cbfallback")
	res, err := c2.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("cbfallback"), Key: oss.Ptr("k"), Body: strings.NewReader("x"),
		Callback: encodeJSON(t, map[string]string{"callbackUrl": allowed.URL + ";" + ok.URL, "callbackBody": "k=${object}"})})
	if err != nil || res.CallbackResult["second"] != true {
		t.Errorf("fallback to the second URL = %v, %v", res, err)
	}
}

func TestCallbackInvalidAndMultipart(t *testing.T) {
	app := newCallbackServer(t, 200, `{"done":1}`)
	env := testenv.Start(t, allowCallbacks("127.0.0.1"))
	app.trust(env)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "cbmp")

	invalid := []struct {
		name     string
		callback *string
	}{
		{"not base64", oss.Ptr("%%%")},
		{"not JSON", oss.Ptr(base64.StdEncoding.EncodeToString([]byte("{")))},
		{"no URL", encodeJSON(t, map[string]string{"callbackBody": "a=b"})},
		{"JSON body not JSON", encodeJSON(t, map[string]string{"callbackUrl": app.URL, "callbackBody": `{"a":"${bucket}"}`, "callbackBodyType": "application/json"})},
		{"bad body type", encodeJSON(t, map[string]string{"callbackUrl": app.URL, "callbackBody": "a=b", "callbackBodyType": "text/plain"})},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("cbmp"), Key: oss.Ptr("invalid"), Body: strings.NewReader("x"), Callback: tc.callback})
			wantCode(t, err, 400, "InvalidArgument")
		})
	}
	if _, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("cbmp"), Key: oss.Ptr("invalid")}); err == nil {
		t.Error("an upload with an invalid callback was stored")
	}

	id := initiate(t, c, "cbmp", "joined")
	uploadPart(t, c, "cbmp", "joined", id, 1, []byte("part"))
	res, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("cbmp"), Key: oss.Ptr("joined"),
		UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes"),
		Callback: encodeJSON(t, map[string]string{"callbackUrl": app.URL, "callbackBody": "object=${object}&etag=${etag}&size=${size}"})})
	if err != nil {
		t.Fatalf("CompleteMultipartUpload with callback: %v", err)
	}
	if res.CallbackResult["done"] != float64(1) {
		t.Errorf("complete callback result = %v", res.CallbackResult)
	}
	got := app.received()
	if len(got) != 1 || !strings.HasPrefix(got[0].body, "object=joined&etag=") || !strings.HasSuffix(got[0].body, "-1&size=4") {
		t.Fatalf("complete callbacks = %+v", got)
	}
	if got[0].signatureErr != nil {
		t.Errorf("complete callback: signature does not verify: %v", got[0].signatureErr)
	}
	if got[0].tamperedErr == nil {
		t.Error("complete callback: signature verifies over a changed body")
	}
}
