package ossapi

import (
	"encoding/xml"
	"net/http"

	"github.com/ossfc/ossfc/internal/osserr"
)

// AccessControlPolicy is the GetBucketAcl and GetObjectAcl response.
type AccessControlPolicy struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   Owner    `xml:"Owner"`
	Grant   string   `xml:"AccessControlList>Grant"`
}

// PutBucketAcl sets the bucket ACL from x-oss-acl: PUT /?acl.
func (s *Server) PutBucketAcl(w http.ResponseWriter, r *http.Request, req *Request) error {
	acl := r.Header.Get("x-oss-acl")
	switch acl {
	case "private", "public-read", "public-read-write":
	case "":
		return missingHeader("x-oss-acl")
	default:
		return invalidArgument("x-oss-acl", acl, "must be private, public-read or public-read-write")
	}
	if err := s.store.PutBucketACL(r.Context(), req.Bucket.Name, acl); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetBucketAcl returns the bucket ACL: GET /?acl.
func (s *Server) GetBucketAcl(w http.ResponseWriter, r *http.Request, req *Request) error {
	b := req.Bucket
	return writeXML(w, http.StatusOK, AccessControlPolicy{
		Owner: Owner{ID: b.AccountID, DisplayName: b.AccountID}, Grant: b.ACL,
	})
}

// PutObjectAcl sets an object's ACL from x-oss-object-acl: PUT /<key>?acl,
// optionally with versionId.
func (s *Server) PutObjectAcl(w http.ResponseWriter, r *http.Request, req *Request) error {
	acl := r.Header.Get("x-oss-object-acl")
	if acl == "" {
		return missingHeader("x-oss-object-acl")
	}
	if !validObjectACL(acl) {
		return invalidArgument("x-oss-object-acl", acl, "must be default, private, public-read or public-read-write")
	}
	o, err := s.store.PutObjectACL(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"), acl)
	if err != nil {
		return err
	}
	s.setVersionID(w.Header(), req, o.VersionID)
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetObjectAcl returns an object's ACL: GET /<key>?acl.
func (s *Server) GetObjectAcl(w http.ResponseWriter, r *http.Request, req *Request) error {
	o, err := s.store.HeadObject(r.Context(), req.Bucket.Name, req.Target.Key, r.URL.Query().Get("versionId"))
	if err != nil {
		return err
	}
	s.setVersionID(w.Header(), req, o.VersionID)
	b := req.Bucket
	return writeXML(w, http.StatusOK, AccessControlPolicy{
		Owner: Owner{ID: b.AccountID, DisplayName: b.AccountID}, Grant: o.ACL,
	})
}

// missingHeader returns MissingArgument naming a required header.
func missingHeader(name string) error {
	return osserr.Newf(osserr.MissingArgument, "The %s header is required.", name).With("ArgumentName", name)
}
