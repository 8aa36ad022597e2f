package console

import (
	"net/http"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// bucketRow is one bucket in the list.
type bucketRow struct {
	Name    string
	Region  string
	Created time.Time
}

type bucketList struct {
	Buckets    []bucketRow
	NextMarker string
	Marker     string
	Region     string
}

// ListBuckets shows the buckets the principal may list, a page at a time,
// and the form to create one.
//
// With ?open=<name> it goes to that bucket instead, which lets a principal
// that may not list buckets reach one it may read.
func (c *Console) ListBuckets(w http.ResponseWriter, r *http.Request, s *session) error {
	if name := strings.TrimSpace(r.URL.Query().Get("open")); name != "" {
		if problem := bucketNameProblem(name); problem != "" {
			c.redirectError(w, r, s, "/buckets", invalidInput(problem))
			return nil
		}
		http.Redirect(w, r, "/buckets/"+name, http.StatusSeeOther)
		return nil
	}
	marker := r.URL.Query().Get("marker")
	p := page{Title: "Buckets", Nav: "buckets"}
	out, err := s.oss.ListBuckets(r.Context(), &oss.ListBucketsRequest{Marker: oss.Ptr(marker), MaxKeys: 100})
	if err != nil {
		p.Error = c.explain(r, err)
		p.Data = bucketList{Region: c.opts.Region}
		c.renderStatus(w, r, s, p.Error.Status, "buckets", p)
		return nil
	}

	list := bucketList{Marker: marker, Region: c.opts.Region}
	for _, b := range out.Buckets {
		row := bucketRow{Name: oss.ToString(b.Name), Region: oss.ToString(b.Region)}
		if b.CreationDate != nil {
			row.Created = *b.CreationDate
		}
		list.Buckets = append(list.Buckets, row)
	}
	if out.IsTruncated {
		list.NextMarker = oss.ToString(out.NextMarker)
	}
	p.Data = list
	c.render(w, r, s, "buckets", p)
	return nil
}

// PutBucket creates a bucket.
func (c *Console) PutBucket(w http.ResponseWriter, r *http.Request, s *session) error {
	name := strings.TrimSpace(r.PostFormValue("bucket"))
	if problem := bucketNameProblem(name); problem != "" {
		c.redirectError(w, r, s, "/buckets", invalidInput(problem))
		return nil
	}
	if _, err := s.oss.PutBucket(r.Context(), &oss.PutBucketRequest{Bucket: oss.Ptr(name)}); err != nil {
		c.redirectError(w, r, s, "/buckets", err)
		return nil
	}
	redirect(w, r, s, "/buckets/"+name, "Bucket "+name+" created. Upload a first object below.")
	return nil
}

// DeleteBucket deletes an empty bucket.
func (c *Console) DeleteBucket(w http.ResponseWriter, r *http.Request, s *session) error {
	name := r.PathValue("bucket")
	if _, err := s.oss.DeleteBucket(r.Context(), &oss.DeleteBucketRequest{Bucket: oss.Ptr(name)}); err != nil {
		c.redirectError(w, r, s, "/buckets/"+name, err)
		return nil
	}
	redirect(w, r, s, "/buckets", "Bucket "+name+" deleted.")
	return nil
}

// bucketNameProblem explains why name is not a valid bucket name, or
// returns "" when it is. The rules are OSS's: 3 to 63 characters of
// lower-case letters, digits and hyphens, starting and ending with a letter
// or digit. ossfc also reserves the access point alias suffixes.
func bucketNameProblem(name string) string {
	switch {
	case len(name) < 3 || len(name) > 63:
		return "A bucket name has 3 to 63 characters."
	case !onlyNameChars(name):
		return "A bucket name may contain only lower-case letters, digits and hyphens (-)."
	case name[0] == '-' || name[len(name)-1] == '-':
		return "A bucket name must start and end with a lower-case letter or a digit."
	case strings.HasSuffix(name, "-ossalias") || strings.HasSuffix(name, "-opapalias"):
		return "A bucket name must not end with -ossalias or -opapalias: those suffixes mark access point aliases."
	}
	return ""
}

// onlyNameChars reports whether s has only lower-case letters, digits and
// hyphens.
func onlyNameChars(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
