package ossapi_test

import (
	"bytes"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/testenv"
)

// styles returns SDK clients of the root account in both addressing styles
// and both signature versions.
func styles(env *testenv.Env, opts ...testenv.ClientOption) map[string]*oss.Client {
	return map[string]*oss.Client{
		"path-v4":    env.Client(opts...),
		"path-v1":    env.Client(append([]testenv.ClientOption{testenv.V1}, opts...)...),
		"virtual-v4": env.VirtualHostedClient(opts...),
		"virtual-v1": env.VirtualHostedClient(append([]testenv.ClientOption{testenv.V1}, opts...)...),
	}
}

func readObject(t *testing.T, c *oss.Client, bucket, key string) string {
	t.Helper()
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Fatalf("GetObject %s/%s: %v", bucket, key, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func TestObjectsThroughAlias(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	for name, c := range styles(env, testenv.NoRetry) {
		t.Run(name, func(t *testing.T) {
			bucket := "alias-" + name
			putBucket(t, admin, bucket)
			apName := "ap-" + name
			alias := *createAccessPoint(t, admin, bucket, apName).Alias
			a, key := oss.Ptr(alias), "dir/a b+c=~%日本.txt"

			// Writes through the alias land in the bucket.
			if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: a, Key: oss.Ptr(key), Body: strings.NewReader("hello")}); err != nil {
				t.Fatalf("PutObject through the alias: %v", err)
			}
			if got := readObject(t, admin, bucket, key); got != "hello" {
				t.Errorf("object read from the bucket = %q, want hello", got)
			}
			if got := readObject(t, c, alias, key); got != "hello" {
				t.Errorf("object read through the alias = %q, want hello", got)
			}
			head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: a, Key: oss.Ptr(key)})
			if err != nil || head.ContentLength != 5 {
				t.Errorf("HeadObject through the alias = %v", err)
			}
			if _, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: a, Key: oss.Ptr(key)}); err != nil {
				t.Errorf("GetObjectMeta through the alias: %v", err)
			}

			// Listings name the alias the client used.
			v2, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: a})
			if err != nil || *v2.Name != alias || len(v2.Contents) != 1 || *v2.Contents[0].Key != key {
				t.Errorf("ListObjectsV2 through the alias = %+v, %v", v2, err)
			}
			v1, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: a})
			if err != nil || *v1.Name != alias || len(v1.Contents) != 1 {
				t.Errorf("ListObjects through the alias = %+v, %v", v1, err)
			}

			// Append, copy (with the alias as source and target) and deletes.
			if _, err := c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: a, Key: oss.Ptr("log"), Position: oss.Ptr(int64(0)), Body: strings.NewReader("1")}); err != nil {
				t.Errorf("AppendObject through the alias: %v", err)
			}
			if _, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: a, Key: oss.Ptr("copy"), SourceBucket: a, SourceKey: oss.Ptr(key)}); err != nil {
				t.Errorf("CopyObject within the alias: %v", err)
			}
			if got := readObject(t, admin, bucket, "copy"); got != "hello" {
				t.Errorf("copy = %q, want hello", got)
			}
			del, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: a, Objects: []oss.DeleteObject{{Key: oss.Ptr("copy")}, {Key: oss.Ptr("log")}}})
			if err != nil || len(del.DeletedObjects) != 2 {
				t.Errorf("DeleteMultipleObjects through the alias = %+v, %v", del, err)
			}
			if _, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: a, Key: oss.Ptr(key)}); err != nil {
				t.Errorf("DeleteObject through the alias: %v", err)
			}
			list, _ := admin.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket)})
			if len(list.Contents) != 0 {
				t.Errorf("bucket still holds %d objects", len(list.Contents))
			}

			// The access point policy operations accept the alias too.
			doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + env.AccountID + `"],"Resource":["*"]}]}`
			if _, err := c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: a, AccessPointName: oss.Ptr(apName), Body: strings.NewReader(doc)}); err != nil {
				t.Errorf("PutAccessPointPolicy through the alias: %v", err)
			}
			p, err := c.GetAccessPointPolicy(ctx, &oss.GetAccessPointPolicyRequest{Bucket: a, AccessPointName: oss.Ptr(apName)})
			if err != nil || p.Body != doc {
				t.Errorf("GetAccessPointPolicy through the alias = %v", err)
			}
			if _, err := c.DeleteAccessPointPolicy(ctx, &oss.DeleteAccessPointPolicyRequest{Bucket: a, AccessPointName: oss.Ptr(apName)}); err != nil {
				t.Errorf("DeleteAccessPointPolicy through the alias: %v", err)
			}
		})
	}
}

