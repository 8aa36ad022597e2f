package ossapi

import (
	"net/http"

	"github.com/ossfc/ossfc/internal/osserr"
)

// WriteGetObjectResponse receives a function's output for a transformed
// GetObject: POST /?x-oss-write-get-object-response on any host of the
// server. The request is matched to the waiting GetObject by its token,
// never by its host.
func (s *Server) WriteGetObjectResponse(w http.ResponseWriter, r *http.Request, req *Request) error {
	if s.objectfc == nil {
		return osserr.New(osserr.NotImplemented, "Object FC Access Points are not enabled on this server.")
	}
	return s.objectfc.ServeWriteGetObjectResponse(w, r, req.Caller.AccessKeyID)
}
