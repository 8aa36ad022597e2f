// Package metacache keeps in memory the metadata records that every request
// reads and that rarely change: buckets and their configuration documents,
// access points, Object FC Access Points and functions. New wraps a
// meta.Store, and every write through the wrapper empties the cache, so a
// change is seen by the next read.
//
// The cache suits one server over its own store. It misses writes that
// reach the store another way, for example from a second node sharing a
// PostgreSQL database. Such a deployment uses the store without this
// wrapper, or a cache with shared invalidation in its place.
//
// metacache imports only meta; the server imports it to wire the stores.
package metacache
