package store

import (
	"context"
	"errors"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// bucketPolicyConfig is the bucket configuration document holding the bucket
// policy, stored byte for byte as the client sent it.
const bucketPolicyConfig = "policy"

// BucketPolicy returns the bucket policy document exactly as it was put, or
// nil when the bucket has none.
func (s *Store) BucketPolicy(ctx context.Context, bucket string) ([]byte, error) {
	doc, err := s.meta.Buckets().GetConfig(ctx, bucket, bucketPolicyConfig)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return doc, nil
}

// PutBucketPolicy stores doc, already validated, as the bucket policy.
func (s *Store) PutBucketPolicy(ctx context.Context, bucket string, doc []byte) error {
	if err := s.meta.Buckets().PutConfig(ctx, bucket, bucketPolicyConfig, doc); err != nil {
		return bucketErr(err, bucket)
	}
	return nil
}

// DeleteBucketPolicy removes the bucket policy; removing none is no error.
func (s *Store) DeleteBucketPolicy(ctx context.Context, bucket string) error {
	if err := s.meta.Buckets().DeleteConfig(ctx, bucket, bucketPolicyConfig); err != nil {
		return osserr.Internal(err)
	}
	return nil
}
