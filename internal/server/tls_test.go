package server_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/server"
	"github.com/ossfc/ossfc/internal/testenv"
)

func TestTLSListeners(t *testing.T) {
	env := testenv.Start(t, testenv.TLS(t), func(c *config.Config) { c.InternalAddr = "127.0.0.1:0" })
	ctx := context.Background()
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: env.RootCAs}}}
	t.Cleanup(trusting.CloseIdleConnections)

	// Every listener and the advertised URL are https.
	for name, got := range map[string]string{
		"advertise URL": env.Server.AdvertiseURL(), "api": env.Server.URL("api"),
		"internal": env.Server.URL("internal"), "console": env.ConsoleURL,
	} {
		if !strings.HasPrefix(got, "https://127.0.0.1:") {
			t.Errorf("%s = %q, want https://127.0.0.1:<port>", name, got)
		}
	}

	// SDK calls over HTTPS, in both addressing styles and on the internal
	// listener.
	root := env.Client(testenv.NoRetry)
	if _, err := root.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("secure")}); err != nil {
		t.Fatalf("PutBucket over HTTPS: %v", err)
	}
	if _, err := root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("secure"), Key: oss.Ptr("k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatalf("PutObject over HTTPS: %v", err)
	}
	if got := readString(t, root, "secure", "k"); got != "v" {
		t.Errorf("GetObject over HTTPS = %q, want v", got)
	}
	if got := readString(t, env.VirtualHostedClient(testenv.NoRetry), "secure", "k"); got != "v" {
		t.Errorf("virtual-hosted GetObject over HTTPS = %q, want v", got)
	}
	internal := env.Client(testenv.NoRetry, func(c *oss.Config) {
		c.WithEndpoint(env.Server.URL("internal"))
		c.WithHttpClient(trusting)
	})
	if got := readString(t, internal, "secure", "k"); got != "v" {
		t.Errorf("GetObject on the internal listener = %q, want v", got)
	}

	// A plain HTTP request to the API listener is rejected.
	plain, err := http.Get("http://" + env.Server.Addr("api") + "/secure/k")
	if err != nil {
		t.Fatalf("plain HTTP request: %v", err)
	}
	plain.Body.Close()
	if plain.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP to the HTTPS listener: status %d, want 400", plain.StatusCode)
	}

	// The admin API over HTTPS: a RAM user with full OSS access.
	cfg := adminclient.Config{URL: env.ConsoleURL, Region: env.Region, AccessKeyID: env.AccessKeyID, AccessKeySecret: env.AccessKeySecret}
	admin := ramclient.New(cfg.URL+"/admin/ram", trusting, cfg.Sign)
	if _, err := admin.CreateUser(ctx, ramapi.CreateUserInput{UserName: "tls-user"}); err != nil {
		t.Fatalf("CreateUser over HTTPS: %v", err)
	}
	key, err := admin.CreateAccessKey(ctx, "tls-user")
	if err != nil {
		t.Fatalf("CreateAccessKey over HTTPS: %v", err)
	}
	allowAll := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}`
	if _, err := admin.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "oss-all", PolicyDocument: allowAll}); err != nil {
		t.Fatal(err)
	}
	if err := admin.AttachPolicy(ctx, "oss-all", ramapi.AttachPolicyInput{PolicyType: "Custom", UserName: "tls-user"}); err != nil {
		t.Fatal(err)
	}
	user := env.Client(testenv.NoRetry, testenv.WithKey(key.AccessKeyID, key.AccessKeySecret, ""))

	// acs:SecureTransport is true over HTTPS: a bucket policy that denies
	// plain requests lets the user read, and one that denies secure
	// requests stops the user.
	denyWhen := func(secure string) string {
		return `{"Version":"1","Statement":[{"Effect":"Deny","Action":"oss:*","Principal":["*"],` +
			`"Resource":["acs:oss:*:` + env.AccountID + `:secure","acs:oss:*:` + env.AccountID + `:secure/*"],` +
			`"Condition":{"Bool":{"acs:SecureTransport":"` + secure + `"}}}]}`
	}
	for _, tc := range []struct {
		name, policy string
		allowed      bool
	}{
		{"deny when not secure", denyWhen("false"), true},
		{"deny when secure", denyWhen("true"), false},
	} {
		if _, err := root.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("secure"), Body: strings.NewReader(tc.policy)}); err != nil {
			t.Fatalf("PutBucketPolicy %s: %v", tc.name, err)
		}
		_, err := user.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("secure"), Key: oss.Ptr("k")})
		var se *oss.ServiceError
		switch {
		case tc.allowed && err != nil:
			t.Errorf("%s: GetObject over HTTPS: %v, want allowed", tc.name, err)
		case !tc.allowed && (!errors.As(err, &se) || se.Code != "AccessDenied"):
			t.Errorf("%s: GetObject over HTTPS: %v, want AccessDenied", tc.name, err)
		}
	}

	// The console signs in and lists buckets over HTTPS, calling the API
	// listener with the server's own certificate pinned, and marks its
	// cookies Secure.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Transport: trusting.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status, page := fetch(t, browser, http.MethodGet, env.ConsoleURL+"/signin", nil)
	token := regexp.MustCompile(`name="signin_token" value="([^"]+)"`).FindStringSubmatch(page)
	if status != 200 || token == nil {
		t.Fatalf("GET /signin over HTTPS: status %d, page without a sign-in token:\n%s", status, page)
	}
	form := url.Values{"signin_token": {token[1]}, "access_key_id": {env.AccessKeyID}, "access_key_secret": {env.AccessKeySecret}}
	res, err := browser.PostForm(env.ConsoleURL+"/signin", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("console sign-in over HTTPS: status %d, want 303", res.StatusCode)
	}
	for _, c := range res.Header.Values("Set-Cookie") {
		if !strings.Contains(c, "Secure") {
			t.Errorf("console cookie without Secure over HTTPS: %s", c)
		}
	}
	if status, page := fetch(t, browser, http.MethodGet, env.ConsoleURL+"/buckets", nil); status != 200 || !strings.Contains(page, "secure") {
		t.Errorf("console bucket list over HTTPS: status %d, bucket secure missing:\n%s", status, page)
	}
}

