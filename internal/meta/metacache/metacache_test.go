package metacache_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/meta/metacache"
	"github.com/ossfc/ossfc/internal/meta/metatest"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
)

var ctx = context.Background()

func openSQLite(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The cached store must behave exactly as the store it wraps.
func TestConformance(t *testing.T) {
	metatest.Run(t, func(t *testing.T) meta.Store { return metacache.New(openSQLite(t)) })
}

// world is a cached store with one record of every cached kind.
type world struct {
	inner meta.Store
	s     *metacache.Store
}

const (
	account = "1000000000000001"
	region  = "cn-hangzhou"
)

func newWorld(t *testing.T) *world {
	inner := openSQLite(t)
	t.Cleanup(func() { inner.Close() })
	w := &world{inner: inner, s: metacache.New(inner)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	admit := func(int, int) error { return nil }
	must(w.s.Buckets().Create(ctx, &meta.Bucket{Name: "b1", AccountID: account, Region: region, ACL: "private"}))
	must(w.s.Buckets().PutConfig(ctx, "b1", "policy", []byte(`{"v":1}`)))
	must(w.s.AccessPoints().Create(ctx, &meta.AccessPoint{AccountID: account, Region: region, Name: "ap1", Bucket: "b1",
		Alias: "ap1-abc-ossalias", NetworkOrigin: "internet", Policy: []byte(`{"ap":1}`)}, admit))
	must(w.s.ObjectFCAccessPoints().Create(ctx, &meta.ObjectFCAccessPoint{AccountID: account, Region: region, Name: "fc1",
		Alias: "fc1-abc-opapalias", AccessPoint: "ap1", Bucket: "b1", Policy: []byte(`{"fc":1}`),
		Config: &meta.ObjectProcessConfig{AllowedFeatures: []string{"GetObject-Range"},
			Transformations: []meta.Transformation{{Actions: []string{"GetObject"}, FunctionArn: "arn:one"}}}}, admit))
	must(w.s.Functions().Create(ctx, &meta.Function{AccountID: account, Name: "fn1",
		Config: meta.FunctionConfig{Runtime: "custom", TimeoutSeconds: 10, Args: []string{"a"}, Environment: map[string]string{"K": "1"}}}))
	_, err := w.s.Functions().PublishVersion(ctx, account, "fn1", "first", time.Now())
	must(err)
	must(w.s.Functions().PutAlias(ctx, &meta.FunctionAlias{AccountID: account, FunctionName: "fn1", Name: "prod", VersionID: "1"}, true))
	return w
}

// Every write through the cached store is seen by the next read of the
// record it changed, also when that read was cached before the write.
func TestWriteSeenByNextRead(t *testing.T) {
	type check func(t *testing.T, s meta.Store) string // returns the value under test
	tests := []struct {
		name  string
		read  check
		write func(s meta.Store) error
		want  string
	}{
		{
			name: "bucket ACL",
			read: func(t *testing.T, s meta.Store) string {
				b, err := s.Buckets().Get(ctx, "b1")
				return result(t, err, func() string { return b.ACL })
			},
			write: func(s meta.Store) error {
				return s.Buckets().Update(ctx, "b1", func(b *meta.Bucket) error { b.ACL = "public-read"; return nil })
			},
			want: "public-read",
		},
		{
			name: "bucket deleted",
			read: func(t *testing.T, s meta.Store) string {
				b, err := s.Buckets().Get(ctx, "b9")
				return result(t, err, func() string { return b.Name })
			},
			write: func(s meta.Store) error { return s.Buckets().Create(ctx, &meta.Bucket{Name: "b9", AccountID: account}) },
			want:  "b9",
		},
		{
			name: "bucket policy put",
			read: func(t *testing.T, s meta.Store) string {
				doc, err := s.Buckets().GetConfig(ctx, "b1", "policy")
				return result(t, err, func() string { return string(doc) })
			},
			write: func(s meta.Store) error { return s.Buckets().PutConfig(ctx, "b1", "policy", []byte(`{"v":2}`)) },
			want:  `{"v":2}`,
		},
		{
			name: "bucket policy deleted",
			read: func(t *testing.T, s meta.Store) string {
				doc, err := s.Buckets().GetConfig(ctx, "b1", "policy")
				return result(t, err, func() string { return string(doc) })
			},
			write: func(s meta.Store) error { return s.Buckets().DeleteConfig(ctx, "b1", "policy") },
			want:  "not found",
		},
		{
			name: "access point policy by alias",
			read: func(t *testing.T, s meta.Store) string {
				ap, err := s.AccessPoints().GetByAlias(ctx, "ap1-abc-ossalias")
				return result(t, err, func() string { return string(ap.Policy) })
			},
			write: func(s meta.Store) error {
				return s.AccessPoints().Update(ctx, account, region, "ap1", func(ap *meta.AccessPoint) error {
					ap.Policy = []byte(`{"ap":2}`)
					return nil
				})
			},
			want: `{"ap":2}`,
		},
		{
			name: "access point Block Public Access by name",
			read: func(t *testing.T, s meta.Store) string {
				ap, err := s.AccessPoints().Get(ctx, account, region, "ap1")
				return result(t, err, func() string { return boolText(ap.BlockPublicAccess) })
			},
			write: func(s meta.Store) error {
				return s.AccessPoints().Update(ctx, account, region, "ap1", func(ap *meta.AccessPoint) error {
					ap.BlockPublicAccess = true
					return nil
				})
			},
			want: "true",
		},
		{
			name: "Object FC Access Point function by alias",
			read: func(t *testing.T, s meta.Store) string {
				ap, err := s.ObjectFCAccessPoints().GetByAlias(ctx, "fc1-abc-opapalias")
				return result(t, err, func() string { return ap.Config.Transformations[0].FunctionArn })
			},
			write: func(s meta.Store) error {
				return s.ObjectFCAccessPoints().Update(ctx, account, region, "fc1", func(ap *meta.ObjectFCAccessPoint) error {
					ap.Config = &meta.ObjectProcessConfig{Transformations: []meta.Transformation{{Actions: []string{"GetObject"}, FunctionArn: "arn:two"}}}
					return nil
				})
			},
			want: "arn:two",
		},
		{
			name: "Object FC Access Point deleted",
			read: func(t *testing.T, s meta.Store) string {
				ap, err := s.ObjectFCAccessPoints().Get(ctx, account, region, "fc1")
				return result(t, err, func() string { return ap.Name })
			},
			write: func(s meta.Store) error { return s.ObjectFCAccessPoints().Delete(ctx, account, region, "fc1") },
			want:  "not found",
		},
		{
			name: "function timeout",
			read: func(t *testing.T, s meta.Store) string {
				f, err := s.Functions().Get(ctx, account, "fn1")
				return result(t, err, func() string { return time.Duration(f.Config.TimeoutSeconds * int(time.Second)).String() })
			},
			write: func(s meta.Store) error {
				return s.Functions().Update(ctx, account, "fn1", func(f *meta.Function) error { f.Config.TimeoutSeconds = 30; return nil })
			},
			want: "30s",
		},
		{
			name: "function alias moved",
			read: func(t *testing.T, s meta.Store) string {
				a, err := s.Functions().GetAlias(ctx, account, "fn1", "prod")
				return result(t, err, func() string { return a.VersionID })
			},
			write: func(s meta.Store) error {
				if _, err := s.Functions().PublishVersion(ctx, account, "fn1", "second", time.Now()); err != nil {
					return err
				}
				return s.Functions().PutAlias(ctx, &meta.FunctionAlias{AccountID: account, FunctionName: "fn1", Name: "prod", VersionID: "2"}, false)
			},
			want: "2",
		},
		{
			name: "function version deleted",
			read: func(t *testing.T, s meta.Store) string {
				v, err := s.Functions().GetVersion(ctx, account, "fn1", "1")
				return result(t, err, func() string { return v.VersionID })
			},
			write: func(s meta.Store) error {
				if err := s.Functions().DeleteAlias(ctx, account, "fn1", "prod"); err != nil {
					return err
				}
				return s.Functions().DeleteVersion(ctx, account, "fn1", "1")
			},
			want: "not found",
		},
		{
			name: "function deleted",
			read: func(t *testing.T, s meta.Store) string {
				f, err := s.Functions().Get(ctx, account, "fn1")
				return result(t, err, func() string { return f.Name })
			},
			write: func(s meta.Store) error { return s.Functions().Delete(ctx, account, "fn1") },
			want:  "not found",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			before := tc.read(t, w.s)
			if again := tc.read(t, w.s); again != before {
				t.Fatalf("second read before the write = %q, first = %q", again, before)
			}
			if before == tc.want {
				t.Fatalf("the record already has the value %q the write sets", tc.want)
			}
			if err := tc.write(w.s); err != nil {
				t.Fatalf("write: %v", err)
			}
			if got := tc.read(t, w.s); got != tc.want {
				t.Errorf("read after the write = %q, want %q", got, tc.want)
			}
			if got := tc.read(t, w.inner); got != tc.want {
				t.Errorf("read of the wrapped store after the write = %q, want %q", got, tc.want)
			}
		})
	}
}

// result returns "not found" for meta.ErrNotFound and value() otherwise.
func result(t *testing.T, err error, value func() string) string {
	t.Helper()
	if errors.Is(err, meta.ErrNotFound) {
		return "not found"
	}
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return value()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Records handed out are copies: changing one changes neither the cache
// nor what the next caller gets.
func TestRecordsAreCopies(t *testing.T) {
	w := newWorld(t)
	reads := []struct {
		name string
		read func() (any, error)
	}{
		{"bucket", func() (any, error) { return w.s.Buckets().Get(ctx, "b1") }},
		{"bucket config", func() (any, error) { return w.s.Buckets().GetConfig(ctx, "b1", "policy") }},
		{"access point", func() (any, error) { return w.s.AccessPoints().Get(ctx, account, region, "ap1") }},
		{"access point by alias", func() (any, error) { return w.s.AccessPoints().GetByAlias(ctx, "ap1-abc-ossalias") }},
		{"Object FC Access Point", func() (any, error) { return w.s.ObjectFCAccessPoints().Get(ctx, account, region, "fc1") }},
		{"Object FC Access Point by alias", func() (any, error) { return w.s.ObjectFCAccessPoints().GetByAlias(ctx, "fc1-abc-opapalias") }},
		{"function", func() (any, error) { return w.s.Functions().Get(ctx, account, "fn1") }},
		{"function version", func() (any, error) { return w.s.Functions().GetVersion(ctx, account, "fn1", "1") }},
		{"function alias", func() (any, error) { return w.s.Functions().GetAlias(ctx, account, "fn1", "prod") }},
	}
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			first, err := r.read()
			if err != nil {
				t.Fatal(err)
			}
			second, err := r.read()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Fatalf("two reads differ:\n%#v\n%#v", first, second)
			}
			if shared := sharedMemory(reflect.ValueOf(first), reflect.ValueOf(second), r.name); shared != "" {
				t.Errorf("two reads share %s", shared)
			}
		})
	}
}

