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
	"io"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Limits of multipart uploads, as in OSS.
const (
	MaxPartNumber = 10000
	MinPartSize   = 100 << 10 // every part but the last
	MaxPartSize   = 5 << 30
	MaxListParts  = 1000
	MaxUploadList = 1000
)

// newUploadID returns 32 upper-case hex digits, the form of OSS upload ids.
func newUploadID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}

func noSuchUpload(uploadID string) error {
	return osserr.New(osserr.NoSuchUpload, "").With("UploadId", uploadID)
}

// InitiateMultipartUpload starts an upload of key whose completed object
// gets attrs. With forbid (x-oss-forbid-overwrite) on a bucket that never had versioning,
// an existing object fails the request with FileAlreadyExists, as it will
// again at completion.
func (s *Store) InitiateMultipartUpload(ctx context.Context, bucketName, key string, attrs Attrs, forbid bool) (*meta.Upload, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	bucket, err := s.Bucket(ctx, bucketName)
	if err != nil {
		return nil, err
	}
	if forbid && bucket.Versioning == "" {
		if err := forbidOverwrite(true).Check(s.currentObject(ctx, bucketName, key)); err != nil {
			return nil, err
		}
	}

	o := s.newObject(bucket, key, attrs)
	u := &meta.Upload{
		Bucket: bucketName, Key: key, UploadID: newUploadID(), Initiated: s.now().UTC(),
		StorageClass: o.StorageClass, ACL: o.ACL, ContentType: o.ContentType,
		CacheControl: o.CacheControl, ContentDisposition: o.ContentDisposition,
		ContentEncoding: o.ContentEncoding, ContentLanguage: o.ContentLanguage, Expires: o.Expires,
		UserMeta: o.UserMeta, Tags: o.Tags,
	}
	if err := s.meta.Uploads().Create(ctx, u); err != nil {
		return nil, bucketErr(err, bucketName)
	}
	return u, nil
}

// currentObject returns the latest version of key, or nil when there is none
// or it cannot be read.
func (s *Store) currentObject(ctx context.Context, bucket, key string) *meta.Object {
	o, err := s.meta.Objects().Get(ctx, bucket, key, "")
	if err != nil {
		return nil
	}
	return o
}

