package fcapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/fc"
)

// Authorizer decides whether the authenticated caller of r may perform
// action (such as fc:CreateFunction) on resource, and returns the caller's
// account id.
//
// resource is an FC ARN whose account segment is "*", because the account
// is the caller's own and only the authorizer can tell which it is:
// acs:fc:<region>:*:functions/<name> (or functions/* for listing). The
// error text is sent to the caller, so it must not carry secrets.
type Authorizer interface {
	Authorize(r *http.Request, action, resource string) (accountID string, err error)
}

// Body size limits: a create or update carries a base64 zip file; an
// invocation carries an event.
const (
	maxDocumentBytes = 1 << 20
	maxCodeDocBytes  = 140 << 20
	maxEventBytes    = 32 << 20
	logTailBytes     = 4096
)

type handler struct {
	svc    *fc.Service
	authz  Authorizer
	logger *slog.Logger
}

// New returns the admin API handler. It serves paths starting with
// /2023-03-30/functions; mount it where the server wants it (for example
// under /admin/fc with http.StripPrefix).
func New(svc *fc.Service, authz Authorizer) http.Handler {
	return NewWithLogger(svc, authz, nil)
}

// NewWithLogger is New with a logger for internal errors.
func NewWithLogger(svc *fc.Service, authz Authorizer, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	h := &handler{svc: svc, authz: authz, logger: logger}
	mux := http.NewServeMux()
	p := "/" + APIVersion + "/functions"
	routes := []struct {
		pattern   string
		operation string
		fn        func(http.ResponseWriter, *http.Request, string) error
	}{
		{"POST " + p, "CreateFunction", h.CreateFunction},
		{"GET " + p, "ListFunctions", h.ListFunctions},
		{"GET " + p + "/{functionName}", "GetFunction", h.GetFunction},
		{"PUT " + p + "/{functionName}", "UpdateFunction", h.UpdateFunction},
		{"DELETE " + p + "/{functionName}", "DeleteFunction", h.DeleteFunction},
		{"POST " + p + "/{functionName}/versions", "PublishFunctionVersion", h.PublishFunctionVersion},
		{"GET " + p + "/{functionName}/versions", "ListFunctionVersions", h.ListFunctionVersions},
		{"DELETE " + p + "/{functionName}/versions/{versionId}", "DeleteFunctionVersion", h.DeleteFunctionVersion},
		{"POST " + p + "/{functionName}/aliases", "CreateAlias", h.CreateAlias},
		{"GET " + p + "/{functionName}/aliases", "ListAliases", h.ListAliases},
		{"GET " + p + "/{functionName}/aliases/{aliasName}", "GetAlias", h.GetAlias},
		{"PUT " + p + "/{functionName}/aliases/{aliasName}", "UpdateAlias", h.UpdateAlias},
		{"DELETE " + p + "/{functionName}/aliases/{aliasName}", "DeleteAlias", h.DeleteAlias},
		{"POST " + p + "/{functionName}/invocations", "InvokeFunction", h.InvokeFunction},
		{"GET " + p + "/{functionName}/invocation-logs", "ListInvocationLogs", h.ListInvocationLogs},
	}
	for _, r := range routes {
		mux.Handle(r.pattern, h.adapt(r.operation, r.fn))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		requestID := newRequestID()
		w.Header().Set("x-fc-request-id", requestID)
		h.writeError(w, requestID, &apiError{http.StatusNotFound, "PathNotSupported", "no route for " + r.Method + " " + r.URL.Path})
	})
	return mux
}

// operationHookKey is the context key of the hook WithOperationHook sets.
type operationHookKey struct{}

// WithOperationHook returns a copy of ctx that makes the handler call hook
// with the name of the operation a request is routed to (such as
// CreateFunction or InvokeFunction) before the operation runs. Requests
// that match no route do not call it. The server's admin access log uses
// it to name the action.
func WithOperationHook(ctx context.Context, hook func(operation string)) context.Context {
	return context.WithValue(ctx, operationHookKey{}, hook)
}

// adapt gives each request an id and writes the handler's error. operation
// is the route's name for WithOperationHook.
func (h *handler) adapt(operation string, fn func(http.ResponseWriter, *http.Request, string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hook, ok := r.Context().Value(operationHookKey{}).(func(string)); ok {
			hook(operation)
		}
		requestID := newRequestID()
		w.Header().Set("x-fc-request-id", requestID)
		if err := fn(w, r, requestID); err != nil {
			h.writeError(w, requestID, err)
		}
	})
}

