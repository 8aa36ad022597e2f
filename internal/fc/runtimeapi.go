package fc

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Path versions of the pull-style runtime APIs an instance can use: AWS
// Lambda's (so functions built with aws-lambda-go run unmodified) and
// Function Compute's. Both are served on the same per-instance listener.
const (
	lambdaAPIVersion = "2018-06-01"
	fcAPIVersion     = "2020-11-11"
)

// runtimeAPI is the runtime API server of one instance. The instance pulls
// an invocation with GET .../invocation/next and answers with POST
// .../invocation/<id>/response or .../error.
type runtimeAPI struct {
	ln          net.Listener
	srv         *http.Server
	served      chan struct{} // closed when Serve returns
	maxResponse int64

	queue chan *pendingInvocation // unbuffered: a hand-off to a waiting next

	mu       sync.Mutex
	inflight map[string]*pendingInvocation

	ready     chan struct{} // closed at the first next
	readyOnce sync.Once

	initFailed chan struct{} // closed when the runtime reports an init error
	initOnce   sync.Once
	initError  string

	closed    chan struct{}
	closeOnce sync.Once
}

type pendingInvocation struct {
	inv    *invocation
	result chan *reply // buffered, capacity 1
}

// newRuntimeAPI listens on a free loopback port.
func newRuntimeAPI(maxResponse int64) (*runtimeAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	api := &runtimeAPI{
		ln: ln, served: make(chan struct{}), maxResponse: maxResponse,
		queue:    make(chan *pendingInvocation),
		inflight: map[string]*pendingInvocation{},
		ready:    make(chan struct{}), initFailed: make(chan struct{}), closed: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{api}/runtime/invocation/next", api.next)
	mux.HandleFunc("POST /{api}/runtime/invocation/{id}/response", api.response)
	mux.HandleFunc("POST /{api}/runtime/invocation/{id}/error", api.error)
	mux.HandleFunc("POST /{api}/runtime/init/error", api.initErrorHandler)
	api.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(api.served)
		api.srv.Serve(ln)
	}()
	return api, nil
}

// addr is the host:port of AWS_LAMBDA_RUNTIME_API and FC_RUNTIME_API.
func (api *runtimeAPI) addr() string { return api.ln.Addr().String() }

func (api *runtimeAPI) invoke(ctx context.Context, inv *invocation) (*reply, error) {
	p := &pendingInvocation{inv: inv, result: make(chan *reply, 1)}
	select {
	case api.queue <- p:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-api.closed:
		return nil, errInstanceGone
	}

	select {
	case r := <-p.result:
		return r, nil
	case <-ctx.Done():
		api.forget(inv.requestID)
		return nil, ctx.Err()
	case <-api.closed:
		return nil, errInstanceGone
	}
}

func (api *runtimeAPI) forget(id string) {
	api.mu.Lock()
	delete(api.inflight, id)
	api.mu.Unlock()
}

// close stops the server; invocations waiting on this instance fail with
// errInstanceGone.
func (api *runtimeAPI) close() {
	api.closeOnce.Do(func() {
		close(api.closed)
		api.srv.Close()
		<-api.served
	})
}

func validAPI(r *http.Request) bool {
	v := r.PathValue("api")
	return v == lambdaAPIVersion || v == fcAPIVersion
}

func (api *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	if !validAPI(r) {
		http.NotFound(w, r)
		return
	}
	api.readyOnce.Do(func() { close(api.ready) })

	var p *pendingInvocation
	select {
	case p = <-api.queue:
	case <-r.Context().Done():
		return
	case <-api.closed:
		http.Error(w, "instance stopping", http.StatusGone)
		return
	}
	inv := p.inv
	api.mu.Lock()
	api.inflight[inv.requestID] = p
	api.mu.Unlock()

	h := w.Header()
	setFCHeaders(h, inv)
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.requestID)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", inv.fn.ARN)
	h.Set("Lambda-Runtime-Client-Context", lambdaClientContext(inv))
	h.Set("Content-Length", strconv.Itoa(len(inv.payload)))
	w.WriteHeader(http.StatusOK)
	w.Write(inv.payload)
}

