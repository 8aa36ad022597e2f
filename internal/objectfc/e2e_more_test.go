package objectfc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/objectfc"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/testenv"
)

func TestEventCarriesRequestButNoSecret(t *testing.T) {
	f := newFixture(t)
	alias := f.accessPoint("fcap-event", f.deploy(functionSpec{name: "event", function: "event"}), true)

	// The caller uses a presigned URL, so its signature travels in the query.
	presigned, err := f.root.Presign(ctx, &oss.GetObjectRequest{
		Bucket: oss.Ptr(alias), Key: oss.Ptr("dir/a b+c~%日本.txt"),
		Process: oss.Ptr("image/resize,w_10"),
	})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, presigned.URL, nil)
	req.Header.Set("Range", "bytes=0-3")
	req.Header.Set("X-Custom", "kept")
	resp, err := f.env.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned GetObject through the alias: %d %s", resp.StatusCode, raw)
	}

	var ev objectfc.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatalf("event: %v\n%s", err, raw)
	}
	u, err := url.Parse(ev.UserRequest.URL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("x-oss-process") != "image/resize,w_10" {
		t.Errorf("userRequest.url lost x-oss-process: %s", ev.UserRequest.URL)
	}
	for _, p := range []string{"x-oss-signature", "x-oss-credential", "OSSAccessKeyId", "Signature", "x-oss-date"} {
		if q.Has(p) {
			t.Errorf("userRequest.url keeps the authentication parameter %s", p)
		}
	}
	if ev.UserRequest.Headers["Range"] != "bytes=0-3" || ev.UserRequest.Headers["X-Custom"] != "kept" {
		t.Errorf("userRequest.headers = %v", ev.UserRequest.Headers)
	}
	if ev.UserIdentity.AccountID != f.env.AccountID || ev.UserIdentity.Type != "Account" {
		t.Errorf("userIdentity = %+v", ev.UserIdentity)
	}
	if !strings.HasSuffix(ev.Configuration.AccessPointForObjectProcessArn, ":accesspointforobjectprocess/fcap-event") ||
		!strings.HasSuffix(ev.Configuration.SupportingAccessPointArn, ":accesspoint/"+f.ap) ||
		len(ev.Configuration.AllowedFeatures) != 1 {
		t.Errorf("configuration = %+v", ev.Configuration)
	}
	if ev.GetObjectContext.OutputRoute != f.env.URL || !strings.HasPrefix(ev.GetObjectContext.OutputToken, objectfc.TokenPrefix) {
		t.Errorf("getObjectContext = %+v", ev.GetObjectContext)
	}
	if strings.Contains(string(raw), f.env.AccessKeySecret) || strings.Contains(string(raw), presigned.URL) {
		t.Errorf("the event carries the caller's secret or signed URL")
	}

	// inputOssUrl reads exactly the requested object, and nothing else.
	in, err := http.Get(ev.GetObjectContext.InputOssURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(in.Body)
	in.Body.Close()
	if in.StatusCode != 200 || string(body) != "odd key" {
		t.Errorf("inputOssUrl: %d %q", in.StatusCode, body)
	}
	other := strings.Replace(ev.GetObjectContext.InputOssURL, "/dir/", "/other/", 1)
	in2, err := http.Get(other)
	if err != nil {
		t.Fatal(err)
	}
	in2.Body.Close()
	if in2.StatusCode != 403 {
		t.Errorf("inputOssUrl signature reused for another key: status %d, want 403", in2.StatusCode)
	}
}

func TestRangeNeedsTheFeature(t *testing.T) {
	f := newFixture(t)
	identity := f.deploy(functionSpec{name: "identity", function: "identity"})
	without := f.accessPoint("fcap-norange", identity, false)
	with := f.accessPoint("fcap-range", identity, true)
	c := f.env.Client(testenv.NoRetry)

	_, _, err := get(t, c, without, "digits.txt", func(r *oss.GetObjectRequest) { r.Range = oss.Ptr("bytes=2-5") })
	wantServiceError(t, err, 501, "NotImplemented")
	_, _, err = get(t, c, without, "digits.txt", func(r *oss.GetObjectRequest) { r.Parameters = map[string]string{"partNumber": "1"} })
	wantServiceError(t, err, 501, "NotImplemented")
	if logs := f.env.Server.Functions().InvocationLogs(f.env.AccountID, "identity", "", 0); len(logs) != 0 {
		t.Errorf("the function ran %d times for requests answered 501", len(logs))
	}

	res, body, err := get(t, c, with, "digits.txt", func(r *oss.GetObjectRequest) { r.Range = oss.Ptr("bytes=2-5") })
	if err != nil {
		t.Fatalf("ranged GetObject with the feature: %v", err)
	}
	if res.StatusCode != 206 || string(body) != "2345" || oss.ToString(res.ContentRange) != "bytes 2-5/36" {
		t.Errorf("ranged GetObject = %d %q %q", res.StatusCode, body, oss.ToString(res.ContentRange))
	}
	_, body, err = get(t, c, with, "digits.txt")
	if err != nil || string(body) != string(f.objects["digits.txt"]) {
		t.Errorf("whole GetObject through identity = %q, %v", body, err)
	}
}

func TestTransformFailures(t *testing.T) {
	f := newFixture(t)
	hc := f.env.HTTPClient()
	c := f.env.Client(testenv.NoRetry, func(cfg *oss.Config) { cfg.WithHttpClient(hc) })
	goroutines, fds := runtime.NumGoroutine(), openFiles(t)
	alias := func(name, function string, spec functionSpec) string {
		spec.name, spec.function = name, function
		return f.accessPoint("fcap-"+name, f.deploy(spec), false)
	}

	missing := f.accessPoint("fcap-missing", "acs:fc:"+f.env.Region+":"+f.env.AccountID+":functions/not-deployed", false)
	_, _, err := get(t, c, missing, "hello.txt")
	se := wantServiceError(t, err, 500, "FunctionNotFound")
	if !strings.Contains(se.Message, "functions/not-deployed") {
		t.Errorf("FunctionNotFound message %q does not name the ARN", se.Message)
	}

	tests := []struct {
		name, function string
		spec           functionSpec
		status         int
		code           string
		log            string // expected in the function's log
	}{
		{"silent", "silent", functionSpec{}, 500, "FunctionResponseNotReceived", ""},
		{"fail", "fail", functionSpec{}, 500, "FunctionExecutionFailed", ""},
		{"crash", "crash", functionSpec{}, 500, "FunctionExecutionFailed", ""},
		{"sleep", "sleep", functionSpec{timeout: 2}, 504, "FunctionResponseTimeout", ""},
		{"notfound", "notfound", functionSpec{}, 404, "NoSuchKey", ""},
		{"wrongroute", "wrongroute", functionSpec{}, 500, "FunctionResponseNotReceived", "400 InvalidArgument"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := alias(tc.name, tc.function, tc.spec)
			start := time.Now()
			_, _, err := get(t, c, a, "hello.txt")
			wantServiceError(t, err, tc.status, tc.code)
			if tc.function == "sleep" && time.Since(start) > 15*time.Second {
				t.Errorf("the caller waited %v, more than the function's timeout", time.Since(start))
			}
			if tc.log != "" {
				if log := f.functionLog(tc.name); !strings.Contains(log, tc.log) {
					t.Errorf("function log %q lacks %q", log, tc.log)
				}
			}
		})
	}

	t.Run("response sent to another host name", func(t *testing.T) {
		a := alias("otherhost", "otherhost", functionSpec{})
		_, body, err := get(t, c, a, "hello.txt")
		if err != nil || string(body) != "through localhost" {
			t.Fatalf("GetObject = %q, %v; want the response sent to localhost", body, err)
		}
	})

	t.Run("second call with the same token", func(t *testing.T) {
		a := alias("twice", "twice", functionSpec{})
		_, body, err := get(t, c, a, "hello.txt")
		if err != nil || string(body) != "first" {
			t.Fatalf("GetObject = %q, %v; want the first response", body, err)
		}
		if log := f.functionLog("twice"); !strings.Contains(log, "403 AccessDenied") {
			t.Errorf("the second WriteGetObjectResponse was not refused: %q", log)
		}
	})

	t.Run("another principal", func(t *testing.T) {
		svc := f.env.Server.RAM()
		svc.CreateUser(ctx, f.env.AccountID, ram.UserInput{UserName: "writer"})
		key, err := svc.CreateAccessKey(ctx, f.env.AccountID, "writer")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.AttachPolicy(ctx, f.env.AccountID, "System", "AliyunFCDefaultRolePolicy", "User", "writer"); err != nil {
			t.Fatal(err)
		}
		a := alias("otherprincipal", "otherprincipal", functionSpec{env: map[string]string{"OTHER_KEY_ID": key.AccessKeyID, "OTHER_KEY_SECRET": key.AccessKeySecret}})
		_, _, err = get(t, c, a, "hello.txt")
		wantServiceError(t, err, 500, "FunctionResponseNotReceived")
		if log := f.functionLog("otherprincipal"); !strings.Contains(log, "403 AccessDenied") {
			t.Errorf("a response from another principal was not refused: %q", log)
		}
	})

	t.Run("role without WriteGetObjectResponse", func(t *testing.T) {
		svc := f.env.Server.RAM()
		_, err := svc.CreateRole(ctx, f.env.AccountID, ram.RoleInput{RoleName: "bare-role",
			AssumeRolePolicyDocument: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":["fc.aliyuncs.com"]}}]}`})
		if err != nil {
			t.Fatal(err)
		}
		a := alias("bare", "upper", functionSpec{role: "acs:ram::" + f.env.AccountID + ":role/bare-role"})
		_, _, err = get(t, c, a, "hello.txt")
		wantServiceError(t, err, 500, "FunctionExecutionFailed")
		if log := f.functionLog("bare"); !strings.Contains(log, "oss:WriteGetObjectResponse") {
			t.Errorf("the function's denial does not name oss:WriteGetObjectResponse: %q", log)
		}
	})

	t.Run("function gone mid-stream", func(t *testing.T) {
		a := alias("dies", "dies", functionSpec{})
		_, body, err := get(t, c, a, "hello.txt")
		if err == nil && len(body) == 1<<20 {
			t.Fatalf("the caller got a complete body from a function that died mid-stream")
		}
	})

	t.Run("anonymous caller", func(t *testing.T) {
		a := alias("anon", "upper", functionSpec{})
		_, _, err := get(t, f.env.Client(testenv.NoRetry, testenv.Anonymous), a, "hello.txt")
		se := wantServiceError(t, err, 403, "AccessDenied")
		if se.EC != "0003-00001201" {
			t.Errorf("anonymous EC %s, want 0003-00001201", se.EC)
		}
	})

	t.Run("unknown alias", func(t *testing.T) {
		_, _, err := get(t, c, "nothing-0123456789abcdef0123456789abcd-opapalias", "hello.txt")
		wantServiceError(t, err, 404, "NoSuchBucket")
	})

	if n := f.env.Server.PendingTransforms(); n != 0 {
		t.Errorf("%d transformed GetObjects still pending", n)
	}

	// Each failure is counted per Object FC Access Point and code, and the
	// refused WriteGetObjectResponse calls by status class.
	metrics := f.metrics()
	for _, series := range []string{
		`ossfc_objectfc_failures_total{access_point="fcap-silent",code="FunctionResponseNotReceived"} 1`,
		`ossfc_objectfc_failures_total{access_point="fcap-sleep",code="FunctionResponseTimeout"} 1`,
		`ossfc_objectfc_failures_total{access_point="fcap-missing",code="FunctionNotFound"} 1`,
		`ossfc_objectfc_write_get_object_response_errors_total{access_point="fcap-wrongroute",class="4xx"} 1`,
		`ossfc_objectfc_write_get_object_response_errors_total{access_point="unknown",class="4xx"}`,
		`ossfc_objectfc_invocations_total{access_point="fcap-crash"} 1`,
		// Refused before the transform path ran: the role that lacks
		// oss:WriteGetObjectResponse, and the anonymous caller.
		`ossfc_objectfc_write_get_object_response_errors_total{access_point="fcap-bare",class="4xx"} 1`,
		`ossfc_objectfc_failures_total{access_point="fcap-anon",code="AccessDenied"} 1`,
		`ossfc_objectfc_requests_total{access_point="fcap-anon"} 1`,
	} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}

	// Every failure path freed what it held: once the instances are
	// stopped, no function process, goroutine or file remains.
	if err := f.env.Server.Functions().Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countProcesses(t, functionBinary); n != 0 {
		t.Errorf("%d function processes still run after the instances stopped", n)
	}
	waitFor(t, fmt.Sprintf("goroutines back to about %d", goroutines), func() bool {
		hc.CloseIdleConnections()
		return runtime.NumGoroutine() <= goroutines+5
	})
	waitFor(t, fmt.Sprintf("open files back to about %d", fds), func() bool { return openFiles(t) <= fds+5 })
}

// metrics returns the server's Prometheus exposition.
func (f *fixture) metrics() string {
	f.t.Helper()
	resp, err := http.Get(f.env.ConsoleURL + "/metrics")
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

func TestCallerGoneMidStream(t *testing.T) {
	f := newFixture(t)
	a := f.accessPoint("fcap-trickle", f.deploy(functionSpec{name: "trickle", function: "trickle"}), false)
	res, err := f.env.Client(testenv.NoRetry).GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(a), Key: oss.Ptr("hello.txt")})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	if _, err := io.ReadFull(res.Body, buf); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if log := f.functionLog("trickle"); !strings.Contains(log, "ClientDisconnected") {
		t.Errorf("the function was not told that the caller left: %q", log)
	}
	waitFor(t, "no pending transformed GetObject", func() bool { return f.env.Server.PendingTransforms() == 0 })
}

