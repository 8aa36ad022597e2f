package ramapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/ram"
)

// Authorizer authenticates an admin request and decides whether its caller
// may perform action (such as ram:CreateUser or sts:AssumeRole) on
// resource. It returns the caller, or an error whose text is sent to the
// client and so must not carry secrets.
//
// resource is a RAM ARN. An account segment of "*" stands for the caller's
// own account, which only the authorizer knows: acs:ram::*:user/alice. The
// resource of sts:AssumeRole is the role ARN as the request names it.
//
// Authorize may replace r.Body with a reader that verifies the signed
// payload hash; the handler reads the body to its end after Authorize, so a
// body that does not match its signature fails the request.
type Authorizer interface {
	Authorize(r *http.Request, action, resource string) (*ram.Principal, error)
}

// maxBodyBytes bounds request bodies: the largest holds a 16 KiB policy
// document, escaped as a JSON string.
const maxBodyBytes = 256 << 10

type handler struct {
	svc    *ram.Service
	authz  Authorizer
	logger *slog.Logger
}

// New returns the admin API handler. It serves paths from the root (/users,
// /roles, ...); mount it under /admin/ram with http.StripPrefix.
func New(svc *ram.Service, authz Authorizer) http.Handler {
	return NewWithLogger(svc, authz, nil)
}

// NewWithLogger is New with a logger for internal errors.
func NewWithLogger(svc *ram.Service, authz Authorizer, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{svc: svc, authz: authz, logger: logger}
	mux := http.NewServeMux()
	routes := []struct {
		pattern   string
		operation string
		fn        func(http.ResponseWriter, *http.Request, *call) error
	}{
		{"POST /accounts", "CreateAccount", h.CreateAccount},
		{"GET /accounts", "ListAccounts", h.ListAccounts},
		{"PUT /accounts/{AccountId}", "UpdateAccount", h.UpdateAccount},
		{"POST /users", "CreateUser", h.CreateUser},
		{"GET /users", "ListUsers", h.ListUsers},
		{"GET /users/{UserName}", "GetUser", h.GetUser},
		{"DELETE /users/{UserName}", "DeleteUser", h.DeleteUser},
		{"GET /users/{UserName}/policies", "ListPoliciesForUser", h.ListPoliciesForUser},
		{"POST /access-keys", "CreateAccessKey", h.CreateAccessKey},
		{"GET /access-keys", "ListAccessKeys", h.ListAccessKeys},
		{"PUT /access-keys/{AccessKeyId}", "UpdateAccessKey", h.UpdateAccessKey},
		{"DELETE /access-keys/{AccessKeyId}", "DeleteAccessKey", h.DeleteAccessKey},
		{"POST /roles", "CreateRole", h.CreateRole},
		{"GET /roles", "ListRoles", h.ListRoles},
		{"GET /roles/{RoleName}", "GetRole", h.GetRole},
		{"PUT /roles/{RoleName}", "UpdateRole", h.UpdateRole},
		{"DELETE /roles/{RoleName}", "DeleteRole", h.DeleteRole},
		{"GET /roles/{RoleName}/policies", "ListPoliciesForRole", h.ListPoliciesForRole},
		{"POST /policies", "CreatePolicy", h.CreatePolicy},
		{"GET /policies", "ListPolicies", h.ListPolicies},
		{"GET /policies/{PolicyName}", "GetPolicy", h.GetPolicy},
		{"PUT /policies/{PolicyName}", "UpdatePolicy", h.UpdatePolicy},
		{"DELETE /policies/{PolicyName}", "DeletePolicy", h.DeletePolicy},
		{"POST /policies/{PolicyName}/attach", "AttachPolicy", h.AttachPolicy},
		{"POST /policies/{PolicyName}/detach", "DetachPolicy", h.DetachPolicy},
		{"POST /sts/assume-role", "AssumeRole", h.AssumeRole},
		{"GET /sts/caller-identity", "GetCallerIdentity", h.GetCallerIdentity},
		{"POST /quick-authorize", "QuickAuthorize", h.QuickAuthorize},
	}
	for _, r := range routes {
		mux.Handle(r.pattern, h.adapt(r.operation, r.fn))
	}
	mux.Handle("/", h.adapt("", func(w http.ResponseWriter, r *http.Request, _ *call) error {
		return &ram.Error{Code: "PathNotSupported", Status: http.StatusNotFound,
			Message: "No admin API route matches " + r.Method + " " + r.URL.Path + "."}
	}))
	return mux
}