// upload returns the upload uploadID of key, or NoSuchUpload.
func (s *Store) upload(ctx context.Context, bucket, key, uploadID string) (*meta.Upload, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	u, err := s.meta.Uploads().Get(ctx, bucket, uploadID)
	if errors.Is(err, meta.ErrNotFound) || (err == nil && u.Key != key) {
		return nil, noSuchUpload(uploadID)
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return u, nil
}

// UploadPartInput describes an UploadPart.
type UploadPartInput struct {
	Bucket     string
	Key        string
	UploadID   string
	PartNumber int

	Body io.Reader
	Size int64 // Content-Length, or -1 for a chunked body

	// ContentMD5 is the Content-MD5 header as sent (base64), or "".
	ContentMD5 string
}

// CheckPartNumber returns InvalidArgument unless n is 1 to 10,000.
func CheckPartNumber(n int) error {
	if n < 1 || n > MaxPartNumber {
		return osserr.Newf(osserr.InvalidArgument, "The part number %d must be between 1 and %d.", n, MaxPartNumber).
			With("ArgumentName", "partNumber").With("ArgumentValue", fmt.Sprint(n))
	}
	return nil
}

// UploadPart stores the body as part in.PartNumber of the upload, replacing
// an earlier part with that number.
func (s *Store) UploadPart(ctx context.Context, in *UploadPartInput) (*meta.Part, error) {
	if err := CheckPartNumber(in.PartNumber); err != nil {
		return nil, err
	}
	if in.Size > MaxPartSize {
		return nil, osserr.Newf(osserr.EntityTooLarge, "The part is %d bytes; the maximum is %d bytes.", in.Size, int64(MaxPartSize))
	}
	wantMD5, err := decodeContentMD5(in.ContentMD5)
	if err != nil {
		return nil, err
	}
	if _, err := s.upload(ctx, in.Bucket, in.Key, in.UploadID); err != nil {
		return nil, err
	}

	data, err := s.writeBlob(ctx, in.Body, in.Size, MaxPartSize)
	if err != nil {
		return nil, err
	}
	if wantMD5 != nil && !bytes.Equal(wantMD5, data.md5) {
		s.blobs.Delete(ctx, data.blobID)
		return nil, osserr.Newf(osserr.InvalidDigest,
			"The Content-MD5 you specified (%s) did not match the MD5 of the received data (%s).",
			in.ContentMD5, base64.StdEncoding.EncodeToString(data.md5))
	}
	return s.putPart(ctx, in.Bucket, in.UploadID, in.PartNumber, data)
}

// putPart records a written blob as a part and deletes the blob of the part
// it replaces; when the upload is gone, it deletes the new blob instead.
func (s *Store) putPart(ctx context.Context, bucket, uploadID string, number int, data *blobData) (*meta.Part, error) {
	p := &meta.Part{
		UploadID: uploadID, PartNumber: number, Size: data.size,
		ETag: strings.ToUpper(hex.EncodeToString(data.md5)), CRC64: data.crc,
		ModTime: s.now().UTC(), BlobID: data.blobID,
	}
	replaced, err := s.meta.Uploads().PutPart(ctx, bucket, p)
	if err != nil {
		s.blobs.Delete(context.WithoutCancel(ctx), data.blobID)
		if errors.Is(err, meta.ErrNotFound) {
			return nil, noSuchUpload(uploadID)
		}
		return nil, osserr.Internal(err)
	}
	if replaced != nil {
		s.deletePartBlobs(ctx, bucket, replaced)
	}
	return p, nil
}

// deletePartBlobs removes the data of parts no record references any more; a
// failure leaves orphans for the next Sweep.
func (s *Store) deletePartBlobs(ctx context.Context, bucket string, parts ...*meta.Part) {
	for _, p := range parts {
		if err := s.blobs.Delete(context.WithoutCancel(ctx), p.BlobID); err != nil {
			s.logger.Warn("delete blob of a part failed; the next start-up sweep removes it",
				"bucket", bucket, "upload_id", p.UploadID, "part", p.PartNumber, "blob", p.BlobID, "err", err)
		}
	}
}

// UploadPartCopyInput describes an UploadPartCopy.
type UploadPartCopyInput struct {
	Bucket     string
	Key        string
	UploadID   string
	PartNumber int

	// Source is the source version, already looked up and authorized.
	Source *meta.Object

	// Offset and Length select the bytes of Source to copy
	// (x-oss-copy-source-range); Length -1 copies from Offset to the end.
	Offset, Length int64
}

// UploadPartCopy copies a range of an existing object into a part. The
// bytes are copied into a new blob, so the source may change or go away
// afterwards.
func (s *Store) UploadPartCopy(ctx context.Context, in *UploadPartCopyInput) (*meta.Part, error) {
	if err := CheckPartNumber(in.PartNumber); err != nil {
		return nil, err
	}
	length := in.Length
	if length < 0 {
		length = in.Source.Size - in.Offset
	}
	if in.Offset < 0 || length < 0 || in.Offset+length > in.Source.Size {
		return nil, osserr.Newf(osserr.InvalidRange, "The range %d+%d lies outside the source object of %d bytes.",
			in.Offset, length, in.Source.Size)
	}
	if length > MaxPartSize {
		return nil, osserr.Newf(osserr.EntityTooLarge, "The part would be %d bytes; the maximum is %d bytes.", length, int64(MaxPartSize))
	}
	if _, err := s.upload(ctx, in.Bucket, in.Key, in.UploadID); err != nil {
		return nil, err
	}

	r, err := s.OpenObject(ctx, in.Source, in.Offset, length)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := s.writeBlob(ctx, r, length, MaxPartSize)
	if err != nil {
		return nil, err
	}
	return s.putPart(ctx, in.Bucket, in.UploadID, in.PartNumber, data)
}

// CompletePart is one entry of a CompleteMultipartUpload part list.
type CompletePart struct {
	PartNumber int
	ETag       string // as sent: quoted or not, any case
}

// CompleteInput describes a CompleteMultipartUpload.
type CompleteInput struct {
	Bucket   string
	Key      string
	UploadID string

	// Parts lists the parts to join, in ascending part number order. With
	// All (x-oss-complete-all: yes) every uploaded part is joined instead.
	Parts []CompletePart
	All   bool

	// ACL, when not empty, replaces the ACL given at initiation.
	ACL string

	// ForbidOverwrite fails the completion with FileAlreadyExists when the
	// key has a current object; it has no effect on a bucket that has had
	// versioning, as in OSS.
	ForbidOverwrite bool
}

// CompleteMultipartUpload joins the parts into an object whose segments are
// the part blobs, without copying data. The ETag is the MD5 of the parts'
// binary MD5s followed by "-<part count>"; the CRC-64 is combined from the
// parts'. Parts not joined are deleted.
func (s *Store) CompleteMultipartUpload(ctx context.Context, in *CompleteInput) (*meta.Object, error) {
	if err := CheckKey(in.Key); err != nil {
		return nil, err
	}
	if !in.All {
		if err := checkPartList(in.Parts); err != nil {
			return nil, err
		}
	}
	bucket, err := s.Bucket(ctx, in.Bucket)
	if err != nil {
		return nil, err
	}

	build := func(u *meta.Upload, parts []*meta.Part) (*meta.Object, error) {
		if u.Key != in.Key {
			return nil, noSuchUpload(in.UploadID)
		}
		chosen, err := chooseParts(parts, in)
		if err != nil {
			return nil, err
		}
		o := s.newObject(bucket, u.Key, Attrs{
			ContentType: u.ContentType, CacheControl: u.CacheControl, ContentDisposition: u.ContentDisposition,
			ContentEncoding: u.ContentEncoding, ContentLanguage: u.ContentLanguage, Expires: u.Expires,
			UserMeta: u.UserMeta, ACL: u.ACL, StorageClass: u.StorageClass, Tags: u.Tags,
		})
		if in.ACL != "" {
			o.ACL = in.ACL
		}
		o.Type = "Multipart"
		o.ETag, o.CRC64, o.Size = multipartDigests(chosen)
		o.Segments = make([]meta.Segment, len(chosen))
		for i, p := range chosen {
			o.Segments[i] = meta.Segment{BlobID: p.BlobID, Size: p.Size}
		}
		return o, nil
	}
	var opts meta.PutOptions
	if bucket.Versioning == "" {
		opts = forbidOverwrite(in.ForbidOverwrite)
	}

	o, replaced, unused, err := s.meta.Uploads().Complete(ctx, in.Bucket, in.UploadID, build, opts)
	if err != nil {
		var oe *osserr.Error
		if errors.As(err, &oe) {
			return nil, oe
		}
		if errors.Is(err, meta.ErrNotFound) {
			return nil, noSuchUpload(in.UploadID)
		}
		return nil, osserr.Internal(err)
	}
	s.deleteBlobs(ctx, replaced...)
	s.deletePartBlobs(ctx, in.Bucket, unused...)
	return o, nil
}

// checkPartList checks that a part list is not empty and strictly ascending.
func checkPartList(parts []CompletePart) error {
	if len(parts) == 0 {
		return osserr.New(osserr.MalformedXML, "The CompleteMultipartUpload element lists no Part; list the parts or send x-oss-complete-all: yes.")
	}
	if len(parts) > MaxPartNumber {
		return osserr.Newf(osserr.MalformedXML, "The part list has %d entries; the maximum is %d.", len(parts), MaxPartNumber)
	}
	for i, p := range parts {
		if p.PartNumber < 1 || p.PartNumber > MaxPartNumber {
			return osserr.Newf(osserr.InvalidPart, "The part number %d must be between 1 and %d.", p.PartNumber, MaxPartNumber)
		}
		if i > 0 && p.PartNumber <= parts[i-1].PartNumber {
			return osserr.Newf(osserr.InvalidPartOrder, "Part %d follows part %d; list parts once each in ascending order.",
				p.PartNumber, parts[i-1].PartNumber)
		}
	}
	return nil
}

// chooseParts returns the uploaded parts a completion joins: those listed,
// each with a matching ETag, or all of them. Every part but the last must
// be at least MinPartSize.
func chooseParts(uploaded []*meta.Part, in *CompleteInput) ([]*meta.Part, error) {
	chosen := uploaded
	if !in.All {
		byNumber := make(map[int]*meta.Part, len(uploaded))
		for _, p := range uploaded {
			byNumber[p.PartNumber] = p
		}
		chosen = make([]*meta.Part, len(in.Parts))
		for i, want := range in.Parts {
			p := byNumber[want.PartNumber]
			if p == nil {
				return nil, osserr.Newf(osserr.InvalidPart, "Part %d has not been uploaded.", want.PartNumber).
					With("PartNumber", fmt.Sprint(want.PartNumber))
			}
			if etag := normalizeETag(want.ETag); etag != p.ETag {
				return nil, osserr.Newf(osserr.InvalidPart, "The ETag %q of part %d does not match the uploaded part's \"%s\".",
					want.ETag, want.PartNumber, p.ETag).With("PartNumber", fmt.Sprint(want.PartNumber)).With("ETag", want.ETag)
			}
			chosen[i] = p
		}
	}
	if len(chosen) == 0 {
		return nil, osserr.New(osserr.InvalidPart, "The upload has no parts to complete.")
	}
	for _, p := range chosen[:len(chosen)-1] {
		if p.Size < MinPartSize {
			return nil, osserr.Newf(osserr.EntityTooSmall,
				"Part %d is %d bytes; every part but the last must be at least %d bytes.", p.PartNumber, p.Size, MinPartSize).
				With("PartNumber", fmt.Sprint(p.PartNumber))
		}
	}
	return chosen, nil
}

// normalizeETag strips quotes and upper-cases an ETag as a client sent it.
func normalizeETag(etag string) string {
	return strings.ToUpper(strings.Trim(strings.TrimSpace(etag), `"`))
}

// multipartDigests returns the multipart ETag, the CRC-64 of the joined
// data and its size.
func multipartDigests(parts []*meta.Part) (etag string, crc uint64, size int64) {
	h := md5.New()
	for _, p := range parts {
		raw, _ := hex.DecodeString(p.ETag)
		h.Write(raw)
		crc = CombineCRC64(crc, p.CRC64, p.Size)
		size += p.Size
	}
	etag = fmt.Sprintf("%s-%d", strings.ToUpper(hex.EncodeToString(h.Sum(nil))), len(parts))
	return etag, crc, size
}

// AbortMultipartUpload removes the upload and deletes its parts.
func (s *Store) AbortMultipartUpload(ctx context.Context, bucket, key, uploadID string) error {
	if _, err := s.upload(ctx, bucket, key, uploadID); err != nil {
		return err
	}
	parts, err := s.meta.Uploads().Abort(ctx, bucket, uploadID)
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchUpload(uploadID)
	}
	if err != nil {
		return osserr.Internal(err)
	}
	s.deletePartBlobs(ctx, bucket, parts...)
	return nil
}

