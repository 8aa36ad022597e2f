package ossapi

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// CopyObjectResult is the CopyObject response.
type CopyObjectResult struct {
	XMLName      xml.Name `xml:"CopyObjectResult"`
	ETag         string   `xml:"ETag"`
	LastModified string   `xml:"LastModified"`
}

// copySource is a parsed x-oss-copy-source header.
type copySource struct {
	bucket, key, versionID string
}

// parseCopySource parses "/<bucket>/<percent-encoded key>[?versionId=<id>]".
func parseCopySource(v string) (copySource, error) {
	bad := func(why string) (copySource, error) {
		return copySource{}, invalidArgument("x-oss-copy-source", v, why)
	}
	path, query, _ := strings.Cut(v, "?")
	path = strings.TrimPrefix(path, "/")
	bucket, rawKey, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || rawKey == "" {
		return bad("must have the form /<bucket>/<key>")
	}
	key, err := url.PathUnescape(rawKey)
	if err != nil {
		return bad("must percent-encode the key")
	}
	cs := copySource{bucket: bucket, key: key}
	if query != "" {
		q, err := url.ParseQuery(query)
		if err != nil {
			return bad("has an invalid query")
		}
		cs.versionID = q.Get("versionId")
	}
	return cs, nil
}

// CopyObject copies an object: PUT /<key> with x-oss-copy-source.
func (s *Server) CopyObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	src, err := parseCopySource(r.Header.Get("x-oss-copy-source"))
	if err != nil {
		return err
	}
	directive := strings.ToUpper(r.Header.Get("x-oss-metadata-directive"))
	switch directive {
	case "", "COPY", "REPLACE":
	default:
		return invalidArgument("x-oss-metadata-directive", r.Header.Get("x-oss-metadata-directive"), "must be COPY or REPLACE")
	}
	tagging := strings.ToUpper(r.Header.Get("x-oss-tagging-directive"))
	switch tagging {
	case "", "COPY", "REPLACE":
	default:
		return invalidArgument("x-oss-tagging-directive", r.Header.Get("x-oss-tagging-directive"), "must be COPY or REPLACE")
	}
	attrs, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}
	forbid, err := boolHeader(r, "x-oss-forbid-overwrite")
	if err != nil {
		return err
	}

	srcBucket, err := s.resolveSourceBucket(r, req, src)
	if err != nil {
		return err
	}
	source, err := s.store.HeadObject(r.Context(), srcBucket, src.key, src.versionID)
	if err != nil {
		return err
	}
	if err := checkConditions(r.Header, source, "x-oss-copy-source-"); err != nil {
		return err
	}

	o, err := s.store.CopyObject(r.Context(), &store.CopyInput{
		Source: source, Bucket: req.Bucket.Name, Key: req.Target.Key,
		ReplaceAttrs: directive == "REPLACE", ReplaceTags: tagging == "REPLACE", Attrs: attrs, ForbidOverwrite: forbid,
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	s.setVersionID(h, req, o.VersionID)
	if source.VersionID != "" && source.VersionID != "null" {
		h.Set("x-oss-copy-source-version-id", source.VersionID)
	}
	return writeXML(w, http.StatusOK, CopyObjectResult{ETag: quoteETag(o.ETag), LastModified: isoTime(o.ModTime)})
}

// resolveSourceBucket returns the bucket a copy source names, by name or by
// access point alias, and checks that the caller may read from it. An
// Object FC Access Point alias cannot be a source, because reading through
// it means running its function.
func (s *Server) resolveSourceBucket(r *http.Request, req *Request, src copySource) (string, error) {
	source := &Request{ID: req.ID, Internal: req.Internal, Caller: req.Caller, Op: opGetObject,
		Target: Target{Bucket: src.bucket, Key: src.key, HasKey: true}}
	name := src.bucket
	if accesspoint.IsAlias(name) {
		if err := s.throughAccessPoint(r, source); err != nil {
			return "", err
		}
		if source.ObjectFCAccessPoint != nil {
			return "", osserr.Newf(osserr.AccessDenied,
				"The copy source %s is an Object FC Access Point alias; copy from its supporting access point or bucket instead.", src.bucket)
		}
		name = source.AccessPoint.Bucket
	}
	b, err := s.store.Bucket(r.Context(), name)
	if err != nil {
		return "", err
	}
	source.Bucket = b

	if err := s.authz.Authorize(r.Context(), source.accessVersion(r, opGetObject, src.key, src.versionID)); err != nil {
		return "", osserr.From(err)
	}
	return b.Name, nil
}