func TestTLSConfigurationErrors(t *testing.T) {
	certFile, keyFile := testenv.SelfSignedCertificate(t)
	otherCert, _ := testenv.SelfSignedCertificate(t)
	tests := []struct {
		name          string
		cert, key     string
		advertiseURL  string
		validateError string // "" when Validate accepts the configuration
		startError    string
	}{
		{name: "certificate without key", cert: certFile, validateError: "set both --tls-cert and --tls-key"},
		{name: "key without certificate", key: keyFile, validateError: "set both --tls-cert and --tls-key"},
		{name: "plain advertise URL", cert: certFile, key: keyFile, advertiseURL: "http://oss.example.test", validateError: "must start with https://"},
		{name: "missing files", cert: certFile + ".missing", key: keyFile, startError: "load the TLS certificate"},
		{name: "key of another certificate", cert: otherCert, key: keyFile, startError: "private key does not match"},
		{name: "key file as certificate", cert: keyFile, key: keyFile, startError: "--tls-cert"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.Addr, cfg.ConsoleAddr = "127.0.0.1:0", ""
			cfg.TLSCertFile, cfg.TLSKeyFile, cfg.AdvertiseURL = tc.cert, tc.key, tc.advertiseURL

			err := cfg.Validate()
			if tc.validateError != "" {
				if err == nil || !strings.Contains(err.Error(), tc.validateError) {
					t.Errorf("Validate() = %v, want an error containing %q", err, tc.validateError)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() = %v", err)
			}
			s, err := server.New(context.Background(), cfg, slog.New(slog.DiscardHandler))
			if err == nil {
				s.Shutdown(context.Background())
				t.Fatalf("server.New accepted certificate %s and key %s", tc.cert, tc.key)
			}
			if !strings.Contains(err.Error(), tc.startError) {
				t.Errorf("server.New error %q does not contain %q", err, tc.startError)
			}
		})
	}
}

// readString returns the body of object key in bucket.
func readString(t *testing.T, c *oss.Client, bucket, key string) string {
	t.Helper()
	res, err := c.GetObject(context.Background(), &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Errorf("GetObject %s/%s: %v", bucket, key, err)
		return ""
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("read %s/%s: %v", bucket, key, err)
	}
	return string(data)
}

// fetch sends a request with client and returns the status and body.
func fetch(t *testing.T, client *http.Client, method, rawURL string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(data)
}
