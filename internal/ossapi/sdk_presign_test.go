package ossapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"

	"github.com/ossfc/ossfc/internal/testenv"
)

// doPresigned sends a presigned request with the headers the SDK says were
// signed, through a client that reaches the test server.
func doPresigned(t *testing.T, env *testenv.Env, p *oss.PresignResult, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(p.Method, p.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.SignedHeaders {
		req.Header.Set(k, v)
	}
	res, err := env.HTTPClient().Do(req)
	if err != nil {
		t.Fatalf("presigned %s: %v", p.Method, err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res, data
}

func TestPresignedGetAndPut(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "presign-" + sc.name
			createBucket(t, c, bucket)
			for _, name := range []string{"plus", "space", "percent", "unicode", "double-slash", "query-chars", "max-length"} {
				key := oddKeys[name]
				body := []byte("presigned " + name)
				put, err := c.Presign(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
					ContentType: oss.Ptr("text/plain"), Metadata: map[string]string{"via": "presign"}})
				if err != nil {
					t.Fatalf("Presign PUT: %v", err)
				}
				res, data := doPresigned(t, env, put, body)
				if res.StatusCode != 200 {
					t.Fatalf("%s: presigned PUT status %d: %s", name, res.StatusCode, data)
				}
				if res.Header.Get("ETag") != etagOf(body) {
					t.Errorf("%s: presigned PUT ETag %s", name, res.Header.Get("ETag"))
				}

				disposition := `attachment; filename="a b+c=%.txt"; filename*=UTF-8''%E6%96%87`
				get, err := c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
					ResponseContentDisposition: oss.Ptr(disposition)})
				if err != nil {
					t.Fatalf("Presign GET: %v", err)
				}
				res, data = doPresigned(t, env, get, nil)
				if res.StatusCode != 200 || !bytes.Equal(data, body) {
					t.Errorf("%s: presigned GET status %d body %q", name, res.StatusCode, data)
				}
				if res.Header.Get("x-oss-meta-via") != "presign" || res.Header.Get("Content-Disposition") != disposition {
					t.Errorf("%s: presigned GET headers %v", name, res.Header)
				}

				head, err := c.Presign(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
				if err != nil {
					t.Fatal(err)
				}
				res, _ = doPresigned(t, env, head, nil)
				if res.StatusCode != 200 || res.ContentLength != int64(len(body)) {
					t.Errorf("%s: presigned HEAD status %d length %d", name, res.StatusCode, res.ContentLength)
				}
			}
		})
	}
}

func TestPresignedExpired(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "expired")
	putObject(t, c, "expired", "k", []byte("x"))

	// V1 carries an absolute expiry time, which may lie in the past.
	v1 := env.Client(testenv.V1)
	p, err := v1.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("expired"), Key: oss.Ptr("k")},
		oss.PresignExpiration(time.Now().Add(-time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	res, body := doPresigned(t, env, p, nil)
	checkErrorResponse(t, res, body, 403, "AccessDenied", "0002-00000069")

	// V4 carries a lifetime from x-oss-date; the SDK signs with the
	// current time, so the shortest lifetime is left to run out.
	p, err = c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("expired"), Key: oss.Ptr("k")}, oss.PresignExpires(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(p.Expiration) + 1100*time.Millisecond)
	res, body = doPresigned(t, env, p, nil)
	checkErrorResponse(t, res, body, 403, "AccessDenied", "0002-00000069")

	// A V4 lifetime beyond seven days is rejected.
	res, body = doRaw(t, env, "GET", strings.Replace(p.URL, "x-oss-expires=1", "x-oss-expires=604801", 1), nil, nil)
	checkErrorResponse(t, res, body, 403, "AccessDenied", "0002-00000232")
}

// skewedSigner signs as a client whose clock is offset behind, until the
// SDK's clock-skew correction (ClockOffset) makes up for it.
type skewedSigner struct {
	inner  signer.Signer
	behind time.Duration
}

