package objectfc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/testenv"
)

var ctx = context.Background()

func asServiceError(err error, target **oss.ServiceError) bool { return errors.As(err, target) }

// fixture is a server with a bucket, objects, the service roles and a
// supporting access point, ready for Object FC Access Points.
type fixture struct {
	t       testing.TB
	env     *testenv.Env
	root    *oss.Client
	bucket  string
	ap      string
	objects map[string][]byte
}

func newFixture(t testing.TB, options ...func(*config.Config)) *fixture {
	env := testenv.Start(t, options...)
	f := &fixture{t: t, env: env, root: env.Client(testenv.NoRetry), bucket: "source", ap: "ap-source",
		objects: map[string][]byte{
			"hello.txt":         []byte("hello, object fc"),
			"dir/a b+c~%日本.txt": []byte("odd key"),
			"digits.txt":        []byte("0123456789abcdefghijklmnopqrstuvwxyz"),
		}}
	if _, err := env.Server.RAM().QuickAuthorize(ctx, env.AccountID); err != nil {
		t.Fatalf("QuickAuthorize: %v", err)
	}
	if _, err := f.root.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(f.bucket)}); err != nil {
		t.Fatal(err)
	}
	for key, body := range f.objects {
		if _, err := f.root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(f.bucket), Key: oss.Ptr(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.root.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{
		Bucket: oss.Ptr(f.bucket),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{
			AccessPointName: oss.Ptr(f.ap), NetworkOrigin: oss.Ptr("internet"),
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPoint: %v", err)
	}
	return f
}

// functionSpec describes a test function to deploy.
type functionSpec struct {
	name, function string
	timeout        int
	concurrency    int
	maxInstances   int
	role           string
	env            map[string]string
}

// deploy creates a custom-runtime function that runs the test binary as
// spec.function.
func (f *fixture) deploy(spec functionSpec) string {
	f.t.Helper()
	dir := f.t.TempDir()
	os.WriteFile(filepath.Join(dir, "README"), []byte("runs the objectfc test binary\n"), 0o644)
	env := map[string]string{functionVar: spec.function}
	for k, v := range spec.env {
		env[k] = v
	}
	if spec.timeout == 0 {
		spec.timeout = 20
	}
	if spec.role == "" {
		spec.role = "acs:ram::" + f.env.AccountID + ":role/aliyunfcdefaultrole"
	}
	_, err := f.env.Server.Functions().CreateFunction(ctx, f.env.AccountID, fc.FunctionSpec{
		Name: spec.name, Runtime: fc.RuntimeCustom, Command: []string{functionBinary},
		TimeoutSeconds: spec.timeout, InstanceConcurrency: spec.concurrency, MaxInstances: spec.maxInstances,
		Environment: env, Role: spec.role, Code: &fc.Code{Dir: dir},
	})
	if err != nil {
		f.t.Fatalf("deploy %s: %v", spec.name, err)
	}
	return fmt.Sprintf("acs:fc:%s:%s:functions/%s", f.env.Region, f.env.AccountID, spec.name)
}

// accessPoint creates an Object FC Access Point for functionARN and returns
// its alias.
func (f *fixture) accessPoint(name, functionARN string, allowRange bool) string {
	f.t.Helper()
	cfg := &oss.ObjectProcessConfiguration{
		TransformationConfigurations: &oss.TransformationConfigurations{
			TransformationConfigurations: []oss.TransformationConfiguration{{
				Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
				ContentTransformation: &oss.ContentTransformation{FunctionCompute: &oss.ObjectProcessFunctionCompute{
					FunctionArn:           oss.Ptr(functionARN),
					FunctionAssumeRoleArn: oss.Ptr("acs:ram::" + f.env.AccountID + ":role/aliyunossobjectfcforossdefaultrole"),
				}},
			}},
		},
	}
	if allowRange {
		cfg.AllowedFeatures = &oss.ObjectProcessAllowedFeatures{AllowedFeatures: []string{"GetObject-Range"}}
	}
	res, err := f.root.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket:                          oss.Ptr(f.bucket),
		AccessPointForObjectProcessName: oss.Ptr(name),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr(f.ap), ObjectProcessConfiguration: cfg,
		},
	})
	if err != nil {
		f.t.Fatalf("CreateAccessPointForObjectProcess %s: %v", name, err)
	}
	return oss.ToString(res.AccessPointForObjectProcessAlias)
}

