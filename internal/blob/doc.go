// Package blob stores object data as immutable blobs named by random ids.
// Metadata (package meta) records which blobs make up an object, so a blob is
// written completely and durably before any record names it, and is deleted
// only after no record names it any more.
//
// Local is the filesystem implementation. An S3-compatible implementation is
// meant to follow; every implementation runs the conformance suite in
// blobtest.
//
// blob imports only the standard library.
package blob