// sharedMemory returns the path of the first pointer, slice or map that a
// and b (values of the same type) share, or "".
func sharedMemory(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return ""
		}
		if a.Pointer() == b.Pointer() {
			return path
		}
		return sharedMemory(a.Elem(), b.Elem(), path)
	case reflect.Slice:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range min(a.Len(), b.Len()) {
			if s := sharedMemory(a.Index(i), b.Index(i), path+"[i]"); s != "" {
				return s
			}
		}
	case reflect.Map:
		if !a.IsNil() && !b.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
	case reflect.Struct:
		for i := range a.NumField() {
			if s := sharedMemory(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); s != "" {
				return s
			}
		}
	}
	return ""
}

// blockingBuckets is a bucket store whose Get waits for release, so that a
// write can happen while a read is loading.
type blockingBuckets struct {
	meta.BucketStore
	loading chan struct{}
	release chan struct{}
	gets    int
}

func (b *blockingBuckets) Get(ctx context.Context, name string) (*meta.Bucket, error) {
	b.gets++
	bucket, err := b.BucketStore.Get(ctx, name)
	if b.loading != nil {
		b.loading <- struct{}{}
		<-b.release
	}
	return bucket, err
}

type blockingStore struct {
	meta.Store
	buckets *blockingBuckets
}

