package ossapi

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// Tagging is the body of PutObjectTagging and PutBucketTags and the
// response of their Get operations.
type Tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	Tags    []TagXML `xml:"TagSet>Tag"`
}

// TagXML is one <Tag>.
type TagXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

func (t Tagging) tags() []store.Tag {
	out := make([]store.Tag, len(t.Tags))
	for i, x := range t.Tags {
		out[i] = store.Tag{Key: x.Key, Value: x.Value}
	}
	return out
}

func taggingOf(tags []store.Tag) Tagging {
	t := Tagging{Tags: make([]TagXML, len(tags))}
	for i, x := range tags {
		t.Tags[i] = TagXML{Key: x.Key, Value: x.Value}
	}
	return t
}

// PutObjectTagging replaces an object's tags: PUT /<key>?tagging.
func (s *Server) PutObjectTagging(w http.ResponseWriter, r *http.Request, req *Request) error {
	var body Tagging
	if err := readXML(r, &body); err != nil {
		return err
	}
	o, err := s.store.PutObjectTagging(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"), body.tags())
	if err != nil {
		return err
	}
	s.setVersionID(w.Header(), req, o.VersionID)
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetObjectTagging returns an object's tags: GET /<key>?tagging.
func (s *Server) GetObjectTagging(w http.ResponseWriter, r *http.Request, req *Request) error {
	o, err := s.store.HeadObject(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	tags, err := store.ParseTags(o.Tags)
	if err != nil {
		return osserr.Internal(err)
	}
	s.setVersionID(w.Header(), req, o.VersionID)
	return writeXML(w, http.StatusOK, taggingOf(tags))
}

// DeleteObjectTagging removes an object's tags: DELETE /<key>?tagging.
func (s *Server) DeleteObjectTagging(w http.ResponseWriter, r *http.Request, req *Request) error {
	o, err := s.store.DeleteObjectTagging(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	s.setVersionID(w.Header(), req, o.VersionID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PutBucketTags replaces the bucket's tags: PUT /?tagging.
func (s *Server) PutBucketTags(w http.ResponseWriter, r *http.Request, req *Request) error {
	var body Tagging
	if err := readXML(r, &body); err != nil {
		return err
	}
	if err := s.store.PutBucketTags(r.Context(), req.Bucket.Name, body.tags()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetBucketTags returns the bucket's tags, an empty set when it has none:
// GET /?tagging.
func (s *Server) GetBucketTags(w http.ResponseWriter, r *http.Request, req *Request) error {
	tags, err := s.store.BucketTags(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, taggingOf(tags))
}

// DeleteBucketTags removes the bucket's tags, or only those whose keys the
// tagging parameter lists (comma-separated): DELETE /?tagging.
func (s *Server) DeleteBucketTags(w http.ResponseWriter, r *http.Request, req *Request) error {
	var keys []string
	if v := r.URL.Query().Get("tagging"); v != "" {
		keys = strings.Split(v, ",")
	}
	if err := s.store.DeleteBucketTags(r.Context(), req.Bucket.Name, keys); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PublicAccessBlockConfiguration is the body and response of the bucket
// Block Public Access operations.
type PublicAccessBlockConfiguration struct {
	XMLName           xml.Name `xml:"PublicAccessBlockConfiguration"`
	BlockPublicAccess bool     `xml:"BlockPublicAccess"`
}

// PutBucketPublicAccessBlock enables or disables Block Public Access: PUT
// /?publicAccessBlock.
func (s *Server) PutBucketPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf struct {
		BlockPublicAccess *string `xml:"BlockPublicAccess"`
	}
	if err := readXML(r, &conf); err != nil {
		return err
	}
	var block bool
	switch v := strings.TrimSpace(valueOr(conf.BlockPublicAccess, "")); v {
	case "true":
		block = true
	case "false":
	default:
		return osserr.Newf(osserr.MalformedXML, "BlockPublicAccess is %q; it must be true or false.", v)
	}
	if err := s.store.PutBucketPublicAccessBlock(r.Context(), req.Bucket.Name, block); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetBucketPublicAccessBlock returns the setting, false when never set: GET
// /?publicAccessBlock.
func (s *Server) GetBucketPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	block, err := s.store.BucketPublicAccessBlock(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, PublicAccessBlockConfiguration{BlockPublicAccess: block})
}

// DeleteBucketPublicAccessBlock removes the setting: DELETE
// /?publicAccessBlock.
func (s *Server) DeleteBucketPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.store.DeleteBucketPublicAccessBlock(r.Context(), req.Bucket.Name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func valueOr(p *string, def string) string {
	if p == nil {
		return def
	}
	return *p
}
