package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestServerGeneratesCredentials(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data", dir)

	// Port 0 binds free ports, and the bound addresses are printed.
	if port := portOf(t, p.apiURL); port == "0" {
		t.Errorf("OSS API printed as %s, not the bound port", p.apiURL)
	}
	if p.consoleURL == "" || portOf(t, p.consoleURL) == "0" {
		t.Errorf("console printed as %q, not the bound address", p.consoleURL)
	}

	// The credentials file is private and holds the key the server prints.
	path := filepath.Join(dir, "credentials")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatalf("credentials file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode %v, want 0600", info.Mode().Perm())
	}
	dirInfo, err := os.Stat(dir)
	if err != nil || dirInfo.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode %v, want 0700", dirInfo.Mode().Perm())
	}
	creds := readCredentialsFile(t, path)
	keyID, secret, account := creds["OSSFC_ROOT_ACCESS_KEY_ID"], creds["OSSFC_ROOT_ACCESS_KEY_SECRET"], creds["OSSFC_ACCOUNT_ID"]
	if keyID == "" || len(secret) < 20 || len(account) != 16 {
		t.Fatalf("credentials file holds key %q, secret of %d characters, account %q", keyID, len(secret), account)
	}
	out := p.stdout.String()
	for _, want := range []string{keyID, account, path} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout does not show %q:\n%s", want, out)
		}
	}

	// The generated key works.
	c := p.client(keyID, secret, "cn-hangzhou")
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("first")}); err != nil {
		t.Fatalf("PutBucket with the generated key: %v", err)
	}
	if _, err := c.PutObject(bg, &oss.PutObjectRequest{Bucket: oss.Ptr("first"), Key: oss.Ptr("k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatalf("PutObject: %v", err)
	}

	// Health, readiness and metrics on the console listener.
	if status, body := httpGet(t, p.consoleURL+"/healthz"); status != 200 {
		t.Errorf("/healthz = %d %q", status, body)
	}
	if status, body := httpGet(t, p.consoleURL+"/readyz"); status != 200 {
		t.Errorf("/readyz = %d %q", status, body)
	}
	status, metrics := httpGet(t, p.consoleURL+"/metrics")
	if status != 200 {
		t.Errorf("/metrics = %d", status)
	}
	for _, want := range []string{
		`ossfc_requests_total{operation="PutBucket",status="200"} 1`,
		`ossfc_requests_total{operation="PutObject",status="200"} 1`,
		`ossfc_request_duration_seconds_bucket{operation="PutObject"`,
		`ossfc_request_bytes_total{operation="PutObject"} 1`,
		"go_goroutines",
		"process_open_fds",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	// A graceful stop exits 0, and the secret never appeared in the output.
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code after SIGTERM = %d\nstderr:\n%s", code, p.stderr)
	}
	if strings.Contains(p.stdout.String(), secret) || strings.Contains(p.stderr.String(), secret) {
		t.Errorf("the secret appeared in the server's output")
	}
	if !strings.Contains(p.stderr.String(), "msg=stopped") {
		t.Errorf("no stop record in the log:\n%s", p.stderr)
	}

	// A restart keeps the generated credentials.
	p2 := startServer(t, nil, "--data", dir)
	if !strings.Contains(p2.stdout.String(), keyID) {
		t.Errorf("restart printed another key:\n%s", p2.stdout)
	}
	c = p2.client(keyID, secret, "cn-hangzhou")
	if _, err := c.GetObjectMeta(bg, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("first"), Key: oss.Ptr("k")}); err != nil {
		t.Errorf("object after restart: %v", err)
	}
	if code := p2.stop(syscall.SIGINT); code != 0 {
		t.Errorf("exit code after SIGINT = %d", code)
	}
}

