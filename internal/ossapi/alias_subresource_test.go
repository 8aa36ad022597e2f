package ossapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// objectTags returns the "key=value" tags of an object, in the order the
// server lists them.
func objectTags(t *testing.T, c *oss.Client, bucket, key string) []string {
	t.Helper()
	res, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Fatalf("GetObjectTagging %s/%s: %v", bucket, key, err)
	}
	tags := []string{}
	for _, tag := range res.Tags {
		tags = append(tags, *tag.Key+"="+*tag.Value)
	}
	return tags
}

// uploadIDs returns "key:upload id" entries of the multipart uploads in
// progress in bucket, and the Bucket element of the listing.
func uploadIDs(t *testing.T, c *oss.Client, bucket string) ([]string, string) {
	t.Helper()
	res, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr(bucket)})
	if err != nil {
		t.Fatalf("ListMultipartUploads %s: %v", bucket, err)
	}
	ids := []string{}
	for _, u := range res.Uploads {
		ids = append(ids, *u.Key+":"+*u.UploadId)
	}
	return ids, oss.ToString(res.Bucket)
}

func TestObjectACLAndTagsThroughAlias(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	for name, c := range styles(env, testenv.NoRetry) {
		t.Run(name, func(t *testing.T) {
			bucket := "acl-tags-" + name
			putBucket(t, admin, bucket)
			alias := *createAccessPoint(t, admin, bucket, "ap-"+name).Alias
			a, key := oss.Ptr(alias), oss.Ptr("dir/k")
			putObject(t, admin, bucket, *key, []byte("x"))

			// Object ACL.
			acl, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: a, Key: key})
			if err != nil || *acl.ACL != "default" {
				t.Fatalf("GetObjectAcl through the alias of a new object = %+v, %v; want default", acl, err)
			}
			if _, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: a, Key: key, Acl: oss.ObjectACLPublicRead}); err != nil {
				t.Fatalf("PutObjectAcl through the alias: %v", err)
			}
			acl, err = admin.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr(bucket), Key: key})
			if err != nil || *acl.ACL != "public-read" {
				t.Errorf("object ACL read from the bucket = %+v, %v; want public-read", acl, err)
			}
			acl, err = c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: a, Key: key})
			if err != nil || *acl.ACL != "public-read" {
				t.Errorf("object ACL read through the alias = %+v, %v; want public-read", acl, err)
			}
			if err == nil && *acl.Owner.ID != env.AccountID {
				t.Errorf("object ACL owner through the alias = %s, want %s", *acl.Owner.ID, env.AccountID)
			}

			// Object tags: put, read from both sides, delete.
			_, err = c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: a, Key: key,
				Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{
					{Key: oss.Ptr("team"), Value: oss.Ptr("storage")}, {Key: oss.Ptr("note"), Value: oss.Ptr("a b&c")}}}}})
			if err != nil {
				t.Fatalf("PutObjectTagging through the alias: %v", err)
			}
			want := []string{"team=storage", "note=a b&c"}
			if got := objectTags(t, admin, bucket, *key); !slices.Equal(got, want) {
				t.Errorf("tags read from the bucket = %q, want %q", got, want)
			}
			if got := objectTags(t, c, alias, *key); !slices.Equal(got, want) {
				t.Errorf("tags read through the alias = %q, want %q", got, want)
			}
			head, err := admin.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: key})
			if err != nil || head.TaggingCount != 2 {
				t.Errorf("x-oss-tagging-count from the bucket = %d, %v; want 2", head.TaggingCount, err)
			}
			if _, err := c.DeleteObjectTagging(ctx, &oss.DeleteObjectTaggingRequest{Bucket: a, Key: key}); err != nil {
				t.Fatalf("DeleteObjectTagging through the alias: %v", err)
			}
			if got := objectTags(t, admin, bucket, *key); len(got) != 0 {
				t.Errorf("tags read from the bucket after the delete = %q, want none", got)
			}
		})
	}
}