func TestAliasRejections(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	putBucket(t, admin, "reject-bucket")
	alias := *createAccessPoint(t, admin, "reject-bucket", "ap-01").Alias
	a := oss.Ptr(alias)

	for name, c := range styles(env, testenv.NoRetry) {
		t.Run(name, func(t *testing.T) {
			_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: a})
			se := wantServiceError(t, "GetBucketInfo through the alias", err, 403, "AccessDenied")
			if !strings.Contains(se.Message, "not supported through an access point") {
				t.Errorf("message %q does not say the operation is not supported through an access point", se.Message)
			}
			_, err = c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: a})
			wantServiceError(t, "DeleteBucket through the alias", err, 403, "AccessDenied")
			_, err = c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: a,
				CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-02"), NetworkOrigin: oss.Ptr("internet")}})
			wantServiceError(t, "CreateAccessPoint through the alias", err, 403, "AccessDenied")

			_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("ap-09-0123456789abcdef0123456789abcd-ossalias"), Key: oss.Ptr("k")})
			wantServiceError(t, "unknown alias", err, 404, "NoSuchBucket")
			_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("fc-09-0123456789abcdef0123456789abcd-opapalias"), Key: oss.Ptr("k")})
			wantServiceError(t, "unknown Object FC alias", err, 404, "NoSuchBucket")
			_, err = c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: a})
			wantServiceError(t, "PutBucket named like an alias", err, 400, "InvalidBucketName")
		})
	}

	anonymous := env.Client(testenv.Anonymous, testenv.NoRetry)
	_, err := anonymous.GetObject(ctx, &oss.GetObjectRequest{Bucket: a, Key: oss.Ptr("k")})
	se := wantServiceError(t, "anonymous GetObject through the alias", err, 403, "AccessDenied")
	if se.EC != "0003-00001201" {
		t.Errorf("EC = %q, want 0003-00001201", se.EC)
	}
}

// TestAccessPointPolicyLayersForOwner checks that an explicit Deny in the
// bucket policy, the access point policy or the Object FC Access Point
// policy stops the account owner (the last two only through the access point
// they are attached to), and that Allow statements take nothing away.
func TestAccessPointPolicyLayersForOwner(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	putBucket(t, admin, "layers-bucket")
	apAlias := *createAccessPoint(t, admin, "layers-bucket", "ap-01").Alias
	fcAlias := *createObjectFC(t, admin, env, "layers-bucket", "ap-01", "fc-ap-01").AccessPointForObjectProcessAlias
	for _, key := range []string{"secret/a", "public/a", "deny/a"} {
		if _, err := admin.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("layers-bucket"), Key: oss.Ptr(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}

	apARN := "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspoint/ap-01"
	fcARN := "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspointforobjectprocess/fc-ap-01"
	apPolicy := `{"Version":"1","Statement":[
		{"Effect":"Allow","Action":["oss:*"],"Principal":["` + env.AccountID + `"],"Resource":["` + apARN + `","` + apARN + `/object/*"]},
		{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["` + env.AccountID + `"],"Resource":["` + apARN + `/object/secret/*"]},
		{"Effect":"Deny","Action":["oss:ListObjects"],"Principal":["` + env.AccountID + `"],"Resource":["` + apARN + `"],
		 "Condition":{"StringLike":{"oss:Prefix":["secret/*"]}}}]}`
	fcPolicy := `{"Version":"1","Statement":[
		{"Effect":"Deny","Action":["oss:PutObject"],"Principal":["` + env.AccountID + `"],"Resource":["` + fcARN + `/object/*"]}]}`
	if _, err := admin.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("layers-bucket"), AccessPointName: oss.Ptr("ap-01"), Body: strings.NewReader(apPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: oss.Ptr("layers-bucket"),
		AccessPointForObjectProcessName: oss.Ptr("fc-ap-01"), Body: strings.NewReader(fcPolicy)}); err != nil {
		t.Fatal(err)
	}
	bucketPolicy := `{"Version":"1","Statement":[
		{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["` + env.AccountID + `"],"Resource":["acs:oss:*:` + env.AccountID + `:layers-bucket/deny/*"]}]}`
	if _, err := admin.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("layers-bucket"), Body: strings.NewReader(bucketPolicy)}); err != nil {
		t.Fatal(err)
	}

	type step struct {
		what  string
		call  func(c *oss.Client) error
		allow bool
		names string // the layer a denial names
	}
	get := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			if err == nil {
				res.Body.Close()
			}
			return err
		}
	}
	head := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			return err
		}
	}
	list := func(bucket, prefix string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			_, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: oss.Ptr(prefix)})
			return err
		}
	}
	put := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: strings.NewReader("x")})
			return err
		}
	}
	steps := []step{
		{"get secret through the access point", get(apAlias, "secret/a"), false, "the access point policy"},
		{"get public through the access point", get(apAlias, "public/a"), true, ""},
		{"get secret from the bucket", get("layers-bucket", "secret/a"), true, ""},
		{"list secret/ through the access point", list(apAlias, "secret/"), false, "the access point policy"},
		{"list public/ through the access point", list(apAlias, "public/"), true, ""},
		{"put through the access point", put(apAlias, "public/b"), true, ""},
		{"put through the Object FC Access Point", put(fcAlias, "public/c"), false, "the Object FC Access Point policy"},
		{"head secret through the Object FC Access Point", head(fcAlias, "secret/a"), false, "the access point policy"},
		{"head public through the Object FC Access Point", head(fcAlias, "public/a"), true, ""},
		{"get deny through the access point", get(apAlias, "deny/a"), false, "the bucket policy"},
		{"head deny through the Object FC Access Point", head(fcAlias, "deny/a"), false, "the bucket policy"},
		{"get deny from the bucket", get("layers-bucket", "deny/a"), false, "the bucket policy"},
	}
	for name, c := range styles(env, testenv.NoRetry) {
		for _, s := range steps {
			err := s.call(c)
			if s.allow {
				if err != nil {
					t.Errorf("%s, %s: %v; want allowed", name, s.what, err)
				}
				continue
			}
			se := wantServiceError(t, name+", "+s.what, err, 403, "AccessDenied")
			if s.names != "" && !strings.Contains(se.Message, s.names) {
				t.Errorf("%s, %s: message %q does not name the %s", name, s.what, se.Message, s.names)
			}
		}
	}
}

