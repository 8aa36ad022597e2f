package metatest

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// uploadTests are the multipart upload store's cases and the object
// attribute update, run by Run.
var uploadTests = []struct {
	name string
	fn   func(*testing.T, meta.Store)
}{
	{"UploadLifecycle", testUploadLifecycle},
	{"UploadPartReplace", testUploadPartReplace},
	{"UploadScan", testUploadScan},
	{"UploadComplete", testUploadComplete},
	{"UploadCompleteBuildError", testUploadCompleteBuildError},
	{"UploadCompleteRace", testUploadCompleteRace},
	{"UploadKeepsBucket", testUploadKeepsBucket},
	{"UploadWalkBlobs", testUploadWalkBlobs},
	{"ObjectUpdate", testObjectUpdate},
}

var uploadTime = time.Date(2026, 3, 4, 5, 6, 7, 8000000, time.UTC)

func newUpload(t *testing.T, s meta.Store, bucket, key, id string) *meta.Upload {
	t.Helper()
	u := &meta.Upload{
		Bucket: bucket, Key: key, UploadID: id, Initiated: uploadTime,
		StorageClass: "IA", ACL: "private", ContentType: "text/csv", CacheControl: "no-cache",
		ContentDisposition: "inline", ContentEncoding: "gzip", ContentLanguage: "en", Expires: "never",
		UserMeta: map[string]string{"team": "storage"}, Tags: "a=1&b=2",
	}
	if err := s.Uploads().Create(ctx, u); err != nil {
		t.Fatalf("create upload %s: %v", id, err)
	}
	return u
}

func newPart(id string, n int, size int64, blob string) *meta.Part {
	return &meta.Part{UploadID: id, PartNumber: n, Size: size, ETag: fmt.Sprintf("%032X", n),
		CRC64: uint64(n) << 60, ModTime: uploadTime, BlobID: blob}
}

func putPart(t *testing.T, s meta.Store, bucket string, p *meta.Part) *meta.Part {
	t.Helper()
	replaced, err := s.Uploads().PutPart(ctx, bucket, p)
	if err != nil {
		t.Fatalf("put part %d of %s: %v", p.PartNumber, p.UploadID, err)
	}
	return replaced
}

func partNumbers(ps []*meta.Part) string {
	var out []int
	for _, p := range ps {
		out = append(out, p.PartNumber)
	}
	return fmt.Sprint(out)
}

func testUploadLifecycle(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-u")
	want := newUpload(t, s, "bucket-u", "dir/k", "U1")

	if err := s.Uploads().Create(ctx, want); !errors.Is(err, meta.ErrExists) {
		t.Errorf("create with a taken id: got %v, want ErrExists", err)
	}
	if err := s.Uploads().Create(ctx, &meta.Upload{Bucket: "missing", Key: "k", UploadID: "U2"}); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("create in missing bucket: got %v, want ErrNotFound", err)
	}

	got, err := s.Uploads().Get(ctx, "bucket-u", "U1")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", *want) {
		t.Errorf("get = %+v\nwant %+v", *got, *want)
	}
	if _, err := s.Uploads().Get(ctx, "other", "U1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get from another bucket: got %v, want ErrNotFound", err)
	}

	for _, n := range []int{3, 1, 2} {
		putPart(t, s, "bucket-u", newPart("U1", n, int64(n*10), fmt.Sprint("blob-", n)))
	}
	parts, err := s.Uploads().Parts(ctx, "bucket-u", "U1", 0, 0)
	if err != nil || partNumbers(parts) != "[1 2 3]" {
		t.Fatalf("parts = %s, %v; want [1 2 3]", partNumbers(parts), err)
	}
	if p := parts[1]; p.Size != 20 || p.BlobID != "blob-2" || p.CRC64 != 2<<60 || !p.ModTime.Equal(uploadTime) || p.UploadID != "U1" {
		t.Errorf("part 2 = %+v", p)
	}
	parts, err = s.Uploads().Parts(ctx, "bucket-u", "U1", 1, 1)
	if err != nil || partNumbers(parts) != "[2]" {
		t.Errorf("parts after 1, limit 1 = %s, %v; want [2]", partNumbers(parts), err)
	}
	if n, err := s.Uploads().Count(ctx, "bucket-u"); err != nil || n != 1 {
		t.Errorf("count = %d, %v; want 1", n, err)
	}
	if u, err := s.Uploads().PartUsage(ctx, "bucket-u"); err != nil || u.Count != 3 || u.Size != 60 {
		t.Errorf("part usage = %+v, %v; want 3 parts of 60 bytes", u, err)
	}
	if u, err := s.Uploads().PartUsage(ctx, "other"); err != nil || u.Count != 0 || u.Size != 0 {
		t.Errorf("part usage of another bucket = %+v, %v; want none", u, err)
	}

	aborted, err := s.Uploads().Abort(ctx, "bucket-u", "U1")
	if err != nil || partNumbers(aborted) != "[1 2 3]" {
		t.Fatalf("abort returned %s, %v; want the three parts", partNumbers(aborted), err)
	}
	if _, err := s.Uploads().Get(ctx, "bucket-u", "U1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after abort: got %v, want ErrNotFound", err)
	}
	if _, err := s.Uploads().Parts(ctx, "bucket-u", "U1", 0, 0); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("parts after abort: got %v, want ErrNotFound", err)
	}
	if _, err := s.Uploads().PutPart(ctx, "bucket-u", newPart("U1", 4, 1, "late")); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("put part after abort: got %v, want ErrNotFound", err)
	}
	if _, err := s.Uploads().Abort(ctx, "bucket-u", "U1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second abort: got %v, want ErrNotFound", err)
	}
}

