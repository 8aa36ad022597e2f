package console

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// compareView is the side-by-side page's data: one object read directly
// from its bucket and read through an Object FC Access Point's alias.
type compareView struct {
	Bucket  string
	Key     string
	Alias   string
	Process string // x-oss-process for the transformed read, if any

	FCAccessPoints []fcAccessPointRow
	Chosen         *fcAccessPointRow

	Preview         string // "image", "text" or ""
	DirectURL       string
	TransformedURL  string
	DirectText      string
	TransformedText string
	TransformedErr  *errorView
}

// Compare shows an object read directly beside the same object read
// through an Object FC Access Point, so the function's work can be seen.
// The transformed read is a GetObject on the alias, which runs the
// function; the direct read is a GetObject on the bucket.
func (c *Console) Compare(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	v := &compareView{Bucket: q.Get("bucket"), Key: q.Get("key"), Alias: q.Get("alias"), Process: q.Get("process")}
	p := page{Title: "Side by side", Nav: "compare", Data: v}

	aps, err := listAccessPoints(r.Context(), s)
	if err == nil {
		v.FCAccessPoints, err = listFCAccessPoints(r.Context(), s, aps)
	}
	if err != nil {
		return c.renderResult(w, r, s, "compare", p, err)
	}
	for i := range v.FCAccessPoints {
		if v.FCAccessPoints[i].Alias == v.Alias {
			v.Chosen = &v.FCAccessPoints[i]
		}
	}
	if v.Chosen == nil && len(v.FCAccessPoints) > 0 && v.Alias == "" {
		v.Chosen = preferredFCAccessPoint(v.FCAccessPoints, v.Bucket)
		v.Alias = v.Chosen.Alias
	}
	if v.Chosen != nil && v.Bucket == "" {
		v.Bucket = v.Chosen.Bucket
	}
	if v.Chosen == nil || v.Key == "" {
		c.render(w, r, s, "compare", p)
		return nil
	}

	// Decide the kind of preview from the original object.
	head, err := s.oss.HeadObject(r.Context(), &oss.HeadObjectRequest{Bucket: oss.Ptr(v.Bucket), Key: oss.Ptr(v.Key)})
	if err != nil {
		return c.renderResult(w, r, s, "compare", p, err)
	}
	kind, _ := classify(v.Key, oss.ToString(head.ContentType))
	query := "?key=" + url.QueryEscape(v.Key)
	v.DirectURL = "/buckets/" + url.PathEscape(v.Bucket) + "/preview" + query
	if v.Process != "" {
		query += "&process=" + url.QueryEscape(v.Process)
	}
	v.TransformedURL = "/buckets/" + url.PathEscape(v.Alias) + "/preview" + query

	switch kind {
	case previewImage:
		v.Preview = "image"
	case previewText:
		v.Preview = "text"
		v.DirectText, err = c.readText(r, s, v.Bucket, v.Key, "")
		if err != nil {
			return c.renderResult(w, r, s, "compare", p, err)
		}
		v.TransformedText, err = c.readText(r, s, v.Alias, v.Key, v.Process)
		if err != nil {
			v.TransformedErr = c.explain(r, err)
		}
	}
	c.render(w, r, s, "compare", p)
	return nil
}

// preferredFCAccessPoint picks the first Object FC Access Point on bucket,
// or the first one at all.
func preferredFCAccessPoint(rows []fcAccessPointRow, bucket string) *fcAccessPointRow {
	for i := range rows {
		if rows[i].Bucket == bucket {
			return &rows[i]
		}
	}
	return &rows[0]
}

// readText reads up to textPreviewLimit bytes of an object as text. A
// transformed read cannot be asked for a range (the function would need
// the GetObject-Range feature), so it reads from the start and stops.
func (c *Console) readText(r *http.Request, s *session, bucket, key, process string) (string, error) {
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}
	if process != "" {
		req.Process = oss.Ptr(process)
	}
	out, err := s.oss.GetObject(r.Context(), req)
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, textPreviewLimit))
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}
