package auth

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/ossfc/ossfc/internal/osserr"
)

// These tests drive the OSS Go SDK client itself against a loopback server
// that authenticates with this package, as the front end will.

// authServer is a loopback OSS endpoint that answers every authenticated
// request with 200, and authentication failures as OSS does.
type authServer struct {
	*httptest.Server
	clockOffset time.Duration // added to the real clock

	mu       sync.Mutex
	failures []string // codes of the rejected requests
}

func newAuthServer(t *testing.T, clockOffset time.Duration) *authServer {
	t.Helper()
	s := &authServer{clockOffset: clockOffset}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *authServer) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now().Add(s.clockOffset)
	w.Header().Set("x-oss-request-id", "5C3D9175B6FC201293AD4890")

	sig, err := Parse(r)
	if err == nil && sig == nil {
		err = osserr.New(osserr.AccessDenied, "Anonymous access is not allowed.")
	}
	if err == nil {
		err = sig.Verify(r, targetOf(r), testSecret, testRegion, now)
	}
	if err == nil {
		_, err = io.Copy(io.Discard, sig.VerifyPayload(r.Body))
	}
	if err != nil {
		s.mu.Lock()
		s.failures = append(s.failures, string(osserr.From(err).Code))
		s.mu.Unlock()
		osserr.Write(w, r, err, "5C3D9175B6FC201293AD4890", r.Host)
		return
	}

	if r.Method == http.MethodGet {
		w.Write([]byte("object content"))
	}
}

func (s *authServer) rejected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.failures...)
}

func sdkClient(srv *authServer, version oss.SignatureVersionType, token string) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testKeyID, testSecret, token)).
		WithRegion(testRegion).
		WithEndpoint(srv.URL).
		WithSignatureVersion(version).
		WithDisableUploadCRC64Check(true).
		WithDisableDownloadCRC64Check(true)
	return oss.NewClient(cfg)
}

func TestSDKClientOperations(t *testing.T) {
	srv := newAuthServer(t, 0)
	keys := []string{"plain.txt", "a+b=c d~e%f.txt", "中文/😀.bin", "dir//x", "/leading", strings.Repeat("k", 1023)}
	for _, version := range []oss.SignatureVersionType{oss.SignatureVersionV1, oss.SignatureVersionV4} {
		for _, token := range []string{"", testToken} {
			client := sdkClient(srv, version, token)
			for _, key := range keys {
				ctx := context.Background()
				name := versionName(version) + " token=" + boolString(token != "") + " " + truncate(key, 20)

				if _, err := client.PutObject(ctx, &oss.PutObjectRequest{
					Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr(key),
					Body:     strings.NewReader("hello"),
					Metadata: map[string]string{"author": "alice"},
				}); err != nil {
					t.Errorf("%s: PutObject: %v", name, err)
				}
				got, err := client.GetObject(ctx, &oss.GetObjectRequest{
					Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr(key), VersionId: oss.Ptr("v 1+2"),
					ResponseContentDisposition: oss.Ptr(`attachment; filename="x y.txt"`),
				})
				if err != nil {
					t.Errorf("%s: GetObject: %v", name, err)
				} else {
					got.Body.Close()
				}
				if _, err := client.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr(key)}); err != nil {
					t.Errorf("%s: DeleteObject: %v", name, err)
				}
			}
		}
	}
	if failures := srv.rejected(); len(failures) != 0 {
		t.Errorf("server rejected %d requests: %v", len(failures), failures)
	}
}