func (s *skewedSigner) Sign(ctx context.Context, sc *signer.SigningContext) error {
	if sc.Time.IsZero() {
		sc.Time = time.Now().Add(-s.behind).Add(sc.ClockOffset)
	}
	return s.inner.Sign(ctx, sc)
}

func TestClockSkewCorrection(t *testing.T) {
	env := testenv.Start(t)
	for name, inner := range map[string]signer.Signer{"v1": &signer.SignerV1{}, "v4": &signer.SignerV4{}} {
		t.Run(name, func(t *testing.T) {
			cfg := oss.LoadDefaultConfig().
				WithCredentialsProvider(credentials.NewStaticCredentialsProvider(env.AccessKeyID, env.AccessKeySecret)).
				WithRegion(env.Region).WithEndpoint(env.URL).WithHttpClient(env.HTTPClient())
			skewed := &skewedSigner{inner: inner, behind: 40 * time.Minute}
			c := oss.NewClient(cfg, func(o *oss.Options) { o.Signer = skewed })

			// The first attempt fails with RequestTimeTooSkewed; the SDK
			// reads the server time from Date and retries.
			if _, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("skew-" + name)}); err != nil {
				t.Fatalf("PutBucket with a clock 40 minutes behind: %v", err)
			}

			noRetry := oss.NewClient(cfg.WithRetryMaxAttempts(1), func(o *oss.Options) { o.Signer = &skewedSigner{inner: inner, behind: 40 * time.Minute} })
			_, err := noRetry.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("skew-" + name)})
			se := serviceError(t, err, 403, "RequestTimeTooSkewed")
			if se.EC != "0002-00000504" {
				t.Errorf("RequestTimeTooSkewed EC = %s", se.EC)
			}
			if d := time.Since(se.Timestamp); d > time.Minute || d < -time.Minute {
				t.Errorf("error Date %v is not the server's current time", se.Timestamp)
			}
		})
	}
}

func TestSecurityTokenWithLongTermKey(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env, testenv.NoRetry, testenv.WithKey(env.AccessKeyID, env.AccessKeySecret, "some-token")) {
		t.Run(sc.name, func(t *testing.T) {
			_, err := sc.c.ListBuckets(ctx, &oss.ListBucketsRequest{})
			serviceError(t, err, 403, "InvalidAccessKeyId")
		})
	}
}

func TestWrongCredentials(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env, testenv.NoRetry, testenv.WithKey("LTAIunknownkey00000000", "secret", "")) {
		t.Run("unknown key "+sc.name, func(t *testing.T) {
			_, err := sc.c.ListBuckets(ctx, &oss.ListBucketsRequest{})
			se := serviceError(t, err, 403, "InvalidAccessKeyId")
			if se.EC != "0002-00000902" {
				t.Errorf("EC = %s", se.EC)
			}
		})
	}
	for _, sc := range allClients(env, testenv.NoRetry, testenv.WithKey(env.AccessKeyID, "wrong-secret", "")) {
		t.Run("wrong secret "+sc.name, func(t *testing.T) {
			_, err := sc.c.ListBuckets(ctx, &oss.ListBucketsRequest{})
			se := serviceError(t, err, 403, "SignatureDoesNotMatch")
			wantEC := "0002-00000201"
			if strings.HasSuffix(sc.name, "v1") {
				wantEC = "0002-00000040"
			}
			if se.EC != wantEC {
				t.Errorf("EC = %s, want %s", se.EC, wantEC)
			}
		})
	}
	for _, sc := range allClients(env, testenv.NoRetry, testenv.Anonymous) {
		t.Run("anonymous "+sc.name, func(t *testing.T) {
			_, err := sc.c.ListBuckets(ctx, &oss.ListBucketsRequest{})
			se := serviceError(t, err, 403, "AccessDenied")
			if se.EC != "0003-00001201" {
				t.Errorf("EC = %s", se.EC)
			}
		})
	}
}