// get reads key through alias with c and returns the body.
func get(t *testing.T, c *oss.Client, alias, key string, opts ...func(*oss.GetObjectRequest)) (*oss.GetObjectResult, []byte, error) {
	t.Helper()
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr(key)}
	for _, o := range opts {
		o(req)
	}
	res, err := c.GetObject(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res, body, err
}

// wantServiceError checks that err is an OSS error with status and code.
func wantServiceError(t *testing.T, err error, status int, code string) *oss.ServiceError {
	t.Helper()
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want OSS error %d %s", err, status, code)
	}
	if se.StatusCode != status || se.Code != code {
		t.Fatalf("got %d %s (%s), want %d %s", se.StatusCode, se.Code, se.Message, status, code)
	}
	return se
}

// functionLog returns the log lines of the most recent invocation of
// function, waiting briefly for it to finish.
func (f *fixture) functionLog(function string) string {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		logs := f.env.Server.Functions().InvocationLogs(f.env.AccountID, function, "", 1)
		if len(logs) > 0 && logs[0].Duration > 0 {
			return strings.Join(logs[0].Lines, "\n")
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("no finished invocation of %s", function)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestTransformedGetObjectBothSidesOfTheSDK(t *testing.T) {
	f := newFixture(t)
	alias := f.accessPoint("fcap-upper", f.deploy(functionSpec{name: "upper", function: "upper"}), false)
	v1Alias := f.accessPoint("fcap-upper-v1", f.deploy(functionSpec{name: "upperv1", function: "upper", env: map[string]string{"OSSFC_TEST_SIGN_V1": "1"}}), false)

	for name, c := range map[string]*oss.Client{
		"path-v4":    f.env.Client(testenv.NoRetry),
		"path-v1":    f.env.Client(testenv.NoRetry, testenv.V1),
		"virtual-v4": f.env.VirtualHostedClient(testenv.NoRetry),
		"virtual-v1": f.env.VirtualHostedClient(testenv.NoRetry, testenv.V1),
	} {
		t.Run(name, func(t *testing.T) {
			for key, body := range f.objects {
				for _, a := range []string{alias, v1Alias} {
					res, got, err := get(t, c, a, key)
					if err != nil {
						t.Fatalf("GetObject %s through %s: %v", key, a, err)
					}
					if !bytes.Equal(got, bytes.ToUpper(body)) {
						t.Errorf("GetObject %s = %q, want %q", key, got, bytes.ToUpper(body))
					}
					if oss.ToString(res.ContentType) != "text/plain" {
						t.Errorf("Content-Type %q, want the function's text/plain", oss.ToString(res.ContentType))
					}
					if res.Headers.Get("x-oss-hash-crc64ecma") != "" {
						t.Errorf("the transformed response carries the source object's CRC-64")
					}
				}
			}
		})
	}

	// The direct object is unchanged.
	_, direct, err := get(t, f.root, f.bucket, "hello.txt")
	if err != nil || string(direct) != "hello, object fc" {
		t.Errorf("direct GetObject = %q, %v", direct, err)
	}
	if n := f.env.Server.PendingTransforms(); n != 0 {
		t.Errorf("%d transformed GetObjects still pending", n)
	}

	metrics := f.metrics()
	for _, series := range []string{
		`ossfc_objectfc_requests_total{access_point="fcap-upper"}`,
		`ossfc_objectfc_bytes_total{access_point="fcap-upper"}`,
		`ossfc_objectfc_first_byte_seconds_count{access_point="fcap-upper"}`,
		`ossfc_objectfc_total_seconds_count{access_point="fcap-upper-v1"}`,
	} {
		if !strings.Contains(metrics, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
}
