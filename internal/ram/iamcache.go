package ram

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// iamCacheTTL bounds how long a cached record is used. Every write through
// the Service empties the cache at once, so within one server a change
// takes effect on the next request.
//
// NOTE: a second node that shares the database sees another node's changes
// (a deleted role, a disabled key) only after this long.
const iamCacheTTL = 2 * time.Second

// iamCache is a read-through cache in front of the IAM store for the reads
// behind every authenticated request: accounts, access keys, users, roles,
// policies and attachments. Any write empties it. Results are shared, so
// callers must not change the records they get.
type iamCache struct {
	meta.IAMStore
	now func() time.Time

	mu      sync.Mutex
	entries map[iamKey]iamEntry
}

type iamKey struct {
	kind string
	a, b string
	c    string
}

type iamEntry struct {
	value   any
	err     error
	expires time.Time
}

func newIAMCache(store meta.IAMStore, now func() time.Time) *iamCache {
	return &iamCache{IAMStore: store, now: now, entries: map[iamKey]iamEntry{}}
}

// get returns the cached result of key or loads and caches it. Not-found
// results are cached too; other errors are not.
func get[T any](c *iamCache, key iamKey, load func() (T, error)) (T, error) {
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		v, _ := e.value.(T)
		return v, e.err
	}

	v, err := load()
	if err != nil && !isNotFound(err) {
		return v, err
	}
	c.mu.Lock()
	c.entries[key] = iamEntry{value: v, err: err, expires: now.Add(iamCacheTTL)}
	c.mu.Unlock()
	return v, err
}

func isNotFound(err error) bool { return errors.Is(err, meta.ErrNotFound) }

// invalidate empties the cache; every write calls it after the store has
// applied the change.
func (c *iamCache) invalidate() {
	c.mu.Lock()
	c.entries = map[iamKey]iamEntry{}
	c.mu.Unlock()
}

// written invalidates the cache after a write and returns its error.
func (c *iamCache) written(err error) error {
	c.invalidate()
	return err
}

func (c *iamCache) GetAccount(ctx context.Context, id string) (*meta.Account, error) {
	return get(c, iamKey{kind: "account", a: id}, func() (*meta.Account, error) { return c.IAMStore.GetAccount(ctx, id) })
}

func (c *iamCache) GetAccessKey(ctx context.Context, id string) (*meta.AccessKey, error) {
	return get(c, iamKey{kind: "key", a: id}, func() (*meta.AccessKey, error) { return c.IAMStore.GetAccessKey(ctx, id) })
}

func (c *iamCache) GetUserByID(ctx context.Context, accountID, id string) (*meta.User, error) {
	return get(c, iamKey{kind: "user-id", a: accountID, b: id}, func() (*meta.User, error) {
		return c.IAMStore.GetUserByID(ctx, accountID, id)
	})
}

func (c *iamCache) GetRole(ctx context.Context, accountID, name string) (*meta.Role, error) {
	return get(c, iamKey{kind: "role", a: accountID, b: lowerASCII(name)}, func() (*meta.Role, error) {
		return c.IAMStore.GetRole(ctx, accountID, name)
	})
}

func (c *iamCache) GetPolicy(ctx context.Context, accountID, name string) (*meta.Policy, error) {
	return get(c, iamKey{kind: "policy", a: accountID, b: name}, func() (*meta.Policy, error) {
		return c.IAMStore.GetPolicy(ctx, accountID, name)
	})
}

func (c *iamCache) ListAttachments(ctx context.Context, accountID, principalType, principalID string) ([]*meta.Attachment, error) {
	return get(c, iamKey{kind: "attachments", a: accountID, b: principalType, c: principalID}, func() ([]*meta.Attachment, error) {
		return c.IAMStore.ListAttachments(ctx, accountID, principalType, principalID)
	})
}

// The writes: each passes through and empties the cache.

func (c *iamCache) CreateAccount(ctx context.Context, a *meta.Account) error {
	return c.written(c.IAMStore.CreateAccount(ctx, a))
}

func (c *iamCache) UpdateAccount(ctx context.Context, id string, fn func(*meta.Account) error) error {
	return c.written(c.IAMStore.UpdateAccount(ctx, id, fn))
}

func (c *iamCache) CreateUser(ctx context.Context, u *meta.User) error {
	return c.written(c.IAMStore.CreateUser(ctx, u))
}

func (c *iamCache) DeleteUser(ctx context.Context, accountID, name string) error {
	return c.written(c.IAMStore.DeleteUser(ctx, accountID, name))
}

func (c *iamCache) CreateAccessKey(ctx context.Context, k *meta.AccessKey, check func([]*meta.AccessKey) error) error {
	return c.written(c.IAMStore.CreateAccessKey(ctx, k, check))
}

func (c *iamCache) UpdateAccessKey(ctx context.Context, id string, fn func(*meta.AccessKey) error) error {
	return c.written(c.IAMStore.UpdateAccessKey(ctx, id, fn))
}

func (c *iamCache) DeleteAccessKey(ctx context.Context, id string) error {
	return c.written(c.IAMStore.DeleteAccessKey(ctx, id))
}

func (c *iamCache) CreateRole(ctx context.Context, r *meta.Role) error {
	return c.written(c.IAMStore.CreateRole(ctx, r))
}

func (c *iamCache) UpdateRole(ctx context.Context, accountID, name string, fn func(*meta.Role) error) error {
	return c.written(c.IAMStore.UpdateRole(ctx, accountID, name, fn))
}

func (c *iamCache) DeleteRole(ctx context.Context, accountID, name string) error {
	return c.written(c.IAMStore.DeleteRole(ctx, accountID, name))
}

func (c *iamCache) CreatePolicy(ctx context.Context, p *meta.Policy) error {
	return c.written(c.IAMStore.CreatePolicy(ctx, p))
}

func (c *iamCache) UpdatePolicy(ctx context.Context, accountID, name string, fn func(*meta.Policy) error) error {
	return c.written(c.IAMStore.UpdatePolicy(ctx, accountID, name, fn))
}

func (c *iamCache) DeletePolicy(ctx context.Context, accountID, name string) error {
	return c.written(c.IAMStore.DeletePolicy(ctx, accountID, name))
}

func (c *iamCache) Attach(ctx context.Context, a *meta.Attachment) error {
	return c.written(c.IAMStore.Attach(ctx, a))
}

func (c *iamCache) Detach(ctx context.Context, a *meta.Attachment) error {
	return c.written(c.IAMStore.Detach(ctx, a))
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