func testUploadPartReplace(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-pr")
	newUpload(t, s, "bucket-pr", "k", "U1")
	if r := putPart(t, s, "bucket-pr", newPart("U1", 1, 5, "first")); r != nil {
		t.Errorf("first put replaced %+v", r)
	}
	r := putPart(t, s, "bucket-pr", newPart("U1", 1, 6, "second"))
	if r == nil || r.BlobID != "first" {
		t.Fatalf("second put replaced %+v, want the first part", r)
	}
	parts, _ := s.Uploads().Parts(ctx, "bucket-pr", "U1", 0, 0)
	if len(parts) != 1 || parts[0].BlobID != "second" || parts[0].Size != 6 {
		t.Errorf("parts after replace = %+v", parts)
	}
}

func testUploadScan(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-us")
	for _, u := range [][2]string{{"b", "U1"}, {"a", "U2"}, {"b", "U3"}, {"c/x", "U4"}, {"c/y", "U5"}, {"b", "U6"}} {
		newUpload(t, s, "bucket-us", u[0], u[1])
	}
	ids := func(us []*meta.Upload) string {
		var out []string
		for _, u := range us {
			out = append(out, u.Key+":"+u.UploadID)
		}
		return fmt.Sprint(out)
	}
	tests := []struct {
		opts meta.UploadScanOptions
		want string
	}{
		{meta.UploadScanOptions{Limit: 10}, "[a:U2 b:U1 b:U3 b:U6 c/x:U4 c/y:U5]"},
		{meta.UploadScanOptions{Limit: 2}, "[a:U2 b:U1]"},
		{meta.UploadScanOptions{Prefix: "c/", Limit: 10}, "[c/x:U4 c/y:U5]"},
		{meta.UploadScanOptions{KeyMarker: "b", Limit: 10}, "[c/x:U4 c/y:U5]"},
		{meta.UploadScanOptions{KeyMarker: "b", UploadIDMarker: "U3", Limit: 10}, "[b:U6 c/x:U4 c/y:U5]"},
		{meta.UploadScanOptions{KeyMarker: "b", UploadIDMarker: "U9", Limit: 10}, "[c/x:U4 c/y:U5]"},
		{meta.UploadScanOptions{Start: "c", Limit: 10}, "[c/x:U4 c/y:U5]"},
	}
	for _, tc := range tests {
		got, err := s.Uploads().Scan(ctx, "bucket-us", tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if ids(got) != tc.want {
			t.Errorf("scan %+v = %s, want %s", tc.opts, ids(got), tc.want)
		}
	}
	if _, err := s.Uploads().Scan(ctx, "bucket-us", meta.UploadScanOptions{}); err == nil {
		t.Error("scan with limit 0 succeeded")
	}
}

// buildFromParts returns a Complete build function that makes an object of
// the parts whose numbers are listed.
func buildFromParts(numbers ...int) func(*meta.Upload, []*meta.Part) (*meta.Object, error) {
	return func(u *meta.Upload, parts []*meta.Part) (*meta.Object, error) {
		o := newObject(u.Bucket, u.Key, meta.NullVersion, 0, "")
		o.Segments = nil
		for _, n := range numbers {
			for _, p := range parts {
				if p.PartNumber == n {
					o.Segments = append(o.Segments, meta.Segment{BlobID: p.BlobID, Size: p.Size})
					o.Size += p.Size
				}
			}
		}
		o.Type = "Multipart"
		return o, nil
	}
}

func testUploadComplete(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-uc")
	put(t, s, newObject("bucket-uc", "k", meta.NullVersion, 1, "old"))
	newUpload(t, s, "bucket-uc", "k", "U1")
	for n := 1; n <= 3; n++ {
		putPart(t, s, "bucket-uc", newPart("U1", n, int64(n), fmt.Sprint("p", n)))
	}

	var seen []int
	build := func(u *meta.Upload, parts []*meta.Part) (*meta.Object, error) {
		if u.UploadID != "U1" || u.ContentType != "text/csv" {
			t.Errorf("build got upload %+v", u)
		}
		for _, p := range parts {
			seen = append(seen, p.PartNumber)
		}
		return buildFromParts(1, 3)(u, parts)
	}
	o, replaced, unused, err := s.Uploads().Complete(ctx, "bucket-uc", "U1", build, meta.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen) != "[1 2 3]" {
		t.Errorf("build saw parts %v, want [1 2 3]", seen)
	}
	if !o.IsLatest || o.Size != 4 {
		t.Errorf("completed object = %+v", o)
	}
	if len(replaced) != 1 || replaced[0].Segments[0].BlobID != "old" {
		t.Errorf("replaced = %+v, want the old null version", replaced)
	}
	if partNumbers(unused) != "[2]" {
		t.Errorf("unused parts = %s, want [2]", partNumbers(unused))
	}

	got, err := s.Objects().Get(ctx, "bucket-uc", "k", "")
	if err != nil || len(got.Segments) != 2 || got.Segments[1].BlobID != "p3" || got.Type != "Multipart" {
		t.Errorf("stored object = %+v, %v", got, err)
	}
	if _, err := s.Uploads().Get(ctx, "bucket-uc", "U1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("upload after complete: got %v, want ErrNotFound", err)
	}
	if _, _, _, err := s.Uploads().Complete(ctx, "bucket-uc", "U1", build, meta.PutOptions{}); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second complete: got %v, want ErrNotFound", err)
	}
}