func TestObjectFCAliasPassThrough(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	putBucket(t, admin, "pass-bucket")
	createAccessPoint(t, admin, "pass-bucket", "ap-01")
	fcAlias := *createObjectFC(t, admin, env, "pass-bucket", "ap-01", "fc-ap-01").AccessPointForObjectProcessAlias
	a := oss.Ptr(fcAlias)

	for name, c := range styles(env, testenv.NoRetry) {
		t.Run(name, func(t *testing.T) {
			if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: a, Key: oss.Ptr("k"), Body: strings.NewReader("original")}); err != nil {
				t.Fatalf("PutObject through the Object FC alias: %v", err)
			}
			if got := readObject(t, admin, "pass-bucket", "k"); got != "original" {
				t.Errorf("object in the bucket = %q", got)
			}
			head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: a, Key: oss.Ptr("k")})
			if err != nil || head.ContentLength != int64(len("original")) {
				t.Errorf("HeadObject through the Object FC alias = %v", err)
			}
			v2, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: a})
			if err != nil || *v2.Name != fcAlias {
				t.Errorf("ListObjectsV2 through the Object FC alias = %+v, %v", v2, err)
			}

			// GetObject must run the function, which is not deployed here;
			// it never returns the untransformed bytes.
			res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: a, Key: oss.Ptr("k")})
			if err == nil {
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				t.Fatalf("GetObject through the Object FC alias returned %q", body)
			}
			se := wantServiceError(t, "GetObject through the Object FC alias", err, 500, "FunctionNotFound")
			if !strings.Contains(se.Message, "fc-ap-01") || !strings.Contains(se.Message, "functions/fc-01") {
				t.Errorf("message %q does not name the Object FC Access Point and the missing function", se.Message)
			}

			_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("pass-bucket"), Key: oss.Ptr("copy"), SourceBucket: a, SourceKey: oss.Ptr("k")})
			wantServiceError(t, "CopyObject from the Object FC alias", err, 403, "AccessDenied")
		})
	}
}

