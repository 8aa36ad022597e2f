package meta

import (
	"context"
	"time"
)

// NullVersion is the version id of an object written while the bucket's
// versioning was never enabled, or was suspended.
const NullVersion = "null"

// Object is one version of an object, or a delete marker.
type Object struct {
	Bucket    string
	Key       string
	VersionID string // NullVersion, or a generated id on versioned buckets
	IsLatest  bool   // set by the store: the newest version of the key

	// DeleteMarker records a delete on a versioned bucket; it has no data.
	DeleteMarker bool

	Size  int64
	ETag  string // upper-case hex MD5 without quotes; "<HEX>-<parts>" for multipart
	CRC64 uint64 // CRC-64/ECMA-182 of the data
	Type  string // Normal, Appendable or Multipart

	StorageClass string
	ACL          string // default, private, public-read or public-read-write

	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Expires            string

	// UserMeta holds x-oss-meta-* headers: lower-case names without the
	// prefix, values as sent.
	UserMeta map[string]string

	// Tags is the object tag set in its query-string form (k1=v1&k2=v2).
	Tags string

	ModTime time.Time

	// Segments are the blobs that hold the data, in order; their sizes add up
	// to Size. A simple upload has one segment, a multipart upload one per
	// part, an appendable object one per append.
	Segments []Segment
}

// Segment is a run of object data kept in one blob.
type Segment struct {
	BlobID string `json:"b"`
	Size   int64  `json:"s"`
}

// PutOptions adjust ObjectStore.Put.
type PutOptions struct {
	// Check, when set, runs inside the write transaction with the key's
	// latest version, which may be a delete marker, or nil when the key has
	// no version. An error aborts the put and is returned unchanged, so
	// callers implement x-oss-forbid-overwrite and append positions with it.
	// Check may change the object being put, for example to extend the
	// current version's segments for an append.
	Check func(current *Object) error

	// ReplaceVersion lets the put replace an existing record with the same
	// version id, as a put of the null version always does, instead of
	// failing with ErrExists. AppendObject grows the current version of a
	// versioned key in place this way.
	ReplaceVersion bool
}

// ScanOptions select the object versions ObjectStore.Scan returns.
type ScanOptions struct {
	Prefix string // only keys starting with Prefix
	After  string // only keys sorting after After (byte order)
	Start  string // only keys sorting at or after Start

	// AfterVersion, with AllVersions, resumes inside key After: versions of
	// After older than the version with this id are included.
	AfterVersion string

	// AllVersions returns every version and delete marker, newest first
	// within a key; otherwise only latest versions that are not delete
	// markers.
	AllVersions bool

	Limit int // maximum number of records; must be positive
}

// MinBilledSize is the size OSS bills for a smaller object of the
// Infrequent Access and archive storage classes.
const MinBilledSize = 64 << 10

// Usage is a count of objects or parts and their size in bytes.
type Usage struct {
	Count int64
	Size  int64

	// BilledSize counts each object as at least MinBilledSize bytes.
	BilledSize int64
}

// BucketUsage is the content of a bucket as GetBucketStat reports it.
type BucketUsage struct {
	// Classes holds the current objects (latest versions that are not
	// delete markers) by storage class; a class without objects is absent.
	Classes map[string]Usage

	// DeleteMarkers counts the delete markers of every key and version.
	DeleteMarkers int64
}

// Total returns the current objects of every storage class together.
func (u BucketUsage) Total() Usage {
	var t Usage
	for _, c := range u.Classes {
		t.Count += c.Count
		t.Size += c.Size
		t.BilledSize += c.BilledSize
	}
	return t
}

// ObjectStore holds object versions.
type ObjectStore interface {
	// Put stores o as the newest version of its key and returns the versions
	// it replaced: with o.VersionID == NullVersion an existing null version is
	// replaced; any other version id adds a version. The caller deletes the
	// blobs of the replaced versions after Put returns.
	Put(ctx context.Context, o *Object, opts PutOptions) (replaced []*Object, err error)

	// Get returns the version with versionID, or the latest version (possibly
	// a delete marker) when versionID is "". It returns ErrNotFound when there
	// is none.
	Get(ctx context.Context, bucket, key, versionID string) (*Object, error)

	// Delete removes one version for good and returns it; the next older
	// version becomes the latest. It returns ErrNotFound when there is none.
	Delete(ctx context.Context, bucket, key, versionID string) (*Object, error)

	// Scan returns object versions of bucket in key order, as opts selects.
	Scan(ctx context.Context, bucket string, opts ScanOptions) ([]*Object, error)

	// Stat returns what bucket holds, as GetBucketStat reports it.
	Stat(ctx context.Context, bucket string) (BucketUsage, error)

	// Update applies fn to the version with versionID, or to the latest
	// version when versionID is "", inside one transaction, and saves the
	// ACL and Tags fn sets; changes to other fields are not saved. It
	// returns the updated version, ErrNotFound when there is none, or fn's
	// error unchanged.
	Update(ctx context.Context, bucket, key, versionID string, fn func(*Object) error) (*Object, error)
}
