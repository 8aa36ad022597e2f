package console

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// textPreviewLimit is how much of a text object the object page shows.
const textPreviewLimit = 64 << 10

// objectRow is one entry of a listing: a folder (common prefix) or an
// object.
type objectRow struct {
	Key          string
	Name         string // the part after the listed prefix
	Folder       bool
	Size         int64
	LastModified time.Time
}

type objectList struct {
	Bucket    string
	Prefix    string
	Crumbs    []crumb
	Rows      []objectRow
	NextToken string
	Token     string
}

// crumb is one step of the prefix path shown above a listing.
type crumb struct {
	Name   string
	Prefix string
}

// ListObjects browses a bucket by prefix, with "/" as the folder delimiter.
func (c *Console) ListObjects(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket := r.PathValue("bucket")
	prefix := r.URL.Query().Get("prefix")
	token := r.URL.Query().Get("token")
	list := objectList{Bucket: bucket, Prefix: prefix, Token: token, Crumbs: crumbs(prefix)}
	p := page{Title: bucket, Nav: "buckets", Data: &list}

	req := &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: oss.Ptr(prefix), Delimiter: oss.Ptr("/"), MaxKeys: 200}
	if token != "" {
		req.ContinuationToken = oss.Ptr(token)
	}
	out, err := s.oss.ListObjectsV2(r.Context(), req)
	if err != nil {
		p.Error = c.explain(r, err)
		c.renderStatus(w, r, s, p.Error.Status, "objects", p)
		return nil
	}

	for _, cp := range out.CommonPrefixes {
		key := oss.ToString(cp.Prefix)
		list.Rows = append(list.Rows, objectRow{Key: key, Name: strings.TrimPrefix(key, prefix), Folder: true})
	}
	for _, o := range out.Contents {
		key := oss.ToString(o.Key)
		row := objectRow{Key: key, Name: strings.TrimPrefix(key, prefix), Size: o.Size}
		if o.LastModified != nil {
			row.LastModified = *o.LastModified
		}
		list.Rows = append(list.Rows, row)
	}
	sort.SliceStable(list.Rows, func(i, j int) bool { return list.Rows[i].Folder && !list.Rows[j].Folder })
	if out.IsTruncated {
		list.NextToken = oss.ToString(out.NextContinuationToken)
	}
	c.render(w, r, s, "objects", p)
	return nil
}

// crumbs splits a prefix into the folders above it.
func crumbs(prefix string) []crumb {
	var out []crumb
	rest := prefix
	for done := ""; rest != ""; {
		i := strings.Index(rest, "/")
		if i < 0 {
			out = append(out, crumb{Name: rest, Prefix: done + rest})
			break
		}
		done += rest[:i+1]
		out = append(out, crumb{Name: rest[:i], Prefix: done})
		rest = rest[i+1:]
	}
	return out
}

// PutObject streams an upload from the browser to the OSS API. The
// browser sends the file as the raw request body (so it can show upload
// progress) with the object key in the query. The body goes on to
// PutObject as it arrives, or for a large file to a multipart upload one
// part at a time, and is never held whole in memory.
func (c *Console) PutObject(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket := r.PathValue("bucket")
	key := r.URL.Query().Get("key")
	if key == "" || len(key) > 1023 {
		return invalidInput("The object name must be 1 to 1023 bytes long.")
	}
	if r.ContentLength < 0 {
		return &userError{status: http.StatusLengthRequired, text: "The upload must state its length."}
	}
	if r.ContentLength > c.opts.MaxUploadSize {
		return &userError{status: http.StatusRequestEntityTooLarge,
			text: "The file is larger than " + formatBytes(c.opts.MaxUploadSize) + ", the most one upload through the console may be."}
	}

	contentType := r.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		contentType = "application/octet-stream"
	}
	body := http.MaxBytesReader(w, r.Body, r.ContentLength)
	req := &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), ContentType: oss.Ptr(contentType)}
	if r.ContentLength <= c.opts.MultipartThreshold {
		req.ContentLength, req.Body = oss.Ptr(r.ContentLength), body
		if _, err := s.oss.PutObject(r.Context(), req); err != nil {
			return err
		}
	} else {
		uploader := s.oss.NewUploader(func(o *oss.UploaderOptions) {
			o.PartSize, o.ParallelNum = c.opts.PartSize, 2
		})
		if _, err := uploader.UploadFrom(r.Context(), req, body); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"bucket": bucket, "key": key})
	return nil
}

// objectDetail is the object page's data.
type objectDetail struct {
	Bucket       string
	Key          string
	Name         string
	Parent       string
	Size         int64
	ContentType  string
	ETag         string
	LastModified time.Time
	ObjectType   string
	StorageClass string
	CRC64        string
	Metadata     []metaPair

	Preview   string // "image", "text" or ""
	Text      string
	Truncated bool
}

type metaPair struct{ Name, Value string }

