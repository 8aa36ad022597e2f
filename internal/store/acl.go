package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// publicAccessBlockConfig is the bucket configuration document holding the
// bucket's Block Public Access setting.
const publicAccessBlockConfig = "publicAccessBlock"

type publicAccessBlockDoc struct {
	BlockPublicAccess bool `json:"blockPublicAccess"`
}

// BucketPublicAccessBlock reports whether Block Public Access is enabled on
// bucket; a bucket that never configured it does not block. Authorizers
// call it to ignore public ACLs and policies of a blocking bucket.
func (s *Store) BucketPublicAccessBlock(ctx context.Context, bucket string) (bool, error) {
	doc, err := s.meta.Buckets().GetConfig(ctx, bucket, publicAccessBlockConfig)
	if errors.Is(err, meta.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, osserr.Internal(err)
	}
	var d publicAccessBlockDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return false, osserr.Internal(fmt.Errorf("public access block of bucket %s: %w", bucket, err))
	}
	return d.BlockPublicAccess, nil
}

// PutBucketPublicAccessBlock enables or disables Block Public Access.
func (s *Store) PutBucketPublicAccessBlock(ctx context.Context, bucket string, block bool) error {
	doc, _ := json.Marshal(publicAccessBlockDoc{BlockPublicAccess: block})
	if err := s.meta.Buckets().PutConfig(ctx, bucket, publicAccessBlockConfig, doc); err != nil {
		return bucketErr(err, bucket)
	}
	return nil
}

// DeleteBucketPublicAccessBlock removes the setting, which stops blocking.
func (s *Store) DeleteBucketPublicAccessBlock(ctx context.Context, bucket string) error {
	if err := s.meta.Buckets().DeleteConfig(ctx, bucket, publicAccessBlockConfig); err != nil {
		return osserr.Internal(err)
	}
	return nil
}

// IsPublicACL reports whether an ACL grants access to everyone.
func IsPublicACL(acl string) bool {
	return acl == "public-read" || acl == "public-read-write"
}

// checkPublicACL rejects a public ACL on a bucket that blocks public access.
func (s *Store) checkPublicACL(ctx context.Context, bucket, acl string) error {
	if !IsPublicACL(acl) {
		return nil
	}
	blocked, err := s.BucketPublicAccessBlock(ctx, bucket)
	if err != nil {
		return err
	}
	if blocked {
		return osserr.Newf(osserr.AccessDenied,
			"The ACL %s is public, and bucket %s blocks public access; disable Block Public Access first.", acl, bucket)
	}
	return nil
}

// PutBucketACL sets the ACL of bucket.
func (s *Store) PutBucketACL(ctx context.Context, bucket, acl string) error {
	if err := s.checkPublicACL(ctx, bucket, acl); err != nil {
		return err
	}
	return s.UpdateBucket(ctx, bucket, func(b *meta.Bucket) error {
		b.ACL = acl
		return nil
	})
}

// PutObjectACL sets the ACL of a version of key (the current one when
// versionID is "").
func (s *Store) PutObjectACL(ctx context.Context, bucket, key, versionID, acl string) (*meta.Object, error) {
	if err := s.checkPublicACL(ctx, bucket, acl); err != nil {
		return nil, err
	}
	return s.updateObject(ctx, bucket, key, versionID, func(o *meta.Object) error {
		o.ACL = acl
		return nil
	})
}

// ObjectACL returns the ACL of a version of key (the current one when
// versionID is ""): default, private, public-read or public-read-write.
// Authorizers call it to apply object ACLs.
func (s *Store) ObjectACL(ctx context.Context, bucket, key, versionID string) (string, error) {
	o, err := s.HeadObject(ctx, bucket, key, versionID)
	if err != nil {
		return "", err
	}
	return o.ACL, nil
}
