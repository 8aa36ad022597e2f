package store_test

import (
	"bytes"
	"context"
	"fmt"
	"hash/crc64"
	"io"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

var ctx = context.Background()

// newStore returns a store on SQLite and local blobs in a temporary
// directory, with one bucket named "bkt".
func newStore(t *testing.T) *store.Store {
	t.Helper()
	dir := t.TempDir()
	m, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	b, err := blob.OpenLocal(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	s := store.New(m, b, store.Options{Region: "cn-hangzhou"})
	if err := s.CreateBucket(ctx, &meta.Bucket{Name: "bkt", AccountID: "1", ACL: "private", StorageClass: "Standard"}); err != nil {
		t.Fatal(err)
	}
	return s
}

func put(t *testing.T, s *store.Store, key string, data []byte) *meta.Object {
	t.Helper()
	o, err := s.PutObject(ctx, &store.PutInput{Bucket: "bkt", Key: key, Body: bytes.NewReader(data), Size: int64(len(data))})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	return o
}

func TestListPagesAcrossCommonPrefixes(t *testing.T) {
	s := newStore(t)
	var keys []string
	for _, dir := range []string{"a/", "a/x/", "b/", "c", "c/", "d/e/", ""} {
		for i := range 4 {
			keys = append(keys, fmt.Sprintf("%s%d", dir, i))
		}
	}
	keys = append(keys, "a", "a/", "b//", "b//c", "\xef\xbf\xbf/z", "zz")
	for _, k := range keys {
		put(t, s, k, []byte(k))
	}
	sort.Strings(keys)

	for _, prefix := range []string{"", "a", "a/", "b/", "c", "d/", "nothing"} {
		for _, delimiter := range []string{"", "/", "//", "x"} {
			want := expected(keys, prefix, delimiter)
			for _, maxKeys := range []int{1, 2, 5, 1000} {
				var got []string
				in := store.ListInput{Prefix: prefix, Delimiter: delimiter, MaxKeys: maxKeys}
				for pages := 0; ; pages++ {
					if pages > len(keys)+1 {
						t.Fatalf("prefix %q delimiter %q max %d: listing does not end", prefix, delimiter, maxKeys)
					}
					page, err := s.ListObjects(ctx, "bkt", in)
					if err != nil {
						t.Fatal(err)
					}
					entries := len(page.Objects) + len(page.CommonPrefixes)
					if entries > maxKeys {
						t.Errorf("page of %d entries with max-keys %d", entries, maxKeys)
					}
					// A page lists objects and prefixes in one key order.
					var pageEntries []string
					for _, o := range page.Objects {
						pageEntries = append(pageEntries, o.Key)
					}
					pageEntries = append(pageEntries, page.CommonPrefixes...)
					sort.Strings(pageEntries)
					got = append(got, pageEntries...)
					if !page.IsTruncated {
						break
					}
					if entries == 0 || page.Next != pageEntries[len(pageEntries)-1] {
						t.Fatalf("truncated page of %d entries resumes after %q", entries, page.Next)
					}
					in.After = page.Next
				}
				if !reflect.DeepEqual(nonNil(got), nonNil(want)) {
					t.Errorf("prefix %q delimiter %q max %d:\n got %q\nwant %q", prefix, delimiter, maxKeys, got, want)
				}
			}
		}
	}
}

// expected returns the keys and common prefixes a full listing gives, in
// key order.
func expected(keys []string, prefix, delimiter string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				cp := k[:len(prefix)+i+len(delimiter)]
				if !seen[cp] {
					seen[cp] = true
					out = append(out, cp)
				}
				continue
			}
		}
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestListInvalidMaxKeys(t *testing.T) {
	s := newStore(t)
	for _, n := range []int{-1, 1001} {
		if _, err := s.ListObjects(ctx, "bkt", store.ListInput{MaxKeys: n}); !osserr.Is(err, osserr.InvalidArgument) {
			t.Errorf("max-keys %d: %v, want InvalidArgument", n, err)
		}
	}
	page, err := s.ListObjects(ctx, "bkt", store.ListInput{MaxKeys: 0})
	if err != nil || len(page.Objects) != 0 || page.IsTruncated {
		t.Errorf("max-keys 0: %+v, %v", page, err)
	}
	if _, err := s.ListObjects(ctx, "missing", store.ListInput{MaxKeys: 1}); !osserr.Is(err, osserr.NoSuchBucket) {
		t.Errorf("missing bucket: %v", err)
	}
}

func TestRangedReadsAcrossSegments(t *testing.T) {
	s := newStore(t)
	segments := [][]byte{[]byte("0123456789"), {}, bytes.Repeat([]byte("abcdefghij"), 30000), []byte("X"), []byte("tail of the object")}
	var all []byte
	var o *meta.Object
	for _, seg := range segments {
		var err error
		o, err = s.AppendObject(ctx, &store.AppendInput{Bucket: "bkt", Key: "app", Position: int64(len(all)),
			Body: bytes.NewReader(seg), Size: int64(len(seg))})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, seg...)
	}
	if len(o.Segments) != len(segments) {
		t.Fatalf("%d segments, want %d", len(o.Segments), len(segments))
	}
	if o.CRC64 != crc64.Checksum(all, crc64.MakeTable(crc64.ECMA)) {
		t.Errorf("combined CRC-64 differs from the CRC-64 of the data")
	}

	size := int64(len(all))
	ranges := [][2]int64{
		{0, size}, {0, 0}, {0, 1}, {9, 1}, {9, 2}, {10, 1}, {5, 300000}, {300009, 2}, {300010, 1},
		{300010, 19}, {size - 1, 1}, {size, 0}, {123456, 100000},
	}
	for _, rg := range ranges {
		want := all[rg[0] : rg[0]+rg[1]]
		for _, method := range []string{"Read", "WriteTo"} {
			r, err := s.OpenObject(ctx, o, rg[0], rg[1])
			if err != nil {
				t.Fatalf("open %v: %v", rg, err)
			}
			var got []byte
			if method == "Read" {
				got, err = io.ReadAll(struct{ io.Reader }{r})
			} else {
				var buf bytes.Buffer
				_, err = r.(io.WriterTo).WriteTo(&buf)
				got = buf.Bytes()
			}
			r.Close()
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s of %d+%d: %d bytes, %v; want %d bytes", method, rg[0], rg[1], len(got), err, len(want))
			}
		}
	}

	for _, rg := range [][2]int64{{-1, 1}, {0, size + 1}, {size, 1}} {
		if _, err := s.OpenObject(ctx, o, rg[0], rg[1]); err == nil {
			t.Errorf("OpenObject(%d, %d) outside the object succeeded", rg[0], rg[1])
		}
	}
}

