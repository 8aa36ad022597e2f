package store

import (
	"context"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Versioning states of a bucket; a bucket that never had versioning has "".
const (
	VersioningEnabled   = "Enabled"
	VersioningSuspended = "Suspended"
)

// PutBucketVersioning enables or suspends versioning. A bucket never
// returns to the never-versioned state.
func (s *Store) PutBucketVersioning(ctx context.Context, bucket, status string) error {
	if status != VersioningEnabled && status != VersioningSuspended {
		return osserr.Newf(osserr.MalformedXML, "The versioning status %q must be Enabled or Suspended.", status)
	}
	return s.UpdateBucket(ctx, bucket, func(b *meta.Bucket) error {
		b.Versioning = status
		return nil
	})
}

// ListVersionsInput selects a page of ListObjectVersions.
type ListVersionsInput struct {
	Prefix    string
	Delimiter string

	// KeyMarker and VersionIDMarker resume a listing after a version, or
	// after every version of KeyMarker when VersionIDMarker is "".
	KeyMarker       string
	VersionIDMarker string

	MaxKeys int
}

// ListVersionsOutput is one page of ListObjectVersions: versions and delete
// markers newest first within a key. NextKeyMarker and NextVersionIDMarker
// name the last version or common prefix returned.
type ListVersionsOutput struct {
	Versions            []*meta.Object
	CommonPrefixes      []string
	IsTruncated         bool
	NextKeyMarker       string
	NextVersionIDMarker string
}

// ListObjectVersions returns every version and delete marker of bucket in
// key order. A bucket that never had versioning lists its objects as null
// versions. With a delimiter, keys are rolled up into common prefixes as
// ListObjects does, each counting as one entry.
func (s *Store) ListObjectVersions(ctx context.Context, bucket string, in ListVersionsInput) (*ListVersionsOutput, error) {
	if in.MaxKeys < 0 || in.MaxKeys > MaxListKeys {
		return nil, osserr.Newf(osserr.InvalidArgument, "max-keys %d must be between 0 and %d.", in.MaxKeys, MaxListKeys).
			With("ArgumentName", "max-keys")
	}
	if _, err := s.Bucket(ctx, bucket); err != nil {
		return nil, err
	}
	out := &ListVersionsOutput{}
	if in.MaxKeys == 0 {
		return out, nil
	}
	rollUp := func(key string) string {
		if in.Delimiter == "" || !strings.HasPrefix(key, in.Prefix) {
			return ""
		}
		if i := strings.Index(key[len(in.Prefix):], in.Delimiter); i >= 0 {
			return key[:len(in.Prefix)+i+len(in.Delimiter)]
		}
		return ""
	}

	opts := meta.ScanOptions{Prefix: in.Prefix, After: in.KeyMarker, AfterVersion: in.VersionIDMarker, AllVersions: true}
	skip := func(cp string) bool {
		end, ok := prefixEnd(cp)
		opts.After, opts.AfterVersion, opts.Start = "", "", end
		return ok
	}
	if cp := rollUp(in.KeyMarker); cp != "" && !skip(cp) {
		return out, nil
	}

	count := 0
	for {
		opts.Limit = in.MaxKeys - count + 1
		batch, err := s.meta.Objects().Scan(ctx, bucket, opts)
		if err != nil {
			return nil, osserr.Internal(err)
		}
		if len(batch) == 0 {
			return out, nil
		}
		for _, o := range batch {
			if count == in.MaxKeys {
				out.IsTruncated = true
				return out, nil
			}
			count++
			if cp := rollUp(o.Key); cp != "" {
				out.CommonPrefixes = append(out.CommonPrefixes, cp)
				out.NextKeyMarker, out.NextVersionIDMarker = cp, ""
				if !skip(cp) {
					return out, nil
				}
				break // rescan from past the common prefix
			}
			out.Versions = append(out.Versions, o)
			out.NextKeyMarker, out.NextVersionIDMarker = o.Key, o.VersionID
			opts.After, opts.AfterVersion, opts.Start = o.Key, o.VersionID, ""
		}
	}
}