func TestVersionsAndUploadsThroughAlias(t *testing.T) {
	env := testenv.Start(t)
	admin := env.Client()
	for name, c := range styles(env, testenv.NoRetry) {
		t.Run(name, func(t *testing.T) {
			bucket := "vu-" + name
			putBucket(t, admin, bucket)
			setVersioning(t, admin, bucket, oss.VersionEnabled)
			alias := *createAccessPoint(t, admin, bucket, "ap-"+name).Alias
			a := oss.Ptr(alias)

			// Two versions of k and a delete marker on top, and one of m.
			putObject(t, admin, bucket, "k", []byte("one"))
			putObject(t, admin, bucket, "k", []byte("two"))
			if _, err := admin.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("k")}); err != nil {
				t.Fatal(err)
			}
			putObject(t, admin, bucket, "m", []byte("m"))

			// ListObjectVersions names the alias and lists the bucket's
			// versions.
			versions, err := c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: a})
			if err != nil {
				t.Fatalf("ListObjectVersions through the alias: %v", err)
			}
			if got := oss.ToString(versions.Name); got != alias {
				t.Errorf("ListObjectVersions Name = %q, want the alias %q", got, alias)
			}
			if len(versions.ObjectVersions) != 3 || len(versions.ObjectDeleteMarkers) != 1 {
				t.Errorf("ListObjectVersions through the alias: %d versions and %d delete markers, want 3 and 1",
					len(versions.ObjectVersions), len(versions.ObjectDeleteMarkers))
			}
			wantVersions := versionList(t, admin, bucket)
			if got := versionList(t, c, alias); fmt.Sprint(got) != fmt.Sprint(wantVersions) {
				t.Errorf("versions through the alias = %v, want the bucket's %v", got, wantVersions)
			}

			// ListMultipartUploads names the alias and lists the bucket's
			// uploads, whichever way they were initiated.
			first := initiate(t, admin, bucket, "up/1")
			second, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: a, Key: oss.Ptr("up/2")})
			if err != nil {
				t.Fatalf("InitiateMultipartUpload through the alias: %v", err)
			}
			want := []string{"up/1:" + first, "up/2:" + *second.UploadId}
			got, listed := uploadIDs(t, c, alias)
			if listed != alias {
				t.Errorf("ListMultipartUploads Bucket = %q, want the alias %q", listed, alias)
			}
			if !slices.Equal(got, want) {
				t.Errorf("uploads through the alias = %q, want %q", got, want)
			}

			// AbortMultipartUpload through the alias ends the bucket's
			// upload.
			if _, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: a, Key: oss.Ptr("up/1"), UploadId: oss.Ptr(first)}); err != nil {
				t.Fatalf("AbortMultipartUpload through the alias: %v", err)
			}
			if got, _ := uploadIDs(t, admin, bucket); !slices.Equal(got, want[1:]) {
				t.Errorf("uploads in the bucket after the abort = %q, want %q", got, want[1:])
			}
			_, err = admin.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("up/1"), UploadId: oss.Ptr(first)})
			wantServiceError(t, "ListParts of the aborted upload", err, 404, "NoSuchUpload")
		})
	}
}

