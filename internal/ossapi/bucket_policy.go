package ossapi

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"unicode/utf8"

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
	if !utf8.Valid(doc) {
		return osserr.New(osserr.MalformedPolicy, "The policy document is not valid UTF-8.").WithEC(ecPolicyNotUTF8)
	}
	parsed, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return withBucketPolicyEC(err, doc)
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

// ECs of PutBucketPolicy failures, from Alibaba Cloud's OSS error-code
// pages.
const (
	ecPolicyVersion = "0030-00000002" // Version is a string other than "1"
	ecPolicyNotUTF8 = "0030-00000004"
	ecPolicySyntax  = "0030-00000005" // any other fault of the document
)

// withBucketPolicyEC gives a MalformedPolicy error of policy.Parse the EC
// that OSS returns for doc; other errors pass unchanged.
func withBucketPolicyEC(err error, doc []byte) error {
	e := osserr.From(err)
	if e.Code != osserr.MalformedPolicy {
		return err
	}
	var head struct{ Version any }
	if json.Unmarshal(doc, &head) == nil {
		if v, ok := head.Version.(string); ok && v != "1" {
			return e.WithEC(ecPolicyVersion)
		}
	}
	return e.WithEC(ecPolicySyntax)
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