func TestSDKClientWrongSecret(t *testing.T) {
	srv := newAuthServer(t, 0)
	for _, version := range []oss.SignatureVersionType{oss.SignatureVersionV1, oss.SignatureVersionV4} {
		cfg := oss.LoadDefaultConfig().
			WithCredentialsProvider(credentials.NewStaticCredentialsProvider(testKeyID, "wrong secret")).
			WithRegion(testRegion).
			WithEndpoint(srv.URL).
			WithSignatureVersion(version).
			WithRetryMaxAttempts(1)
		_, err := oss.NewClient(cfg).DeleteObject(context.Background(), &oss.DeleteObjectRequest{Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr("k")})

		var serviceErr *oss.ServiceError
		if !asServiceError(err, &serviceErr) {
			t.Fatalf("%s: error = %v, want a ServiceError", versionName(version), err)
		}
		wantEC := "0002-00000040"
		if version == oss.SignatureVersionV4 {
			wantEC = "0002-00000201"
		}
		if serviceErr.Code != "SignatureDoesNotMatch" || serviceErr.StatusCode != http.StatusForbidden || serviceErr.EC != wantEC {
			t.Errorf("%s: error = %s %d %s, want SignatureDoesNotMatch 403 %s", versionName(version), serviceErr.Code, serviceErr.StatusCode, serviceErr.EC, wantEC)
		}
	}
}

// TestSDKClientCorrectsClockSkew checks the clock-skew contract: a server
// two hours ahead of the client rejects the first attempt with
// RequestTimeTooSkewed, the SDK takes its offset from the Date header of
// that response, and the retry succeeds.
func TestSDKClientCorrectsClockSkew(t *testing.T) {
	for _, version := range []oss.SignatureVersionType{oss.SignatureVersionV1, oss.SignatureVersionV4} {
		srv := newAuthServer(t, 2*time.Hour)
		client := sdkClient(srv, version, "")
		_, err := client.DeleteObject(context.Background(), &oss.DeleteObjectRequest{Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr("k")})
		if err != nil {
			t.Errorf("%s: DeleteObject: %v", versionName(version), err)
		}
		failures := srv.rejected()
		if len(failures) != 1 || failures[0] != "RequestTimeTooSkewed" {
			t.Errorf("%s: rejected = %v, want one RequestTimeTooSkewed", versionName(version), failures)
		}
	}
}

func TestSDKClientPresignedURLs(t *testing.T) {
	srv := newAuthServer(t, 0)
	for _, version := range []oss.SignatureVersionType{oss.SignatureVersionV1, oss.SignatureVersionV4} {
		for _, token := range []string{"", testToken} {
			client := sdkClient(srv, version, token)
			name := versionName(version) + " token=" + boolString(token != "")

			get, err := client.Presign(context.Background(), &oss.GetObjectRequest{
				Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr("dir/a b+c.txt"),
				ResponseContentType: oss.Ptr("text/plain; charset=utf-8"),
			}, oss.PresignExpires(10*time.Minute))
			if err != nil {
				t.Fatalf("%s: Presign GetObject: %v", name, err)
			}
			resp, err := http.Get(get.URL)
			if err != nil {
				t.Fatalf("%s: GET presigned URL: %v", name, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: GET presigned URL: %s %s", name, resp.Status, body)
			}

			put, err := client.Presign(context.Background(), &oss.PutObjectRequest{
				Bucket: oss.Ptr("examplebucket"), Key: oss.Ptr("upload 1.bin"),
				ContentType: oss.Ptr("application/octet-stream"),
				Metadata:    map[string]string{"author": "alice"},
			})
			if err != nil {
				t.Fatalf("%s: Presign PutObject: %v", name, err)
			}
			req, _ := http.NewRequest(put.Method, put.URL, strings.NewReader("data"))
			for k, v := range put.SignedHeaders {
				req.Header.Set(k, v)
			}
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s: PUT presigned URL: %v", name, err)
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s: PUT presigned URL: %s %s", name, resp.Status, body)
			}
		}
	}
}

func versionName(v oss.SignatureVersionType) string {
	if v == oss.SignatureVersionV1 {
		return "V1"
	}
	return "V4"
}

func boolString(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func asServiceError(err error, target **oss.ServiceError) bool {
	for err != nil {
		if e, ok := err.(*oss.ServiceError); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}
