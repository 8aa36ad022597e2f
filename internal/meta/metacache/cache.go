package metacache

import (
	"errors"
	"sync"

	"github.com/ossfc/ossfc/internal/meta"
)

// maxEntries bounds the cache; it is emptied when full. Not-found results
// are cached too, so lookups of names that do not exist cannot grow it
// without bound.
const maxEntries = 16384

// cache maps the arguments of a read to its result. Every write empties it
// and increments generation. A read that started before a write does not
// store what it loaded, because the load may predate the write.
type cache struct {
	mu         sync.Mutex
	generation uint64
	entries    map[key]entry
}

// key identifies one read: the method and its arguments.
type key struct {
	method  string
	a, b, c string
}

type entry struct {
	value any
	err   error
}

func newCache() *cache { return &cache{entries: make(map[key]entry)} }

// read returns a copy of the cached result of k, or loads, caches and
// returns it. Results with meta.ErrNotFound are cached; other errors are
// not. clone copies a record so that callers may change what they get.
func read[T any](c *cache, k key, load func() (T, error), clone func(T) T) (T, error) {
	c.mu.Lock()
	e, ok := c.entries[k]
	generation := c.generation
	c.mu.Unlock()
	if ok {
		if e.err != nil {
			var zero T
			return zero, e.err
		}
		return clone(e.value.(T)), nil
	}

	v, err := load()
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		return v, err
	}
	c.mu.Lock()
	if c.generation == generation {
		if len(c.entries) >= maxEntries {
			c.entries = make(map[key]entry)
		}
		if err != nil {
			c.entries[k] = entry{err: err}
		} else {
			c.entries[k] = entry{value: clone(v)}
		}
	}
	c.mu.Unlock()
	return v, err
}

// written empties the cache after a write, whether or not it succeeded,
// and returns the write's error.
func (c *cache) written(err error) error {
	c.mu.Lock()
	c.generation++
	c.entries = make(map[key]entry)
	c.mu.Unlock()
	return err
}