// HeadObject shows an object's metadata, a preview when it is an image or
// text, and its download and delete actions.
func (c *Console) HeadObject(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket := r.PathValue("bucket")
	key := r.URL.Query().Get("key")
	d := &objectDetail{Bucket: bucket, Key: key, Name: path.Base(key), Parent: parentPrefix(key)}
	p := page{Title: d.Name, Nav: "buckets", Data: d}

	head, err := s.oss.HeadObject(r.Context(), &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		p.Error = c.explain(r, err)
		c.renderStatus(w, r, s, p.Error.Status, "object", p)
		return nil
	}
	d.Size = head.ContentLength
	d.ContentType = oss.ToString(head.ContentType)
	d.ETag = oss.ToString(head.ETag)
	d.ObjectType = oss.ToString(head.ObjectType)
	d.StorageClass = oss.ToString(head.StorageClass)
	d.CRC64 = oss.ToString(head.HashCRC64)
	if head.LastModified != nil {
		d.LastModified = *head.LastModified
	}
	for k, v := range head.Metadata {
		d.Metadata = append(d.Metadata, metaPair{k, v})
	}
	sort.Slice(d.Metadata, func(i, j int) bool { return d.Metadata[i].Name < d.Metadata[j].Name })

	switch kind, _ := classify(key, d.ContentType); kind {
	case previewImage:
		d.Preview = "image"
	case previewText:
		d.Preview = "text"
		if err := c.readTextPreview(r, s, d); err != nil {
			p.Error = c.explain(r, err)
		}
	}
	c.render(w, r, s, "object", p)
	return nil
}

// readTextPreview reads the start of a text object into d; the template
// escapes it, so markup in the object is shown, never interpreted.
func (c *Console) readTextPreview(r *http.Request, s *session, d *objectDetail) error {
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(d.Bucket), Key: oss.Ptr(d.Key)}
	if d.Size > textPreviewLimit {
		req.Range = oss.Ptr("bytes=0-" + strconv.Itoa(textPreviewLimit-1))
		d.Truncated = true
	}
	out, err := s.oss.GetObject(r.Context(), req)
	if err != nil {
		return err
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, textPreviewLimit))
	if err != nil {
		return err
	}
	d.Text = strings.ToValidUTF8(string(b), "\uFFFD")
	return nil
}

// PreviewObject serves an object for display inside the console, such as
// the src of an <img>. See serveObject for why this is safe with untrusted
// content.
//
// The bucket may be an Object FC Access Point's alias, which runs its
// function: the side-by-side page previews transformed objects that way,
// and may pass the x-oss-process parameter for the function to read.
func (c *Console) PreviewObject(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.serveObject(w, r, s, r.PathValue("bucket"), r.URL.Query().Get("key"), false)
}

// DownloadObject serves an object as an attachment with its file name.
func (c *Console) DownloadObject(w http.ResponseWriter, r *http.Request, s *session) error {
	return c.serveObject(w, r, s, r.PathValue("bucket"), r.URL.Query().Get("key"), true)
}

// serveObject streams an object from GetObject to the browser. Whatever the
// object holds, the response runs no script in the console's origin. The
// Content-Type is a safe image type, text/plain or application/octet-stream,
// never text/html, and nosniff stops the browser from guessing another. The
// sandbox policy gives the document an opaque origin with scripts off when
// it is opened on its own. Anything that is neither image nor text is sent
// as an attachment.
func (c *Console) serveObject(w http.ResponseWriter, r *http.Request, s *session, bucket, key string, download bool) error {
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}
	if process := r.URL.Query().Get("process"); process != "" {
		req.Process = oss.Ptr(process)
	}
	out, err := s.oss.GetObject(r.Context(), req)
	if err != nil {
		return err
	}
	defer out.Body.Close()

	kind, contentType := classify(key, oss.ToString(out.ContentType))
	disposition := "inline"
	if download || kind == previewNone {
		disposition, contentType = "attachment", "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Security-Policy", objectPolicy)
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": path.Base(key)}))
	h.Set("Cache-Control", "private, no-store")
	if out.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(out.ContentLength, 10))
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, out.Body); err != nil {
		c.logger.Debug("console object stream ended early", "bucket", bucket, "key", key, "err", err)
	}
	return nil
}

// DeleteObject deletes an object and returns to its folder.
func (c *Console) DeleteObject(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket := r.PathValue("bucket")
	key := r.PostFormValue("key")
	back := "/buckets/" + bucket + "?prefix=" + url.QueryEscape(parentPrefix(key))
	if _, err := s.oss.DeleteObject(r.Context(), &oss.DeleteObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}); err != nil {
		c.redirectError(w, r, s, "/buckets/"+bucket+"/object?key="+url.QueryEscape(key), err)
		return nil
	}
	redirect(w, r, s, back, "Object "+key+" deleted.")
	return nil
}

// parentPrefix returns the folder prefix of key ("a/b/" for "a/b/c").
func parentPrefix(key string) string {
	i := strings.LastIndex(strings.TrimSuffix(key, "/"), "/")
	if i < 0 {
		return ""
	}
	return key[:i+1]
}