// lambdaClientContext carries what aws-lambda-go functions cannot read from
// x-fc-* headers: the credentials in "env" under the variable names of
// Alibaba Cloud's credential chain, and the FC context in "custom". A Go
// function reads them from lambdacontext.FromContext(ctx).ClientContext.
func lambdaClientContext(inv *invocation) string {
	cc := struct {
		Client map[string]string `json:"client"`
		Env    map[string]string `json:"env"`
		Custom map[string]string `json:"custom"`
	}{
		Client: map[string]string{},
		Env:    map[string]string{},
		Custom: map[string]string{
			"fc.requestId": inv.requestID, "fc.functionName": inv.fn.Name,
			"fc.qualifier": inv.fn.Qualifier, "fc.versionId": inv.fn.Version,
			"fc.region": inv.region, "fc.accountId": inv.fn.AccountID,
		},
	}
	if inv.creds != nil {
		cc.Env["ALIBABA_CLOUD_ACCESS_KEY_ID"] = inv.creds.AccessKeyID
		cc.Env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] = inv.creds.AccessKeySecret
		cc.Env["ALIBABA_CLOUD_SECURITY_TOKEN"] = inv.creds.SecurityToken
	}
	b, _ := json.Marshal(cc)
	return string(b)
}

// take removes and returns the invocation the runtime answers, or writes an
// error and returns nil.
func (api *runtimeAPI) take(w http.ResponseWriter, r *http.Request) *pendingInvocation {
	if !validAPI(r) {
		http.NotFound(w, r)
		return nil
	}
	id := r.PathValue("id")
	api.mu.Lock()
	p := api.inflight[id]
	delete(api.inflight, id)
	api.mu.Unlock()
	if p == nil {
		writeAPIError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation "+id+" is waiting for an answer")
	}
	return p
}

func writeAPIError(w http.ResponseWriter, status int, errorType, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(functionError{ErrorMessage: message, ErrorType: errorType})
}

func (api *runtimeAPI) response(w http.ResponseWriter, r *http.Request) {
	p := api.take(w, r)
	if p == nil {
		return
	}
	body, err := readLimited(r.Body, api.maxResponse)
	var rep *reply
	switch {
	case err == errResponseTooLarge:
		rep = &reply{status: http.StatusInternalServerError, errorType: "ResponseSizeTooLarge",
			errorMessage: fmt.Sprintf("the response exceeds %d bytes", api.maxResponse)}
	case err != nil:
		rep = &reply{status: http.StatusInternalServerError, errorType: "UnhandledInvocationError",
			errorMessage: "the response body could not be read"}
	case r.Trailer.Get("Lambda-Runtime-Function-Error-Type") != "":
		// aws-lambda-go reports an error met while streaming the response
		// in trailers.
		rep = &reply{status: http.StatusInternalServerError, errorType: r.Trailer.Get("Lambda-Runtime-Function-Error-Type"),
			errorMessage: "the function failed while sending its response"}
	default:
		rep = &reply{status: http.StatusOK, payload: body}
	}
	p.result <- rep
	w.WriteHeader(http.StatusAccepted)
}

func (api *runtimeAPI) error(w http.ResponseWriter, r *http.Request) {
	p := api.take(w, r)
	if p == nil {
		return
	}
	body, _ := readLimited(r.Body, 1<<20)
	defaultType := r.Header.Get("Lambda-Runtime-Function-Error-Type")
	if defaultType == "" {
		defaultType = "UnhandledInvocationError"
	}
	rep := &reply{status: http.StatusInternalServerError}
	rep.errorType, rep.errorMessage = parseFunctionError(body, defaultType)
	p.result <- rep
	w.WriteHeader(http.StatusAccepted)
}

func (api *runtimeAPI) initErrorHandler(w http.ResponseWriter, r *http.Request) {
	if !validAPI(r) {
		http.NotFound(w, r)
		return
	}
	body, _ := readLimited(r.Body, 1<<20)
	errorType, message := parseFunctionError(body, "InitError")
	api.initOnce.Do(func() {
		api.mu.Lock()
		api.initError = errorType + ": " + string(truncate([]byte(message), 200))
		api.mu.Unlock()
		close(api.initFailed)
	})
	w.WriteHeader(http.StatusAccepted)
}
