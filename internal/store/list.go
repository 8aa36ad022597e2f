package store

import (
	"context"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// MaxListKeys is the largest max-keys a listing accepts.
const MaxListKeys = 1000

// ListInput selects a page of a bucket listing.
type ListInput struct {
	Prefix    string
	Delimiter string

	// After resumes the listing after this key or common prefix (marker,
	// start-after, or the key a continuation token carries).
	After string

	MaxKeys int
}

// ListOutput is one page of a listing. Entries are in key order; Next is the
// last key or common prefix returned, from which the next page resumes.
type ListOutput struct {
	Objects        []*meta.Object
	CommonPrefixes []string
	IsTruncated    bool
	Next           string
}

// ListObjects returns the current objects of bucket whose keys start with
// in.Prefix. With a delimiter, keys with the delimiter after the prefix are
// rolled up into one common prefix each, and a common prefix counts as one
// entry toward MaxKeys. Resuming after a common prefix skips every key under
// it without reading them.
func (s *Store) ListObjects(ctx context.Context, bucket string, in ListInput) (*ListOutput, error) {
	if in.MaxKeys < 0 || in.MaxKeys > MaxListKeys {
		return nil, osserr.Newf(osserr.InvalidArgument, "max-keys %d must be between 0 and %d.", in.MaxKeys, MaxListKeys).
			With("ArgumentName", "max-keys")
	}
	if _, err := s.Bucket(ctx, bucket); err != nil {
		return nil, err
	}
	out := &ListOutput{}
	if in.MaxKeys == 0 {
		return out, nil
	}

	// rollUp returns the common prefix key falls under, or "".
	rollUp := func(key string) string {
		if in.Delimiter == "" || !strings.HasPrefix(key, in.Prefix) {
			return ""
		}
		rest := key[len(in.Prefix):]
		if i := strings.Index(rest, in.Delimiter); i >= 0 {
			return in.Prefix + rest[:i+len(in.Delimiter)]
		}
		return ""
	}

	opts := meta.ScanOptions{Prefix: in.Prefix, After: in.After}
	if cp := rollUp(in.After); cp != "" {
		if !skipPrefix(&opts, cp) {
			return out, nil
		}
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
			if cp := rollUp(o.Key); cp != "" {
				out.CommonPrefixes = append(out.CommonPrefixes, cp)
				out.Next = cp
				count++
				if !skipPrefix(&opts, cp) {
					return out, nil
				}
				break // rescan from past the common prefix
			}
			out.Objects = append(out.Objects, o)
			out.Next = o.Key
			count++
			opts.After, opts.Start = o.Key, ""
		}
	}
}

// skipPrefix moves opts past every key starting with cp. It returns false
// when no key can sort after them.
func skipPrefix(opts *meta.ScanOptions, cp string) bool {
	end, ok := prefixEnd(cp)
	opts.After, opts.Start = "", end
	return ok
}

// prefixEnd returns the smallest string greater than every string starting
// with prefix, or false when there is none.
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}