func TestOtherOperationsGoToTheSupportingAccessPoint(t *testing.T) {
	f := newFixture(t)
	alias := f.accessPoint("fcap-pass", f.deploy(functionSpec{name: "upper", function: "upper"}), false)
	c := f.env.Client(testenv.NoRetry)

	if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("written.txt"), Body: strings.NewReader("via alias")}); err != nil {
		t.Fatalf("PutObject through the Object FC Access Point alias: %v", err)
	}
	_, body, err := get(t, f.root, f.bucket, "written.txt")
	if err != nil || string(body) != "via alias" {
		t.Errorf("object written through the alias reads %q, %v", body, err)
	}
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("hello.txt")})
	if err != nil || head.ContentLength != int64(len(f.objects["hello.txt"])) {
		t.Errorf("HeadObject through the alias = %+v, %v; want the untransformed object's metadata", head, err)
	}
}

func TestConcurrentTransformedGetsLeakNothing(t *testing.T) {
	f := newFixture(t)
	alias := f.accessPoint("fcap-many", f.deploy(functionSpec{name: "identity", function: "identity", concurrency: 50, maxInstances: 4}), false)
	hc := f.env.HTTPClient()
	c := f.env.Client(testenv.NoRetry, func(cfg *oss.Config) { cfg.WithHttpClient(hc) })
	if _, _, err := get(t, c, alias, "digits.txt"); err != nil {
		t.Fatalf("warm-up: %v", err)
	}
	hc.CloseIdleConnections()
	goroutines, fds := runtime.NumGoroutine(), openFiles(t)

	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := []string{"hello.txt", "digits.txt", "dir/a b+c~%日本.txt"}[i%3]
			_, body, err := get(t, c, alias, key)
			if err == nil && !bytes.Equal(body, f.objects[key]) {
				err = fmt.Errorf("GetObject %s = %q", key, body)
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Warm function instances keep keep-alive connections to the server
	// (up to their concurrency), so they are stopped before counting; a
	// leak per request would hold hundreds of goroutines.
	waitFor(t, "no pending transformed GetObject", func() bool { return f.env.Server.PendingTransforms() == 0 })
	if err := f.env.Server.Functions().Close(ctx); err != nil {
		t.Fatal(err)
	}
	hc.CloseIdleConnections()
	if n := countProcesses(t, functionBinary); n != 0 {
		t.Errorf("%d function processes still run after the instances stopped", n)
	}
	waitFor(t, fmt.Sprintf("goroutines back to about %d", goroutines), func() bool {
		hc.CloseIdleConnections()
		return runtime.NumGoroutine() <= goroutines+5
	})
	waitFor(t, fmt.Sprintf("open files back to about %d", fds), func() bool { return openFiles(t) <= fds+5 })
}

// countProcesses returns how many processes run the executable path.
func countProcesses(t *testing.T, path string) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if exe, err := os.Readlink("/proc/" + e.Name() + "/exe"); err == nil && exe == path {
			n++
		}
	}
	return n
}