// apiError is an error with its HTTP status and FC error code.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalid(format string, args ...any) error {
	return &apiError{http.StatusBadRequest, "InvalidArgument", fmt.Sprintf(format, args...)}
}

// errorFor maps the service's errors to statuses and FC error codes.
func errorFor(err error) *apiError {
	var ae *apiError
	var ie *fc.InvokeError
	msg := err.Error()
	if errors.As(err, &ie) {
		msg = ie.Reason
	}
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, fc.ErrVersionNotFound):
		return &apiError{http.StatusNotFound, "VersionNotFound", msg}
	case errors.Is(err, fc.ErrAliasNotFound):
		return &apiError{http.StatusNotFound, "AliasNotFound", msg}
	case errors.Is(err, fc.ErrFunctionNotFound):
		return &apiError{http.StatusNotFound, "FunctionNotFound", msg}
	case errors.Is(err, fc.ErrAlreadyExists):
		return &apiError{http.StatusConflict, "ResourceAlreadyExists", msg}
	case errors.Is(err, fc.ErrInvalidArgument):
		return &apiError{http.StatusBadRequest, "InvalidArgument", strings.TrimPrefix(msg, fc.ErrInvalidArgument.Error()+": ")}
	case errors.Is(err, fc.ErrConflict):
		return &apiError{http.StatusConflict, "ResourceInUse", msg}
	case errors.Is(err, fc.ErrThrottled):
		return &apiError{http.StatusServiceUnavailable, "ResourceThrottled", msg}
	case errors.Is(err, fc.ErrStartFailed):
		return &apiError{http.StatusBadGateway, "FunctionNotStarted", msg}
	case errors.Is(err, fc.ErrAssumeRole):
		return &apiError{http.StatusForbidden, "AssumeRoleFailed", msg}
	case errors.Is(err, fc.ErrClosed):
		return &apiError{http.StatusServiceUnavailable, "ServiceUnavailable", "the function service is shutting down"}
	}
	return nil
}

func (h *handler) writeError(w http.ResponseWriter, requestID string, err error) {
	ae := errorFor(err)
	if ae == nil {
		h.logger.Error("function admin request failed", "request_id", requestID, "error", err)
		ae = &apiError{http.StatusInternalServerError, "InternalError", "internal error; the server log has the details of request " + requestID}
	}
	writeJSON(w, ae.status, ErrorBody{Code: ae.code, Message: ae.message, RequestID: requestID})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// authorize runs the Authorizer; its error becomes 403 AccessDenied.
func (h *handler) authorize(r *http.Request, action, function string) (string, error) {
	if function == "" {
		function = "*"
	}
	resource := fmt.Sprintf("acs:fc:%s:*:functions/%s", h.svc.Region(), function)
	account, err := h.authz.Authorize(r, action, resource)
	if err != nil {
		return "", &apiError{http.StatusForbidden, "AccessDenied", err.Error()}
	}
	return account, nil
}

// decode reads a JSON body of at most limit bytes into v.
func decode(r *http.Request, limit int64, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return invalid("the request body could not be read")
	}
	if int64(len(body)) > limit {
		return &apiError{http.StatusRequestEntityTooLarge, "EntityTooLarge", fmt.Sprintf("the request body exceeds %d bytes", limit)}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return invalid("the request body is not valid JSON: %v", err)
	}
	return nil
}

func (h *handler) CreateFunction(w http.ResponseWriter, r *http.Request, _ string) error {
	var in CreateFunctionInput
	if err := decode(r, maxCodeDocBytes, &in); err != nil {
		return err
	}
	account, err := h.authorize(r, "fc:CreateFunction", in.FunctionName)
	if err != nil {
		return err
	}
	spec := fc.FunctionSpec{
		Name: in.FunctionName, Description: in.Description, Runtime: in.Runtime, Handler: in.Handler,
		TimeoutSeconds: in.Timeout, MemorySizeMB: in.MemorySize, InstanceConcurrency: in.InstanceConcurrency,
		MaxInstances: in.MaxInstances, Environment: in.EnvironmentVariables, Role: in.Role,
	}
	if in.Code != nil && in.Code.ZipFile != nil {
		spec.Code = &fc.Code{ZipFile: in.Code.ZipFile}
	}
	if c := in.CustomRuntimeConfig; c != nil {
		spec.Command, spec.Args, spec.Port = c.Command, c.Args, c.Port
	}
	if c := in.HTTPConfig; c != nil {
		spec.HTTPURL, spec.HTTPToken = c.URL, c.BearerToken
	}
	f, err := h.svc.CreateFunction(r.Context(), account, spec)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, functionOutput(h.svc, f))
}

