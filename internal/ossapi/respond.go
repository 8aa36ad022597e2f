package ossapi

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// MaxXMLBody is the largest XML request body accepted.
const MaxXMLBody = 1 << 20

// writeXML sends v as an XML document with status.
func writeXML(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	if err := xml.NewEncoder(&buf).Encode(v); err != nil {
		return osserr.Internal(err)
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
	return nil
}

// readXML decodes an XML request body of at most MaxXMLBody bytes into v.
// Element order is free; unknown elements are ignored.
func readXML(r *http.Request, v any) error {
	return readXMLLimit(r, v, MaxXMLBody)
}

// readXMLLimit is readXML with another size limit.
func readXMLLimit(r *http.Request, v any, limit int64) error {
	body, err := readBody(r, limit)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return osserr.New(osserr.MalformedXML, "The request body is empty; an XML document is required.")
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return osserr.New(osserr.MalformedXML, "").With("ErrorDetail", err.Error())
	}
	return nil
}

// readBody reads a small request body, at most limit bytes, and checks its
// Content-MD5 when present.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, osserr.Newf(osserr.InvalidArgument, "The request body is %d bytes; the maximum is %d.", r.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, osserr.New(osserr.IncompleteBody, "").Wrap(err)
	}
	if int64(len(body)) > limit {
		return nil, osserr.Newf(osserr.InvalidArgument, "The request body is larger than %d bytes.", limit)
	}
	if err := checkContentMD5(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

// isoTime formats t as OSS writes times in XML bodies.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// httpTime formats t for Last-Modified and similar headers.
func httpTime(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// Owner is the <Owner> element.
type Owner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}
