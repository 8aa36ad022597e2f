// Package store implements buckets and objects on top of the metadata store
// (package meta) and the blob store (package blob): name rules, streaming
// uploads with MD5, CRC-64 and length checks, ranged reads across segments,
// listings with delimiters, copy and append, and the orphan sweep.
//
// Store is the one concrete type in front of the meta and blob drivers; it
// validates names and ranges once so that drivers stay small. Its errors are
// *osserr.Error values with the OSS code a client expects.
//
// store imports meta, blob and osserr; the HTTP front end (ossapi) and the
// features built on objects import store.
package store
