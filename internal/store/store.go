package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Store is the object store of one deployment.
type Store struct {
	meta   meta.Store
	blobs  blob.Store
	logger *slog.Logger
	region string
	now    func() time.Time
}

// Options configure New.
type Options struct {
	Region string
	Logger *slog.Logger

	// Now returns the current time; time.Now when nil. Tests pass a fake.
	Now func() time.Time
}

// New returns a Store over the given drivers.
func New(m meta.Store, b blob.Store, opts Options) *Store {
	s := &Store{meta: m, blobs: b, logger: opts.Logger, region: opts.Region, now: opts.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Meta returns the metadata store, for the features that keep their own
// records next to buckets and objects.
func (s *Store) Meta() meta.Store { return s.meta }

// Region returns the region the store serves.
func (s *Store) Region() string { return s.region }

// Sweep deletes every blob that no metadata record references: blobs a crash
// left between their commit and the metadata commit, and blobs of replaced
// versions whose deletion was interrupted. It must run before the store
// serves writes, because a blob being uploaded is not yet referenced.
func (s *Store) Sweep(ctx context.Context) (removed int, err error) {
	referenced := make(map[string]struct{})
	err = s.meta.WalkBlobs(ctx, func(id string) error {
		referenced[id] = struct{}{}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("list referenced blobs: %w", err)
	}

	var orphans []string
	err = s.blobs.Walk(ctx, func(id string) error {
		if _, ok := referenced[id]; !ok {
			orphans = append(orphans, id)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("list blobs: %w", err)
	}
	for _, id := range orphans {
		if err := s.blobs.Delete(ctx, id); err != nil {
			return removed, fmt.Errorf("delete orphan blob %s: %w", id, err)
		}
		removed++
	}
	return removed, nil
}

// deleteBlobs removes the data of versions that no record references any
// more. A failure leaves orphans for the next Sweep, so it is only logged.
func (s *Store) deleteBlobs(ctx context.Context, objs ...*meta.Object) {
	for _, o := range objs {
		for _, seg := range o.Segments {
			if err := s.blobs.Delete(context.WithoutCancel(ctx), seg.BlobID); err != nil {
				s.logger.Warn("delete blob of replaced object failed; the next start-up sweep removes it",
					"bucket", o.Bucket, "key", o.Key, "blob", seg.BlobID, "err", err)
			}
		}
	}
}

// bufferPool holds the copy buffers of uploads and copies.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// noSuchBucket is the error for an unknown bucket name as the client sent it.
func noSuchBucket(name string) error {
	return osserr.New(osserr.NoSuchBucket, "").With("BucketName", name)
}

// metaErr maps a metadata error about bucket to the OSS error, and anything
// unexpected to InternalError.
func bucketErr(err error, bucket string) error {
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchBucket(bucket)
	}
	return osserr.Internal(err)
}