func testUploadCompleteBuildError(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-ue")
	newUpload(t, s, "bucket-ue", "k", "U1")
	putPart(t, s, "bucket-ue", newPart("U1", 1, 1, "p1"))

	sentinel := errors.New("bad part list")
	fail := func(*meta.Upload, []*meta.Part) (*meta.Object, error) { return nil, sentinel }
	if _, _, _, err := s.Uploads().Complete(ctx, "bucket-ue", "U1", fail, meta.PutOptions{}); err != sentinel {
		t.Errorf("complete with failing build: got %v, want the build error", err)
	}

	exists := errors.New("exists")
	check := meta.PutOptions{Check: func(*meta.Object) error { return exists }}
	if _, _, _, err := s.Uploads().Complete(ctx, "bucket-ue", "U1", buildFromParts(1), check); err != exists {
		t.Errorf("complete with failing check: got %v, want the check error", err)
	}

	// Both failures leave the upload and its part in place.
	parts, err := s.Uploads().Parts(ctx, "bucket-ue", "U1", 0, 0)
	if err != nil || partNumbers(parts) != "[1]" {
		t.Errorf("parts after failed completes = %s, %v", partNumbers(parts), err)
	}
	if _, err := s.Objects().Get(ctx, "bucket-ue", "k", ""); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("object after failed completes: got %v, want ErrNotFound", err)
	}
}