func (h *handler) UpdateFunction(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	var in UpdateFunctionInput
	if err := decode(r, maxCodeDocBytes, &in); err != nil {
		return err
	}
	account, err := h.authorize(r, "fc:UpdateFunction", name)
	if err != nil {
		return err
	}
	upd := fc.FunctionUpdate{
		Description: in.Description, Runtime: in.Runtime, Handler: in.Handler, TimeoutSeconds: in.Timeout,
		MemorySizeMB: in.MemorySize, InstanceConcurrency: in.InstanceConcurrency, MaxInstances: in.MaxInstances,
		Environment: in.EnvironmentVariables, Role: in.Role,
	}
	if in.Code != nil && in.Code.ZipFile != nil {
		upd.Code = &fc.Code{ZipFile: in.Code.ZipFile}
	}
	if c := in.CustomRuntimeConfig; c != nil {
		upd.Command, upd.Args, upd.Port = &c.Command, &c.Args, &c.Port
	}
	if c := in.HTTPConfig; c != nil {
		upd.HTTPURL = &c.URL
		if c.BearerToken != "" {
			upd.HTTPToken = &c.BearerToken
		}
	}
	f, err := h.svc.UpdateFunction(r.Context(), account, name, upd)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, functionOutput(h.svc, f))
}

func (h *handler) GetFunction(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:GetFunction", name)
	if err != nil {
		return err
	}
	qualifier := r.URL.Query().Get("qualifier")
	if qualifier == "" || qualifier == fc.LatestQualifier {
		f, err := h.svc.GetFunction(r.Context(), account, name)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, functionOutput(h.svc, f))
	}
	res, err := h.svc.Resolve(r.Context(), account, name+":"+qualifier)
	if err != nil {
		return err
	}
	f, err := h.svc.GetFunction(r.Context(), account, name)
	if err != nil {
		return err
	}
	f.Config = res.Config
	return writeJSON(w, http.StatusOK, functionOutput(h.svc, f))
}

func (h *handler) ListFunctions(w http.ResponseWriter, r *http.Request, _ string) error {
	account, err := h.authorize(r, "fc:ListFunctions", "")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit := 100
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 100 {
			return invalid("limit: %q is not a number from 1 to 100", s)
		}
	}
	fns, err := h.svc.ListFunctions(r.Context(), account, q.Get("prefix"), q.Get("nextToken"), limit+1)
	if err != nil {
		return err
	}
	out := ListFunctionsOutput{Functions: []*Function{}}
	for i, f := range fns {
		if i == limit {
			out.NextToken = fns[i-1].Name
			break
		}
		out.Functions = append(out.Functions, functionOutput(h.svc, f))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (h *handler) DeleteFunction(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:DeleteFunction", name)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteFunction(r.Context(), account, name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) PublishFunctionVersion(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	var in PublishVersionInput
	if r.ContentLength != 0 {
		if err := decode(r, maxDocumentBytes, &in); err != nil {
			return err
		}
	}
	account, err := h.authorize(r, "fc:PublishFunctionVersion", name)
	if err != nil {
		return err
	}
	v, err := h.svc.PublishVersion(r.Context(), account, name, in.Description)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, versionOutput(v))
}

func (h *handler) ListFunctionVersions(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:ListFunctionVersions", name)
	if err != nil {
		return err
	}
	vs, err := h.svc.ListVersions(r.Context(), account, name)
	if err != nil {
		return err
	}
	out := ListVersionsOutput{Versions: []*Version{}, Direction: "BACKWARD"}
	for _, v := range vs {
		out.Versions = append(out.Versions, versionOutput(v))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (h *handler) DeleteFunctionVersion(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:DeleteFunctionVersion", name)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteVersion(r.Context(), account, name, r.PathValue("versionId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *handler) CreateAlias(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	var in AliasInput
	if err := decode(r, maxDocumentBytes, &in); err != nil {
		return err
	}
	account, err := h.authorize(r, "fc:CreateAlias", name)
	if err != nil {
		return err
	}
	a, err := h.svc.CreateAlias(r.Context(), account, name, fc.Alias{Name: in.AliasName, VersionID: in.VersionID, Description: in.Description})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, aliasOutput(a))
}

func (h *handler) UpdateAlias(w http.ResponseWriter, r *http.Request, _ string) error {
	name, alias := r.PathValue("functionName"), r.PathValue("aliasName")
	var in AliasInput
	if err := decode(r, maxDocumentBytes, &in); err != nil {
		return err
	}
	account, err := h.authorize(r, "fc:UpdateAlias", name)
	if err != nil {
		return err
	}
	a, err := h.svc.UpdateAlias(r.Context(), account, name, fc.Alias{Name: alias, VersionID: in.VersionID, Description: in.Description})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, aliasOutput(a))
}

