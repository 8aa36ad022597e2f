// Package metatest is the conformance suite every meta.Store implementation
// runs, so that the SQLite store and the stores that follow behave alike.
package metatest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// Open returns a new, empty store for one subtest; the suite closes it.
type Open func(t *testing.T) meta.Store

// Run runs the whole suite against stores from open.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		fn   func(*testing.T, meta.Store)
	}{
		{"BucketLifecycle", testBucketLifecycle},
		{"BucketList", testBucketList},
		{"BucketConfigBytes", testBucketConfigBytes},
		{"BucketDeleteNotEmpty", testBucketDeleteNotEmpty},
		{"ObjectNullVersionReplace", testObjectNullVersionReplace},
		{"ObjectVersions", testObjectVersions},
		{"ObjectCheck", testObjectCheck},
		{"ObjectScan", testObjectScan},
		{"ObjectScanVersions", testObjectScanVersions},
		{"ObjectStat", testObjectStat},
		{"ObjectReplaceVersion", testObjectReplaceVersion},
		{"WalkBlobs", testWalkBlobs},
		{"ConcurrentPuts", testConcurrentPuts},
		{"FunctionLifecycle", testFunctionLifecycle},
		{"FunctionList", testFunctionList},
		{"FunctionVersions", testFunctionVersions},
		{"FunctionAliases", testFunctionAliases},
		{"FunctionCodeInUse", testFunctionCodeInUse},
	}
	tests = append(tests, iamTests...)
	tests = append(tests, uploadTests...)
	tests = append(tests, accessPointTests...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

var ctx = context.Background()

func newBucket(t *testing.T, s meta.Store, name string) *meta.Bucket {
	t.Helper()
	b := &meta.Bucket{
		Name: name, AccountID: "1000000000000001", Region: "cn-hangzhou",
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC),
		ACL:       "private", StorageClass: "Standard", DataRedundancyType: "LRS",
	}
	if err := s.Buckets().Create(ctx, b); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return b
}

func newObject(bucket, key, version string, size int64, blob string) *meta.Object {
	return &meta.Object{
		Bucket: bucket, Key: key, VersionID: version, Size: size,
		ETag: "D41D8CD98F00B204E9800998ECF8427E", CRC64: 0xffffffffffffffff, Type: "Normal",
		StorageClass: "Standard", ACL: "default", ContentType: "text/plain",
		UserMeta: map[string]string{"author": "ossfc"},
		ModTime:  time.Date(2026, 1, 2, 3, 4, 5, 123000000, time.UTC),
		Segments: []meta.Segment{{BlobID: blob, Size: size}},
	}
}

func put(t *testing.T, s meta.Store, o *meta.Object) []*meta.Object {
	t.Helper()
	replaced, err := s.Objects().Put(ctx, o, meta.PutOptions{})
	if err != nil {
		t.Fatalf("put %s/%s: %v", o.Bucket, o.Key, err)
	}
	return replaced
}

