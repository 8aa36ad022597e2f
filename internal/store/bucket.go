package store

import (
	"context"
	"errors"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// CreateBucket creates b after checking its name. The caller fills the owner,
// ACL, storage class and redundancy type; CreatedAt and Region are set here.
func (s *Store) CreateBucket(ctx context.Context, b *meta.Bucket) error {
	if err := CheckNewBucketName(b.Name); err != nil {
		return err
	}
	n, err := s.meta.Buckets().Count(ctx, b.AccountID)
	if err != nil {
		return osserr.Internal(err)
	}
	if n >= MaxBucketsPerUser {
		return osserr.Newf(osserr.TooManyBuckets, "The account already owns %d buckets, the maximum.", n)
	}

	b.CreatedAt = s.now().UTC()
	b.Region = s.region
	err = s.meta.Buckets().Create(ctx, b)
	if errors.Is(err, meta.ErrExists) {
		return osserr.New(osserr.BucketAlreadyExists, "").With("BucketName", b.Name)
	}
	if err != nil {
		return osserr.Internal(err)
	}
	return nil
}

// Bucket returns the bucket named name, or NoSuchBucket.
func (s *Store) Bucket(ctx context.Context, name string) (*meta.Bucket, error) {
	b, err := s.meta.Buckets().Get(ctx, name)
	if err != nil {
		return nil, bucketErr(err, name)
	}
	return b, nil
}

// DeleteBucket removes an empty bucket; BucketNotEmpty while it holds
// objects, versions or uploads, or while access points use it, in which case
// the message names them.
func (s *Store) DeleteBucket(ctx context.Context, name string) error {
	err := s.meta.Buckets().Delete(ctx, name)
	if d := meta.Dependents(err); d != nil {
		return osserr.Newf(osserr.BucketNotEmpty, "The bucket %s still has %s: %s. Delete them first.",
			name, d.Kind, strings.Join(d.Names, ", ")).With("BucketName", name)
	}
	if errors.Is(err, meta.ErrNotEmpty) {
		return osserr.New(osserr.BucketNotEmpty, "").With("BucketName", name)
	}
	if err != nil {
		return bucketErr(err, name)
	}
	return nil
}

// ListBuckets returns the buckets of accountID with names starting with
// prefix, after marker, at most max+1 of them so the caller can tell whether
// the list is truncated.
func (s *Store) ListBuckets(ctx context.Context, accountID, prefix, marker string, max int) ([]*meta.Bucket, error) {
	bs, err := s.meta.Buckets().List(ctx, accountID, prefix, marker, max+1)
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return bs, nil
}

// UpdateBucket applies fn to the bucket inside one metadata transaction.
func (s *Store) UpdateBucket(ctx context.Context, name string, fn func(*meta.Bucket) error) error {
	err := s.meta.Buckets().Update(ctx, name, fn)
	var oe *osserr.Error
	if errors.As(err, &oe) {
		return oe
	}
	if err != nil {
		return bucketErr(err, name)
	}
	return nil
}

// BucketStat returns what a bucket holds: its current objects by storage
// class and its delete markers.
func (s *Store) BucketStat(ctx context.Context, name string) (meta.BucketUsage, error) {
	if _, err := s.Bucket(ctx, name); err != nil {
		return meta.BucketUsage{}, err
	}
	u, err := s.meta.Objects().Stat(ctx, name)
	if err != nil {
		return meta.BucketUsage{}, osserr.Internal(err)
	}
	return u, nil
}
