package ossapi_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func setVersioning(t *testing.T, c *oss.Client, bucket string, status oss.VersioningStatusType) {
	t.Helper()
	_, err := c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: oss.Ptr(bucket),
		VersioningConfiguration: &oss.VersioningConfiguration{Status: status}})
	if err != nil {
		t.Fatalf("PutBucketVersioning %s: %v", status, err)
	}
}

func getVersion(t *testing.T, c *oss.Client, bucket, key, version string) (string, error) {
	t.Helper()
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}
	if version != "" {
		req.VersionId = oss.Ptr(version)
	}
	res, err := c.GetObject(ctx, req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(res.Body)
	return b.String(), nil
}

// versionList returns "key:version:kind" entries of a full listing, where
// kind is the size of a version or "marker".
func versionList(t *testing.T, c *oss.Client, bucket string) []string {
	t.Helper()
	res, err := c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr(bucket), IsMix: true})
	if err != nil {
		t.Fatalf("ListObjectVersions: %v", err)
	}
	var out []string
	for _, v := range res.ObjectVersionsDeleteMarkers {
		kind := fmt.Sprint(v.Size)
		if v.IsDeleteMarker() {
			kind = "marker"
		}
		latest := ""
		if v.IsLatest {
			latest = "*"
		}
		out = append(out, fmt.Sprintf("%s:%s:%s%s", *v.Key, *v.VersionId, kind, latest))
	}
	return out
}

func TestVersioningSequence(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "versions")

	// Before versioning: a null version and no version header.
	before := putObject(t, c, "versions", "k", []byte("zero"))
	if before.VersionId != nil {
		t.Errorf("PutObject before versioning returned version id %q", *before.VersionId)
	}
	conf, err := c.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: oss.Ptr("versions")})
	if err != nil || conf.VersionStatus != nil {
		t.Fatalf("GetBucketVersioning of a new bucket = %v, %v; want no status", conf.VersionStatus, err)
	}

	setVersioning(t, c, "versions", oss.VersionEnabled)
	conf, _ = c.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: oss.Ptr("versions")})
	if conf.VersionStatus == nil || *conf.VersionStatus != "Enabled" {
		t.Fatalf("status after enabling = %v", conf.VersionStatus)
	}

	v1 := putObject(t, c, "versions", "k", []byte("one"))
	v2 := putObject(t, c, "versions", "k", []byte("two!"))
	if v1.VersionId == nil || v2.VersionId == nil || *v1.VersionId == *v2.VersionId {
		t.Fatalf("versioned puts returned ids %v and %v", v1.VersionId, v2.VersionId)
	}
	for _, tc := range []struct{ version, want string }{{"", "two!"}, {*v1.VersionId, "one"}, {"null", "zero"}} {
		if got, err := getVersion(t, c, "versions", "k", tc.version); err != nil || got != tc.want {
			t.Errorf("GetObject version %q = %q, %v; want %q", tc.version, got, err, tc.want)
		}
	}
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr("null")})
	if err != nil || head.VersionId == nil || *head.VersionId != "null" || head.ContentLength != 4 {
		t.Errorf("HeadObject of the null version = %+v, %v", head, err)
	}
	meta, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: v1.VersionId})
	if err != nil || *meta.VersionId != *v1.VersionId || meta.ContentLength != 3 {
		t.Errorf("GetObjectMeta of v1 = %+v, %v", meta, err)
	}

	// Deleting without a version adds a delete marker.
	del, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k")})
	if err != nil || !del.DeleteMarker || del.VersionId == nil {
		t.Fatalf("DeleteObject = %+v, %v; want a delete marker", del, err)
	}
	marker := *del.VersionId
	_, err = getVersion(t, c, "versions", "k", "")
	wantCode(t, err, 404, "NoSuchKey")
	_, err = getVersion(t, c, "versions", "k", marker)
	wantCode(t, err, 405, "MethodNotAllowed")
	if got, err := getVersion(t, c, "versions", "k", *v2.VersionId); err != nil || got != "two!" {
		t.Errorf("old version behind the marker = %q, %v", got, err)
	}
	want := []string{"k:" + marker + ":marker*", "k:" + *v2.VersionId + ":4", "k:" + *v1.VersionId + ":3", "k:null:4"}
	if got := versionList(t, c, "versions"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("versions = %v\nwant %v", got, want)
	}

	// Copy from an old version.
	cp, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("copy"),
		SourceKey: oss.Ptr("k"), SourceVersionId: v1.VersionId})
	if err != nil || cp.VersionId == nil {
		t.Fatalf("CopyObject from v1 = %+v, %v", cp, err)
	}
	if got, _ := getVersion(t, c, "versions", "copy", ""); got != "one" {
		t.Errorf("copy of v1 = %q", got)
	}

	// Removing the marker by version id brings v2 back.
	del, err = c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(marker)})
	if err != nil || !del.DeleteMarker || *del.VersionId != marker {
		t.Fatalf("DeleteObject of the marker = %+v, %v", del, err)
	}
	if got, _ := getVersion(t, c, "versions", "k", ""); got != "two!" {
		t.Errorf("after removing the marker, current = %q", got)
	}

	// Suspended: new writes replace the null version.
	setVersioning(t, c, "versions", oss.VersionSuspended)
	put := putObject(t, c, "versions", "k", []byte("suspended"))
	if put.VersionId == nil || *put.VersionId != "null" {
		t.Errorf("PutObject while suspended returned version %v, want null", put.VersionId)
	}
	if got, _ := getVersion(t, c, "versions", "k", "null"); got != "suspended" {
		t.Errorf("null version after a suspended put = %q", got)
	}
	if got, _ := getVersion(t, c, "versions", "k", *v1.VersionId); got != "one" {
		t.Errorf("v1 after a suspended put = %q", got)
	}

	// DeleteMultipleObjects with and without version ids.
	dm, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr("versions"),
		Objects: []oss.DeleteObject{{Key: oss.Ptr("k"), VersionId: v1.VersionId}, {Key: oss.Ptr("copy")}}})
	if err != nil || len(dm.DeletedObjects) != 2 {
		t.Fatalf("DeleteMultipleObjects = %+v, %v", dm, err)
	}
	if d := dm.DeletedObjects[1]; !d.DeleteMarker || d.DeleteMarkerVersionId == nil || *d.DeleteMarkerVersionId != "null" {
		t.Errorf("deleting copy while suspended = %+v, want a null delete marker", d)
	}
	_, err = getVersion(t, c, "versions", "k", *v1.VersionId)
	wantCode(t, err, 404, "NoSuchVersion")
}