// testUploadCompleteRace runs Complete against concurrent part uploads and an
// abort: every blob ends up either referenced by the object or returned to
// exactly one caller for deletion.
func testUploadCompleteRace(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-ur")
	newUpload(t, s, "bucket-ur", "k", "U1")
	putPart(t, s, "bucket-ur", newPart("U1", 1, 1, "p1-a"))

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		released []string
		failed   []string
	)
	release := func(ids ...string) {
		mu.Lock()
		released = append(released, ids...)
		mu.Unlock()
	}
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			blob := fmt.Sprintf("p1-%d", i)
			r, err := s.Uploads().PutPart(ctx, "bucket-ur", newPart("U1", 1, 1, blob))
			switch {
			case errors.Is(err, meta.ErrNotFound):
				mu.Lock()
				failed = append(failed, blob)
				mu.Unlock()
			case err != nil:
				t.Errorf("put part: %v", err)
			case r != nil:
				release(r.BlobID)
			}
		}()
	}
	wg.Add(1)
	var object *meta.Object
	go func() {
		defer wg.Done()
		o, _, unused, err := s.Uploads().Complete(ctx, "bucket-ur", "U1", buildFromParts(1), meta.PutOptions{})
		if err != nil {
			t.Errorf("complete: %v", err)
			return
		}
		object = o
		for _, p := range unused {
			release(p.BlobID)
		}
	}()
	wg.Wait()
	if object == nil {
		return
	}

	// Every blob written is accounted for exactly once.
	all := append(append([]string{}, released...), failed...)
	all = append(all, object.Segments[0].BlobID)
	sort.Strings(all)
	want := []string{"p1-a"}
	for i := range 8 {
		want = append(want, fmt.Sprintf("p1-%d", i))
	}
	sort.Strings(want)
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Errorf("blobs accounted for = %v, want each of %v once", all, want)
	}
}

func testUploadKeepsBucket(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-uk")
	newUpload(t, s, "bucket-uk", "k", "U1")
	if err := s.Buckets().Delete(ctx, "bucket-uk"); !errors.Is(err, meta.ErrNotEmpty) {
		t.Fatalf("delete bucket with an upload: got %v, want ErrNotEmpty", err)
	}
	if _, err := s.Uploads().Abort(ctx, "bucket-uk", "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Buckets().Delete(ctx, "bucket-uk"); err != nil {
		t.Errorf("delete bucket after abort: %v", err)
	}
}

func testUploadWalkBlobs(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-uw")
	put(t, s, newObject("bucket-uw", "obj", meta.NullVersion, 1, "o1"))
	newUpload(t, s, "bucket-uw", "k", "U1")
	putPart(t, s, "bucket-uw", newPart("U1", 1, 1, "p1"))
	putPart(t, s, "bucket-uw", newPart("U1", 2, 1, "p2"))

	var got []string
	if err := s.WalkBlobs(ctx, func(id string) error { got = append(got, id); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[o1 p1 p2]" {
		t.Errorf("walk = %v, want [o1 p1 p2]", got)
	}
}

func testObjectUpdate(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-ou")
	put(t, s, newObject("bucket-ou", "k", "v1", 1, "b1"))
	put(t, s, newObject("bucket-ou", "k", "v2", 2, "b2"))

	got, err := s.Objects().Update(ctx, "bucket-ou", "k", "v1", func(o *meta.Object) error {
		o.ACL = "public-read"
		o.Tags = "x=1"
		o.Size = 99 // not saved
		return nil
	})
	if err != nil || got.ACL != "public-read" || got.Tags != "x=1" || got.Size != 1 {
		t.Fatalf("update v1 = %+v, %v", got, err)
	}
	v1, _ := s.Objects().Get(ctx, "bucket-ou", "k", "v1")
	if v1.ACL != "public-read" || v1.Tags != "x=1" || v1.Size != 1 {
		t.Errorf("stored v1 = %+v", v1)
	}
	v2, _ := s.Objects().Get(ctx, "bucket-ou", "k", "")
	if v2.VersionID != "v2" || v2.ACL != "default" || v2.Tags != "" || !v2.IsLatest {
		t.Errorf("latest after updating v1 = %+v", v2)
	}

	if _, err := s.Objects().Update(ctx, "bucket-ou", "k", "", func(o *meta.Object) error { o.Tags = "y=2"; return nil }); err != nil {
		t.Fatal(err)
	}
	if v2, _ = s.Objects().Get(ctx, "bucket-ou", "k", "v2"); v2.Tags != "y=2" {
		t.Errorf("latest tags = %q, want y=2", v2.Tags)
	}

	sentinel := errors.New("stop")
	if _, err := s.Objects().Update(ctx, "bucket-ou", "k", "", func(o *meta.Object) error { o.ACL = "private"; return sentinel }); err != sentinel {
		t.Errorf("update with failing fn: got %v", err)
	}
	if v2, _ = s.Objects().Get(ctx, "bucket-ou", "k", ""); v2.ACL != "default" {
		t.Errorf("failed update changed the ACL to %q", v2.ACL)
	}
	if _, err := s.Objects().Update(ctx, "bucket-ou", "missing", "", func(*meta.Object) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update of a missing key: got %v, want ErrNotFound", err)
	}
}
