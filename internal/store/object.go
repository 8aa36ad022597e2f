package store

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Attrs are the stored HTTP attributes of an object.
type Attrs struct {
	ContentType        string
	CacheControl       string
	ContentDisposition string
	ContentEncoding    string
	ContentLanguage    string
	Expires            string
	UserMeta           map[string]string
	ACL                string // default, private, public-read, public-read-write
	StorageClass       string
	Tags               string
}

// PutInput describes a simple upload.
type PutInput struct {
	Bucket string
	Key    string
	Body   io.Reader

	// Size is the Content-Length, or -1 for a chunked body.
	Size int64

	// ContentMD5 is the Content-MD5 header as sent (base64), or "".
	ContentMD5 string

	Attrs Attrs

	// ForbidOverwrite rejects the upload with FileAlreadyExists when the key
	// has a current object (x-oss-forbid-overwrite: true).
	ForbidOverwrite bool
}

// PutObject streams in.Body into a new blob while computing its MD5 and
// CRC-64, checks the length and Content-MD5, and only then commits the
// object, so a failed upload changes nothing.
func (s *Store) PutObject(ctx context.Context, in *PutInput) (*meta.Object, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	if in.Size > MaxObjectSize {
		return nil, osserr.Newf(osserr.EntityTooLarge, "The object is %d bytes; the maximum for one upload is %d bytes.", in.Size, MaxObjectSize)
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
	if wantMD5 != nil && !bytes.Equal(wantMD5, data.md5) {
		s.blobs.Delete(ctx, data.blobID)
		return nil, digestMismatch(in.ContentMD5, data.md5)
	}

	o := s.newObject(bucket, in.Key, in.Attrs)
	o.Size = data.size
	o.ETag = strings.ToUpper(hex.EncodeToString(data.md5))
	o.CRC64 = data.crc
	o.Type = "Normal"
	o.Segments = []meta.Segment{{BlobID: data.blobID, Size: data.size}}

	if err := s.commit(ctx, o, forbidOverwrite(in.ForbidOverwrite)); err != nil {
		s.blobs.Delete(ctx, data.blobID)
		return nil, err
	}
	return o, nil
}

// newObject returns an object record for bucket and key with attrs, the
// version id the bucket's versioning state calls for, and the current time.
func (s *Store) newObject(bucket *meta.Bucket, key string, attrs Attrs) *meta.Object {
	o := &meta.Object{
		Bucket:             bucket.Name,
		Key:                key,
		VersionID:          meta.NullVersion,
		StorageClass:       attrs.StorageClass,
		ACL:                attrs.ACL,
		ContentType:        attrs.ContentType,
		CacheControl:       attrs.CacheControl,
		ContentDisposition: attrs.ContentDisposition,
		ContentEncoding:    attrs.ContentEncoding,
		ContentLanguage:    attrs.ContentLanguage,
		Expires:            attrs.Expires,
		UserMeta:           attrs.UserMeta,
		Tags:               attrs.Tags,
		ModTime:            s.now().UTC(),
	}
	if bucket.Versioning == "Enabled" {
		o.VersionID = newVersionID()
	}
	if o.StorageClass == "" {
		o.StorageClass = bucket.StorageClass
	}
	if o.StorageClass == "" {
		o.StorageClass = "Standard"
	}
	if o.ACL == "" {
		o.ACL = "default"
	}
	if o.ContentType == "" {
		o.ContentType = "application/octet-stream"
	}
	return o
}

// newVersionID returns an opaque, URL-safe version id like the ones OSS
// issues.
func newVersionID() string {
	var b [36]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// commit stores o and removes the data of the version it replaced. Once the
// data is complete the commit runs to the end even if the client has gone
// away, so an upload whose last byte arrived is never half-applied.
func (s *Store) commit(ctx context.Context, o *meta.Object, opts meta.PutOptions) error {
	replaced, err := s.meta.Objects().Put(context.WithoutCancel(ctx), o, opts)
	if err != nil {
		var oe *osserr.Error
		if errors.As(err, &oe) {
			return oe
		}
		return bucketErr(err, o.Bucket)
	}
	s.deleteBlobs(ctx, replaced...)
	return nil
}

func forbidOverwrite(forbid bool) meta.PutOptions {
	if !forbid {
		return meta.PutOptions{}
	}
	return meta.PutOptions{Check: func(cur *meta.Object) error {
		if cur != nil && !cur.DeleteMarker {
			return osserr.New(osserr.FileAlreadyExists, "").With("Key", cur.Key)
		}
		return nil
	}}
}

// blobData is a written and committed blob with its digests.
type blobData struct {
	blobID string
	size   int64
	md5    []byte
	crc    uint64
}

// writeBlob copies body into a new blob. size is the expected length or -1;
// limit is the largest size accepted. A body shorter than size fails with
// IncompleteBody and leaves no blob behind.
func (s *Store) writeBlob(ctx context.Context, body io.Reader, size, limit int64) (*blobData, error) {
	w, err := s.blobs.Create(ctx)
	if err != nil {
		return nil, osserr.Internal(err)
	}
	md5h := md5.New()
	crc := crc64.New(ecmaTable)

	bufp := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(bufp)
	buf := *bufp

	var n int64
	for {
		m, rerr := body.Read(buf)
		if m > 0 {
			n += int64(m)
			if n > limit || (size >= 0 && n > size) {
				w.Abort()
				return nil, osserr.Newf(osserr.EntityTooLarge, "The body is larger than %d bytes.", min(limit, max(size, 0)))
			}
			md5h.Write(buf[:m])
			crc.Write(buf[:m])
			if _, err := w.Write(buf[:m]); err != nil {
				w.Abort()
				return nil, osserr.Internal(fmt.Errorf("write blob: %w", err))
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			w.Abort()
			if errors.Is(rerr, io.ErrUnexpectedEOF) {
				return nil, osserr.Newf(osserr.IncompleteBody,
					"The body ended after %d bytes; Content-Length announced %d.", n, size).Wrap(rerr)
			}
			var oe *osserr.Error
			if errors.As(rerr, &oe) {
				return nil, oe
			}
			return nil, osserr.New(osserr.RequestTimeout, "").Wrap(rerr)
		}
	}
	if size >= 0 && n != size {
		w.Abort()
		return nil, osserr.Newf(osserr.IncompleteBody,
			"The body ended after %d bytes; Content-Length announced %d.", n, size)
	}

	id, err := w.Commit()
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return &blobData{blobID: id, size: n, md5: md5h.Sum(nil), crc: crc.Sum64()}, nil
}

// decodeContentMD5 returns the digest in a Content-MD5 header, nil when the
// header is absent, or InvalidDigest.
func decodeContentMD5(v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	d, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(d) != md5.Size {
		return nil, osserr.Newf(osserr.InvalidDigest, "The Content-MD5 %q is not the base64 encoding of a 16-byte MD5 digest.", v).
			WithEC("0017-00000502")
	}
	return d, nil
}

// digestMismatch is the error for data whose MD5 differs from the
// Content-MD5 header sent with it.
func digestMismatch(sent string, got []byte) error {
	return osserr.Newf(osserr.InvalidDigest,
		"The Content-MD5 you specified (%s) did not match the MD5 of the received data (%s).",
		sent, base64.StdEncoding.EncodeToString(got)).WithEC("0017-00000503")
}

// HeadObject returns the version with versionID, or the current one when
// versionID is "". A delete marker gives NoSuchKey (or, when it was asked for
// by version id, MethodNotAllowed as OSS does) with x-oss-delete-marker set.
func (s *Store) HeadObject(ctx context.Context, bucket, key, versionID string) (*meta.Object, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	o, err := s.meta.Objects().Get(ctx, bucket, key, versionID)
	if errors.Is(err, meta.ErrNotFound) {
		if _, berr := s.Bucket(ctx, bucket); berr != nil {
			return nil, berr
		}
		if versionID != "" {
			return nil, osserr.New(osserr.NoSuchVersion, "").With("Key", key).With("VersionId", versionID)
		}
		return nil, osserr.New(osserr.NoSuchKey, "").With("Key", key)
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	if o.DeleteMarker {
		e := osserr.New(osserr.NoSuchKey, "").With("Key", key).WithHeader("x-oss-delete-marker", "true")
		if versionID != "" {
			e.Code = osserr.MethodNotAllowed
			e.Message = "The specified version is a delete marker."
		}
		if o.VersionID != meta.NullVersion || versionID != "" {
			e.WithHeader("x-oss-version-id", o.VersionID)
		}
		return nil, e
	}
	return o, nil
}

// OpenObject returns length bytes of o's data starting at offset. The reader
// streams segment after segment; its WriteTo lets an HTTP response send each
// blob file with sendfile(2).
func (s *Store) OpenObject(ctx context.Context, o *meta.Object, offset, length int64) (io.ReadCloser, error) {
	if offset < 0 || length < 0 || offset+length > o.Size {
		return nil, osserr.Internal(fmt.Errorf("range %d+%d outside object %s/%s of %d bytes", offset, length, o.Bucket, o.Key, o.Size))
	}
	return &objectReader{ctx: ctx, s: s, segments: o.Segments, offset: offset, remaining: length}, nil
}

// objectReader reads a byte range across the segments of an object, opening
// one blob at a time.
type objectReader struct {
	ctx       context.Context
	s         *Store
	segments  []meta.Segment
	offset    int64 // into the remaining segments
	remaining int64
	cur       io.ReadCloser
}

// next opens the blob holding the next byte, or returns io.EOF.
func (r *objectReader) next() error {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	if r.remaining == 0 {
		return io.EOF
	}
	for len(r.segments) > 0 && r.offset >= r.segments[0].Size {
		r.offset -= r.segments[0].Size
		r.segments = r.segments[1:]
	}
	if len(r.segments) == 0 {
		return fmt.Errorf("object data ends %d bytes early", r.remaining)
	}
	seg := r.segments[0]
	n := min(seg.Size-r.offset, r.remaining)
	rc, err := r.s.blobs.Open(r.ctx, seg.BlobID, r.offset, n)
	if err != nil {
		return fmt.Errorf("open blob %s: %w", seg.BlobID, err)
	}
	r.cur = rc
	r.remaining -= n
	r.offset = 0
	r.segments = r.segments[1:]
	return nil
}

func (r *objectReader) Read(p []byte) (int, error) {
	for {
		if r.cur == nil {
			if err := r.next(); err != nil {
				return 0, err
			}
		}
		n, err := r.cur.Read(p)
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

// WriteTo copies every remaining segment to w.
func (r *objectReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if r.cur == nil {
			if err := r.next(); err == io.EOF {
				return total, nil
			} else if err != nil {
				return total, err
			}
		}
		n, err := io.Copy(w, r.cur)
		total += n
		r.cur.Close()
		r.cur = nil
		if err != nil {
			return total, err
		}
	}
}

func (r *objectReader) Close() error {
	if r.cur != nil {
		return r.cur.Close()
	}
	return nil
}

// DeleteResult tells what DeleteObject did.
type DeleteResult struct {
	// VersionID is the version removed or, for a new delete marker, the
	// marker's version id; "" on a bucket that never had versioning.
	VersionID    string
	DeleteMarker bool
}

// DeleteObject deletes key. Without versionID it removes the current object
// on an unversioned bucket, or adds a delete marker on a versioned one; with
// versionID it removes that version for good. Deleting a missing key
// succeeds, as in OSS.
func (s *Store) DeleteObject(ctx context.Context, bucketName, key, versionID string) (*DeleteResult, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	bucket, err := s.Bucket(ctx, bucketName)
	if err != nil {
		return nil, err
	}

	if versionID != "" {
		o, err := s.meta.Objects().Delete(ctx, bucketName, key, versionID)
		if errors.Is(err, meta.ErrNotFound) {
			return &DeleteResult{VersionID: versionID}, nil
		}
		if err != nil {
			return nil, osserr.Internal(err)
		}
		s.deleteBlobs(ctx, o)
		return &DeleteResult{VersionID: versionID, DeleteMarker: o.DeleteMarker}, nil
	}

	if bucket.Versioning == "" {
		o, err := s.meta.Objects().Delete(ctx, bucketName, key, meta.NullVersion)
		if err != nil && !errors.Is(err, meta.ErrNotFound) {
			return nil, osserr.Internal(err)
		}
		if o != nil {
			s.deleteBlobs(ctx, o)
		}
		return &DeleteResult{}, nil
	}

	marker := &meta.Object{
		Bucket: bucketName, Key: key, VersionID: meta.NullVersion,
		DeleteMarker: true, ModTime: s.now().UTC(),
	}
	if bucket.Versioning == "Enabled" {
		marker.VersionID = newVersionID()
	}
	if err := s.commit(ctx, marker, meta.PutOptions{}); err != nil {
		return nil, err
	}
	return &DeleteResult{VersionID: marker.VersionID, DeleteMarker: true}, nil
}
