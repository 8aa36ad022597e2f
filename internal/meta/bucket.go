package meta

import (
	"context"
	"time"
)

// Bucket is the metadata of one bucket. Bucket names are unique across the
// whole deployment, as in OSS, whatever account owns them.
type Bucket struct {
	Name               string
	AccountID          string // UID of the owning account
	Region             string
	CreatedAt          time.Time
	ACL                string // private, public-read or public-read-write
	StorageClass       string // Standard, IA, Archive, ColdArchive, DeepColdArchive
	DataRedundancyType string // LRS or ZRS
	ResourceGroupID    string

	// Versioning is "" for a bucket that never had versioning, otherwise
	// Enabled or Suspended.
	Versioning string
}

// BucketStore holds buckets and their configuration documents.
type BucketStore interface {
	// Create adds b, or returns ErrExists when the name is taken.
	Create(ctx context.Context, b *Bucket) error

	// Get returns the bucket named name, or ErrNotFound.
	Get(ctx context.Context, name string) (*Bucket, error)

	// List returns the buckets of accountID whose names start with prefix and
	// sort after marker, in name order, at most limit of them.
	List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*Bucket, error)

	// Count returns the number of buckets accountID owns.
	Count(ctx context.Context, accountID string) (int, error)

	// Update applies fn to the stored bucket inside one transaction and saves
	// the result; fn's error aborts the update and is returned as is. The name
	// and owner cannot change.
	Update(ctx context.Context, name string, fn func(*Bucket) error) error

	// Delete removes the bucket and its configuration documents. It returns
	// ErrNotFound for an unknown bucket and ErrNotEmpty while any object
	// version, delete marker or multipart upload remains in it.
	Delete(ctx context.Context, name string) error

	// PutConfig stores a configuration document of the bucket (its policy,
	// tags, public access block, ...) under name, replacing any previous one.
	// The bytes are stored exactly as given.
	PutConfig(ctx context.Context, bucket, name string, value []byte) error

	// GetConfig returns the document stored under name, or ErrNotFound.
	GetConfig(ctx context.Context, bucket, name string) ([]byte, error)

	// DeleteConfig removes the document stored under name; removing a missing
	// document is not an error.
	DeleteConfig(ctx context.Context, bucket, name string) error
}
