package ossapi

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// recorder wraps a ResponseWriter to learn the status and the bytes sent. It
// forwards ReadFrom so that object bodies still reach the connection with
// sendfile(2), and Unwrap for http.ResponseController.
type recorder struct {
	http.ResponseWriter
	status      int
	written     int64
	wroteHeader bool
}

func newRecorder(w http.ResponseWriter) *recorder { return &recorder{ResponseWriter: w} }

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status = status
		r.wroteHeader = true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	n, err := r.ResponseWriter.Write(p)
	r.written += int64(n)
	return n, err
}

func (r *recorder) ReadFrom(src io.Reader) (int64, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	n, err := io.Copy(r.ResponseWriter, src)
	r.written += n
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// logAccess writes the access-log record of one request. The query string is
// left out because presigned URLs carry signatures and security tokens in it.
func (s *Server) logAccess(w *recorder, r *http.Request, req *Request) {
	status := w.status
	if !w.wroteHeader {
		status = http.StatusOK
	}
	elapsed := s.now().Sub(req.Start)

	var accessKeyID string
	if req.Caller != nil {
		accessKeyID = req.Caller.AccessKeyID
	}
	s.access.LogAttrs(r.Context(), slog.LevelInfo, "access",
		slog.String("request_id", req.ID),
		slog.String("remote", r.RemoteAddr),
		slog.String("method", r.Method),
		slog.String("host", r.Host),
		slog.String("path", r.URL.EscapedPath()),
		slog.String("op", opName(req)),
		slog.Int("status", status),
		slog.String("error_code", req.ErrorCode),
		slog.Int64("bytes_in", max(r.ContentLength, 0)),
		slog.Int64("bytes_out", w.written),
		slog.Duration("duration", elapsed),
		slog.String("access_key_id", accessKeyID),
		slog.Bool("internal", req.Internal),
	)
	if s.metrics != nil {
		s.metrics.observe(opName(req), status, elapsed, max(r.ContentLength, 0), w.written)
	}
}

func toLower(s string) string { return strings.ToLower(s) }
