package ossapi

import (
	"encoding/xml"
	"net/http"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/store"
)

// VersioningConfiguration is the PutBucketVersioning body and the
// GetBucketVersioning response; Status is omitted for a bucket that never
// had versioning.
type VersioningConfiguration struct {
	XMLName xml.Name `xml:"VersioningConfiguration"`
	Status  string   `xml:"Status,omitempty"`
}

// PutBucketVersioning enables or suspends versioning: PUT /?versioning.
func (s *Server) PutBucketVersioning(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf VersioningConfiguration
	if err := readXML(r, &conf); err != nil {
		return err
	}
	if err := s.store.PutBucketVersioning(r.Context(), req.Bucket.Name, conf.Status); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetBucketVersioning returns the versioning state: GET /?versioning.
func (s *Server) GetBucketVersioning(w http.ResponseWriter, r *http.Request, req *Request) error {
	return writeXML(w, http.StatusOK, VersioningConfiguration{Status: req.Bucket.Versioning})
}

// setVersionID sets x-oss-version-id on a bucket that has had versioning,
// "null" included for versions written before it was enabled. A bucket that
// never had versioning gets no header.
func (s *Server) setVersionID(h http.Header, req *Request, versionID string) {
	if req.Bucket != nil && req.Bucket.Versioning != "" && versionID != "" {
		h.Set("x-oss-version-id", versionID)
	}
}

// ListVersionsResult is the ListObjectVersions response.
type ListVersionsResult struct {
	XMLName             xml.Name       `xml:"ListVersionsResult"`
	Name                string         `xml:"Name"`
	Prefix              string         `xml:"Prefix"`
	KeyMarker           string         `xml:"KeyMarker"`
	VersionIDMarker     string         `xml:"VersionIdMarker"`
	MaxKeys             int            `xml:"MaxKeys"`
	Delimiter           string         `xml:"Delimiter"`
	IsTruncated         bool           `xml:"IsTruncated"`
	NextKeyMarker       string         `xml:"NextKeyMarker,omitempty"`
	NextVersionIDMarker string         `xml:"NextVersionIdMarker,omitempty"`
	EncodingType        string         `xml:"EncodingType,omitempty"`
	Entries             []VersionEntry // <Version> and <DeleteMarker> in listing order
	CommonPrefixes      []CommonPrefix `xml:"CommonPrefixes"`
}

// VersionEntry is one <Version> or <DeleteMarker> of ListObjectVersions; a
// delete marker has no ETag, Type, Size or StorageClass.
type VersionEntry struct {
	XMLName      xml.Name
	Key          string `xml:"Key"`
	VersionID    string `xml:"VersionId"`
	IsLatest     bool   `xml:"IsLatest"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag,omitempty"`
	Type         string `xml:"Type,omitempty"`
	Size         *int64 `xml:"Size,omitempty"`
	StorageClass string `xml:"StorageClass,omitempty"`
	Owner        Owner  `xml:"Owner"`
}

// ListObjectVersions lists every version and delete marker: GET /?versions.
// It works on buckets that never had versioning, listing null versions.
func (s *Server) ListObjectVersions(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	p, err := parseListParams(q)
	if err != nil {
		return err
	}
	in := store.ListVersionsInput{
		Prefix: p.prefix, Delimiter: p.delimiter, KeyMarker: q.Get("key-marker"),
		VersionIDMarker: q.Get("version-id-marker"), MaxKeys: p.maxKeys,
	}

	page, err := s.store.ListObjectVersions(r.Context(), req.Bucket.Name, in)
	if err != nil {
		return err
	}
	res := ListVersionsResult{
		Name: req.Target.Bucket, Prefix: p.encode(in.Prefix), KeyMarker: p.encode(in.KeyMarker),
		VersionIDMarker: in.VersionIDMarker, MaxKeys: p.maxKeys, Delimiter: p.encode(in.Delimiter),
		IsTruncated: page.IsTruncated, CommonPrefixes: p.prefixes(page.CommonPrefixes),
	}
	if p.urlEncoding {
		res.EncodingType = "url"
	}
	if page.IsTruncated {
		res.NextKeyMarker, res.NextVersionIDMarker = p.encode(page.NextKeyMarker), page.NextVersionIDMarker
	}
	owner := Owner{ID: req.Bucket.AccountID, DisplayName: req.Bucket.AccountID}
	for _, o := range page.Versions {
		res.Entries = append(res.Entries, versionEntry(p, o, owner))
	}
	return writeXML(w, http.StatusOK, res)
}

func versionEntry(p listParams, o *meta.Object, owner Owner) VersionEntry {
	e := VersionEntry{
		Key: p.encode(o.Key), VersionID: o.VersionID, IsLatest: o.IsLatest,
		LastModified: isoTime(o.ModTime), Owner: owner,
	}
	if o.DeleteMarker {
		e.XMLName.Local = "DeleteMarker"
		return e
	}
	size := o.Size
	e.XMLName.Local = "Version"
	e.ETag, e.Type, e.Size, e.StorageClass = quoteETag(o.ETag), o.Type, &size, o.StorageClass
	return e
}