func TestVPCAccessPoint(t *testing.T) {
	env := testenv.Start(t, func(c *config.Config) { c.InternalAddr = "127.0.0.1:0" })
	admin := env.Client()
	putBucket(t, admin, "vpc-bucket")
	res, err := admin.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("vpc-bucket"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-vpc"), NetworkOrigin: oss.Ptr("vpc"),
			VpcConfiguration: &oss.AccessPointVpcConfiguration{VpcId: oss.Ptr("vpc-t4nlw426y44rd3iq4xxxx")}}})
	if err != nil {
		t.Fatal(err)
	}
	alias := *res.Alias
	if _, err := admin.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("vpc-bucket"), Key: oss.Ptr("k"), Body: bytes.NewReader([]byte("v"))}); err != nil {
		t.Fatal(err)
	}

	internalAddr := env.Server.Addr("internal")
	got, err := admin.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("vpc-bucket"), AccessPointName: oss.Ptr("ap-vpc")})
	if err != nil || *got.NetworkOrigin != "vpc" || *got.VpcConfiguration.VpcId != "vpc-t4nlw426y44rd3iq4xxxx" || *got.InternalEndpoint != internalAddr {
		t.Errorf("GetAccessPoint = %+v, %v; want vpc, its VpcId and internal endpoint %s", got, err, internalAddr)
	}

	_, err = env.Client(testenv.NoRetry).GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("k")})
	wantServiceError(t, "vpc access point on the public listener", err, 403, "AccessDenied")

	internal := env.Client(func(c *oss.Config) {
		c.WithEndpoint("http://" + internalAddr)
		c.WithHttpClient(&http.Client{})
	})
	if got := readObject(t, internal, alias, "k"); got != "v" {
		t.Errorf("object through the internal listener = %q", got)
	}

	// A VPC address range admits the public listener's clients as well.
	env2 := testenv.Start(t, func(c *config.Config) { c.VPCCIDRs = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	c2 := env2.Client()
	putBucket(t, c2, "vpc-bucket")
	res, err = c2.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("vpc-bucket"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-vpc"), NetworkOrigin: oss.Ptr("vpc"),
			VpcConfiguration: &oss.AccessPointVpcConfiguration{VpcId: oss.Ptr("vpc-1")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c2.PutObject(ctx, &oss.PutObjectRequest{Bucket: res.Alias, Key: oss.Ptr("k"), Body: strings.NewReader("v")}); err != nil {
		t.Errorf("vpc access point from a VPC range: %v", err)
	}
}

func TestAccessPointEndpointsWithDomain(t *testing.T) {
	env := testenv.Start(t, func(c *config.Config) { c.AdvertiseURL = "http://" + testenv.Domain + ":9999" })
	c := env.Client()
	putBucket(t, c, "ep-bucket")
	alias := *createAccessPoint(t, c, "ep-bucket", "ap-01").Alias
	got, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("ep-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil {
		t.Fatal(err)
	}
	want := alias + "." + testenv.Domain + ":9999"
	if *got.PublicEndpoint != want || *got.InternalEndpoint != want {
		t.Errorf("endpoints = %s, %s; want %s", *got.PublicEndpoint, *got.InternalEndpoint, want)
	}
}

func TestMultipartThroughAlias(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	putBucket(t, admin, "mp-bucket")
	alias := *createAccessPoint(t, admin, "mp-bucket", "ap-01").Alias
	a := oss.Ptr(alias)
	part := bytes.Repeat([]byte("p"), 100<<10)
	if _, err := admin.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("mp-bucket"), Key: oss.Ptr("source"), Body: strings.NewReader("tail")}); err != nil {
		t.Fatal(err)
	}

	for name, c := range map[string]*oss.Client{"path-v4": env.Client(testenv.NoRetry), "virtual-v1": env.VirtualHostedClient(testenv.V1, testenv.NoRetry)} {
		t.Run(name, func(t *testing.T) {
			key := "big-" + name
			init, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: a, Key: oss.Ptr(key)})
			if err != nil {
				t.Fatalf("InitiateMultipartUpload through the alias: %v", err)
			}
			if *init.Bucket != alias {
				t.Errorf("InitiateMultipartUpload Bucket = %q, want the alias", *init.Bucket)
			}
			p1, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: a, Key: oss.Ptr(key), UploadId: init.UploadId, PartNumber: 1, Body: bytes.NewReader(part)})
			if err != nil {
				t.Fatalf("UploadPart through the alias: %v", err)
			}
			p2, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: a, Key: oss.Ptr(key), UploadId: init.UploadId, PartNumber: 2,
				SourceBucket: a, SourceKey: oss.Ptr("source")})
			if err != nil {
				t.Fatalf("UploadPartCopy from the alias: %v", err)
			}
			parts, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: a, Key: oss.Ptr(key), UploadId: init.UploadId})
			if err != nil || len(parts.Parts) != 2 || *parts.Bucket != alias {
				t.Errorf("ListParts through the alias = %+v, %v", parts, err)
			}
			done, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: a, Key: oss.Ptr(key), UploadId: init.UploadId,
				CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: []oss.UploadPart{{PartNumber: 1, ETag: p1.ETag}, {PartNumber: 2, ETag: p2.ETag}}}})
			if err != nil {
				t.Fatalf("CompleteMultipartUpload through the alias: %v", err)
			}
			if *done.Bucket != alias {
				t.Errorf("CompleteMultipartUpload Bucket = %q, want the alias", *done.Bucket)
			}
			if got := readObject(t, admin, "mp-bucket", key); got != string(part)+"tail" {
				t.Errorf("completed object is %d bytes, want %d", len(got), len(part)+4)
			}
		})
	}
}
