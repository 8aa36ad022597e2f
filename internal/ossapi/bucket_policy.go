package ossapi

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// PutBucketPolicy sets the bucket policy: PUT /?policy with the JSON
// document as body. The document is validated and stored byte for byte.
// With Block Public Access on, a policy that grants public access is
// refused.
func (s *Server) PutBucketPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := readBody(r, policy.MaxSize)
	if err != nil {
		if osserr.Is(err, osserr.InvalidArgument) {
			return osserr.Newf(osserr.MalformedPolicy, "The policy document is larger than %d bytes.", policy.MaxSize)
		}
		return err
	}
	parsed, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return err
	}
	if parsed.AllowsPublicAccess() {
		blocked, err := s.store.BucketPublicAccessBlock(r.Context(), req.Bucket.Name)
		if err != nil {
			return err
		}
		if blocked {
			return osserr.New(osserr.AccessDenied,
				"The bucket policy grants public access, which Block Public Access on this bucket forbids; turn Block Public Access off first.")
		}
	}
	if err := s.store.PutBucketPolicy(r.Context(), req.Bucket.Name, doc); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetBucketPolicy returns the bucket policy exactly as it was put: GET /?policy.
func (s *Server) GetBucketPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := s.store.BucketPolicy(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}
	if doc == nil {
		return osserr.New(osserr.NoSuchBucketPolicy, "").With("BucketName", req.Target.Bucket)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	return nil
}

// DeleteBucketPolicy removes the bucket policy: DELETE /?policy.
func (s *Server) DeleteBucketPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.store.DeleteBucketPolicy(r.Context(), req.Bucket.Name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PolicyStatus is the GetBucketPolicyStatus response.
type PolicyStatus struct {
	XMLName  xml.Name `xml:"PolicyStatus"`
	IsPublic bool     `xml:"IsPublic"`
}

// GetBucketPolicyStatus tells whether the bucket policy grants public
// access: GET /?policyStatus.
func (s *Server) GetBucketPolicyStatus(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := s.store.BucketPolicy(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}
	public := false
	if doc != nil {
		parsed, err := policy.Parse(doc, policy.Resource)
		if err != nil {
			return osserr.Internal(err)
		}
		public = parsed.AllowsPublicAccess()
	}
	return writeXML(w, http.StatusOK, PolicyStatus{IsPublic: public})
}
