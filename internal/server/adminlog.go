package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// adminCall collects what the admin access log records about one request
// while the request is served.
type adminCall struct {
	operation   string // such as CreateUser; "" when no route matched
	accessKeyID string // the key that signed the request, once verified
}

type adminCallKey struct{}

// adminCallOf returns the adminCall of the request context ctx, or nil
// outside logAdminAccess.
func adminCallOf(ctx context.Context) *adminCall {
	c, _ := ctx.Value(adminCallKey{}).(*adminCall)
	return c
}

// adminRequestIDHeader returns the response header that carries the
// request id: Function Compute's under /admin/fc/ and RAM's elsewhere, as
// fcclient and ramclient read them.
func adminRequestIDHeader(path string) string {
	if strings.HasPrefix(path, "/admin/fc/") {
		return "x-fc-request-id"
	}
	return "x-ram-request-id"
}

// newAdminRequestID returns a request id in the form the API under path
// uses: Function Compute's UUID form, or RAM's 32 upper-case hex digits.
func newAdminRequestID(path string) string {
	if strings.HasPrefix(path, "/admin/fc/") {
		return fc.NewRequestID()
	}
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToUpper(hex.EncodeToString(b))
}

// logAdminAccess writes one record per admin request to access, with the
// attributes of the OSS API's access log. It sets a request id header
// before the request is served, so that authentication failures carry one
// too. The RAM and Function Compute handlers replace it with their own.
// Like the OSS access log, the record leaves out the query string and every
// header, so no signature, security token or secret reaches it.
func (s *Server) logAdminAccess(access *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		idHeader := adminRequestIDHeader(r.URL.Path)
		w.Header().Set(idHeader, newAdminRequestID(r.URL.Path))
		call := &adminCall{}
		ctx := context.WithValue(r.Context(), adminCallKey{}, call)
		recordOperation := func(name string) { call.operation = name }
		ctx = ramapi.WithOperationHook(ctx, recordOperation)
		ctx = fcapi.WithOperationHook(ctx, recordOperation)

		rec := &adminRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r.WithContext(ctx))

		status := rec.status
		if !rec.wroteHeader {
			status = http.StatusOK
		}
		access.LogAttrs(r.Context(), slog.LevelInfo, "access",
			slog.String("request_id", w.Header().Get(idHeader)),
			slog.String("remote", r.RemoteAddr),
			slog.String("method", r.Method),
			slog.String("host", r.Host),
			slog.String("path", r.URL.EscapedPath()),
			slog.String("op", call.operation),
			slog.Int("status", status),
			slog.String("error_code", rec.errorCode()),
			slog.Int64("bytes_in", max(r.ContentLength, 0)),
			slog.Int64("bytes_out", rec.written),
			slog.Duration("duration", time.Since(start)),
			slog.String("access_key_id", call.accessKeyID),
		)
	})
}

// maxErrorBodyKept bounds the start of an error body that adminRecorder
// keeps to read its code; admin error documents are far smaller.
const maxErrorBodyKept = 4 << 10

// adminRecorder wraps a ResponseWriter to learn the status, the bytes sent
// and, for an error status, the start of the body.
type adminRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	written     int64
	errorBody   []byte
}

func (r *adminRecorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status = status
		r.wroteHeader = true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *adminRecorder) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	if r.status >= 400 && len(r.errorBody) < maxErrorBodyKept {
		r.errorBody = append(r.errorBody, p[:min(len(p), maxErrorBodyKept-len(r.errorBody))]...)
	}
	n, err := r.ResponseWriter.Write(p)
	r.written += int64(n)
	return n, err
}

func (r *adminRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *adminRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// errorCode returns the Code field of a JSON error document, the form of
// every admin API error (ramapi.ErrorBody, fcapi.ErrorBody and
// writeAdminError), or "" for a success or another body.
func (r *adminRecorder) errorCode() string {
	if len(r.errorBody) == 0 {
		return ""
	}
	var doc struct{ Code string }
	if err := json.Unmarshal(r.errorBody, &doc); err != nil {
		return ""
	}
	return doc.Code
}