func TestServerEnvironment(t *testing.T) {
	dir := t.TempDir()
	const (
		keyID   = "LTAIenvironmentkey0001"
		secret  = "environment-secret-0123456789"
		account = "1111222233334444"
	)
	env := []string{
		"OSSFC_DATA=" + dir,
		"OSSFC_REGION=cn-beijing",
		"OSSFC_ROOT_ACCESS_KEY_ID=" + keyID,
		"OSSFC_ROOT_ACCESS_KEY_SECRET=" + secret,
		"OSSFC_ACCOUNT_ID=" + account,
		"OSSFC_LOG_FORMAT=json",
		"OSSFC_LOG_LEVEL=debug",
		"OSSFC_DOMAIN=oss-cn-beijing.example.test",
	}
	p := startServer(t, env)
	if !strings.Contains(p.stdout.String(), "region cn-beijing") || !strings.Contains(p.stdout.String(), account) {
		t.Errorf("stdout does not reflect the environment:\n%s", p.stdout)
	}
	if !strings.Contains(p.stdout.String(), "secret in OSSFC_ROOT_ACCESS_KEY_SECRET") {
		t.Errorf("stdout does not say where the secret is:\n%s", p.stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "credentials")); !os.IsNotExist(err) {
		t.Errorf("credentials file written although the environment set them: %v", err)
	}

	c := p.client(keyID, secret, "cn-beijing")
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("env")}); err != nil {
		t.Fatalf("PutBucket with the environment's key: %v", err)
	}
	info, err := c.GetBucketInfo(bg, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("env")})
	if err != nil {
		t.Fatal(err)
	}
	if oss.ToString(info.BucketInfo.Location) != "oss-cn-beijing" || oss.ToString(info.BucketInfo.Owner.ID) != account {
		t.Errorf("bucket location %s owner %s", oss.ToString(info.BucketInfo.Location), oss.ToString(info.BucketInfo.Owner.ID))
	}

	// A V4 signature scoped to another region is rejected.
	other := p.client(keyID, secret, "cn-hangzhou")
	if _, err := other.GetBucketInfo(bg, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("env")}); err == nil {
		t.Errorf("a request signed for cn-hangzhou succeeded on a cn-beijing server")
	}

	// Virtual-hosted style on the configured domain.
	req, _ := http.NewRequest("GET", p.apiURL+"/", nil)
	req.Host = "env.oss-cn-beijing.example.test"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 { // anonymous, so denied, but the bucket was found
		t.Errorf("anonymous virtual-hosted request: %d, want 403", res.StatusCode)
	}

	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d", code)
	}

	// Every log line is JSON, one access record per request, and neither
	// the secret nor the Authorization header shows.
	logs := p.stderr.String()
	if strings.Contains(logs, secret) || strings.Contains(p.stdout.String(), secret) {
		t.Errorf("the secret appeared in the output")
	}
	access := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", sc.Text())
			continue
		}
		if rec["log"] == "access" {
			access++
			for _, field := range []string{"request_id", "op", "status", "duration", "remote", "method"} {
				if _, ok := rec[field]; !ok {
					t.Errorf("access record without %s: %v", field, rec)
				}
			}
		}
	}
	if access != 4 {
		t.Errorf("%d access records, want 4 (one per request)", access)
	}
	if strings.Contains(logs, "OSS4-HMAC-SHA256 Credential") || strings.Contains(logs, "Signature=") {
		t.Errorf("an Authorization header appeared in the log")
	}
}

