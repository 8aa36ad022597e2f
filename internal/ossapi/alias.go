package ossapi

import (
	"net/http"
	"strings"

	"github.com/ossfc/ossfc/internal/objectfc"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
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
	req.AccessPoint, req.ObjectFCAccessPoint = res.AccessPoint, res.ObjectFC
	if res.ObjectFC != nil && req.Op == opGetObject {
		req.Op = opTransformedGetObject
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
	return s.aps.CheckNetwork(res.AccessPoint, req.Internal, r.RemoteAddr)
}

// TransformedGetObject serves a GetObject sent to an Object FC Access Point
// alias with the response that the Object FC Access Point's function writes
// through WriteGetObjectResponse.
func (s *Server) TransformedGetObject(w http.ResponseWriter, r *http.Request, req *Request) error {
	if s.objectfc == nil {
		return osserr.New(osserr.NotImplemented, "Object FC Access Points are not enabled on this server.")
	}
	fcap, ap := req.ObjectFCAccessPoint, req.AccessPoint

	var cfg objectfc.Config
	if fcap.Config != nil {
		cfg.AllowedFeatures = fcap.Config.AllowedFeatures
		if len(fcap.Config.Transformations) > 0 {
			t := fcap.Config.Transformations[0]
			cfg.Actions, cfg.FunctionARN, cfg.RoleARN, cfg.ForwardHeaders = t.Actions, t.FunctionArn, t.FunctionAssumeRoleArn, t.CustomForwardHeaders
		}
	}
	return s.objectfc.Serve(w, r, &objectfc.Request{
		ID: req.ID, AccountID: fcap.AccountID, Region: fcap.Region,
		AccessPointForObjectProcess: objectfc.AccessPointRef{Name: fcap.Name, Alias: fcap.Alias, ARN: s.aps.ObjectFCARN(fcap)},
		SupportingAccessPoint:       objectfc.AccessPointRef{Name: ap.Name, Alias: ap.Alias, ARN: s.aps.ARN(ap)},
		Config:                      cfg,
		Key:                         req.Target.Key,
		VersionID:                   r.URL.Query().Get("versionId"),
		Caller:                      userIdentity(req.Caller),
	})
}

// userIdentity describes the caller for the function's event.
func userIdentity(c *Caller) objectfc.UserIdentity {
	id := objectfc.UserIdentity{AccountID: c.AccountID, AccessKeyID: c.AccessKeyID, Type: "Account", PrincipalID: c.AccountID}
	if p, ok := c.Identity.(interface{ PolicyPrincipal() policy.Principal }); ok {
		pp := p.PolicyPrincipal()
		id.PrincipalID = pp.ID
		switch {
		case strings.Contains(pp.ARN, ":assumed-role/"):
			id.Type = "AssumedRole"
		case strings.Contains(pp.ARN, ":user/"):
			id.Type = "RAMUser"
		}
	}
	return id
}