func TestPutObjectChecksBody(t *testing.T) {
	s := newStore(t)
	tests := []struct {
		name string
		body string
		size int64
		code osserr.Code
	}{
		{"short", "abc", 5, osserr.IncompleteBody},
		{"long", "abcdef", 5, osserr.EntityTooLarge},
		{"too large", "", store.MaxObjectSize + 1, osserr.EntityTooLarge},
	}
	for _, tc := range tests {
		_, err := s.PutObject(ctx, &store.PutInput{Bucket: "bkt", Key: tc.name, Body: strings.NewReader(tc.body), Size: tc.size})
		if !osserr.Is(err, tc.code) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
		if _, err := s.HeadObject(ctx, "bkt", tc.name, ""); !osserr.Is(err, osserr.NoSuchKey) {
			t.Errorf("%s: failed upload is visible: %v", tc.name, err)
		}
	}

	// A body of unknown length (chunked) is accepted as it comes.
	o, err := s.PutObject(ctx, &store.PutInput{Bucket: "bkt", Key: "chunked", Body: strings.NewReader("hello"), Size: -1})
	if err != nil || o.Size != 5 || o.ETag != "5D41402ABC4B2A76B9719D911017C592" {
		t.Errorf("chunked upload: %+v, %v", o, err)
	}
}

func TestSweepRemovesOrphans(t *testing.T) {
	dir := t.TempDir()
	m, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	blobs, err := blob.OpenLocal(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	s := store.New(m, blobs, store.Options{})
	if err := s.CreateBucket(ctx, &meta.Bucket{Name: "bkt", AccountID: "1"}); err != nil {
		t.Fatal(err)
	}
	kept := put(t, s, "kept", []byte("kept"))

	// A blob committed without its metadata, as a crash between the two
	// leaves it.
	w, err := blobs.Create(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("orphan"))
	orphan, err := w.Commit()
	if err != nil {
		t.Fatal(err)
	}

	removed, err := s.Sweep(ctx)
	if err != nil || removed != 1 {
		t.Fatalf("Sweep = %d, %v; want 1", removed, err)
	}
	if _, err := blobs.Open(ctx, orphan, 0, 1); err == nil {
		t.Errorf("orphan blob survived the sweep")
	}
	r, err := s.OpenObject(ctx, kept, 0, kept.Size)
	if err != nil {
		t.Fatalf("object data removed by the sweep: %v", err)
	}
	r.Close()
}
