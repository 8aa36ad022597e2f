package objectfc_test

import (
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/testenv"
)

// The server keeps the records behind a transformed GetObject in memory.
// Each change below must decide the very next GetObject through the alias,
// with nothing but the change in between.
func TestChangesReachTheNextTransformedGet(t *testing.T) {
	f := newFixture(t)
	upper := f.deploy(functionSpec{name: "upper", function: "upper"})
	identity := f.deploy(functionSpec{name: "identity", function: "identity"})
	const name = "fcap-changes"
	alias := f.accessPoint(name, upper, false)
	fcObjects := "acs:oss:" + f.env.Region + ":" + f.env.AccountID + ":accesspointforobjectprocess/" + name + "/object/*"
	denyAll := func(resource string) string {
		return `{"Version":"1","Statement":[{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["*"],"Resource":["` + resource + `"]}]}`
	}

	// Resource policies do not bind the owner's root identity, so the
	// steps about the caller's request read as a RAM user.
	svc := f.env.Server.RAM()
	if _, err := svc.CreateUser(ctx, f.env.AccountID, ram.UserInput{UserName: "reader"}); err != nil {
		t.Fatal(err)
	}
	key, err := svc.CreateAccessKey(ctx, f.env.AccountID, "reader")
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, f.env.AccountID, "System", "AliyunOSSReadOnlyAccess", "User", "reader"); err != nil {
		t.Fatal(err)
	}
	reader := f.env.Client(testenv.NoRetry, testenv.WithKey(key.AccessKeyID, key.AccessKeySecret, ""))

	// status 0 means a successful GET returning body. The root identity
	// reads unless client is set.
	steps := []struct {
		name   string
		client *oss.Client
		change func() error
		status int
		code   string
		body   string
	}{
		{name: "first read", change: func() error { return nil }, body: "HELLO, OBJECT FC"},
		{name: "first read as RAM user", client: reader, change: func() error { return nil }, body: "HELLO, OBJECT FC"},
		{
			name: "function replaced",
			change: func() error {
				_, err := f.root.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{
					Bucket: oss.Ptr(f.bucket), AccessPointForObjectProcessName: oss.Ptr(name),
					PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{
						ObjectProcessConfiguration: transformTo(f, identity),
					},
				})
				return err
			},
			body: "hello, object fc",
		},
		{
			// The Deny stops the function's GET of inputOssUrl.
			name: "bucket policy denies",
			change: func() error {
				_, err := f.root.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr(f.bucket),
					Body: strings.NewReader(denyAll("acs:oss:*:" + f.env.AccountID + ":" + f.bucket + "/*"))})
				return err
			},
			status: 500, code: "FunctionExecutionFailed",
		},
		{
			name: "bucket policy deleted",
			change: func() error {
				_, err := f.root.DeleteBucketPolicy(ctx, &oss.DeleteBucketPolicyRequest{Bucket: oss.Ptr(f.bucket)})
				return err
			},
			body: "hello, object fc",
		},
		{
			name:   "Object FC Access Point policy denies",
			client: reader,
			change: func() error {
				_, err := f.root.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{
					Bucket: oss.Ptr(f.bucket), AccessPointForObjectProcessName: oss.Ptr(name), Body: strings.NewReader(denyAll(fcObjects))})
				return err
			},
			status: 403, code: "AccessDenied",
		},
		{
			name:   "Object FC Access Point policy deleted",
			client: reader,
			change: func() error {
				_, err := f.root.DeleteAccessPointPolicyForObjectProcess(ctx, &oss.DeleteAccessPointPolicyForObjectProcessRequest{
					Bucket: oss.Ptr(f.bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
				return err
			},
			body: "hello, object fc",
		},
		{
			name:   "function deleted",
			change: func() error { return f.env.Server.Functions().DeleteFunction(ctx, f.env.AccountID, "identity") },
			status: 500, code: "FunctionNotFound",
		},
		{
			name: "Object FC Access Point deleted",
			change: func() error {
				_, err := f.root.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{
					Bucket: oss.Ptr(f.bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
				return err
			},
			status: 404, code: "NoSuchBucket",
		},
	}
	for _, step := range steps {
		if err := step.change(); err != nil {
			t.Fatalf("%s: change failed: %v", step.name, err)
		}
		client := f.root
		if step.client != nil {
			client = step.client
		}
		_, body, err := get(t, client, alias, "hello.txt")
		if step.status != 0 {
			if err == nil {
				t.Fatalf("%s: GET returned %q, want %d %s", step.name, body, step.status, step.code)
			}
			wantServiceError(t, err, step.status, step.code)
			continue
		}
		if err != nil {
			t.Fatalf("%s: GET: %v", step.name, err)
		}
		if string(body) != step.body {
			t.Fatalf("%s: GET returned %q, want %q", step.name, body, step.body)
		}
	}
}

// transformTo returns an ObjectProcessConfiguration that runs functionARN
// for GetObject with the default invocation role.
func transformTo(f *fixture, functionARN string) *oss.ObjectProcessConfiguration {
	return &oss.ObjectProcessConfiguration{
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
}
