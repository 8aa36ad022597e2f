package ossapi

import (
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/store"
)

// ListBucketResult is the ListObjects and ListObjectsV2 response; fields of
// one version are empty in the other and omitted.
type ListBucketResult struct {
	XMLName               xml.Name        `xml:"ListBucketResult"`
	Name                  string          `xml:"Name"`
	Prefix                string          `xml:"Prefix"`
	Marker                *string         `xml:"Marker"`
	StartAfter            string          `xml:"StartAfter,omitempty"`
	ContinuationToken     string          `xml:"ContinuationToken,omitempty"`
	MaxKeys               int             `xml:"MaxKeys"`
	Delimiter             string          `xml:"Delimiter"`
	IsTruncated           bool            `xml:"IsTruncated"`
	NextMarker            string          `xml:"NextMarker,omitempty"`
	NextContinuationToken string          `xml:"NextContinuationToken,omitempty"`
	KeyCount              *int            `xml:"KeyCount"`
	EncodingType          string          `xml:"EncodingType,omitempty"`
	Contents              []ObjectSummary `xml:"Contents"`
	CommonPrefixes        []CommonPrefix  `xml:"CommonPrefixes"`
}

// ObjectSummary is one <Contents> entry of a listing.
type ObjectSummary struct {
	Key          string `xml:"Key"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Type         string `xml:"Type"`
	Size         int64  `xml:"Size"`
	StorageClass string `xml:"StorageClass"`
	Owner        *Owner `xml:"Owner"`
}

// CommonPrefix is one <CommonPrefixes> entry.
type CommonPrefix struct {
	Prefix string `xml:"Prefix"`
}

// listParams are the query parameters both listing versions share.
type listParams struct {
	prefix, delimiter string
	maxKeys           int
	urlEncoding       bool
}

func parseListParams(q url.Values) (listParams, error) {
	p := listParams{prefix: q.Get("prefix"), delimiter: q.Get("delimiter")}
	switch et := q.Get("encoding-type"); et {
	case "":
	case "url":
		p.urlEncoding = true
	default:
		return p, invalidArgument("encoding-type", et, "must be url")
	}
	var err error
	p.maxKeys, err = intParam(q.Get("max-keys"), "max-keys", 100, 0, store.MaxListKeys)
	return p, err
}

// encode applies encoding-type=url to a name in a listing response.
func (p listParams) encode(s string) string {
	if !p.urlEncoding {
		return s
	}
	return url.QueryEscape(s)
}

func (p listParams) summaries(objs []*meta.Object, owner *Owner) []ObjectSummary {
	out := make([]ObjectSummary, len(objs))
	for i, o := range objs {
		out[i] = ObjectSummary{
			Key: p.encode(o.Key), LastModified: isoTime(o.ModTime), ETag: quoteETag(o.ETag),
			Type: o.Type, Size: o.Size, StorageClass: o.StorageClass, Owner: owner,
		}
	}
	return out
}

func (p listParams) prefixes(cps []string) []CommonPrefix {
	out := make([]CommonPrefix, len(cps))
	for i, cp := range cps {
		out[i] = CommonPrefix{Prefix: p.encode(cp)}
	}
	return out
}

// ListObjects lists objects, version 1: GET / on the bucket.
func (s *Server) ListObjects(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	p, err := parseListParams(q)
	if err != nil {
		return err
	}
	marker := q.Get("marker")

	page, err := s.store.ListObjects(r.Context(), req.Bucket.Name, store.ListInput{
		Prefix: p.prefix, Delimiter: p.delimiter, After: marker, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return err
	}
	encodedMarker := p.encode(marker)
	res := ListBucketResult{
		Name: req.Target.Bucket, Prefix: p.encode(p.prefix), Marker: &encodedMarker, MaxKeys: p.maxKeys,
		Delimiter: p.encode(p.delimiter), IsTruncated: page.IsTruncated,
		Contents:       p.summaries(page.Objects, &Owner{ID: req.Bucket.AccountID, DisplayName: req.Bucket.AccountID}),
		CommonPrefixes: p.prefixes(page.CommonPrefixes),
	}
	if p.urlEncoding {
		res.EncodingType = "url"
	}
	if page.IsTruncated {
		res.NextMarker = p.encode(page.Next)
	}
	return writeXML(w, http.StatusOK, res)
}

// ListObjectsV2 lists objects, version 2: GET /?list-type=2 on the bucket.
func (s *Server) ListObjectsV2(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	p, err := parseListParams(q)
	if err != nil {
		return err
	}
	startAfter, token := q.Get("start-after"), q.Get("continuation-token")
	after := startAfter
	if token != "" {
		key, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return invalidArgument("continuation-token", token, "is not a token from an earlier listing")
		}
		after = string(key)
	}
	var owner *Owner
	switch fo := strings.ToLower(q.Get("fetch-owner")); fo {
	case "", "false":
	case "true":
		owner = &Owner{ID: req.Bucket.AccountID, DisplayName: req.Bucket.AccountID}
	default:
		return invalidArgument("fetch-owner", q.Get("fetch-owner"), "must be true or false")
	}

	page, err := s.store.ListObjects(r.Context(), req.Bucket.Name, store.ListInput{
		Prefix: p.prefix, Delimiter: p.delimiter, After: after, MaxKeys: p.maxKeys,
	})
	if err != nil {
		return err
	}
	keyCount := len(page.Objects) + len(page.CommonPrefixes)
	res := ListBucketResult{
		Name: req.Target.Bucket, Prefix: p.encode(p.prefix), StartAfter: p.encode(startAfter),
		ContinuationToken: p.encode(token), MaxKeys: p.maxKeys, Delimiter: p.encode(p.delimiter),
		IsTruncated: page.IsTruncated, KeyCount: &keyCount,
		Contents:       p.summaries(page.Objects, owner),
		CommonPrefixes: p.prefixes(page.CommonPrefixes),
	}
	if p.urlEncoding {
		res.EncodingType = "url"
	}
	if page.IsTruncated {
		res.NextContinuationToken = p.encode(base64.RawURLEncoding.EncodeToString([]byte(page.Next)))
	}
	return writeXML(w, http.StatusOK, res)
}
