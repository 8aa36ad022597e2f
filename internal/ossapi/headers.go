package ossapi

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

const userMetaPrefix = "x-oss-meta-"

// encryptionHeaders request server-side encryption, which ossfc does not
// implement; storing the object in the clear would be a wrong success.
var encryptionHeaders = []string{
	"x-oss-server-side-encryption",
	"x-oss-server-side-data-encryption",
	"x-oss-server-side-encryption-key-id",
}

// objectAttrs reads the stored attributes of a new object from request
// headers, enforcing the 8 KiB limit on user metadata and the allowed ACL
// and storage class values. A request for server-side encryption fails with
// NotImplemented.
func objectAttrs(h http.Header) (store.Attrs, error) {
	for _, name := range encryptionHeaders {
		if h.Get(name) != "" {
			return store.Attrs{}, osserr.Newf(osserr.NotImplemented,
				"Server-side encryption (%s) is not implemented by ossfc; send the request without it.", name)
		}
	}

	a := store.Attrs{
		ContentType:        h.Get("Content-Type"),
		CacheControl:       h.Get("Cache-Control"),
		ContentDisposition: h.Get("Content-Disposition"),
		ContentEncoding:    h.Get("Content-Encoding"),
		ContentLanguage:    h.Get("Content-Language"),
		Expires:            h.Get("Expires"),
		ACL:                h.Get("x-oss-object-acl"),
		StorageClass:       h.Get("x-oss-storage-class"),
		Tags:               h.Get("x-oss-tagging"),
	}

	size := 0
	for name, values := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, userMetaPrefix) {
			continue
		}
		if a.UserMeta == nil {
			a.UserMeta = map[string]string{}
		}
		key := lower[len(userMetaPrefix):]
		value := strings.Join(values, ",")
		a.UserMeta[key] = value
		size += len(key) + len(value)
	}
	if size > store.MaxUserMetaSize {
		return a, osserr.Newf(osserr.MetadataTooLarge, "The x-oss-meta-* headers hold %d bytes; the maximum is %d.", size, store.MaxUserMetaSize)
	}

	switch a.ACL {
	case "", "default", "private", "public-read", "public-read-write":
	default:
		return a, invalidArgument("x-oss-object-acl", a.ACL, "must be default, private, public-read or public-read-write")
	}
	if a.StorageClass != "" && !validStorageClass(a.StorageClass) {
		return a, invalidArgument("x-oss-storage-class", a.StorageClass, "must be Standard, IA, Archive, ColdArchive or DeepColdArchive")
	}
	tags, err := store.NormalizeObjectTags(a.Tags)
	if err != nil {
		return a, err
	}
	a.Tags = tags
	return a, nil
}

func validStorageClass(c string) bool {
	switch c {
	case "Standard", "IA", "Archive", "ColdArchive", "DeepColdArchive":
		return true
	}
	return false
}

// invalidArgument returns InvalidArgument naming the argument and value.
func invalidArgument(name, value, why string) *osserr.Error {
	return osserr.Newf(osserr.InvalidArgument, "The value %q of %s is invalid: it %s.", value, name, why).
		With("ArgumentName", name).With("ArgumentValue", value)
}

// setObjectHeaders writes the headers GetObject and HeadObject return for o.
func setObjectHeaders(h http.Header, o *meta.Object) {
	h.Set("ETag", quoteETag(o.ETag))
	h.Set("Last-Modified", httpTime(o.ModTime))
	h.Set("Content-Type", o.ContentType)
	h.Set("x-oss-object-type", o.Type)
	h.Set("x-oss-storage-class", o.StorageClass)
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	h.Set("Accept-Ranges", "bytes")
	if o.Type == "Normal" {
		if md5 := etagToContentMD5(o.ETag); md5 != "" {
			h.Set("Content-MD5", md5)
		}
	}
	for name, value := range map[string]string{
		"Cache-Control":       o.CacheControl,
		"Content-Disposition": o.ContentDisposition,
		"Content-Encoding":    o.ContentEncoding,
		"Content-Language":    o.ContentLanguage,
		"Expires":             o.Expires,
	} {
		if value != "" {
			h.Set(name, value)
		}
	}
	for k, v := range o.UserMeta {
		h.Set(userMetaPrefix+k, v)
	}
	setVersionHeader(h, o.VersionID)
	if o.Tags != "" {
		h.Set("x-oss-tagging-count", strconv.Itoa(strings.Count(o.Tags, "&")+1))
	}
	if o.Type == "Appendable" {
		h.Set("x-oss-next-append-position", strconv.FormatInt(o.Size, 10))
	}
}

// setVersionHeader sets x-oss-version-id except for the null version of a
// bucket without versioning.
func setVersionHeader(h http.Header, versionID string) {
	if versionID != "" && versionID != meta.NullVersion {
		h.Set("x-oss-version-id", versionID)
	}
}

// quoteETag returns the ETag header form: the upper-case hex in quotes.
func quoteETag(etag string) string { return `"` + etag + `"` }

// checkContentMD5 compares a Content-MD5 header with the MD5 of body.
func checkContentMD5(r *http.Request, body []byte) error {
	v := r.Header.Get("Content-MD5")
	if v == "" {
		return nil
	}
	want, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(want) != md5.Size {
		return osserr.Newf(osserr.InvalidDigest, "The Content-MD5 %q is not the base64 encoding of a 16-byte MD5 digest.", v)
	}
	got := md5.Sum(body)
	if !bytes.Equal(got[:], want) {
		return osserr.Newf(osserr.InvalidDigest, "The Content-MD5 you specified (%s) did not match the MD5 of the received body (%s).",
			v, base64.StdEncoding.EncodeToString(got[:]))
	}
	return nil
}

// etagToContentMD5 returns the Content-MD5 form (base64) of a simple-upload
// ETag, or "" for ETags that are not an MD5 (multipart, appendable).
func etagToContentMD5(etag string) string {
	b, err := hex.DecodeString(etag)
	if err != nil || len(b) != md5.Size {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}
