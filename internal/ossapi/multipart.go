package ossapi

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// InitiateMultipartUploadResult is the InitiateMultipartUpload response.
type InitiateMultipartUploadResult struct {
	XMLName      xml.Name `xml:"InitiateMultipartUploadResult"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	UploadID     string   `xml:"UploadId"`
	EncodingType string   `xml:"EncodingType,omitempty"`
}

// encodingType reads the encoding-type query parameter: "" or "url".
func encodingType(r *http.Request) (string, error) {
	switch et := r.URL.Query().Get("encoding-type"); et {
	case "", "url":
		return et, nil
	default:
		return "", invalidArgument("encoding-type", et, "must be url")
	}
}

// encodeName applies encoding-type=url to a key or prefix in a response.
func encodeName(encoding, s string) string {
	if encoding == "url" {
		return url.QueryEscape(s)
	}
	return s
}

// InitiateMultipartUpload starts a multipart upload: POST /<key>?uploads.
func (s *Server) InitiateMultipartUpload(w http.ResponseWriter, r *http.Request, req *Request) error {
	enc, err := encodingType(r)
	if err != nil {
		return err
	}
	attrs, err := objectAttrs(r.Header)
	if err != nil {
		return err
	}
	forbid, err := boolHeader(r, "x-oss-forbid-overwrite")
	if err != nil {
		return err
	}

	u, err := s.store.InitiateMultipartUpload(r.Context(), req.Bucket.Name, req.Target.Key, attrs, forbid)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, InitiateMultipartUploadResult{
		Bucket: req.Target.Bucket, Key: encodeName(enc, u.Key), UploadID: u.UploadID, EncodingType: enc,
	})
}

// partParams reads the uploadId and partNumber query parameters.
func partParams(r *http.Request) (uploadID string, partNumber int, err error) {
	q := r.URL.Query()
	uploadID = q.Get("uploadId")
	text := q.Get("partNumber")
	if text == "" {
		return "", 0, osserr.New(osserr.MissingArgument, "The partNumber query parameter is required.").
			With("ArgumentName", "partNumber")
	}
	n, err := strconv.Atoi(text)
	if err != nil {
		return "", 0, invalidArgument("partNumber", text, "must be an integer from 1 to 10000")
	}
	return uploadID, n, store.CheckPartNumber(n)
}

// UploadPart uploads one part: PUT /<key>?partNumber=<n>&uploadId=<id>.
func (s *Server) UploadPart(w http.ResponseWriter, r *http.Request, req *Request) error {
	uploadID, number, err := partParams(r)
	if err != nil {
		return err
	}
	p, err := s.store.UploadPart(r.Context(), &store.UploadPartInput{
		Bucket: req.Bucket.Name, Key: req.Target.Key, UploadID: uploadID, PartNumber: number,
		Body: s.uploadBody(w, r), Size: r.ContentLength, ContentMD5: r.Header.Get("Content-MD5"),
	})
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("ETag", quoteETag(p.ETag))
	h.Set("Content-MD5", etagToContentMD5(p.ETag))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(p.CRC64, 10))
	w.WriteHeader(http.StatusOK)
	return nil
}

// CopyPartResult is the UploadPartCopy response.
type CopyPartResult struct {
	XMLName      xml.Name `xml:"CopyPartResult"`
	LastModified string   `xml:"LastModified"`
	ETag         string   `xml:"ETag"`
}

// parseCopySourceRange parses x-oss-copy-source-range, "bytes=<first>-<last>"
// or "bytes=<first>-", into an offset and a length (-1 for "to the end").
func parseCopySourceRange(v string) (offset, length int64, err error) {
	bad := func() (int64, int64, error) {
		return 0, 0, invalidArgument("x-oss-copy-source-range", v, "must have the form bytes=<first>-<last>")
	}
	spec, ok := strings.CutPrefix(v, "bytes=")
	if !ok {
		return bad()
	}
	firstText, lastText, ok := strings.Cut(spec, "-")
	if !ok {
		return bad()
	}
	first, err := strconv.ParseInt(firstText, 10, 64)
	if err != nil || first < 0 {
		return bad()
	}
	if lastText == "" {
		return first, -1, nil
	}
	last, err := strconv.ParseInt(lastText, 10, 64)
	if err != nil || last < first {
		return bad()
	}
	return first, last - first + 1, nil
}

// UploadPartCopy copies a range of an object into a part: PUT
// /<key>?partNumber=<n>&uploadId=<id> with x-oss-copy-source.
func (s *Server) UploadPartCopy(w http.ResponseWriter, r *http.Request, req *Request) error {
	uploadID, number, err := partParams(r)
	if err != nil {
		return err
	}
	src, err := parseCopySource(r.Header.Get("x-oss-copy-source"))
	if err != nil {
		return err
	}
	offset, length := int64(0), int64(-1)
	if v := r.Header.Get("x-oss-copy-source-range"); v != "" {
		if offset, length, err = parseCopySourceRange(v); err != nil {
			return err
		}
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

	p, err := s.store.UploadPartCopy(r.Context(), &store.UploadPartCopyInput{
		Bucket: req.Bucket.Name, Key: req.Target.Key, UploadID: uploadID, PartNumber: number,
		Source: source, Offset: offset, Length: length,
	})
	if err != nil {
		return err
	}
	if source.VersionID != meta.NullVersion {
		w.Header().Set("x-oss-copy-source-version-id", source.VersionID)
	}
	w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(p.CRC64, 10))
	return writeXML(w, http.StatusOK, CopyPartResult{LastModified: isoTime(p.ModTime), ETag: quoteETag(p.ETag)})
}

// completeRequest is the CompleteMultipartUpload body.
type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

// CompleteMultipartUploadResult is the CompleteMultipartUpload response.
type CompleteMultipartUploadResult struct {
	XMLName      xml.Name `xml:"CompleteMultipartUploadResult"`
	EncodingType string   `xml:"EncodingType,omitempty"`
	Location     string   `xml:"Location"`
	Bucket       string   `xml:"Bucket"`
	Key          string   `xml:"Key"`
	ETag         string   `xml:"ETag"`
}

// CompleteMultipartUpload joins the parts into an object: POST
// /<key>?uploadId=<id> with a part list, or with x-oss-complete-all: yes and
// no body.
func (s *Server) CompleteMultipartUpload(w http.ResponseWriter, r *http.Request, req *Request) error {
	enc, err := encodingType(r)
	if err != nil {
		return err
	}
	in := &store.CompleteInput{Bucket: req.Bucket.Name, Key: req.Target.Key, UploadID: r.URL.Query().Get("uploadId")}
	switch all := r.Header.Get("x-oss-complete-all"); strings.ToLower(all) {
	case "":
	case "yes":
		in.All = true
	default:
		return invalidArgument("x-oss-complete-all", all, "must be yes")
	}
	if in.All {
		body, err := readBody(r, MaxXMLBody)
		if err != nil {
			return err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			return osserr.New(osserr.InvalidArgument, "A request with x-oss-complete-all: yes must not list parts in its body.").
				With("ArgumentName", "x-oss-complete-all")
		}
	} else {
		var body completeRequest
		if err := readXML(r, &body); err != nil {
			return err
		}
		for _, p := range body.Parts {
			in.Parts = append(in.Parts, store.CompletePart{PartNumber: p.PartNumber, ETag: p.ETag})
		}
	}
	if in.ACL = r.Header.Get("x-oss-object-acl"); in.ACL != "" && !validObjectACL(in.ACL) {
		return invalidArgument("x-oss-object-acl", in.ACL, "must be default, private, public-read or public-read-write")
	}
	if in.ForbidOverwrite, err = boolHeader(r, "x-oss-forbid-overwrite"); err != nil {
		return err
	}
	cb, err := s.parseCallback(r)
	if err != nil {
		return err
	}

	o, err := s.store.CompleteMultipartUpload(r.Context(), in)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.CRC64, 10))
	s.setVersionID(h, req, o.VersionID)
	if cb != nil {
		return s.runCallback(w, r, req, cb, o)
	}
	return writeXML(w, http.StatusOK, CompleteMultipartUploadResult{
		EncodingType: enc, Location: s.objectLocation(r, req, o.Key),
		Bucket: req.Target.Bucket, Key: encodeName(enc, o.Key), ETag: quoteETag(o.ETag),
	})
}

// objectLocation returns the URL of key as the client addressed the bucket.
func (s *Server) objectLocation(r *http.Request, req *Request, key string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	escaped := (&url.URL{Path: key}).EscapedPath()
	if req.Target.Style == VirtualHostedStyle {
		return scheme + "://" + r.Host + "/" + escaped
	}
	return scheme + "://" + r.Host + "/" + req.Target.Bucket + "/" + escaped
}

// AbortMultipartUpload cancels an upload and deletes its parts: DELETE
// /<key>?uploadId=<id>.
func (s *Server) AbortMultipartUpload(w http.ResponseWriter, r *http.Request, req *Request) error {
	err := s.store.AbortMultipartUpload(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("uploadId"))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ListPartsResult is the ListParts response.
type ListPartsResult struct {
	XMLName              xml.Name      `xml:"ListPartsResult"`
	EncodingType         string        `xml:"EncodingType,omitempty"`
	Bucket               string        `xml:"Bucket"`
	Key                  string        `xml:"Key"`
	UploadID             string        `xml:"UploadId"`
	StorageClass         string        `xml:"StorageClass"`
	PartNumberMarker     int           `xml:"PartNumberMarker"`
	NextPartNumberMarker int           `xml:"NextPartNumberMarker"`
	MaxParts             int           `xml:"MaxParts"`
	IsTruncated          bool          `xml:"IsTruncated"`
	Parts                []PartSummary `xml:"Part"`
}

// PartSummary is one <Part> of ListParts.
type PartSummary struct {
	PartNumber    int    `xml:"PartNumber"`
	LastModified  string `xml:"LastModified"`
	ETag          string `xml:"ETag"`
	HashCrc64ecma string `xml:"HashCrc64ecma"`
	Size          int64  `xml:"Size"`
}

// ListParts lists the parts of an upload: GET /<key>?uploadId=<id>.
func (s *Server) ListParts(w http.ResponseWriter, r *http.Request, req *Request) error {
	enc, err := encodingType(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	maxParts, err := intParam(q.Get("max-parts"), "max-parts", store.MaxListParts, 0, store.MaxListParts)
	if err != nil {
		return err
	}
	marker, err := intParam(q.Get("part-number-marker"), "part-number-marker", 0, 0, store.MaxPartNumber)
	if err != nil {
		return err
	}

	page, err := s.store.ListParts(r.Context(), req.Bucket.Name, req.Target.Key, q.Get("uploadId"), marker, maxParts)
	if err != nil {
		return err
	}
	res := ListPartsResult{
		EncodingType: enc, Bucket: req.Target.Bucket, Key: encodeName(enc, page.Upload.Key),
		UploadID: page.Upload.UploadID, StorageClass: page.Upload.StorageClass,
		PartNumberMarker: marker, MaxParts: maxParts, IsTruncated: page.IsTruncated,
	}
	for _, p := range page.Parts {
		res.Parts = append(res.Parts, PartSummary{
			PartNumber: p.PartNumber, LastModified: isoTime(p.ModTime), ETag: quoteETag(p.ETag),
			HashCrc64ecma: strconv.FormatUint(p.CRC64, 10), Size: p.Size,
		})
		res.NextPartNumberMarker = p.PartNumber
	}
	return writeXML(w, http.StatusOK, res)
}

// ListMultipartUploadsResult is the ListMultipartUploads response.
type ListMultipartUploadsResult struct {
	XMLName            xml.Name        `xml:"ListMultipartUploadsResult"`
	EncodingType       string          `xml:"EncodingType,omitempty"`
	Bucket             string          `xml:"Bucket"`
	KeyMarker          string          `xml:"KeyMarker"`
	UploadIDMarker     string          `xml:"UploadIdMarker"`
	NextKeyMarker      string          `xml:"NextKeyMarker"`
	NextUploadIDMarker string          `xml:"NextUploadIdMarker"`
	Delimiter          string          `xml:"Delimiter"`
	Prefix             string          `xml:"Prefix"`
	MaxUploads         int             `xml:"MaxUploads"`
	IsTruncated        bool            `xml:"IsTruncated"`
	Uploads            []UploadSummary `xml:"Upload"`
	CommonPrefixes     []CommonPrefix  `xml:"CommonPrefixes"`
}

// UploadSummary is one <Upload> of ListMultipartUploads.
type UploadSummary struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

// ListMultipartUploads lists the uploads in progress: GET /?uploads.
func (s *Server) ListMultipartUploads(w http.ResponseWriter, r *http.Request, req *Request) error {
	enc, err := encodingType(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	maxUploads, err := intParam(q.Get("max-uploads"), "max-uploads", store.MaxUploadList, 0, store.MaxUploadList)
	if err != nil {
		return err
	}
	in := store.ListUploadsInput{
		Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"), KeyMarker: q.Get("key-marker"),
		UploadIDMarker: q.Get("upload-id-marker"), MaxUploads: maxUploads,
	}

	page, err := s.store.ListMultipartUploads(r.Context(), req.Bucket.Name, in)
	if err != nil {
		return err
	}
	res := ListMultipartUploadsResult{
		EncodingType: enc, Bucket: req.Target.Bucket, KeyMarker: encodeName(enc, in.KeyMarker),
		UploadIDMarker: in.UploadIDMarker, Delimiter: encodeName(enc, in.Delimiter),
		Prefix: encodeName(enc, in.Prefix), MaxUploads: maxUploads, IsTruncated: page.IsTruncated,
	}
	if page.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = encodeName(enc, page.NextKeyMarker), page.NextUploadIDMarker
	}
	for _, u := range page.Uploads {
		res.Uploads = append(res.Uploads, UploadSummary{
			Key: encodeName(enc, u.Key), UploadID: u.UploadID, StorageClass: u.StorageClass, Initiated: isoTime(u.Initiated),
		})
	}
	for _, cp := range page.CommonPrefixes {
		res.CommonPrefixes = append(res.CommonPrefixes, CommonPrefix{Prefix: encodeName(enc, cp)})
	}
	return writeXML(w, http.StatusOK, res)
}

func validObjectACL(acl string) bool {
	switch acl {
	case "default", "private", "public-read", "public-read-write":
		return true
	}
	return false
}
