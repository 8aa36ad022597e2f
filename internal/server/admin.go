package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// adminHandler serves the admin API under /admin/ on the console listener:
// /admin/fc/ is Function Compute's API (FC 3.0 paths), and /admin/ram/ is
// RAM's and STS's. Requests are signed like OSS requests; the signature
// covers the full path, so it is checked before the prefix is stripped.
func (s *Server) adminHandler() http.Handler {
	mux := http.NewServeMux()
	fcHandler := fcapi.NewWithLogger(s.fc, adminFCAuthorizer{s.ram}, s.logger)
	mux.Handle("/admin/fc/", http.StripPrefix("/admin/fc", fcHandler))
	ramAuthz := ramapi.NewAuthorizer(s.ram, func(r *http.Request) (*ram.Principal, error) {
		if p := adminPrincipal(r.Context()); p != nil {
			return p, nil
		}
		return nil, errors.New("the request is not authenticated")
	})
	mux.Handle("/admin/ram/", http.StripPrefix("/admin/ram", ramapi.NewWithLogger(s.ram, ramAuthz, s.logger)))
	return s.logAdminAccess(s.logger.With("log", "access"), s.authenticateAdmin(mux))
}

type callerKey struct{}

// authenticateAdmin verifies the signature of an admin request and puts the
// caller's RAM principal in the request context. Anonymous admin requests
// are refused.
func (s *Server) authenticateAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, err := s.authn.Authenticate(r, "", strings.TrimPrefix(r.URL.Path, "/"))
		if err == nil && caller.Anonymous {
			err = osserr.New(osserr.AccessDenied, "The admin API requires a signed request; sign it with an access key like an OSS request.").
				WithEC("0003-00001201")
		}
		if err != nil {
			writeAdminError(w, r, err)
			return
		}
		if call := adminCallOf(r.Context()); call != nil {
			call.accessKeyID = caller.AccessKeyID
		}
		p := principalOf(caller)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, p)))
	})
}

// adminPrincipal returns the principal authenticateAdmin stored in ctx.
func adminPrincipal(ctx context.Context) *ram.Principal {
	p, _ := ctx.Value(callerKey{}).(*ram.Principal)
	return p
}

// writeAdminError sends an authentication failure as the admin API's JSON
// error document, with the OSS code, status, the request id that
// logAdminAccess set, and the Date header the SDKs correct their clock
// from.
func writeAdminError(w http.ResponseWriter, r *http.Request, err error) {
	e := osserr.From(err)
	for name, values := range e.Header {
		w.Header()[name] = values
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.HTTPStatus())
	msg := e.Message
	if msg == "" {
		msg = e.Code.Message()
	}
	if e.Code == osserr.InternalError {
		msg = osserr.InternalError.Message()
	}
	json.NewEncoder(w).Encode(map[string]string{"Code": string(e.Code), "Message": msg,
		"RequestId": w.Header().Get(adminRequestIDHeader(r.URL.Path))})
}

// adminFCAuthorizer authorizes Function Compute admin requests with the
// caller's RAM policies; the account root is allowed on its own functions.
type adminFCAuthorizer struct{ ram *ram.Service }

func (a adminFCAuthorizer) Authorize(r *http.Request, action, resource string) (string, error) {
	p := adminPrincipal(r.Context())
	if p == nil {
		return "", errors.New("the request is not authenticated")
	}
	resource = strings.Replace(resource, ":*:", ":"+p.AccountID+":", 1)
	if err := a.ram.Authorize(r.Context(), p, action, resource); err != nil {
		var re *ram.Error
		if errors.As(err, &re) {
			return "", errors.New(re.Message)
		}
		return "", errors.New("authorization failed")
	}
	return p.AccountID, nil
}

var _ ossapi.Authorizer = (*authorizer)(nil)
