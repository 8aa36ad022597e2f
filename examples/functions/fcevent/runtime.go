package fcevent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// maxEventSize bounds the event document read from the runtime. OSS keeps
// events well under 1 MiB.
const maxEventSize = 1 << 20

// HandlerFunc transforms one object. It must send exactly one
// WriteGetObjectResponse, and returns an error only when it could not.
type HandlerFunc func(ctx context.Context, event *Event) error

// Credentials are the temporary credentials of the function's role.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// Invocation describes one call of the function, from Function Compute's
// x-fc-* request headers.
type Invocation struct {
	RequestID    string
	Region       string
	AccountID    string
	FunctionName string
	Credentials  Credentials
}

type invocationKey struct{}

// InvocationFrom returns the invocation that ctx belongs to, and false
// outside a handler.
func InvocationFrom(ctx context.Context) (Invocation, bool) {
	inv, ok := ctx.Value(invocationKey{}).(Invocation)
	return inv, ok
}

// Serve runs h as a Function Compute custom-runtime function: it listens on
// port $FC_SERVER_PORT (9000 when unset) of all interfaces, as Function
// Compute requires, or of $FC_SERVER_HOST when set, and serves until the
// process is stopped. It logs to standard error.
func Serve(h HandlerFunc) error {
	port := os.Getenv("FC_SERVER_PORT")
	if port == "" {
		port = "9000"
	}
	addr := net.JoinHostPort(os.Getenv("FC_SERVER_HOST"), port)
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))

	server := &http.Server{
		Addr:              addr,
		Handler:           NewHTTPHandler(h, logger),
		ReadHeaderTimeout: 30 * time.Second,
	}
	logger.Info("function listening", "addr", addr)
	return server.ListenAndServe()
}

// NewHTTPHandler returns the custom-runtime HTTP interface of h. POST
// /invoke runs h with the request body as event. POST /initialize and GET /
// return 200, so the runtime's start-up checks pass.
func NewHTTPHandler(h HandlerFunc, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		invoke(w, r, h, logger)
	})
	mux.HandleFunc("POST /initialize", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {})
	return mux
}

// invoke runs one invocation. A handler error returns HTTP 500 with
// x-fc-status 404, which Function Compute reads as an unhandled function
// error. ossfc treats any status of 400 or more the same way.
func invoke(w http.ResponseWriter, r *http.Request, h HandlerFunc, logger *slog.Logger) {
	inv := Invocation{
		RequestID:    r.Header.Get("x-fc-request-id"),
		Region:       r.Header.Get("x-fc-region"),
		AccountID:    r.Header.Get("x-fc-account-id"),
		FunctionName: r.Header.Get("x-fc-function-name"),
		Credentials: Credentials{
			AccessKeyID:     r.Header.Get("x-fc-access-key-id"),
			AccessKeySecret: r.Header.Get("x-fc-access-key-secret"),
			SecurityToken:   r.Header.Get("x-fc-security-token"),
		},
	}
	logger = logger.With("fc_request_id", inv.RequestID)

	var event Event
	body, err := io.ReadAll(io.LimitReader(r.Body, maxEventSize+1))
	if err == nil && len(body) > maxEventSize {
		err = fmt.Errorf("the event is larger than %d bytes", maxEventSize)
	}
	if err == nil {
		err = json.Unmarshal(body, &event)
	}
	if err != nil {
		logger.Error("invalid event", "err", err)
		fail(w, err)
		return
	}

	ctx := context.WithValue(r.Context(), invocationKey{}, inv)
	if err := h(ctx, &event); err != nil {
		logger.Error("function failed", "oss_request_id", event.RequestID, "err", err)
		fail(w, err)
		return
	}
	w.Header().Set("x-fc-status", "200")
	w.WriteHeader(http.StatusOK)
}

func fail(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-fc-status", "404")
	w.WriteHeader(http.StatusInternalServerError)
	json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error(), "errorType": "FunctionError"})
}
