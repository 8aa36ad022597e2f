package metacache

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// Store is a meta.Store whose buckets, access points, Object FC Access
// Points and functions are read through the cache. Objects, uploads and
// IAM records pass through unchanged.
type Store struct {
	meta.Store

	buckets      *buckets
	accessPoints *accessPoints
	objectFC     *objectFCAccessPoints
	functions    *functions
}

// New returns store with a cache in front of the reads that every request
// makes. Every write must go through the returned Store, or the cache will
// serve records that the write replaced.
func New(store meta.Store) *Store {
	c := newCache()
	return &Store{
		Store:        store,
		buckets:      &buckets{store.Buckets(), c},
		accessPoints: &accessPoints{store.AccessPoints(), c},
		objectFC:     &objectFCAccessPoints{store.ObjectFCAccessPoints(), c},
		functions:    &functions{store.Functions(), c},
	}
}

// Buckets implements meta.Store.
func (s *Store) Buckets() meta.BucketStore { return s.buckets }

// AccessPoints implements meta.Store.
func (s *Store) AccessPoints() meta.AccessPointStore { return s.accessPoints }

// ObjectFCAccessPoints implements meta.Store.
func (s *Store) ObjectFCAccessPoints() meta.ObjectFCAccessPointStore { return s.objectFC }

// Functions implements meta.Store.
func (s *Store) Functions() meta.FunctionStore { return s.functions }

// The wrappers below implement every method of their interface instead of
// embedding it, so that a write method added to an interface cannot pass
// through without emptying the cache: the build fails until it is added
// here.

type buckets struct {
	store meta.BucketStore
	cache *cache
}

func (b *buckets) Get(ctx context.Context, name string) (*meta.Bucket, error) {
	return read(b.cache, key{method: "bucket", a: name}, func() (*meta.Bucket, error) {
		return b.store.Get(ctx, name)
	}, cloneBucket)
}

func (b *buckets) GetConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	return read(b.cache, key{method: "bucket-config", a: bucket, b: name}, func() ([]byte, error) {
		return b.store.GetConfig(ctx, bucket, name)
	}, cloneBytes)
}

func (b *buckets) List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*meta.Bucket, error) {
	return b.store.List(ctx, accountID, prefix, marker, limit)
}

func (b *buckets) Count(ctx context.Context, accountID string) (int, error) {
	return b.store.Count(ctx, accountID)
}

func (b *buckets) Create(ctx context.Context, bucket *meta.Bucket) error {
	return b.cache.written(b.store.Create(ctx, bucket))
}

func (b *buckets) Update(ctx context.Context, name string, fn func(*meta.Bucket) error) error {
	return b.cache.written(b.store.Update(ctx, name, fn))
}

func (b *buckets) Delete(ctx context.Context, name string) error {
	return b.cache.written(b.store.Delete(ctx, name))
}

func (b *buckets) PutConfig(ctx context.Context, bucket, name string, value []byte) error {
	return b.cache.written(b.store.PutConfig(ctx, bucket, name, value))
}

func (b *buckets) DeleteConfig(ctx context.Context, bucket, name string) error {
	return b.cache.written(b.store.DeleteConfig(ctx, bucket, name))
}

type accessPoints struct {
	store meta.AccessPointStore
	cache *cache
}

func (a *accessPoints) Get(ctx context.Context, accountID, region, name string) (*meta.AccessPoint, error) {
	return read(a.cache, key{method: "access-point", a: accountID, b: region, c: name}, func() (*meta.AccessPoint, error) {
		return a.store.Get(ctx, accountID, region, name)
	}, cloneAccessPoint)
}

func (a *accessPoints) GetByAlias(ctx context.Context, alias string) (*meta.AccessPoint, error) {
	return read(a.cache, key{method: "access-point-alias", a: alias}, func() (*meta.AccessPoint, error) {
		return a.store.GetByAlias(ctx, alias)
	}, cloneAccessPoint)
}

func (a *accessPoints) List(ctx context.Context, accountID, region, bucket, after string, limit int) ([]*meta.AccessPoint, error) {
	return a.store.List(ctx, accountID, region, bucket, after, limit)
}

func (a *accessPoints) Create(ctx context.Context, ap *meta.AccessPoint, admit func(inAccount, inBucket int) error) error {
	return a.cache.written(a.store.Create(ctx, ap, admit))
}

func (a *accessPoints) Update(ctx context.Context, accountID, region, name string, fn func(*meta.AccessPoint) error) error {
	return a.cache.written(a.store.Update(ctx, accountID, region, name, fn))
}

func (a *accessPoints) Delete(ctx context.Context, accountID, region, name string) error {
	return a.cache.written(a.store.Delete(ctx, accountID, region, name))
}

type objectFCAccessPoints struct {
	store meta.ObjectFCAccessPointStore
	cache *cache
}

func (o *objectFCAccessPoints) Get(ctx context.Context, accountID, region, name string) (*meta.ObjectFCAccessPoint, error) {
	return read(o.cache, key{method: "object-fc-access-point", a: accountID, b: region, c: name}, func() (*meta.ObjectFCAccessPoint, error) {
		return o.store.Get(ctx, accountID, region, name)
	}, cloneObjectFCAccessPoint)
}

func (o *objectFCAccessPoints) GetByAlias(ctx context.Context, alias string) (*meta.ObjectFCAccessPoint, error) {
	return read(o.cache, key{method: "object-fc-access-point-alias", a: alias}, func() (*meta.ObjectFCAccessPoint, error) {
		return o.store.GetByAlias(ctx, alias)
	}, cloneObjectFCAccessPoint)
}

func (o *objectFCAccessPoints) List(ctx context.Context, accountID, region, after string, limit int) ([]*meta.ObjectFCAccessPoint, error) {
	return o.store.List(ctx, accountID, region, after, limit)
}

