package objectfc

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
)

// forwardedHeaders are the x-oss-fwd-header-<Name> headers a function may
// set on the caller's response, by lower-case name.
var forwardedHeaders = map[string]string{
	"accept-ranges":       "Accept-Ranges",
	"cache-control":       "Cache-Control",
	"content-disposition": "Content-Disposition",
	"content-encoding":    "Content-Encoding",
	"content-language":    "Content-Language",
	"content-range":       "Content-Range",
	"content-type":        "Content-Type",
	"etag":                "ETag",
	"expires":             "Expires",
	"last-modified":       "Last-Modified",
	"location":            "Location",
}

// allowedStatus are the x-oss-fwd-status values OSS accepts.
var allowedStatus = map[int]bool{
	200: true, 206: true, 301: true, 302: true, 303: true, 304: true, 400: true, 401: true, 403: true,
	404: true, 405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true,
}

const fwdHeaderPrefix = "x-oss-fwd-header-"

// ServeWriteGetObjectResponse answers POST /?x-oss-write-get-object-response.
// The request is already authenticated as accessKeyID and authorized for
// oss:WriteGetObjectResponse. It checks the route, token, status, forwarded
// headers and Content-MD5, hands the body to the waiting GetObject, and
// replies 200 only once the caller has the last byte.
// RejectedGetObject counts a GetObject on the alias of Object FC Access
// Point name that the OSS front end refused before calling Serve, for
// example because a policy denies it.
func (s *Service) RejectedGetObject(name string, err error) {
	s.metrics.request(name)
	s.metrics.failure(name, string(osserr.From(err).Code))
}

// RejectedWriteGetObjectResponse counts a WriteGetObjectResponse with token
// that the OSS front end refused before calling
// ServeWriteGetObjectResponse, for example because the function's role
// lacks oss:WriteGetObjectResponse.
func (s *Service) RejectedWriteGetObjectResponse(token string, err error) {
	s.metrics.wgorError(s.broker.NameOf(token), osserr.From(err).HTTPStatus())
}

func (s *Service) ServeWriteGetObjectResponse(w http.ResponseWriter, r *http.Request, accessKeyID string) error {
	name, err := s.writeGetObjectResponse(r, accessKeyID)
	if err != nil {
		s.metrics.wgorError(name, osserr.From(err).HTTPStatus())
		return err
	}
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Service) writeGetObjectResponse(r *http.Request, accessKeyID string) (string, error) {
	// 1. Required headers.
	route := r.Header.Get("x-oss-request-route")
	token := r.Header.Get("x-oss-request-token")
	statusText := r.Header.Get("x-oss-fwd-status")
	for header, value := range map[string]string{"x-oss-request-route": route, "x-oss-request-token": token, "x-oss-fwd-status": statusText} {
		if value == "" {
			return "", osserr.Newf(osserr.MissingArgument, "WriteGetObjectResponse requires the %s header.", header).
				With("ArgumentName", header)
		}
	}
	status, err := strconv.Atoi(statusText)
	if err != nil || !allowedStatus[status] {
		return "", osserr.Newf(osserr.InvalidArgument,
			"x-oss-fwd-status %q is not one of 200, 206, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 411, 412, 416, 500, 503.", statusText).
			With("ArgumentName", "x-oss-fwd-status").With("ArgumentValue", statusText)
	}

	// 2. Forwarded headers, matched without regard to case. Other
	// x-oss-fwd-header-* names are ignored, except x-oss-meta-*.
	header := http.Header{}
	for raw, values := range r.Header {
		lower := strings.ToLower(raw)
		fwd, ok := strings.CutPrefix(lower, fwdHeaderPrefix)
		if !ok {
			continue
		}
		if canonical, ok := forwardedHeaders[fwd]; ok {
			header[canonical] = values
		} else if strings.HasPrefix(fwd, "x-oss-meta-") {
			header[http.CanonicalHeaderKey(fwd)] = values
		}
	}

	// 3. The body, checked against Content-MD5 as it streams.
	body := io.Reader(r.Body)
	if v := r.Header.Get("Content-MD5"); v != "" {
		want, err := base64.StdEncoding.DecodeString(v)
		if err != nil || len(want) != md5.Size {
			return "", osserr.Newf(osserr.InvalidDigest, "The Content-MD5 %q is not the base64 encoding of a 16-byte MD5 digest.", v)
		}
		body = &md5Reader{r: r.Body, h: md5.New(), want: want}
	}
	length := r.ContentLength
	if len(r.TransferEncoding) > 0 {
		length = -1
	}

	// 4. Hand over and wait for the relay.
	return s.broker.Deliver(r.Context(), token, route, accessKeyID, NewResponse(status, header, body, length))
}

// md5Reader fails the read that reaches the end of the body when the body's
// MD5 is not the one announced.
type md5Reader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
}

func (m *md5Reader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(m.h.Sum(nil), m.want) {
		return n, osserr.New(osserr.InvalidDigest, "The Content-MD5 you specified did not match the MD5 of the received body.")
	}
	return n, err
}
