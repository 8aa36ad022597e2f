package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Tag is one key-value tag of an object or a bucket.
type Tag struct {
	Key   string
	Value string
}

// TagLimits are the limits a tag set must respect.
type TagLimits struct {
	MaxTags     int
	MaxKeyLen   int // in characters
	MaxValueLen int // in characters
}

// Tag limits of OSS: objects take 10 tags with 128-character keys and
// 256-character values, buckets 20 tags with 64 and 128.
var (
	ObjectTagLimits = TagLimits{MaxTags: 10, MaxKeyLen: 128, MaxValueLen: 256}
	BucketTagLimits = TagLimits{MaxTags: 20, MaxKeyLen: 64, MaxValueLen: 128}
)

// Check returns InvalidTag when tags break the limits, repeat a key or have
// an empty key.
func (l TagLimits) Check(tags []Tag) error {
	if len(tags) > l.MaxTags {
		return osserr.Newf(osserr.InvalidTag, "The tag set has %d tags; the maximum is %d.", len(tags), l.MaxTags)
	}
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		switch {
		case t.Key == "":
			return osserr.New(osserr.InvalidTag, "A tag key must not be empty.")
		case utf8.RuneCountInString(t.Key) > l.MaxKeyLen:
			return osserr.Newf(osserr.InvalidTag, "The tag key %q is longer than %d characters.", t.Key, l.MaxKeyLen)
		case utf8.RuneCountInString(t.Value) > l.MaxValueLen:
			return osserr.Newf(osserr.InvalidTag, "The value of tag %q is longer than %d characters.", t.Key, l.MaxValueLen)
		case !utf8.ValidString(t.Key) || !utf8.ValidString(t.Value):
			return osserr.Newf(osserr.InvalidTag, "The tag %q is not valid UTF-8.", t.Key)
		case seen[t.Key]:
			return osserr.Newf(osserr.InvalidTag, "The tag key %q appears more than once.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// ParseTags parses the query-string form of a tag set (x-oss-tagging:
// k1=v1&k2=v2, keys and values URL-encoded) without checking limits.
func ParseTags(s string) ([]Tag, error) {
	if s == "" {
		return nil, nil
	}
	var tags []Tag
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return nil, osserr.Newf(osserr.InvalidTag, "The tag %q is not valid URL encoding.", pair)
		}
		tags = append(tags, Tag{Key: key, Value: value})
	}
	return tags, nil
}

// FormatTags returns the query-string form of tags in their order, which is
// how objects and buckets store them.
func FormatTags(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = url.QueryEscape(t.Key) + "=" + url.QueryEscape(t.Value)
	}
	return strings.Join(parts, "&")
}

// NormalizeObjectTags parses and checks an x-oss-tagging header and returns
// its canonical stored form.
func NormalizeObjectTags(header string) (string, error) {
	tags, err := ParseTags(header)
	if err != nil {
		return "", err
	}
	if err := ObjectTagLimits.Check(tags); err != nil {
		return "", err
	}
	return FormatTags(tags), nil
}

// updateObject applies fn to the ACL and tags of one version: versionID, or
// the current version when it is "". A missing key, version or a delete
// marker fails as HeadObject does.
func (s *Store) updateObject(ctx context.Context, bucket, key, versionID string, fn func(*meta.Object) error) (*meta.Object, error) {
	cur, err := s.HeadObject(ctx, bucket, key, versionID)
	if err != nil {
		return nil, err
	}
	o, err := s.meta.Objects().Update(ctx, bucket, key, cur.VersionID, fn)
	var oe *osserr.Error
	switch {
	case errors.As(err, &oe):
		return nil, oe
	case errors.Is(err, meta.ErrNotFound):
		// Removed between the two reads.
		if versionID != "" {
			return nil, osserr.New(osserr.NoSuchVersion, "").With("Key", key).With("VersionId", versionID)
		}
		return nil, osserr.New(osserr.NoSuchKey, "").With("Key", key)
	case err != nil:
		return nil, osserr.Internal(err)
	}
	return o, nil
}

// PutObjectTagging replaces the tag set of a version of key (the current
// one when versionID is "").
func (s *Store) PutObjectTagging(ctx context.Context, bucket, key, versionID string, tags []Tag) (*meta.Object, error) {
	if err := ObjectTagLimits.Check(tags); err != nil {
		return nil, err
	}
	stored := FormatTags(tags)
	return s.updateObject(ctx, bucket, key, versionID, func(o *meta.Object) error {
		o.Tags = stored
		return nil
	})
}

// DeleteObjectTagging removes the tag set of a version of key.
func (s *Store) DeleteObjectTagging(ctx context.Context, bucket, key, versionID string) (*meta.Object, error) {
	return s.updateObject(ctx, bucket, key, versionID, func(o *meta.Object) error {
		o.Tags = ""
		return nil
	})
}

// bucketTagsConfig is the bucket configuration document holding its tags in
// query-string form.
const bucketTagsConfig = "tagging"

// BucketTags returns the tags of bucket; none is an empty set.
func (s *Store) BucketTags(ctx context.Context, bucket string) ([]Tag, error) {
	doc, err := s.meta.Buckets().GetConfig(ctx, bucket, bucketTagsConfig)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	tags, err := ParseTags(string(doc))
	if err != nil {
		return nil, osserr.Internal(fmt.Errorf("stored tags of bucket %s: %w", bucket, err))
	}
	return tags, nil
}

// PutBucketTags replaces the tags of bucket.
func (s *Store) PutBucketTags(ctx context.Context, bucket string, tags []Tag) error {
	if err := BucketTagLimits.Check(tags); err != nil {
		return err
	}
	if err := s.meta.Buckets().PutConfig(ctx, bucket, bucketTagsConfig, []byte(FormatTags(tags))); err != nil {
		return bucketErr(err, bucket)
	}
	return nil
}

// DeleteBucketTags removes the tags named in keys, or all tags when keys is
// empty.
func (s *Store) DeleteBucketTags(ctx context.Context, bucket string, keys []string) error {
	if len(keys) == 0 {
		if err := s.meta.Buckets().DeleteConfig(ctx, bucket, bucketTagsConfig); err != nil {
			return osserr.Internal(err)
		}
		return nil
	}
	tags, err := s.BucketTags(ctx, bucket)
	if err != nil {
		return err
	}
	drop := make(map[string]bool, len(keys))
	for _, k := range keys {
		drop[k] = true
	}
	var kept []Tag
	for _, t := range tags {
		if !drop[t.Key] {
			kept = append(kept, t)
		}
	}
	// NOTE: a concurrent PutBucketTags between the read and this write is
	// overwritten; bucket tags change rarely enough for this to be accepted.
	return s.PutBucketTags(ctx, bucket, kept)
}