func (o *objectFCAccessPoints) Create(ctx context.Context, ap *meta.ObjectFCAccessPoint, admit func(inAccount, inBucket int) error) error {
	return o.cache.written(o.store.Create(ctx, ap, admit))
}

func (o *objectFCAccessPoints) Update(ctx context.Context, accountID, region, name string, fn func(*meta.ObjectFCAccessPoint) error) error {
	return o.cache.written(o.store.Update(ctx, accountID, region, name, fn))
}

func (o *objectFCAccessPoints) Delete(ctx context.Context, accountID, region, name string) error {
	return o.cache.written(o.store.Delete(ctx, accountID, region, name))
}

type functions struct {
	store meta.FunctionStore
	cache *cache
}

func (f *functions) Get(ctx context.Context, accountID, name string) (*meta.Function, error) {
	return read(f.cache, key{method: "function", a: accountID, b: name}, func() (*meta.Function, error) {
		return f.store.Get(ctx, accountID, name)
	}, cloneFunction)
}

func (f *functions) GetVersion(ctx context.Context, accountID, name, versionID string) (*meta.FunctionVersion, error) {
	return read(f.cache, key{method: "function-version", a: accountID, b: name, c: versionID}, func() (*meta.FunctionVersion, error) {
		return f.store.GetVersion(ctx, accountID, name, versionID)
	}, cloneFunctionVersion)
}

func (f *functions) GetAlias(ctx context.Context, accountID, name, alias string) (*meta.FunctionAlias, error) {
	return read(f.cache, key{method: "function-alias", a: accountID, b: name, c: alias}, func() (*meta.FunctionAlias, error) {
		return f.store.GetAlias(ctx, accountID, name, alias)
	}, cloneFunctionAlias)
}

func (f *functions) List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*meta.Function, error) {
	return f.store.List(ctx, accountID, prefix, marker, limit)
}

func (f *functions) ListVersions(ctx context.Context, accountID, name string) ([]*meta.FunctionVersion, error) {
	return f.store.ListVersions(ctx, accountID, name)
}

func (f *functions) ListAliases(ctx context.Context, accountID, name string) ([]*meta.FunctionAlias, error) {
	return f.store.ListAliases(ctx, accountID, name)
}

func (f *functions) CodeInUse(ctx context.Context, codeID string) (bool, error) {
	return f.store.CodeInUse(ctx, codeID)
}

func (f *functions) Create(ctx context.Context, fn *meta.Function) error {
	return f.cache.written(f.store.Create(ctx, fn))
}

func (f *functions) Update(ctx context.Context, accountID, name string, fn func(*meta.Function) error) error {
	return f.cache.written(f.store.Update(ctx, accountID, name, fn))
}

func (f *functions) Delete(ctx context.Context, accountID, name string) error {
	return f.cache.written(f.store.Delete(ctx, accountID, name))
}

func (f *functions) PublishVersion(ctx context.Context, accountID, name, description string, now time.Time) (*meta.FunctionVersion, error) {
	v, err := f.store.PublishVersion(ctx, accountID, name, description, now)
	return v, f.cache.written(err)
}

func (f *functions) DeleteVersion(ctx context.Context, accountID, name, versionID string) error {
	return f.cache.written(f.store.DeleteVersion(ctx, accountID, name, versionID))
}

func (f *functions) PutAlias(ctx context.Context, a *meta.FunctionAlias, create bool) error {
	return f.cache.written(f.store.PutAlias(ctx, a, create))
}

func (f *functions) DeleteAlias(ctx context.Context, accountID, name, alias string) error {
	return f.cache.written(f.store.DeleteAlias(ctx, accountID, name, alias))
}

// Copies. The cache keeps its own copy of every record and hands out
// copies, so a caller that changes a record changes neither the cache nor
// another caller's record.

func cloneBytes(b []byte) []byte { return slices.Clone(b) }

func cloneBucket(b *meta.Bucket) *meta.Bucket {
	c := *b
	return &c
}

func cloneAccessPoint(ap *meta.AccessPoint) *meta.AccessPoint {
	c := *ap
	c.Policy = slices.Clone(ap.Policy)
	return &c
}

func cloneObjectFCAccessPoint(ap *meta.ObjectFCAccessPoint) *meta.ObjectFCAccessPoint {
	c := *ap
	c.Policy = slices.Clone(ap.Policy)
	if ap.Config != nil {
		cfg := meta.ObjectProcessConfig{AllowedFeatures: slices.Clone(ap.Config.AllowedFeatures)}
		if ap.Config.Transformations != nil {
			cfg.Transformations = make([]meta.Transformation, len(ap.Config.Transformations))
			for i, t := range ap.Config.Transformations {
				t.Actions = slices.Clone(t.Actions)
				t.CustomForwardHeaders = slices.Clone(t.CustomForwardHeaders)
				cfg.Transformations[i] = t
			}
		}
		c.Config = &cfg
	}
	return &c
}

func cloneFunctionConfig(c meta.FunctionConfig) meta.FunctionConfig {
	c.Command = slices.Clone(c.Command)
	c.Args = slices.Clone(c.Args)
	c.Environment = maps.Clone(c.Environment)
	return c
}

func cloneFunction(f *meta.Function) *meta.Function {
	c := *f
	c.Config = cloneFunctionConfig(f.Config)
	return &c
}

func cloneFunctionVersion(v *meta.FunctionVersion) *meta.FunctionVersion {
	c := *v
	c.Config = cloneFunctionConfig(v.Config)
	return &c
}

func cloneFunctionAlias(a *meta.FunctionAlias) *meta.FunctionAlias {
	c := *a
	return &c
}
