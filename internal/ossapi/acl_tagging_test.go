package ossapi_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestBucketAndObjectACL(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "acls")
	putObject(t, c, "acls", "k", []byte("x"))

	acl, err := c.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: oss.Ptr("acls")})
	if err != nil || *acl.ACL != "private" || *acl.Owner.ID != env.AccountID {
		t.Fatalf("GetBucketAcl of a new bucket = %+v, %v", acl, err)
	}
	if _, err := c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("acls"), Acl: oss.BucketACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	if acl, _ = c.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: oss.Ptr("acls")}); *acl.ACL != "public-read" {
		t.Errorf("bucket ACL after put = %s", *acl.ACL)
	}
	info, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("acls")})
	if err != nil || *info.BucketInfo.ACL != "public-read" {
		t.Errorf("GetBucketInfo ACL = %v, %v", info.BucketInfo.ACL, err)
	}

	oacl, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("k")})
	if err != nil || *oacl.ACL != "default" {
		t.Fatalf("GetObjectAcl of a new object = %+v, %v", oacl, err)
	}
	if _, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("k"), Acl: oss.ObjectACLPublicReadWrite}); err != nil {
		t.Fatal(err)
	}
	if oacl, _ = c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("k")}); *oacl.ACL != "public-read-write" {
		t.Errorf("object ACL after put = %s", *oacl.ACL)
	}
	_, err = c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("p"), Acl: oss.ObjectACLPrivate, Body: strings.NewReader("p")})
	if err != nil {
		t.Fatal(err)
	}
	if oacl, _ = c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("p")}); *oacl.ACL != "private" {
		t.Errorf("ACL from x-oss-object-acl = %s", *oacl.ACL)
	}

	errs := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"bad bucket ACL", func() error {
			_, err := c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("acls"), Acl: "everyone"})
			return err
		}(), 400, "InvalidArgument"},
		{"bad object ACL", func() error {
			_, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("k"), Acl: "everyone"})
			return err
		}(), 400, "InvalidArgument"},
		{"missing object", func() error {
			_, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("acls"), Key: oss.Ptr("missing")})
			return err
		}(), 404, "NoSuchKey"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.err, tc.status, tc.code) })
	}
}

func TestBucketPublicAccessBlock(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "bpa")
	putObject(t, c, "bpa", "k", []byte("x"))

	get := func() bool {
		t.Helper()
		res, err := c.GetBucketPublicAccessBlock(ctx, &oss.GetBucketPublicAccessBlockRequest{Bucket: oss.Ptr("bpa")})
		if err != nil {
			t.Fatalf("GetBucketPublicAccessBlock: %v", err)
		}
		return *res.PublicAccessBlockConfiguration.BlockPublicAccess
	}
	if get() {
		t.Error("a new bucket blocks public access")
	}
	_, err := c.PutBucketPublicAccessBlock(ctx, &oss.PutBucketPublicAccessBlockRequest{Bucket: oss.Ptr("bpa"),
		PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}})
	if err != nil {
		t.Fatal(err)
	}
	if !get() {
		t.Error("Block Public Access not reported after enabling it")
	}

	_, err = c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("bpa"), Acl: oss.BucketACLPublicRead})
	wantCode(t, err, 403, "AccessDenied")
	_, err = c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr("bpa"), Key: oss.Ptr("k"), Acl: oss.ObjectACLPublicRead})
	wantCode(t, err, 403, "AccessDenied")
	if _, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr("bpa"), Key: oss.Ptr("k"), Acl: oss.ObjectACLPrivate}); err != nil {
		t.Errorf("private ACL on a blocking bucket: %v", err)
	}

	if _, err := c.DeleteBucketPublicAccessBlock(ctx, &oss.DeleteBucketPublicAccessBlockRequest{Bucket: oss.Ptr("bpa")}); err != nil {
		t.Fatal(err)
	}
	if get() {
		t.Error("Block Public Access still reported after deleting it")
	}
	if _, err := c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("bpa"), Acl: oss.BucketACLPublicRead}); err != nil {
		t.Errorf("public ACL after deleting the block: %v", err)
	}
}

func TestObjectTagging(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "tags")

	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k"),
		Tagging: oss.Ptr("team=storage&&note=a%20b%26c"), Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k")})
	if err != nil || head.TaggingCount != 2 {
		t.Errorf("x-oss-tagging-count = %d, %v; want 2", head.TaggingCount, err)
	}
	tags, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k")})
	if err != nil || len(tags.Tags) != 2 || *tags.Tags[1].Key != "note" || *tags.Tags[1].Value != "a b&c" {
		t.Fatalf("GetObjectTagging = %+v, %v", tags.Tags, err)
	}

	_, err = c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k"),
		Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("only"), Value: oss.Ptr("")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if head, _ = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k")}); head.TaggingCount != 1 {
		t.Errorf("tag count after PutObjectTagging = %d", head.TaggingCount)
	}
	if _, err := c.DeleteObjectTagging(ctx, &oss.DeleteObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k")}); err != nil {
		t.Fatal(err)
	}
	tags, err = c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k")})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("tags after delete = %+v, %v", tags.Tags, err)
	}

	var eleven []oss.Tag
	var elevenHeader []string
	for i := range 11 {
		eleven = append(eleven, oss.Tag{Key: oss.Ptr(fmt.Sprint("k", i)), Value: oss.Ptr("v")})
		elevenHeader = append(elevenHeader, fmt.Sprintf("k%d=v", i))
	}
	errs := []struct {
		name string
		err  error
		code string
	}{
		{"eleven tags", func() error {
			_, err := c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k"),
				Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: eleven}}})
			return err
		}(), "InvalidTag"},
		{"eleven tags in x-oss-tagging", func() error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k2"),
				Tagging: oss.Ptr(strings.Join(elevenHeader, "&")), Body: strings.NewReader("x")})
			return err
		}(), "InvalidTag"},
		{"repeated key", func() error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k2"),
				Tagging: oss.Ptr("a=1&a=2"), Body: strings.NewReader("x")})
			return err
		}(), "InvalidTag"},
		{"long key", func() error {
			_, err := c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k"),
				Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr(strings.Repeat("k", 129)), Value: oss.Ptr("v")}}}}})
			return err
		}(), "InvalidTag"},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.err, 400, tc.code) })
	}
	if _, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("tags"), Key: oss.Ptr("k2")}); err == nil {
		t.Error("an upload with invalid tags was stored")
	}
}

