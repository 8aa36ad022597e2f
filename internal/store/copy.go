package store

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// CopyInput describes a CopyObject.
type CopyInput struct {
	// Source is the source version, already looked up and authorized.
	Source *meta.Object

	Bucket string // destination bucket
	Key    string // destination key

	// ReplaceAttrs uses Attrs for the new object (x-oss-metadata-directive:
	// REPLACE); otherwise the source's content attributes and user metadata
	// are kept and only Attrs.ACL and Attrs.StorageClass apply.
	ReplaceAttrs bool

	// ReplaceTags uses Attrs.Tags (x-oss-tagging-directive: REPLACE);
	// otherwise the source's tags are kept.
	ReplaceTags bool

	Attrs Attrs

	ForbidOverwrite bool
}

// CopyObject copies the source data into a new object. The data is copied
// byte for byte into a new blob, so deleting the source never affects the
// copy.
func (s *Store) CopyObject(ctx context.Context, in *CopyInput) (*meta.Object, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	bucket, err := s.Bucket(ctx, in.Bucket)
	if err != nil {
		return nil, err
	}
	src := in.Source

	attrs := in.Attrs
	if !in.ReplaceAttrs {
		attrs.ContentType = src.ContentType
		attrs.CacheControl = src.CacheControl
		attrs.ContentDisposition = src.ContentDisposition
		attrs.ContentEncoding = src.ContentEncoding
		attrs.ContentLanguage = src.ContentLanguage
		attrs.Expires = src.Expires
		attrs.UserMeta = src.UserMeta
	}
	if !in.ReplaceTags {
		attrs.Tags = src.Tags
	}
	if attrs.StorageClass == "" {
		attrs.StorageClass = src.StorageClass
	}

	r, err := s.OpenObject(ctx, src, 0, src.Size)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := s.writeBlob(ctx, r, src.Size, MaxObjectSize)
	if err != nil {
		return nil, err
	}

	o := s.newObject(bucket, in.Key, attrs)
	o.Size = data.size
	o.CRC64 = data.crc
	o.Type = "Normal"
	o.ETag = strings.ToUpper(hex.EncodeToString(data.md5))
	o.Segments = []meta.Segment{{BlobID: data.blobID, Size: data.size}}

	if err := s.commit(ctx, o, forbidOverwrite(in.ForbidOverwrite)); err != nil {
		s.blobs.Delete(ctx, data.blobID)
		return nil, err
	}
	return o, nil
}

// AppendInput describes an AppendObject.
type AppendInput struct {
	Bucket     string
	Key        string
	Position   int64
	Body       interface{ Read([]byte) (int, error) }
	Size       int64 // Content-Length, or -1
	ContentMD5 string
	Attrs      Attrs // used when the append creates the object
}

// AppendObject adds the body at Position of an appendable object, creating it
// at position 0. A position other than the object's length fails with
// PositionNotEqualToLength and x-oss-next-append-position; a Normal or
// Multipart object fails with ObjectNotAppendable. Each append becomes one
// more segment, and the CRC-64 of the whole object is combined from the
// previous value and the new data's.
//
// In a versioned bucket, as in OSS, an append grows the current version in
// place and keeps its version id, so appends leave no previous versions. A
// key without versions, or whose current version is a delete marker, gets a
// new appendable version at position 0.
func (s *Store) AppendObject(ctx context.Context, in *AppendInput) (*meta.Object, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	bucket, err := s.Bucket(ctx, in.Bucket)
	if err != nil {
		return nil, err
	}
	wantMD5, err := decodeContentMD5(in.ContentMD5)
	if err != nil {
		return nil, err
	}

	data, err := s.writeBlob(ctx, in.Body, in.Size, MaxObjectSize)
	if err != nil {
		return nil, err
	}
	if wantMD5 != nil && string(wantMD5) != string(data.md5) {
		s.blobs.Delete(ctx, data.blobID)
		return nil, digestMismatch(in.ContentMD5, data.md5)
	}

	o := s.newObject(bucket, in.Key, in.Attrs)
	o.Type = "Appendable"
	seg := meta.Segment{BlobID: data.blobID, Size: data.size}
	check := func(cur *meta.Object) error {
		if cur == nil || cur.DeleteMarker {
			if in.Position != 0 {
				return positionError(in.Position, 0)
			}
			o.Size, o.CRC64, o.Segments = data.size, data.crc, []meta.Segment{seg}
			o.ETag = appendETag("", data.md5)
			return nil
		}
		if cur.Type != "Appendable" {
			return osserr.Newf(osserr.ObjectNotAppendable, "The object %q is a %s object; only Appendable objects accept appends.", cur.Key, cur.Type)
		}
		if cur.Size != in.Position {
			return positionError(in.Position, cur.Size)
		}
		if cur.Size+data.size > MaxObjectSize {
			return osserr.Newf(osserr.EntityTooLarge, "Appending %d bytes would make the object larger than %d bytes.", data.size, int64(MaxObjectSize))
		}

		// The appended object keeps the attributes it was created with.
		keep := *cur
		keep.ModTime = o.ModTime
		keep.Size = cur.Size + data.size
		keep.CRC64 = CombineCRC64(cur.CRC64, data.crc, data.size)
		keep.ETag = appendETag(cur.ETag, data.md5)
		keep.Segments = append(append([]meta.Segment{}, cur.Segments...), seg)
		*o = keep
		return nil
	}

	replaced, err := s.meta.Objects().Put(context.WithoutCancel(ctx), o, meta.PutOptions{Check: check, ReplaceVersion: true})
	if err != nil {
		s.blobs.Delete(ctx, data.blobID)
		var oe *osserr.Error
		if errors.As(err, &oe) {
			return nil, oe
		}
		return nil, bucketErr(err, in.Bucket)
	}

	// The replaced record shares every segment but the new one with o, so
	// only blobs that o no longer names may go.
	kept := make(map[string]bool, len(o.Segments))
	for _, sg := range o.Segments {
		kept[sg.BlobID] = true
	}
	for _, r := range replaced {
		var gone []meta.Segment
		for _, sg := range r.Segments {
			if !kept[sg.BlobID] {
				gone = append(gone, sg)
			}
		}
		r.Segments = gone
	}
	s.deleteBlobs(ctx, replaced...)
	return o, nil
}

func positionError(got, want int64) error {
	return osserr.Newf(osserr.PositionNotEqualToLength,
		"Position %d is not equal to the object length %d.", got, want).
		WithHeader("x-oss-next-append-position", itoa(want))
}

// appendETag chains the previous ETag with the MD5 of the appended data, so
// each append yields a new, deterministic ETag. It is not the MD5 of the
// whole object, as in OSS.
func appendETag(prev string, segMD5 []byte) string {
	h := md5.New()
	h.Write([]byte(prev))
	h.Write(segMD5)
	return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
}