func openFiles(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			if os.Getenv("DEBUG_GOROUTINES") != "" {
				buf := make([]byte, 1<<22)
				n := runtime.Stack(buf, true)
				os.WriteFile("/tmp/goroutines.txt", buf[:n], 0o644)
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTransformedGetObjectVersion reads an older version through an Object
// FC Access Point: inputOssUrl names the version, and its session may read
// it (oss:GetObjectVersion).
func TestTransformedGetObjectVersion(t *testing.T) {
	f := newFixture(t)
	c := f.env.Client(testenv.NoRetry)
	if _, err := f.root.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: oss.Ptr(f.bucket),
		VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(f.bucket), Key: oss.Ptr("hello.txt"),
		Body: strings.NewReader("second version")}); err != nil {
		t.Fatal(err)
	}
	alias := f.accessPoint("fcap-versions", f.deploy(functionSpec{name: "upper", function: "upper"}), false)

	_, body, err := get(t, c, alias, "hello.txt")
	if err != nil || string(body) != "SECOND VERSION" {
		t.Errorf("current version through the alias = %q, %v; want %q", body, err, "SECOND VERSION")
	}
	_, body, err = get(t, c, alias, "hello.txt", func(r *oss.GetObjectRequest) { r.VersionId = oss.Ptr("null") })
	if err != nil || string(body) != "HELLO, OBJECT FC" {
		t.Errorf("version null through the alias = %q, %v; want %q", body, err, "HELLO, OBJECT FC")
	}
}