func TestBucketTags(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "btags")

	get := func() string {
		t.Helper()
		res, err := c.GetBucketTags(ctx, &oss.GetBucketTagsRequest{Bucket: oss.Ptr("btags")})
		if err != nil {
			t.Fatalf("GetBucketTags: %v", err)
		}
		var out []string
		if res.Tagging != nil && res.Tagging.TagSet != nil {
			for _, tag := range res.Tagging.TagSet.Tags {
				out = append(out, *tag.Key+"="+*tag.Value)
			}
		}
		return strings.Join(out, ",")
	}
	if got := get(); got != "" {
		t.Errorf("tags of a new bucket = %q", got)
	}
	var tags []oss.Tag
	for _, k := range []string{"key1", "key2", "key3"} {
		tags = append(tags, oss.Tag{Key: oss.Ptr(k), Value: oss.Ptr("v-" + k)})
	}
	if _, err := c.PutBucketTags(ctx, &oss.PutBucketTagsRequest{Bucket: oss.Ptr("btags"), Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: tags}}}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "key1=v-key1,key2=v-key2,key3=v-key3" {
		t.Errorf("tags after put = %q", got)
	}
	if _, err := c.DeleteBucketTags(ctx, &oss.DeleteBucketTagsRequest{Bucket: oss.Ptr("btags"), Tagging: oss.Ptr("key1,key3")}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "key2=v-key2" {
		t.Errorf("tags after deleting key1 and key3 = %q", got)
	}
	if _, err := c.DeleteBucketTags(ctx, &oss.DeleteBucketTagsRequest{Bucket: oss.Ptr("btags")}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "" {
		t.Errorf("tags after deleting all = %q", got)
	}

	var many []oss.Tag
	for i := range 21 {
		many = append(many, oss.Tag{Key: oss.Ptr(fmt.Sprint("k", i)), Value: oss.Ptr("v")})
	}
	_, err := c.PutBucketTags(ctx, &oss.PutBucketTagsRequest{Bucket: oss.Ptr("btags"), Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: many}}})
	wantCode(t, err, 400, "InvalidTag")
	_, err = c.GetBucketTags(ctx, &oss.GetBucketTagsRequest{Bucket: oss.Ptr("no-such-bucket")})
	wantCode(t, err, 404, "NoSuchBucket")
}

func TestStorageClassAndTrafficLimit(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "classes")

	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("classes"), Key: oss.Ptr("ia"), StorageClass: oss.StorageClassIA,
		TrafficLimit: 100 * 1024 * 8, Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("classes"), Key: oss.Ptr("ia")})
	if err != nil || *head.StorageClass != "IA" {
		t.Errorf("storage class = %v, %v; want IA", head.StorageClass, err)
	}
	list, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("classes")})
	if err != nil || *list.Contents[0].StorageClass != "IA" {
		t.Errorf("listed storage class = %v, %v", list.Contents[0].StorageClass, err)
	}

	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("classes"), Key: oss.Ptr("ia"), TrafficLimit: 838860800})
	if err != nil {
		t.Fatalf("GetObject with the highest traffic limit: %v", err)
	}
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	res.Body.Close()
	if b.String() != "x" {
		t.Errorf("GetObject body = %q", b.String())
	}
	_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("classes"), Key: oss.Ptr("ia"), TrafficLimit: 1000})
	wantCode(t, err, 400, "InvalidArgument")
	_, err = c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("classes"), Key: oss.Ptr("bad"), StorageClass: "Gold", Body: strings.NewReader("x")})
	wantCode(t, err, 400, "InvalidArgument")
}

// TestTrafficLimitSlowsTransfers checks that x-oss-traffic-limit is obeyed
// end to end: at the lowest limit, 30 KiB/s, 64 KiB cannot move in less than
// 1.6 s after the first 16 KiB. Only the lower bound is checked, so a slow
// machine cannot fail it.
func TestTrafficLimitSlowsTransfers(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "slow")
	data := pattern(64 << 10)
	const floor = 1500 * time.Millisecond

	start := time.Now()
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("slow"), Key: oss.Ptr("k"),
		TrafficLimit: 245760, Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < floor {
		t.Errorf("PutObject of 64 KiB at 30 KiB/s took %v, want at least %v", took, floor)
	}

	start = time.Now()
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("slow"), Key: oss.Ptr("k"), TrafficLimit: 245760})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("GetObject returned %d bytes, %v; want the %d bytes put", len(got), err, len(data))
	}
	if took := time.Since(start); took < floor {
		t.Errorf("GetObject of 64 KiB at 30 KiB/s took %v, want at least %v", took, floor)
	}
}