// ListPartsOutput is one page of ListParts.
type ListPartsOutput struct {
	Upload      *meta.Upload
	Parts       []*meta.Part
	IsTruncated bool
}

// ListParts returns up to max parts of the upload numbered above marker.
func (s *Store) ListParts(ctx context.Context, bucket, key, uploadID string, marker, max int) (*ListPartsOutput, error) {
	u, err := s.upload(ctx, bucket, key, uploadID)
	if err != nil {
		return nil, err
	}
	out := &ListPartsOutput{Upload: u}
	if max == 0 {
		return out, nil
	}
	parts, err := s.meta.Uploads().Parts(ctx, bucket, uploadID, marker, max+1)
	if errors.Is(err, meta.ErrNotFound) {
		return nil, noSuchUpload(uploadID)
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	if len(parts) > max {
		parts, out.IsTruncated = parts[:max], true
	}
	out.Parts = parts
	return out, nil
}

// ListUploadsInput selects a page of ListMultipartUploads.
type ListUploadsInput struct {
	Prefix         string
	Delimiter      string
	KeyMarker      string
	UploadIDMarker string
	MaxUploads     int
}

// ListUploadsOutput is one page of ListMultipartUploads. NextKeyMarker and
// NextUploadIDMarker name the last upload or common prefix returned.
type ListUploadsOutput struct {
	Uploads            []*meta.Upload
	CommonPrefixes     []string
	IsTruncated        bool
	NextKeyMarker      string
	NextUploadIDMarker string
}

// ListMultipartUploads returns the uploads in progress in bucket in key
// order, oldest first within a key. With a delimiter, keys are rolled up
// into common prefixes as ListObjects does, each counting as one entry.
func (s *Store) ListMultipartUploads(ctx context.Context, bucket string, in ListUploadsInput) (*ListUploadsOutput, error) {
	if in.MaxUploads < 0 || in.MaxUploads > MaxUploadList {
		return nil, osserr.Newf(osserr.InvalidArgument, "max-uploads %d must be between 0 and %d.", in.MaxUploads, MaxUploadList).
			With("ArgumentName", "max-uploads")
	}
	out := &ListUploadsOutput{}
	if in.MaxUploads == 0 {
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

	opts := meta.UploadScanOptions{Prefix: in.Prefix, KeyMarker: in.KeyMarker, UploadIDMarker: in.UploadIDMarker}
	skip := func(cp string) bool {
		end, ok := prefixEnd(cp)
		opts.KeyMarker, opts.UploadIDMarker, opts.Start = "", "", end
		return ok
	}
	if cp := rollUp(in.KeyMarker); cp != "" && !skip(cp) {
		return out, nil
	}

	count := 0
	for {
		opts.Limit = in.MaxUploads - count + 1
		batch, err := s.meta.Uploads().Scan(ctx, bucket, opts)
		if err != nil {
			return nil, osserr.Internal(err)
		}
		if len(batch) == 0 {
			return out, nil
		}
		for _, u := range batch {
			if count == in.MaxUploads {
				out.IsTruncated = true
				return out, nil
			}
			count++
			if cp := rollUp(u.Key); cp != "" {
				out.CommonPrefixes = append(out.CommonPrefixes, cp)
				out.NextKeyMarker, out.NextUploadIDMarker = cp, ""
				if !skip(cp) {
					return out, nil
				}
				break // rescan from past the common prefix
			}
			out.Uploads = append(out.Uploads, u)
			out.NextKeyMarker, out.NextUploadIDMarker = u.Key, u.UploadID
			opts.KeyMarker, opts.UploadIDMarker, opts.Start = u.Key, u.UploadID, ""
		}
	}
}

// MultipartUsage returns the number of uploads in progress in bucket and
// the number and size of their parts.
func (s *Store) MultipartUsage(ctx context.Context, bucket string) (uploads int64, parts meta.Usage, err error) {
	uploads, err = s.meta.Uploads().Count(ctx, bucket)
	if err == nil {
		parts, err = s.meta.Uploads().PartUsage(ctx, bucket)
	}
	if err != nil {
		return 0, meta.Usage{}, osserr.Internal(err)
	}
	return uploads, parts, nil
}