func TestListObjectVersionsUnversionedAndPaged(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "plain")
	for _, k := range []string{"a", "dir/1", "dir/2", "z"} {
		putObject(t, c, "plain", k, []byte(k))
	}
	want := []string{"a:null:1*", "dir/1:null:5*", "dir/2:null:5*", "z:null:1*"}
	if got := versionList(t, c, "plain"); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("versions of a never-versioned bucket = %v, want %v", got, want)
	}

	createBucket(t, c, "paged")
	setVersioning(t, c, "paged", oss.VersionEnabled)
	for _, k := range []string{"a", "a", "a", "dir/x", "dir/y", "b"} {
		putObject(t, c, "paged", k, []byte(k))
	}
	var got []string
	var keyMarker, versionMarker *string
	for pages := 0; ; pages++ {
		res, err := c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr("paged"), Delimiter: oss.Ptr("/"),
			MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionMarker})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.ObjectVersions {
			got = append(got, *v.Key)
		}
		for _, p := range res.CommonPrefixes {
			got = append(got, "prefix:"+*p.Prefix)
		}
		if !res.IsTruncated {
			break
		}
		if pages > 6 {
			t.Fatal("listing does not end")
		}
		keyMarker, versionMarker = res.NextKeyMarker, res.NextVersionIdMarker
	}
	if strings.Join(got, " ") != "a a a b prefix:dir/" {
		t.Errorf("paged versions = %v", got)
	}
}

func TestVersionedMultipartAndTagging(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "vmp")
	setVersioning(t, c, "vmp", oss.VersionEnabled)
	first := putObject(t, c, "vmp", "k", []byte("first"))

	id := initiate(t, c, "vmp", "k")
	uploadPart(t, c, "vmp", "k", id, 1, []byte("second"))
	done, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("vmp"), Key: oss.Ptr("k"),
		UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes")})
	if err != nil || done.VersionId == nil || *done.VersionId == *first.VersionId {
		t.Fatalf("versioned complete = %+v, %v", done, err)
	}

	// Tags of an old version change without touching the current one.
	_, err = c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr("vmp"), Key: oss.Ptr("k"), VersionId: first.VersionId,
		Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("old"), Value: oss.Ptr("yes")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	tags, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("vmp"), Key: oss.Ptr("k"), VersionId: first.VersionId})
	if err != nil || len(tags.Tags) != 1 || *tags.VersionId != *first.VersionId {
		t.Errorf("tags of the first version = %+v, %v", tags, err)
	}
	tags, err = c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("vmp"), Key: oss.Ptr("k")})
	if err != nil || len(tags.Tags) != 0 || *tags.VersionId != *done.VersionId {
		t.Errorf("tags of the current version = %+v, %v", tags, err)
	}
}