// TestAliasSubresourcesForRAMUser checks the ACL, tagging, version listing
// and multipart upload operations of a RAM user whose identity policy
// allows them on the bucket. They pass through an access point whose policy
// grants them and are denied through one whose policy grants only
// GetObject.
func TestAliasSubresourcesForRAMUser(t *testing.T) {
	env := testenv.Start(t)
	root := env.Client()
	putBucket(t, root, "sub-bucket")
	grantingAlias := *createAccessPoint(t, root, "sub-bucket", "ap-granting").Alias
	guardedAlias := *createAccessPoint(t, root, "sub-bucket", "ap-guarded").Alias
	putObject(t, root, "sub-bucket", "data/k", []byte("x"))

	actions := []string{"oss:PutObjectAcl", "oss:GetObjectAcl", "oss:PutObjectTagging", "oss:GetObjectTagging", "oss:DeleteObjectTagging",
		"oss:ListObjectVersions", "oss:ListMultipartUploads", "oss:AbortMultipartUpload"}
	actionList := `"` + strings.Join(actions, `","`) + `"`
	dave, daveClients := ramUserStyles(t, env, "dave", `{"Version":"1","Statement":[{"Effect":"Allow","Action":[`+actionList+`],
		"Resource":["acs:oss:*:*:sub-bucket","acs:oss:*:*:sub-bucket/*"]}]}`)

	apARN := func(name string) string {
		return "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspoint/" + name
	}
	granting := `{"Version":"1","Statement":[{"Effect":"Allow","Action":[` + actionList + `],"Principal":["` + dave.UserID + `"],
		"Resource":["` + apARN("ap-granting") + `","` + apARN("ap-granting") + `/object/*"]}]}`
	guarded := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + dave.UserID + `"],
		"Resource":["` + apARN("ap-guarded") + `/object/*"]}]}`
	for name, doc := range map[string]string{"ap-granting": granting, "ap-guarded": guarded} {
		if _, err := root.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("sub-bucket"), AccessPointName: oss.Ptr(name),
			Body: strings.NewReader(doc)}); err != nil {
			t.Fatalf("PutAccessPointPolicy %s: %v", name, err)
		}
	}

	key := oss.Ptr("data/k")
	ops := []struct {
		action string
		call   func(c *oss.Client, alias string) error
	}{
		{"oss:PutObjectAcl", func(c *oss.Client, alias string) error {
			_, err := c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr(alias), Key: key, Acl: oss.ObjectACLPrivate})
			return err
		}},
		{"oss:GetObjectAcl", func(c *oss.Client, alias string) error {
			_, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr(alias), Key: key})
			return err
		}},
		{"oss:PutObjectTagging", func(c *oss.Client, alias string) error {
			_, err := c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr(alias), Key: key,
				Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("by"), Value: oss.Ptr("dave")}}}}})
			return err
		}},
		{"oss:GetObjectTagging", func(c *oss.Client, alias string) error {
			_, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr(alias), Key: key})
			return err
		}},
		{"oss:DeleteObjectTagging", func(c *oss.Client, alias string) error {
			_, err := c.DeleteObjectTagging(ctx, &oss.DeleteObjectTaggingRequest{Bucket: oss.Ptr(alias), Key: key})
			return err
		}},
		{"oss:ListObjectVersions", func(c *oss.Client, alias string) error {
			_, err := c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr(alias)})
			return err
		}},
		{"oss:ListMultipartUploads", func(c *oss.Client, alias string) error {
			_, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr(alias)})
			return err
		}},
		{"oss:AbortMultipartUpload", func(c *oss.Client, alias string) error {
			// Each call aborts an upload of its own, which the account
			// owner initiates.
			id := initiate(t, root, "sub-bucket", "up/k")
			_, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("up/k"), UploadId: oss.Ptr(id)})
			return err
		}},
	}
	if len(ops) != len(actions) {
		t.Fatalf("%d operations for %d actions", len(ops), len(actions))
	}

	for style, c := range daveClients {
		for _, op := range ops {
			if err := op.call(c, grantingAlias); err != nil {
				t.Errorf("%s, %s through ap-granting: %v; want allowed", style, op.action, err)
			}
			se := wantServiceError(t, style+", "+op.action+" through ap-guarded", op.call(c, guardedAlias), 403, "AccessDenied")
			if !strings.Contains(se.Message, op.action) || !strings.Contains(se.Message, "the access point policy does not allow it") {
				t.Errorf("%s, %s through ap-guarded: message %q does not name the action and the access point policy", style, op.action, se.Message)
			}
		}
	}

	// The uploads that the denied AbortMultipartUpload calls named are still
	// in progress.
	if got, _ := uploadIDs(t, root, "sub-bucket"); len(got) != len(daveClients) {
		t.Errorf("%d uploads in progress, want %d, one per denied abort", len(got), len(daveClients))
	}
}
