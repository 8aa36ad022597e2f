package ossapi_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/testenv"
)

// assumeRole returns temporary credentials of a role with full OSS access.
func assumeRole(t *testing.T, env *testenv.Env) ram.Credentials {
	t.Helper()
	svc := env.Server.RAM()
	root, _, err := svc.Authenticate(ctx, env.AccessKeyID, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	trust := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` +
		env.AccountID + `:root"]}}]}`
	role, err := svc.CreateRole(ctx, env.AccountID, ram.RoleInput{RoleName: "Uploader", AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.AttachPolicy(ctx, env.AccountID, "System", "AliyunOSSFullAccess", "Role", "Uploader"); err != nil {
		t.Fatal(err)
	}
	res, err := svc.AssumeRole(ctx, root, ram.AssumeRoleInput{RoleArn: role.Arn, RoleSessionName: "sdk-test"})
	if err != nil {
		t.Fatal(err)
	}
	return res.Credentials
}

func TestSecurityTokenHeaderAndPresigned(t *testing.T) {
	env := testenv.Start(t)
	createBucket(t, env.Client(), "sts")
	creds := assumeRole(t, env)

	for _, sc := range allClients(env, testenv.NoRetry, testenv.WithKey(creds.AccessKeyID, creds.AccessKeySecret, creds.SecurityToken)) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			key := "by-role/" + sc.name + "/a b+c"
			body := []byte("written with a security token")
			putObject(t, c, "sts", key, body)
			_, got := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr("sts"), Key: oss.Ptr(key)})
			if !bytes.Equal(got, body) {
				t.Errorf("read back %q", got)
			}

			// Presigned URLs carry the token in the query.
			p, err := c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("sts"), Key: oss.Ptr(key)})
			if err != nil {
				t.Fatal(err)
			}
			res, data := doPresigned(t, env, p, nil)
			if res.StatusCode != 200 || !bytes.Equal(data, body) {
				t.Errorf("presigned GET with a security token: %d %q", res.StatusCode, data)
			}
		})
	}

	// The same key without its token, or with another token, is refused.
	for name, token := range map[string]string{"missing": "", "other": creds.SecurityToken[:len(creds.SecurityToken)-4] + "AAAA"} {
		c := env.Client(testenv.NoRetry, testenv.WithKey(creds.AccessKeyID, creds.AccessKeySecret, token))
		_, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("sts"), Key: oss.Ptr("k")})
		var se *oss.ServiceError
		if !errors.As(err, &se) || se.StatusCode != 403 || (se.Code != "InvalidSecurityToken" && se.Code != "InvalidAccessKeyId") {
			t.Errorf("%s token: %v; want 403 InvalidSecurityToken or InvalidAccessKeyId", name, err)
		}
	}
}