func (h *handler) GetAlias(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:GetAlias", name)
	if err != nil {
		return err
	}
	a, err := h.svc.GetAlias(r.Context(), account, name, r.PathValue("aliasName"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, aliasOutput(a))
}

func (h *handler) ListAliases(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:ListAliases", name)
	if err != nil {
		return err
	}
	as, err := h.svc.ListAliases(r.Context(), account, name)
	if err != nil {
		return err
	}
	out := ListAliasesOutput{Aliases: []*Alias{}}
	for _, a := range as {
		out.Aliases = append(out.Aliases, aliasOutput(a))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (h *handler) DeleteAlias(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:DeleteAlias", name)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteAlias(r.Context(), account, name, r.PathValue("aliasName")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// InvokeFunction runs a synchronous invocation. As in Function Compute, the
// response to a failed function is still 200, with x-fc-error-type set and the
// error document as body; x-fc-log-type: Tail adds the base64 tail of the
// invocation's log in x-fc-log-result.
func (h *handler) InvokeFunction(w http.ResponseWriter, r *http.Request, requestID string) error {
	name := r.PathValue("functionName")
	if t := r.Header.Get("x-fc-invocation-type"); t != "" && !strings.EqualFold(t, "Sync") {
		return invalid("x-fc-invocation-type: only Sync invocations are supported, not %q", t)
	}
	account, err := h.authorize(r, "fc:InvokeFunction", name)
	if err != nil {
		return err
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, maxEventBytes+1))
	if err != nil {
		return invalid("the event could not be read")
	}
	if len(payload) > maxEventBytes {
		return &apiError{http.StatusRequestEntityTooLarge, "EntityTooLarge", fmt.Sprintf("the event exceeds %d bytes", maxEventBytes)}
	}

	res, err := h.svc.Invoke(r.Context(), fc.InvokeRequest{AccountID: account, Function: name,
		Qualifier: r.URL.Query().Get("qualifier"), Payload: payload, RequestID: requestID})
	var ie *fc.InvokeError
	functionFailed := err != nil && errors.As(err, &ie) && (errors.Is(err, fc.ErrFunctionFailed) || errors.Is(err, fc.ErrTimeout))
	if err != nil && !functionFailed {
		if errors.Is(err, context.Canceled) {
			return &apiError{499, "ClientClosedRequest", "the caller closed the request"}
		}
		return err
	}

	hdr := w.Header()
	hdr.Set("x-fc-invocation-service-version", res.Version)
	if strings.EqualFold(r.Header.Get("x-fc-log-type"), "Tail") {
		hdr.Set("x-fc-log-result", base64.StdEncoding.EncodeToString(logTail(res.Logs)))
	}
	if functionFailed {
		hdr.Set("x-fc-error-type", res.ErrorType)
		return writeJSON(w, http.StatusOK, map[string]string{"errorType": res.ErrorType, "errorMessage": res.ErrorMessage})
	}
	hdr.Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	w.Write(res.Payload)
	return nil
}

// logTail returns the last logTailBytes of the joined log lines.
func logTail(lines []string) []byte {
	b := []byte(strings.Join(lines, "\n"))
	if len(lines) > 0 {
		b = append(b, '\n')
	}
	if len(b) > logTailBytes {
		b = b[len(b)-logTailBytes:]
	}
	return b
}

// ListInvocationLogs returns the logs of recent invocations of a function,
// newest first (ossfc extension; requestId and limit select).
func (h *handler) ListInvocationLogs(w http.ResponseWriter, r *http.Request, _ string) error {
	name := r.PathValue("functionName")
	account, err := h.authorize(r, "fc:GetInvocationLogs", name)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit := 20
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > 1000 {
			return invalid("limit: %q is not a number from 1 to 1000", s)
		}
	}
	out := ListInvocationLogsOutput{Invocations: []*InvocationLog{}}
	for _, l := range h.svc.InvocationLogs(account, name, q.Get("requestId"), limit) {
		out.Invocations = append(out.Invocations, &InvocationLog{
			RequestID: l.RequestID, Qualifier: l.Qualifier, VersionID: l.Version, StartTime: timeText(l.Start),
			DurationMs: float64(l.Duration.Microseconds()) / 1000, ColdStart: l.ColdStart,
			StatusCode: l.StatusCode, Error: l.Error, Lines: l.Lines,
		})
	}
	return writeJSON(w, http.StatusOK, out)
}

func newRequestID() string { return fc.NewRequestID() }
