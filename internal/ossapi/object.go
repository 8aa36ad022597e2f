package ossapi

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// PutObject uploads an object: PUT /<key>.
func (s *Server) PutObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	attrs, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}
	forbid, err := boolHeader(r, "x-oss-forbid-overwrite")
	if err != nil {
		return err
	}
	cb, err := s.parseCallback(r)
	if err != nil {
		return err
	}

	o, err := s.store.PutObject(r.Context(), &store.PutInput{
		Bucket: req.Bucket.Name, Key: req.Target.Key, Body: s.uploadBody(w, r), Size: r.ContentLength,
		ContentMD5: r.Header.Get("Content-MD5"), Attrs: attrs, ForbidOverwrite: forbid,
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", quoteETag(o.ETag))
	h.Set("Content-MD5", etagToContentMD5(o.ETag))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	s.setVersionID(h, req, o.VersionID)
	if cb != nil {
		return s.runCallback(w, r, req, cb, o)
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetObject downloads an object, or a range of it: GET /<key>.
func (s *Server) GetObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	// Serving the original for a processing request would be a wrong
	// success. Object FC Access Points, which pass x-oss-process to their
	// function, do not come here.
	if r.URL.Query().Has("x-oss-process") {
		return osserr.New(osserr.NotImplemented, "Image and document processing (x-oss-process) is not implemented by ossfc.")
	}

	o, err := s.headObject(r, req)
	if err != nil {
		return err
	}
	if err := checkConditions(r.Header, o, ""); err != nil {
		return err
	}
	standard := strings.EqualFold(r.Header.Get("x-oss-range-behavior"), "standard")
	rng, err := parseRange(r.Header.Get("Range"), o.Size, standard)
	if err != nil {
		return err
	}

	h := w.Header()
	setObjectHeaders(h, o)
	s.setVersionID(h, req, o.VersionID)
	applyResponseOverrides(h, r, req)
	status, offset, length := http.StatusOK, int64(0), o.Size
	if rng != nil {
		status, offset, length = http.StatusPartialContent, rng.start, rng.length
		h.Set("Content-Range", "bytes "+strconv.FormatInt(rng.start, 10)+"-"+
			strconv.FormatInt(rng.start+rng.length-1, 10)+"/"+strconv.FormatInt(o.Size, 10))
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))

	body, err := s.store.OpenObject(r.Context(), o, offset, length)
	if err != nil {
		return err
	}
	defer body.Close()
	w.WriteHeader(status)
	if _, err := io.Copy(w, body); err != nil {
		// The client went away or the data could not be read; the status
		// is sent, so the connection is closed to signal the failure.
		s.logger.Debug("GetObject body copy ended early", "request_id", req.ID, "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

// HeadObject returns an object's headers: HEAD /<key>.
func (s *Server) HeadObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	o, err := s.headObject(r, req)
	if err != nil {
		return err
	}
	if err := checkConditions(r.Header, o, ""); err != nil {
		return err
	}
	setObjectHeaders(w.Header(), o)
	s.setVersionID(w.Header(), req, o.VersionID)
	w.Header().Set("Content-Length", strconv.FormatInt(o.Size, 10))
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetObjectMeta returns an object's basic metadata: HEAD /<key>?objectMeta.
func (s *Server) GetObjectMeta(w http.ResponseWriter, r *http.Request, req *Request) error {
	o, err := s.headObject(r, req)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Length", strconv.FormatInt(o.Size, 10))
	h.Set("ETag", quoteETag(o.ETag))
	h.Set("Last-Modified", httpTime(o.ModTime))
	h.Set("x-oss-last-access-time", httpTime(o.ModTime))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	s.setVersionID(h, req, o.VersionID)
	w.WriteHeader(http.StatusOK)
	return nil
}

// DeleteObject deletes an object or one version of it: DELETE /<key>.
func (s *Server) DeleteObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	res, err := s.store.DeleteObject(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	s.setVersionID(w.Header(), req, res.VersionID)
	if res.DeleteMarker {
		w.Header().Set("x-oss-delete-marker", "true")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// AppendObject appends to an appendable object: POST /<key>?append&position=<n>.
func (s *Server) AppendObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	if !q.Has("position") {
		return osserr.New(osserr.InvalidArgument, "The position parameter is missing: use 0 for the first append, then the object's length.").
			With("ArgumentName", "position").WithEC("0016-00000501")
	}
	posText := q.Get("position")
	pos, err := strconv.ParseInt(posText, 10, 64)
	if err != nil || pos < 0 {
		return invalidArgument("position", posText, "must be a non-negative integer")
	}
	if q.Has("versionId") {
		// Appends always go to the current version.
		return invalidArgument("versionId", q.Get("versionId"), "is not supported by AppendObject").WithEC("0016-00000504")
	}
	attrs, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}

	o, err := s.store.AppendObject(r.Context(), &store.AppendInput{
		Bucket: req.Bucket.Name, Key: req.Target.Key, Position: pos, Body: s.uploadBody(w, r),
		Size: r.ContentLength, ContentMD5: r.Header.Get("Content-MD5"), Attrs: attrs,
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", quoteETag(o.ETag))
	h.Set("x-oss-next-append-position", strconv.FormatInt(o.Size, 10))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	s.setVersionID(h, req, o.VersionID)
	w.WriteHeader(http.StatusOK)
	return nil
}

// checkConditions evaluates If-Match, If-Unmodified-Since, If-None-Match and
// If-Modified-Since (or, with prefix "x-oss-copy-source-", their CopyObject
// counterparts) against o, in the order RFC 9110 gives. Times compare at
// whole seconds, the precision of Last-Modified.
func checkConditions(h http.Header, o *meta.Object, prefix string) error {
	get := func(name string) string {
		if prefix != "" {
			return h.Get(prefix + name) // e.g. x-oss-copy-source-If-Match
		}
		return h.Get(name)
	}
	etag := quoteETag(o.ETag)
	mod := o.ModTime.Truncate(time.Second)

	if v := get("If-Match"); v != "" && !etagMatches(v, etag) {
		return osserr.Newf(osserr.PreconditionFailed, "The ETag %s does not match %s.", etag, v)
	}
	if v := get("If-Unmodified-Since"); v != "" && get("If-Match") == "" {
		if t, err := http.ParseTime(v); err == nil && mod.After(t) {
			return osserr.Newf(osserr.PreconditionFailed, "The object was modified at %s, after %s.", httpTime(mod), v)
		}
	}
	if v := get("If-None-Match"); v != "" {
		if etagMatches(v, etag) {
			return notModified(o)
		}
	} else if v := get("If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !mod.After(t) {
			return notModified(o)
		}
	}
	return nil
}

func notModified(o *meta.Object) error {
	return osserr.New(osserr.NotModified, "").
		WithHeader("ETag", quoteETag(o.ETag)).
		WithHeader("Last-Modified", httpTime(o.ModTime))
}

// etagMatches reports whether a comma-separated If-Match or If-None-Match
// list names etag, or is "*". Quotes are optional, case is ignored.
func etagMatches(list, etag string) bool {
	want := strings.ToUpper(strings.Trim(etag, `"`))
	for _, v := range strings.Split(list, ",") {
		v = strings.TrimSpace(v)
		v = strings.TrimPrefix(v, "W/")
		if v == "*" || strings.ToUpper(strings.Trim(v, `"`)) == want {
			return true
		}
	}
	return false
}

// applyResponseOverrides applies the response-* query parameters of a
// signed GetObject; OSS ignores them on anonymous requests.
func applyResponseOverrides(h http.Header, r *http.Request, req *Request) {
	if req.Caller == nil || req.Caller.Anonymous {
		return
	}
	q := r.URL.Query()
	for param, header := range map[string]string{
		"response-content-type":        "Content-Type",
		"response-content-language":    "Content-Language",
		"response-expires":             "Expires",
		"response-cache-control":       "Cache-Control",
		"response-content-disposition": "Content-Disposition",
		"response-content-encoding":    "Content-Encoding",
	} {
		if v := q.Get(param); v != "" {
			h.Set(header, v)
		}
	}
}

// boolHeader parses a true/false header; absent is false.
func boolHeader(r *http.Request, name string) (bool, error) {
	switch v := strings.ToLower(r.Header.Get(name)); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, invalidArgument(name, r.Header.Get(name), "must be true or false")
	}
}
