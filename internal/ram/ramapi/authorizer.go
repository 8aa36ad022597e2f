package ramapi

import (
	"net/http"

	"github.com/ossfc/ossfc/internal/ram"
)

// NewAuthorizer returns an Authorizer that identifies the caller with
// authenticate (which verifies the request's signature and returns the
// principal of its access key) and then checks the action with
// svc.Authorize. A "*" account segment in the resource becomes the caller's
// account.
func NewAuthorizer(svc *ram.Service, authenticate func(*http.Request) (*ram.Principal, error)) Authorizer {
	return &serviceAuthorizer{svc: svc, authenticate: authenticate}
}

type serviceAuthorizer struct {
	svc          *ram.Service
	authenticate func(*http.Request) (*ram.Principal, error)
}

func (a *serviceAuthorizer) Authorize(r *http.Request, action, resource string) (*ram.Principal, error) {
	p, err := a.authenticate(r)
	if err != nil {
		return nil, err
	}
	if err := a.svc.Authorize(r.Context(), p, action, arnInAccount(resource, p.AccountID)); err != nil {
		return nil, err
	}
	return p, nil
}
