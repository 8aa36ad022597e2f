package ossapi

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
)

// MaxDeleteObjects is the most keys one DeleteMultipleObjects may name.
const MaxDeleteObjects = 1000

// maxDeleteBody bounds a DeleteMultipleObjects body. The request is limited
// by its key count, so the body must fit 1,000 keys of 1,023 bytes even when
// XML escaping makes each byte five ("&amp;").
const maxDeleteBody = 6 << 20

// deleteRequest is the DeleteMultipleObjects body.
type deleteRequest struct {
	Quiet   string `xml:"Quiet"`
	Objects []struct {
		Key       string `xml:"Key"`
		VersionID string `xml:"VersionId"`
	} `xml:"Object"`
}

// DeleteResult is the DeleteMultipleObjects response.
type DeleteResult struct {
	XMLName      xml.Name        `xml:"DeleteResult"`
	EncodingType string          `xml:"EncodingType,omitempty"`
	Deleted      []DeletedObject `xml:"Deleted"`
}

// DeletedObject is one <Deleted> entry.
type DeletedObject struct {
	Key                   string `xml:"Key"`
	VersionID             string `xml:"VersionId,omitempty"`
	DeleteMarker          bool   `xml:"DeleteMarker,omitempty"`
	DeleteMarkerVersionID string `xml:"DeleteMarkerVersionId,omitempty"`
}

// DeleteMultipleObjects deletes up to 1,000 keys: POST /?delete. The body
// must carry a Content-MD5, as OSS requires.
func (s *Server) DeleteMultipleObjects(w http.ResponseWriter, r *http.Request, req *Request) error {
	if r.Header.Get("Content-MD5") == "" {
		return osserr.New(osserr.MissingArgument, "DeleteMultipleObjects requires a Content-MD5 header.").
			With("ArgumentName", "Content-MD5")
	}
	encodingType := r.URL.Query().Get("encoding-type")
	if encodingType != "" && encodingType != "url" {
		return invalidArgument("encoding-type", encodingType, "must be url")
	}

	var body deleteRequest
	if err := readXMLLimit(r, &body, maxDeleteBody); err != nil {
		return err
	}
	if len(body.Objects) == 0 {
		return osserr.New(osserr.MalformedXML, "The Delete element names no Object.")
	}
	if len(body.Objects) > MaxDeleteObjects {
		return osserr.Newf(osserr.MalformedXML, "The request names %d objects; the maximum is %d.", len(body.Objects), MaxDeleteObjects)
	}
	quiet := strings.EqualFold(strings.TrimSpace(body.Quiet), "true")

	res := DeleteResult{}
	if encodingType == "url" {
		res.EncodingType = "url"
	}
	for _, o := range body.Objects {
		if err := s.authz.Authorize(r.Context(), req.accessVersion(r, opDeleteObject, o.Key, o.VersionID)); err != nil {
			return err
		}
		out, err := s.store.DeleteObject(r.Context(), req.Bucket.Name, o.Key, o.VersionID)
		if err != nil {
			return err
		}
		if quiet {
			continue
		}
		d := DeletedObject{Key: o.Key, VersionID: o.VersionID}
		if encodingType == "url" {
			d.Key = url.QueryEscape(o.Key)
		}
		if out.DeleteMarker && o.VersionID == "" {
			d.DeleteMarker = true
			d.DeleteMarkerVersionID = out.VersionID
		} else if out.DeleteMarker {
			d.DeleteMarker = true
		}
		res.Deleted = append(res.Deleted, d)
	}
	return writeXML(w, http.StatusOK, res)
}
