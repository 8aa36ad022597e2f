// Package meta defines the metadata of an ossfc deployment: the records (buckets,
// objects and, as features land, the rest) and the small store interfaces that
// hold them. Object data lives elsewhere (package blob); a metadata record only
// names the blobs that hold its bytes.
//
// Implementations live in subpackages: sqlite is the embedded default, and a
// PostgreSQL implementation for several nodes is meant to follow. Every
// implementation must pass the conformance suite in metatest.
//
// meta imports only the standard library and may be imported by any package
// that keeps state; the HTTP layers reach it through the domain packages.
package meta