func TestServerFlagsOverrideEnvironment(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, []string{"OSSFC_REGION=cn-beijing", "OSSFC_CONSOLE_ADDR=127.0.0.1:1"},
		"--data", dir, "--region", "cn-shanghai", "--advertise-url", "http://oss.example.test:8080")
	out := p.stdout.String()
	if portOf(t, p.apiURL) == "0" || !strings.HasPrefix(p.apiURL, "http://127.0.0.1:") {
		t.Errorf("OSS API printed as %s; want the bound loopback address", p.apiURL)
	}
	if !strings.Contains(out, "advertised as: http://oss.example.test:8080") {
		t.Errorf("the advertised URL is not printed:\n%s", out)
	}
	if !strings.Contains(out, "region cn-shanghai") {
		t.Errorf("--region did not win over OSSFC_REGION:\n%s", out)
	}
	if strings.Contains(out, "127.0.0.1:1\n") {
		t.Errorf("--console-addr did not win over OSSFC_CONSOLE_ADDR:\n%s", out)
	}
	p.stop(syscall.SIGTERM)

	// An empty console address disables the console listener.
	p = startServer(t, nil, "--data", dir, "--console-addr", "")
	if p.consoleURL != "" {
		t.Errorf("console listening at %s although disabled", p.consoleURL)
	}
	p.stop(syscall.SIGTERM)

	// A repeatable flag replaces its variable's whole list.
	const keyID, secret = "LTAIlistflagskey000001", "list-flags-secret-0123456789"
	fromEnv, fromFlag := newCallbackReceiver(t), newCallbackReceiver(t)
	env := []string{
		"OSSFC_ROOT_ACCESS_KEY_ID=" + keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET=" + secret,
		"OSSFC_DOMAIN=env.example.test",
		"OSSFC_CALLBACK_ALLOW=" + hostOf(t, fromEnv.URL),
		"OSSFC_VPC_CIDR=127.0.0.0/8",
	}
	p = startServer(t, env, "--data", t.TempDir(),
		"--domain", "flag-a.example.test", "--domain", "flag-b.example.test",
		"--callback-allow", hostOf(t, fromFlag.URL),
		"--vpc-cidr", "10.0.0.0/8")
	c := p.client(keyID, secret, "cn-hangzhou")
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("lists"), Acl: oss.BucketACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(bg, &oss.PutObjectRequest{Bucket: oss.Ptr("lists"), Key: oss.Ptr("k"), Body: strings.NewReader("v")}); err != nil {
		t.Fatal(err)
	}

	// Both --domain values are service domains; OSSFC_DOMAIN's is not, so
	// its host is path style and "k" is taken for a bucket name.
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"lists.flag-a.example.test", 200},
		{"lists.flag-b.example.test", 200},
		{"lists.env.example.test", 404},
	} {
		req, _ := http.NewRequest("GET", p.apiURL+"/k", nil)
		req.Host = tc.host
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("anonymous GET /k with Host %s: status %d, want %d", tc.host, res.StatusCode, tc.status)
		}
	}

	// Callbacks reach the --callback-allow host only.
	callback := func(url string) (*oss.PutObjectResult, error) {
		doc, _ := json.Marshal(map[string]string{"callbackUrl": url, "callbackBody": "object=${object}"})
		return c.PutObject(bg, &oss.PutObjectRequest{Bucket: oss.Ptr("lists"), Key: oss.Ptr("cb"), Body: strings.NewReader("x"),
			Callback: oss.Ptr(base64.StdEncoding.EncodeToString(doc))})
	}
	if res, err := callback(fromFlag.URL); err != nil || res.CallbackResult["received"] != true {
		t.Errorf("callback to the --callback-allow host = %v, %v; want its reply", res, err)
	}
	var se *oss.ServiceError
	if _, err := callback(fromEnv.URL); !errors.As(err, &se) || se.Code != "CallbackFailed" {
		t.Errorf("callback to the OSSFC_CALLBACK_ALLOW host: %v; want CallbackFailed", err)
	}
	if n := fromEnv.count.Load(); n != 0 {
		t.Errorf("the OSSFC_CALLBACK_ALLOW host received %d callbacks", n)
	}

	// 127.0.0.1 is in OSSFC_VPC_CIDR but not in --vpc-cidr, so a VPC
	// access point rejects the test's requests on the public listener.
	ap, err := c.CreateAccessPoint(bg, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("lists"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-vpc"), NetworkOrigin: oss.Ptr("vpc"),
			VpcConfiguration: &oss.AccessPointVpcConfiguration{VpcId: oss.Ptr("vpc-1")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetObject(bg, &oss.GetObjectRequest{Bucket: ap.Alias, Key: oss.Ptr("k")})
	if !errors.As(err, &se) || se.Code != "AccessDenied" {
		t.Errorf("GetObject through a VPC access point from 127.0.0.1: %v; want AccessDenied", err)
	}
	p.stop(syscall.SIGTERM)
}

// callbackReceiver is an upload callback server on loopback that counts
// the callbacks it receives and replies {"received":true}.
type callbackReceiver struct {
	*httptest.Server
	count atomic.Int64
}

func newCallbackReceiver(t *testing.T) *callbackReceiver {
	r := &callbackReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		r.count.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"received":true}`)
	}))
	t.Cleanup(r.Close)
	return r
}

// hostOf returns the host:port of an http:// URL.
func hostOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestServerInvalidConfiguration(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"bad region flag", nil, []string{"--region", "CN_HZ"}, "--region"},
		{"bad log level", []string{"OSSFC_LOG_LEVEL=loud"}, nil, "--log-level"},
		{"bad integer", []string{"OSSFC_ACCESS_POINTS_PER_BUCKET=many"}, nil, "OSSFC_ACCESS_POINTS_PER_BUCKET"},
		{"bad duration", []string{"OSSFC_SHUTDOWN_TIMEOUT=soon"}, nil, "OSSFC_SHUTDOWN_TIMEOUT"},
		{"half a key", []string{"OSSFC_ROOT_ACCESS_KEY_ID=LTAIx"}, nil, "OSSFC_ROOT_ACCESS_KEY_SECRET"},
		{"bad account", []string{"OSSFC_ACCOUNT_ID=12"}, nil, "16 digits"},
		{"unknown flag", nil, []string{"--no-such-flag"}, "no-such-flag"},
		{"bad port", nil, []string{"--addr", "127.0.0.1:-1"}, "listen on api address"},
		{"TLS certificate without key", nil, []string{"--tls-cert", "cert.pem"}, "set both --tls-cert and --tls-key"},
		{"TLS key without certificate", []string{"OSSFC_TLS_KEY=key.pem"}, nil, "set both --tls-cert and --tls-key"},
		{"TLS files missing", []string{"OSSFC_TLS_CERT=/nonexistent/cert.pem", "OSSFC_TLS_KEY=/nonexistent/key.pem"}, nil,
			"load the TLS certificate /nonexistent/cert.pem (--tls-cert)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"server", "--data", t.TempDir(), "--functions-dir", testenv.FunctionsDir(t),
				"--addr", "127.0.0.1:0", "--console-addr", ""}, tc.args...)
			p := startProcess(t, tc.env, args...)
			<-p.done
			if code := p.cmd.ProcessState.ExitCode(); code == 0 {
				t.Errorf("exit code 0 for an invalid configuration")
			}
			if !strings.Contains(p.stderr.String(), tc.want) {
				t.Errorf("stderr does not name %q:\n%s", tc.want, p.stderr)
			}
		})
	}
}

func TestServerTLS(t *testing.T) {
	const keyID, secret = "LTAItlsserverkey000001", "tls-server-secret-0123456789"
	certFile, keyFile := testenv.SelfSignedCertificate(t)
	p := startServer(t, []string{"OSSFC_ROOT_ACCESS_KEY_ID=" + keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET=" + secret,
		"OSSFC_TLS_CERT=" + certFile, "OSSFC_TLS_KEY=" + keyFile}, "--data", t.TempDir())
	if !strings.HasPrefix(p.apiURL, "https://127.0.0.1:") || !strings.HasPrefix(p.consoleURL, "https://127.0.0.1:") {
		t.Errorf("printed OSS API %s and console %s; want https URLs", p.apiURL, p.consoleURL)
	}

	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pem)
	transport := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	t.Cleanup(transport.CloseIdleConnections)
	c := oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret)).
		WithRegion("cn-hangzhou").
		WithEndpoint(p.apiURL).
		WithHttpClient(&http.Client{Transport: transport}).
		WithRetryMaxAttempts(1))
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("tls")}); err != nil {
		t.Errorf("PutBucket over HTTPS: %v", err)
	}
	res, err := (&http.Client{Transport: transport}).Get(p.consoleURL + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over HTTPS: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /healthz over HTTPS: status %d", res.StatusCode)
	}
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func TestServerGracefulShutdownFinishesUploads(t *testing.T) {
	const keyID, secret = "LTAIgracefulkey000001", "graceful-secret-0123456789"
	p := startServer(t, []string{"OSSFC_ROOT_ACCESS_KEY_ID=" + keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET=" + secret},
		"--data", t.TempDir())
	c := p.client(keyID, secret, "cn-hangzhou")
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("graceful")}); err != nil {
		t.Fatal(err)
	}

	// An upload whose body is still to come when SIGTERM arrives. The
	// request asks for 100 Continue, so the interim response proves that
	// the server is handling it before the signal is sent.
	pre, err := c.Presign(bg, &oss.PutObjectRequest{Bucket: oss.Ptr("graceful"), Key: oss.Ptr("in-flight")})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(pre.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n", u.RequestURI(), u.Host)
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("interim response %q, %v; want 100 Continue", line, err)
	}
	br.ReadString('\n') // the blank line after the interim response

	p.cmd.Process.Signal(syscall.SIGTERM)
	p.waitOutput(func() bool { return strings.Contains(p.stderr.String(), "shutting down") }, "the shutdown record")
	io.WriteString(conn, "helloworld")

	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("response to the upload in flight during shutdown: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("upload in flight during shutdown: status %d", res.StatusCode)
	}
	conn.Close()
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d", code)
	}
	if !strings.Contains(p.stderr.String(), "op=PutObject status=200") {
		t.Errorf("the in-flight upload was not logged as a success:\n%s", p.stderr)
	}
}

func TestHelpAndUnknownCommand(t *testing.T) {
	p := startProcess(t, nil, "help")
	<-p.done
	if p.cmd.ProcessState.ExitCode() != 0 || !strings.Contains(p.stdout.String(), "ossfc server") {
		t.Errorf("help: exit %d, stdout %q", p.cmd.ProcessState.ExitCode(), p.stdout)
	}
	p = startProcess(t, nil, "serve")
	<-p.done
	if p.cmd.ProcessState.ExitCode() != 2 || !strings.Contains(p.stderr.String(), `unknown command "serve"`) {
		t.Errorf("unknown command: exit %d, stderr %q", p.cmd.ProcessState.ExitCode(), p.stderr)
	}
	p = startProcess(t, nil, "server", "-h")
	<-p.done
	if !strings.Contains(p.stderr.String(), "OSSFC_CONSOLE_ADDR") {
		t.Errorf("server -h does not list the environment variables:\n%s", p.stderr)
	}
}
