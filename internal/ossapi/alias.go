package ossapi

import (
	"net/http"

	"github.com/ossfc/ossfc/internal/osserr"
)

// throughAccessPoint handles a request whose bucket name is an access point
// or Object FC Access Point alias. It resolves the alias, rejects anonymous
// callers, operations that access points do not support and requests from
// outside a vpc access point's network, and records the access points in
// req. The caller then serves the request on the bucket behind them, while
// req.Target.Bucket keeps the alias for signatures and responses.
//
// A GetObject sent to an Object FC Access Point alias becomes the
// transformed GetObject. Every other operation on such an alias goes to the
// supporting access point unchanged.
func (s *Server) throughAccessPoint(r *http.Request, req *Request) error {
	res, err := s.aps.Resolve(r.Context(), req.Target.Bucket)
	if err != nil {
		return err
	}
	if req.Caller.Anonymous {
		return osserr.Newf(osserr.AccessDenied,
			"Anonymous access through the access point alias %s is not allowed; sign the request.", req.Target.Bucket).
			WithEC("0003-00001201")
	}
	if !req.Op.ViaAccessPoint {
		return osserr.Newf(osserr.AccessDenied,
			"The operation %s is not supported through an access point; send it to the bucket %s instead.", req.Op.Name, res.AccessPoint.Bucket)
	}
	if err := s.aps.CheckNetwork(res.AccessPoint, req.Internal, r.RemoteAddr); err != nil {
		return err
	}

	req.AccessPoint, req.ObjectFCAccessPoint = res.AccessPoint, res.ObjectFC
	if res.ObjectFC != nil && req.Op == opGetObject {
		req.Op = opTransformedGetObject
	}
	return nil
}

// TransformedGetObject serves a GetObject sent to an Object FC Access Point
// alias with the response that the Object FC Access Point's function writes.
//
// TODO: invoke the function and relay its WriteGetObjectResponse. Until
// then the request fails rather than return the untransformed object.
func (s *Server) TransformedGetObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	return osserr.Newf(osserr.NotImplemented,
		"GetObject through the Object FC Access Point %s needs the function invocation, which this ossfc build does not have yet.",
		req.ObjectFCAccessPoint.Name)
}
