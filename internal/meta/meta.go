package meta

import (
	"context"
	"errors"
)

// Errors returned by every Store implementation. Callers test them with
// errors.Is; implementations may wrap them with detail.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("meta: not found")

	// ErrExists means a record with the same identity already exists.
	ErrExists = errors.New("meta: already exists")

	// ErrNotEmpty means a record cannot be removed while others depend on it,
	// for example a bucket that still holds objects.
	ErrNotEmpty = errors.New("meta: not empty")
)

// Store is the metadata of one deployment. Implementations are safe for
// concurrent use.
type Store interface {
	Buckets() BucketStore
	Objects() ObjectStore
	IAM() IAMStore
	Functions() FunctionStore
	Uploads() UploadStore
	AccessPoints() AccessPointStore
	ObjectFCAccessPoints() ObjectFCAccessPointStore

	// WalkBlobs calls fn with the id of every blob that any record references.
	// The orphan sweep at start-up uses it to find blobs that no record names.
	WalkBlobs(ctx context.Context, fn func(blobID string) error) error

	// Close releases the store; no method may be called afterwards.
	Close() error
}