func TestBucketStatByStorageClass(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "stat")
	setVersioning(t, c, "stat", oss.VersionEnabled)
	putObject(t, c, "stat", "plain", []byte("0123456789"))
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("stat"), Key: oss.Ptr("cold"),
		StorageClass: oss.StorageClassIA, Body: strings.NewReader("twenty bytes of data")})
	if err != nil {
		t.Fatal(err)
	}
	putObject(t, c, "stat", "gone", []byte("x"))
	if _, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("stat"), Key: oss.Ptr("gone")}); err != nil {
		t.Fatal(err)
	}

	stat, err := c.GetBucketStat(ctx, &oss.GetBucketStatRequest{Bucket: oss.Ptr("stat")})
	if err != nil {
		t.Fatal(err)
	}
	if stat.ObjectCount != 2 || stat.Storage != 30 {
		t.Errorf("total = %d objects, %d bytes; want 2, 30", stat.ObjectCount, stat.Storage)
	}
	if stat.StandardObjectCount != 1 || stat.StandardStorage != 10 {
		t.Errorf("Standard = %d objects, %d bytes; want 1, 10", stat.StandardObjectCount, stat.StandardStorage)
	}
	if stat.InfrequentAccessObjectCount != 1 || stat.InfrequentAccessRealStorage != 20 {
		t.Errorf("IA = %d objects, %d bytes; want 1, 20", stat.InfrequentAccessObjectCount, stat.InfrequentAccessRealStorage)
	}
	if stat.InfrequentAccessStorage != 64<<10 {
		t.Errorf("IA billed storage = %d, want 64 KiB for a small object", stat.InfrequentAccessStorage)
	}
	if stat.DeleteMarkerCount != 1 {
		t.Errorf("DeleteMarkerCount = %d, want 1", stat.DeleteMarkerCount)
	}
	if stat.ArchiveObjectCount != 0 || stat.MultipartPartCount != 0 {
		t.Errorf("Archive objects %d, parts %d; want none", stat.ArchiveObjectCount, stat.MultipartPartCount)
	}
	if stat.LastModifiedTime == 0 {
		t.Error("LastModifiedTime is missing")
	}
}

func TestAppendObjectVersioned(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "vappend")
	setVersioning(t, c, "vappend", oss.VersionEnabled)
	appendAt := func(pos int64, body string) (*oss.AppendObjectResult, error) {
		return c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("vappend"), Key: oss.Ptr("log"),
			Position: oss.Ptr(pos), Body: strings.NewReader(body)})
	}

	first, err := appendAt(0, "one ")
	if err != nil {
		t.Fatal(err)
	}
	second, err := appendAt(4, "two")
	if err != nil {
		t.Fatal(err)
	}
	v1 := oss.ToString(first.VersionId)
	if v1 == "" || v1 == "null" || oss.ToString(second.VersionId) != v1 {
		t.Errorf("append version ids %q then %q; want one real version id", v1, oss.ToString(second.VersionId))
	}
	if body, err := getVersion(t, c, "vappend", "log", v1); err != nil || body != "one two" {
		t.Errorf("version %s = %q, %v; want %q", v1, body, err, "one two")
	}
	if n := countVersions(t, c, "vappend"); n != 1 {
		t.Errorf("after two appends the key has %d versions, want 1", n)
	}

	// An overwrite keeps the appendable version as a previous version, and
	// a Normal current version takes no appends.
	putObject(t, c, "vappend", "log", []byte("normal"))
	_, err = appendAt(6, "x")
	serviceError(t, err, 409, "ObjectNotAppendable")
	if body, err := getVersion(t, c, "vappend", "log", v1); err != nil || body != "one two" {
		t.Errorf("previous appendable version = %q, %v; want %q", body, err, "one two")
	}

	// Behind a delete marker, position 0 starts a new appendable version.
	if _, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("vappend"), Key: oss.Ptr("log")}); err != nil {
		t.Fatal(err)
	}
	_, err = appendAt(3, "x")
	serviceError(t, err, 409, "PositionNotEqualToLength")
	third, err := appendAt(0, "three")
	if err != nil {
		t.Fatal(err)
	}
	if v3 := oss.ToString(third.VersionId); v3 == "" || v3 == v1 {
		t.Errorf("new appendable version id %q; want a new one", v3)
	}
	if n := countVersions(t, c, "vappend"); n != 4 {
		t.Errorf("key has %d versions and markers, want 4", n)
	}

	_, err = c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("vappend"), Key: oss.Ptr("log"),
		Position: oss.Ptr(int64(5)), Body: strings.NewReader("x"),
		RequestCommon: oss.RequestCommon{Parameters: map[string]string{"versionId": v1}}})
	se := serviceError(t, err, 400, "InvalidArgument")
	if se.EC != "0016-00000504" {
		t.Errorf("append with versionId: EC %s, want 0016-00000504", se.EC)
	}
}

// countVersions returns how many versions and delete markers bucket has.
func countVersions(t *testing.T, c *oss.Client, bucket string) int {
	t.Helper()
	res, err := c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr(bucket)})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.ObjectVersions) + len(res.ObjectDeleteMarkers)
}