func (s *blockingStore) Buckets() meta.BucketStore { return s.buckets }

// A read that loaded the record before a write, and finishes after it,
// must not leave the old record in the cache.
func TestReadRacingWriteCachesNothingStale(t *testing.T) {
	inner := openSQLite(t)
	t.Cleanup(func() { inner.Close() })
	blocking := &blockingStore{Store: inner, buckets: &blockingBuckets{BucketStore: inner.Buckets(),
		loading: make(chan struct{}), release: make(chan struct{})}}
	s := metacache.New(blocking)
	if err := s.Buckets().Create(ctx, &meta.Bucket{Name: "b1", AccountID: account, ACL: "private"}); err != nil {
		t.Fatal(err)
	}

	// The read loads the private bucket and waits, and the write makes it
	// public. Then the read would store what it loaded, unless it detects
	// that a write happened since it started.
	var wg sync.WaitGroup
	var stale *meta.Bucket
	wg.Go(func() { stale, _ = s.Buckets().Get(ctx, "b1") })
	<-blocking.buckets.loading
	if err := s.Buckets().Update(ctx, "b1", func(b *meta.Bucket) error { b.ACL = "public-read"; return nil }); err != nil {
		t.Fatal(err)
	}
	close(blocking.buckets.release)
	wg.Wait()
	if stale == nil || stale.ACL != "private" {
		t.Fatalf("the racing read returned %+v, want the private bucket it loaded", stale)
	}

	blocking.buckets.loading = nil
	b, err := s.Buckets().Get(ctx, "b1")
	if err != nil {
		t.Fatal(err)
	}
	if b.ACL != "public-read" {
		t.Errorf("ACL after the write = %q, want public-read", b.ACL)
	}
}

// Concurrent reads and writes of one record: once a write returns, no
// read that starts afterwards returns an older value.
func TestConcurrentReadsSeeEachWrite(t *testing.T) {
	w := newWorld(t)
	const writes = 50
	var (
		mu      sync.Mutex
		written int // timeout of the last write that returned
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				floor := written
				mu.Unlock()
				f, err := w.s.Functions().Get(ctx, account, "fn1")
				if err != nil {
					t.Error(err)
					return
				}
				if f.Config.TimeoutSeconds < floor {
					t.Errorf("read timeout %d after the write of %d returned", f.Config.TimeoutSeconds, floor)
					return
				}
			}
		})
	}
	for i := 11; i < 11+writes; i++ {
		err := w.s.Functions().Update(ctx, account, "fn1", func(f *meta.Function) error { f.Config.TimeoutSeconds = i; return nil })
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		written = i
		mu.Unlock()
	}
	close(stop)
	wg.Wait()
}