// call is the state of one request.
type call struct {
	requestID string
	body      []byte // the request body, read before authorization
}

// operationHookKey is the context key of the hook WithOperationHook sets.
type operationHookKey struct{}

// WithOperationHook returns a copy of ctx that makes the handler call hook
// with the name of the operation a request is routed to (such as CreateUser
// or AssumeRole) before the operation runs. Requests that match no route
// do not call it. The server's admin access log uses it to name the action.
func WithOperationHook(ctx context.Context, hook func(operation string)) context.Context {
	return context.WithValue(ctx, operationHookKey{}, hook)
}

// adapt reads the body, gives the request an id and writes the handler's
// error. operation is the route's name for WithOperationHook; "" for none.
func (h *handler) adapt(operation string, fn func(http.ResponseWriter, *http.Request, *call) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hook, ok := r.Context().Value(operationHookKey{}).(func(string)); ok && operation != "" {
			hook(operation)
		}
		c := &call{requestID: newRequestID()}
		w.Header().Set("x-ram-request-id", c.requestID)

		body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		switch {
		case err != nil:
			err = &ram.Error{Code: "InvalidParameter.Body", Status: http.StatusBadRequest, Message: "The request body could not be read."}
		case len(body) > maxBodyBytes:
			err = &ram.Error{Code: "InvalidParameter.Body", Status: http.StatusRequestEntityTooLarge,
				Message: fmt.Sprintf("The request body exceeds %d bytes.", maxBodyBytes)}
		default:
			c.body = body
			r.Body = io.NopCloser(bytes.NewReader(body))
			err = fn(w, r, c)
		}
		if err != nil {
			h.writeError(w, c.requestID, err)
		}
	})
}

// errorBody returns the status and body to send for a RAM or OSS error, or
// status 0 for any other error, whose text is not for clients.
func errorBody(err error) (int, ErrorBody) {
	var re *ram.Error
	var oe *osserr.Error
	switch {
	case errors.As(err, &re) && re.Code != ram.CodeInternalError:
		return re.Status, ErrorBody{Code: re.Code, Message: re.Message}
	case errors.As(err, &oe) && oe.Code != osserr.InternalError:
		msg := oe.Message
		if msg == "" {
			msg = oe.Code.Message()
		}
		return oe.HTTPStatus(), ErrorBody{Code: string(oe.Code), Message: msg}
	}
	return 0, ErrorBody{}
}

func (h *handler) writeError(w http.ResponseWriter, requestID string, err error) {
	status, body := errorBody(err)
	if status == 0 {
		h.logger.Error("RAM admin request failed", "request_id", requestID, "err", err)
		status = http.StatusInternalServerError
		body = ErrorBody{Code: ram.CodeInternalError, Message: "The request failed because of an internal error; the server log has the details of request " + requestID + "."}
	}
	body.RequestID = requestID
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// authorize asks the Authorizer about action on resource, then reads the
// body to its end, so that a verifying reader the Authorizer installed
// checks the signed payload hash. An Authorizer error that is not a RAM or
// OSS error becomes NoPermission.
func (h *handler) authorize(r *http.Request, c *call, action, resource string) (*ram.Principal, error) {
	p, err := h.authz.Authorize(r, action, resource)
	if err != nil {
		if status, _ := errorBody(err); status == 0 {
			return nil, &ram.Error{Code: ram.CodeNoPermission, Status: http.StatusForbidden, Message: err.Error(), Err: err}
		}
		return nil, err
	}
	if p == nil {
		return nil, errors.New("the Authorizer returned no principal and no error")
	}
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		return nil, err
	}
	return p, nil
}

// decode parses the JSON body into v, rejecting unknown fields so that a
// misspelt field name is reported instead of ignored.
func decode(c *call, v any) error {
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &ram.Error{Code: "InvalidParameter.Body", Status: http.StatusBadRequest,
			Message: "The request body is not the expected JSON object: " + err.Error() + "."}
	}
	if dec.More() {
		return &ram.Error{Code: "InvalidParameter.Body", Status: http.StatusBadRequest,
			Message: "The request body has data after the JSON object."}
	}
	return nil
}

// decodeOptional is decode for bodies that may be empty.
func decodeOptional(c *call, v any) error {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	return decode(c, v)
}

// ownResource is the ARN of a resource in the caller's account.
func ownResource(relative string) string { return "acs:ram::*:" + relative }

func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}