func testBucketLifecycle(t *testing.T, s meta.Store) {
	want := newBucket(t, s, "bucket-a")

	if err := s.Buckets().Create(ctx, want); !errors.Is(err, meta.ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}

	got, err := s.Buckets().Get(ctx, "bucket-a")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if *got != *want {
		t.Errorf("get: got %+v, want %+v", got, want)
	}

	err = s.Buckets().Update(ctx, "bucket-a", func(b *meta.Bucket) error {
		b.ACL = "public-read"
		b.Versioning = "Enabled"
		return nil
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _ = s.Buckets().Get(ctx, "bucket-a")
	if got.ACL != "public-read" || got.Versioning != "Enabled" {
		t.Errorf("after update: acl %q versioning %q", got.ACL, got.Versioning)
	}

	sentinel := errors.New("stop")
	if err := s.Buckets().Update(ctx, "bucket-a", func(b *meta.Bucket) error { b.ACL = "x"; return sentinel }); err != sentinel {
		t.Errorf("update with failing fn: got %v, want the fn's error", err)
	}
	got, _ = s.Buckets().Get(ctx, "bucket-a")
	if got.ACL != "public-read" {
		t.Errorf("failed update changed acl to %q", got.ACL)
	}

	if err := s.Buckets().Delete(ctx, "bucket-a"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := s.Buckets().Get(ctx, "bucket-a"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if err := s.Buckets().Delete(ctx, "bucket-a"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
	if err := s.Buckets().Update(ctx, "bucket-a", func(*meta.Bucket) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update of missing bucket: got %v, want ErrNotFound", err)
	}
}

func testBucketList(t *testing.T, s meta.Store) {
	for _, name := range []string{"b-2", "a-1", "b-1", "c-1"} {
		newBucket(t, s, name)
	}
	other := &meta.Bucket{Name: "b-0", AccountID: "2000000000000002", Region: "cn-hangzhou", CreatedAt: time.Now()}
	if err := s.Buckets().Create(ctx, other); err != nil {
		t.Fatal(err)
	}

	names := func(bs []*meta.Bucket) string {
		var out []string
		for _, b := range bs {
			out = append(out, b.Name)
		}
		return fmt.Sprint(out)
	}
	tests := []struct {
		prefix, marker string
		limit          int
		want           string
	}{
		{"", "", 10, "[a-1 b-1 b-2 c-1]"},
		{"b-", "", 10, "[b-1 b-2]"},
		{"", "b-1", 10, "[b-2 c-1]"},
		{"", "", 2, "[a-1 b-1]"},
		{"z", "", 10, "[]"},
	}
	for _, tc := range tests {
		got, err := s.Buckets().List(ctx, "1000000000000001", tc.prefix, tc.marker, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != tc.want {
			t.Errorf("list(%q, %q, %d) = %s, want %s", tc.prefix, tc.marker, tc.limit, names(got), tc.want)
		}
	}

	n, err := s.Buckets().Count(ctx, "1000000000000001")
	if err != nil || n != 4 {
		t.Errorf("count = %d, %v; want 4", n, err)
	}
}

func testBucketConfigBytes(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-c")
	doc := []byte("{\n  \"Version\": \"1\" ,\t\"Statement\":[]}\r\n")
	if err := s.Buckets().PutConfig(ctx, "bucket-c", "policy", doc); err != nil {
		t.Fatal(err)
	}
	got, err := s.Buckets().GetConfig(ctx, "bucket-c", "policy")
	if err != nil || !bytes.Equal(got, doc) {
		t.Errorf("get config = %q, %v; want the exact bytes %q", got, err, doc)
	}

	if _, err := s.Buckets().GetConfig(ctx, "bucket-c", "tags"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("missing config: got %v, want ErrNotFound", err)
	}
	if err := s.Buckets().PutConfig(ctx, "missing", "policy", doc); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("config on missing bucket: got %v, want ErrNotFound", err)
	}

	if err := s.Buckets().DeleteConfig(ctx, "bucket-c", "policy"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Buckets().GetConfig(ctx, "bucket-c", "policy"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("deleted config: got %v, want ErrNotFound", err)
	}
	if err := s.Buckets().DeleteConfig(ctx, "bucket-c", "policy"); err != nil {
		t.Errorf("deleting a missing config: %v", err)
	}
}

func testBucketDeleteNotEmpty(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-d")
	put(t, s, newObject("bucket-d", "k", meta.NullVersion, 1, "blob-1"))
	if err := s.Buckets().Delete(ctx, "bucket-d"); !errors.Is(err, meta.ErrNotEmpty) {
		t.Fatalf("delete non-empty bucket: got %v, want ErrNotEmpty", err)
	}
	if _, err := s.Objects().Delete(ctx, "bucket-d", "k", meta.NullVersion); err != nil {
		t.Fatal(err)
	}
	if err := s.Buckets().Delete(ctx, "bucket-d"); err != nil {
		t.Errorf("delete emptied bucket: %v", err)
	}
}

func testObjectNullVersionReplace(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-n")
	if _, err := s.Objects().Put(ctx, newObject("missing", "k", meta.NullVersion, 1, "b"), meta.PutOptions{}); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("put into missing bucket: got %v, want ErrNotFound", err)
	}

	first := newObject("bucket-n", "k", meta.NullVersion, 3, "blob-1")
	if replaced := put(t, s, first); len(replaced) != 0 {
		t.Errorf("first put replaced %d versions", len(replaced))
	}
	second := newObject("bucket-n", "k", meta.NullVersion, 5, "blob-2")
	replaced := put(t, s, second)
	if len(replaced) != 1 || replaced[0].Segments[0].BlobID != "blob-1" {
		t.Fatalf("second put replaced %+v, want the first version", replaced)
	}

	got, err := s.Objects().Get(ctx, "bucket-n", "k", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.Size != 5 || !got.IsLatest || got.UserMeta["author"] != "ossfc" || got.CRC64 != 0xffffffffffffffff {
		t.Errorf("get = %+v", got)
	}
	if !got.ModTime.Equal(second.ModTime) {
		t.Errorf("mod time = %v, want %v", got.ModTime, second.ModTime)
	}
	if _, err := s.Objects().Get(ctx, "bucket-n", "other", ""); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get missing: got %v, want ErrNotFound", err)
	}
}

func testObjectVersions(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-v")
	put(t, s, newObject("bucket-v", "k", meta.NullVersion, 1, "blob-null"))
	put(t, s, newObject("bucket-v", "k", "v1", 2, "blob-v1"))
	marker := &meta.Object{Bucket: "bucket-v", Key: "k", VersionID: "v2", DeleteMarker: true, ModTime: time.Now()}
	put(t, s, marker)

	if _, err := s.Objects().Put(ctx, newObject("bucket-v", "k", "v1", 2, "blob-x"), meta.PutOptions{}); !errors.Is(err, meta.ErrExists) {
		t.Errorf("put of an existing version id: got %v, want ErrExists", err)
	}

	latest, err := s.Objects().Get(ctx, "bucket-v", "k", "")
	if err != nil || !latest.DeleteMarker || latest.VersionID != "v2" {
		t.Fatalf("latest = %+v, %v; want the delete marker v2", latest, err)
	}
	old, err := s.Objects().Get(ctx, "bucket-v", "k", "v1")
	if err != nil || old.IsLatest || old.Size != 2 {
		t.Errorf("v1 = %+v, %v", old, err)
	}

	deleted, err := s.Objects().Delete(ctx, "bucket-v", "k", "v2")
	if err != nil || !deleted.DeleteMarker {
		t.Fatalf("delete marker: %+v, %v", deleted, err)
	}
	latest, err = s.Objects().Get(ctx, "bucket-v", "k", "")
	if err != nil || latest.VersionID != "v1" || !latest.IsLatest {
		t.Errorf("after removing the marker, latest = %+v, %v; want v1", latest, err)
	}

	if _, err := s.Objects().Delete(ctx, "bucket-v", "k", "v9"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("delete missing version: got %v, want ErrNotFound", err)
	}

	// Replacing the null version keeps the other versions.
	replaced := put(t, s, newObject("bucket-v", "k", meta.NullVersion, 7, "blob-null-2"))
	if len(replaced) != 1 || replaced[0].Segments[0].BlobID != "blob-null" {
		t.Errorf("null put replaced %+v", replaced)
	}
	if _, err := s.Objects().Get(ctx, "bucket-v", "k", "v1"); err != nil {
		t.Errorf("v1 lost after null put: %v", err)
	}
}

func testObjectReplaceVersion(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-rv")
	put(t, s, newObject("bucket-rv", "k", "v1", 2, "blob-1"))

	grown := newObject("bucket-rv", "k", "v1", 5, "blob-2")
	replaced, err := s.Objects().Put(ctx, grown, meta.PutOptions{ReplaceVersion: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(replaced) != 1 || replaced[0].Size != 2 {
		t.Errorf("replaced = %v; want the old v1 of 2 bytes", replaced)
	}
	got, err := s.Objects().Get(ctx, "bucket-rv", "k", "")
	if err != nil || got.VersionID != "v1" || got.Size != 5 || !got.IsLatest {
		t.Errorf("latest = %+v, %v; want v1 of 5 bytes", got, err)
	}
	versions, err := s.Objects().Scan(ctx, "bucket-rv", meta.ScanOptions{AllVersions: true, Limit: 10})
	if err != nil || len(versions) != 1 {
		t.Errorf("scan = %d versions, %v; want 1", len(versions), err)
	}
}

func testObjectCheck(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-k")
	var seen []*meta.Object
	check := func(cur *meta.Object) error {
		seen = append(seen, cur)
		if cur != nil {
			return errors.New("exists")
		}
		return nil
	}
	if _, err := s.Objects().Put(ctx, newObject("bucket-k", "k", meta.NullVersion, 1, "b1"), meta.PutOptions{Check: check}); err != nil {
		t.Fatalf("first put: %v", err)
	}
	_, err := s.Objects().Put(ctx, newObject("bucket-k", "k", meta.NullVersion, 2, "b2"), meta.PutOptions{Check: check})
	if err == nil || err.Error() != "exists" {
		t.Fatalf("second put: got %v, want the check's error", err)
	}
	if len(seen) != 2 || seen[0] != nil || seen[1] == nil || seen[1].Size != 1 {
		t.Errorf("check saw %+v", seen)
	}
	got, _ := s.Objects().Get(ctx, "bucket-k", "k", "")
	if got.Size != 1 {
		t.Errorf("rejected put changed the object: size %d", got.Size)
	}
}

func testObjectScan(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-s")
	keys := []string{"a", "a/b", "a/c/d", "ab", "b", "日本/語", "z\xff", "~", " space", "a%2F"}
	for i, k := range keys {
		put(t, s, newObject("bucket-s", k, meta.NullVersion, int64(i), fmt.Sprint("blob-", i)))
	}
	put(t, s, &meta.Object{Bucket: "bucket-s", Key: "deleted", VersionID: "v1", DeleteMarker: true, ModTime: time.Now()})

	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)

	scan := func(opts meta.ScanOptions) []string {
		t.Helper()
		objs, err := s.Objects().Scan(ctx, "bucket-s", opts)
		if err != nil {
			t.Fatalf("scan %+v: %v", opts, err)
		}
		var out []string
		for _, o := range objs {
			out = append(out, o.Key)
		}
		return out
	}

	if got := scan(meta.ScanOptions{Limit: 100}); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", sorted) {
		t.Errorf("scan all = %q, want byte order %q (no delete markers)", got, sorted)
	}
	if got := scan(meta.ScanOptions{Prefix: "a/", Limit: 100}); fmt.Sprint(got) != "[a/b a/c/d]" {
		t.Errorf("prefix a/ = %q", got)
	}
	if got := scan(meta.ScanOptions{Prefix: "a", After: "a/b", Limit: 2}); fmt.Sprint(got) != "[a/c/d ab]" {
		t.Errorf("prefix a after a/b limit 2 = %q", got)
	}
	if got := scan(meta.ScanOptions{Prefix: "z\xff", Limit: 10}); len(got) != 1 {
		t.Errorf("prefix with 0xff = %q", got)
	}
	if got := scan(meta.ScanOptions{Prefix: "日本", Limit: 10}); fmt.Sprint(got) != "[日本/語]" {
		t.Errorf("unicode prefix = %q", got)
	}
	if got := scan(meta.ScanOptions{After: "~", Limit: 10}); len(got) != 0 && got[0] != "日本/語" {
		t.Errorf("after ~ = %q", got)
	}
	if _, err := s.Objects().Scan(ctx, "bucket-s", meta.ScanOptions{}); err == nil {
		t.Error("scan with limit 0 succeeded")
	}
}

func testObjectScanVersions(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-sv")
	put(t, s, newObject("bucket-sv", "a", "v1", 1, "b1"))
	put(t, s, newObject("bucket-sv", "a", "v2", 1, "b2"))
	put(t, s, &meta.Object{Bucket: "bucket-sv", Key: "a", VersionID: "v3", DeleteMarker: true, ModTime: time.Now()})
	put(t, s, newObject("bucket-sv", "b", meta.NullVersion, 1, "b4"))

	list := func(opts meta.ScanOptions) string {
		objs, err := s.Objects().Scan(ctx, "bucket-sv", opts)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range objs {
			out = append(out, o.Key+":"+o.VersionID)
		}
		return fmt.Sprint(out)
	}
	if got := list(meta.ScanOptions{AllVersions: true, Limit: 10}); got != "[a:v3 a:v2 a:v1 b:null]" {
		t.Errorf("all versions = %s", got)
	}
	if got := list(meta.ScanOptions{AllVersions: true, After: "a", AfterVersion: "v2", Limit: 10}); got != "[a:v1 b:null]" {
		t.Errorf("after a/v2 = %s", got)
	}
	if got := list(meta.ScanOptions{AllVersions: true, After: "a", Limit: 10}); got != "[b:null]" {
		t.Errorf("after a = %s", got)
	}
	if got := list(meta.ScanOptions{Limit: 10}); got != "[b:null]" {
		t.Errorf("latest only = %s (a's latest is a delete marker)", got)
	}
}

func testObjectStat(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-st")
	put(t, s, newObject("bucket-st", "a", meta.NullVersion, 10, "b1"))
	put(t, s, newObject("bucket-st", "b", "v1", 20, "b2"))
	put(t, s, newObject("bucket-st", "b", "v2", 30, "b3"))
	ia := newObject("bucket-st", "c", "v3", 100, "b4")
	ia.StorageClass = "IA"
	put(t, s, ia)
	put(t, s, newObject("bucket-st", "d", "v4", 5, "b5"))
	marker := newObject("bucket-st", "d", "v5", 0, "")
	marker.DeleteMarker, marker.Segments = true, nil
	put(t, s, marker)

	u, err := s.Objects().Stat(ctx, "bucket-st")
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Classes["Standard"]; got != (meta.Usage{Count: 2, Size: 40, BilledSize: 2 * meta.MinBilledSize}) {
		t.Errorf("Standard usage = %+v; want 2 objects, 40 bytes", got)
	}
	if got := u.Classes["IA"]; got != (meta.Usage{Count: 1, Size: 100, BilledSize: meta.MinBilledSize}) {
		t.Errorf("IA usage = %+v; want 1 object, 100 bytes", got)
	}
	if len(u.Classes) != 2 {
		t.Errorf("usage has classes %v; want Standard and IA only", u.Classes)
	}
	if total := u.Total(); total.Count != 3 || total.Size != 140 {
		t.Errorf("total usage = %+v; want 3 objects, 140 bytes", total)
	}
	if u.DeleteMarkers != 1 {
		t.Errorf("delete markers = %d, want 1", u.DeleteMarkers)
	}
}

func testWalkBlobs(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-w")
	o := newObject("bucket-w", "multi", meta.NullVersion, 3, "b1")
	o.Segments = []meta.Segment{{BlobID: "b1", Size: 1}, {BlobID: "b2", Size: 2}}
	put(t, s, o)
	put(t, s, newObject("bucket-w", "one", "v1", 1, "b3"))

	var got []string
	err := s.WalkBlobs(ctx, func(id string) error { got = append(got, id); return nil })
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[b1 b2 b3]" {
		t.Errorf("walk = %v, want [b1 b2 b3]", got)
	}

	stop := errors.New("stop")
	if err := s.WalkBlobs(ctx, func(string) error { return stop }); err != stop {
		t.Errorf("walk with failing fn: got %v", err)
	}
}

func testConcurrentPuts(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-cc")
	const writers = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	replacedTotal := 0
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replaced, err := s.Objects().Put(ctx, newObject("bucket-cc", "k", meta.NullVersion, int64(i), fmt.Sprint("blob-", i)), meta.PutOptions{})
			if err != nil {
				t.Errorf("put %d: %v", i, err)
				return
			}
			mu.Lock()
			replacedTotal += len(replaced)
			mu.Unlock()
			if _, err := s.Objects().Get(ctx, "bucket-cc", "k", ""); err != nil {
				t.Errorf("get during puts: %v", err)
			}
		}()
	}
	wg.Wait()

	if replacedTotal != writers-1 {
		t.Errorf("puts replaced %d versions in all, want %d", replacedTotal, writers-1)
	}
	objs, err := s.Objects().Scan(ctx, "bucket-cc", meta.ScanOptions{AllVersions: true, Limit: 100})
	if err != nil || len(objs) != 1 || !objs[0].IsLatest {
		t.Errorf("after concurrent puts: %d versions, %v; want one latest", len(objs), err)
	}
}
