package meta

import (
	"context"
	"time"
)

// Upload is a multipart upload in progress. It carries the attributes the
// completed object receives.
type Upload struct {
	Bucket    string
	Key       string
	UploadID  string
	Initiated time.Time

	StorageClass       string
	ACL                string // default, private, public-read or public-read-write
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Expires            string
	UserMeta           map[string]string // x-oss-meta-* without the prefix
	Tags               string            // query-string form (k1=v1&k2=v2)
}

// Part is one uploaded part of a multipart upload, kept in its own blob.
type Part struct {
	UploadID   string
	PartNumber int
	Size       int64
	ETag       string // upper-case hex MD5 of the part, without quotes
	CRC64      uint64 // CRC-64/ECMA-182 of the part
	ModTime    time.Time
	BlobID     string
}

// UploadScanOptions select the uploads UploadStore.Scan returns.
type UploadScanOptions struct {
	Prefix string // only keys starting with Prefix
	Start  string // only keys sorting at or after Start

	// KeyMarker and UploadIDMarker resume a listing: uploads of keys after
	// KeyMarker and, when UploadIDMarker names an upload of KeyMarker, the
	// uploads of KeyMarker initiated after that one.
	KeyMarker      string
	UploadIDMarker string

	Limit int // maximum number of records; must be positive
}

// UploadStore holds multipart uploads and their parts.
type UploadStore interface {
	// Create adds u. It returns ErrNotFound when the bucket does not exist
	// and ErrExists when the upload id is taken.
	Create(ctx context.Context, u *Upload) error

	// Get returns the upload with uploadID in bucket, or ErrNotFound.
	Get(ctx context.Context, bucket, uploadID string) (*Upload, error)

	// Scan returns uploads of bucket ordered by key, then by initiation
	// (oldest first), as opts selects.
	Scan(ctx context.Context, bucket string, opts UploadScanOptions) ([]*Upload, error)

	// Count returns the number of uploads in progress in bucket.
	Count(ctx context.Context, bucket string) (int64, error)

	// PartUsage returns the number and total size of the parts uploaded
	// to the uploads in progress in bucket.
	PartUsage(ctx context.Context, bucket string) (Usage, error)

	// PutPart records p as part p.PartNumber of its upload and returns the
	// part it replaced, if any; the caller deletes the replaced part's blob
	// after PutPart returns. It returns ErrNotFound when the upload no longer
	// exists, and then the caller deletes p's blob.
	PutPart(ctx context.Context, bucket string, p *Part) (replaced *Part, err error)

	// Parts returns parts of the upload with numbers above after, in number
	// order, at most limit of them (all when limit is 0). It returns
	// ErrNotFound when the upload does not exist.
	Parts(ctx context.Context, bucket, uploadID string, after, limit int) ([]*Part, error)

	// Abort removes the upload and its parts and returns the parts, whose
	// blobs the caller deletes. It returns ErrNotFound for an unknown upload.
	Abort(ctx context.Context, bucket, uploadID string) ([]*Part, error)

	// Complete turns the upload into an object in one transaction. build
	// receives the upload and all of its parts in number order and returns
	// the object to store, whose segments name blobs of those parts; an
	// error from build aborts Complete and is returned unchanged. The object
	// is stored as ObjectStore.Put stores it, with opts, and the upload and
	// its parts are removed. Complete returns the object, the versions it
	// replaced and the parts the object does not use; the caller deletes the
	// blobs of both. It returns ErrNotFound for an unknown upload.
	Complete(ctx context.Context, bucket, uploadID string, build func(*Upload, []*Part) (*Object, error),
		opts PutOptions) (o *Object, replaced []*Object, unused []*Part, err error)
}
