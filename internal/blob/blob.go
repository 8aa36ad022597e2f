package blob

import (
	"context"
	"errors"
	"io"
)

// ErrNotFound means no blob has the given id.
var ErrNotFound = errors.New("blob: not found")

// Store holds blobs. Implementations are safe for concurrent use.
type Store interface {
	// Create starts a new blob. Data written to the Writer becomes visible
	// under an id only when Commit succeeds.
	Create(ctx context.Context) (Writer, error)

	// Open returns length bytes of the blob starting at offset. The caller
	// must close the reader. It returns ErrNotFound for an unknown id.
	Open(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error)

	// Delete removes the blob; deleting a missing blob is not an error.
	// Readers opened before Delete may still read it to the end.
	Delete(ctx context.Context, id string) error

	// Walk calls fn with the id of every committed blob, in no given order.
	Walk(ctx context.Context, fn func(id string) error) error
}

// Writer receives the data of a new blob. Exactly one of Commit or Abort must
// be called.
type Writer interface {
	io.Writer

	// Commit makes the data durable and returns the blob's id.
	Commit() (id string, err error)

	// Abort discards the data.
	Abort() error
}
