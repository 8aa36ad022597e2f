package objectfc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Serve serves one transformed GetObject: it prepares and invokes the
// function, waits for its WriteGetObjectResponse at most the function's
// timeout, and relays the response to w as it arrives.
//
// An error returned before anything was written is for the caller (the
// front end writes it as OSS XML). Once the status line is sent, a failure
// can only be signalled by closing the connection, so Serve then panics with
// http.ErrAbortHandler as net/http expects.
func (s *Service) Serve(w http.ResponseWriter, r *http.Request, req *Request) (err error) {
	start := s.now()
	name := req.AccessPointForObjectProcess.Name
	s.metrics.request(name)
	defer func() {
		if err != nil {
			s.metrics.failure(name, string(osserr.From(err).Code))
		}
	}()

	// 1. Checks, credentials, inputOssUrl, outputToken and the event.
	p, err := s.prepare(r.Context(), r, req)
	if err != nil {
		return err
	}
	defer p.pending.Close()

	// 2. Invoke. The invocation outlives this request: on the success path
	// the function still waits for the reply to its WriteGetObjectResponse,
	// which is sent after the relay. When the caller leaves first, the
	// invocation is left to end by itself (its WriteGetObjectResponse then
	// fails), because cancelling it would stop the whole instance and with
	// it the other invocations the instance is serving.
	invokeCtx, cancelInvoke := context.WithTimeout(context.WithoutCancel(r.Context()), p.fn.Timeout)
	invoked := make(chan error, 1)
	s.metrics.invocation(name)
	go func() {
		defer cancelInvoke()
		invoked <- s.runtime.Invoke(invokeCtx, p.fn, req.ID, p.event, p.creds)
	}()
	timeout := time.NewTimer(p.fn.Timeout)
	defer timeout.Stop()

	// 3. Wait for the function's response, its failure, the timeout or the
	// caller's departure.
	var resp *Response
	select {
	case resp = <-p.pending.Responses():
	case ierr := <-invoked:
		// A WriteGetObjectResponse may have arrived in the same instant.
		select {
		case resp = <-p.pending.Responses():
		default:
			return invocationError(ierr, req, p.fn)
		}
	case <-timeout.C:
		cancelInvoke()
		return osserr.Newf(osserr.FunctionResponseTimeout,
			"The function %s did not call WriteGetObjectResponse within its timeout of %s (request %s).", p.fn.ARN, p.fn.Timeout, req.ID)
	case <-r.Context().Done():
		return osserr.New(osserr.ClientDisconnected, "").Wrap(r.Context().Err())
	}

	// 4. Relay.
	s.metrics.firstByte(name, s.now().Sub(start))
	n, err := relay(w, resp)
	resp.Finish(err)
	s.metrics.done(name, s.now().Sub(start), n)
	if err != nil {
		s.logger.Warn("transformed GetObject relay failed; closing the caller's connection",
			"request_id", req.ID, "access_point", name, "bytes", n, "err", err)
		s.metrics.failure(name, "RelayFailed")
		panic(http.ErrAbortHandler)
	}
	return nil
}

// invocationError maps a function that ended without a
// WriteGetObjectResponse to the caller's error.
func invocationError(err error, req *Request, fn *Function) error {
	switch {
	case err == nil:
		return osserr.Newf(osserr.FunctionResponseNotReceived,
			"The function %s returned without calling WriteGetObjectResponse (request %s).", fn.ARN, req.ID)
	case errors.Is(err, ErrThrottled):
		return osserr.Newf(osserr.FunctionThrottled, "The function %s has no free instance; retry later (request %s).", fn.ARN, req.ID).Wrap(err)
	case errors.Is(err, ErrFunctionTimeout), errors.Is(err, context.DeadlineExceeded):
		return osserr.Newf(osserr.FunctionResponseTimeout,
			"The function %s did not call WriteGetObjectResponse within its timeout of %s (request %s).", fn.ARN, fn.Timeout, req.ID).Wrap(err)
	case errors.Is(err, ErrFunctionFailed):
		return osserr.Newf(osserr.FunctionExecutionFailed,
			"The function %s failed before it called WriteGetObjectResponse (request %s): %s", fn.ARN, req.ID, publicReason(err)).Wrap(err)
	default:
		var oe *osserr.Error
		if errors.As(err, &oe) {
			return oe
		}
		return osserr.Internal(fmt.Errorf("invoke %s: %w", fn.ARN, err))
	}
}

// publicReason returns the part of a function failure that may be shown to
// the caller: the runtime's message, which names the failure (exit status,
// error type) and never carries a secret.
func publicReason(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	return msg
}

// relay writes resp to the caller and returns the number of body bytes sent.
// The last byte is held back until the body ends cleanly, so a body whose
// digest check fails at its end never reaches the caller complete.
func relay(w http.ResponseWriter, resp *Response) (int64, error) {
	h := w.Header()
	for name, values := range resp.Header {
		h[name] = values
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/octet-stream")
	}

	if resp.Status == http.StatusNotModified {
		w.WriteHeader(resp.Status)
		_, err := io.Copy(io.Discard, resp.Body)
		return 0, err
	}

	// An error status with an empty body gets an OSS error document. A
	// chunked body may be empty too (Go clients send an empty body as
	// chunked), so it is peeked at before the status goes out.
	body := bufio.NewReader(resp.Body)
	empty := resp.ContentLength == 0
	if resp.Status >= 400 && resp.ContentLength < 0 {
		if _, err := body.Peek(1); err == io.EOF {
			empty = true
		} else if err != nil {
			return 0, err
		}
	}
	if resp.Status >= 400 && empty {
		body := errorBody(resp.Status, w.Header().Get("x-oss-request-id"))
		h.Set("Content-Type", "application/xml")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(resp.Status)
		n, err := w.Write(body)
		return int64(n), err
	}
	if resp.ContentLength >= 0 {
		h.Set("Content-Length", strconv.FormatInt(resp.ContentLength, 10))
	}
	w.WriteHeader(resp.Status)
	return copyHoldingLast(flushWriter{w}, body)
}

// errorBody is the OSS error document sent when a function returns an error
// status without a body, so that SDKs get a parsable error.
func errorBody(status int, requestID string) []byte {
	code := map[int]osserr.Code{
		400: osserr.InvalidRequest, 401: osserr.AccessDenied, 403: osserr.AccessDenied, 404: osserr.NoSuchKey,
		405: osserr.MethodNotAllowed, 409: "Conflict", 411: osserr.MissingContentLength,
		412: osserr.PreconditionFailed, 416: osserr.InvalidRange, 500: osserr.InternalError,
		503: osserr.ServiceUnavailable,
	}[status]
	if code == "" {
		code = osserr.InternalError
	}
	e := osserr.Newf(code, "The function answered with status %d.", status)
	return osserr.Render(e, requestID, "")
}

// relayBufferSize is the size of copyHoldingLast's buffer: large, so that a
// big body moves in few writes to the caller.
const relayBufferSize = 512 << 10

// relayBuffers pools copyHoldingLast's buffers. Allocating (and
// zeroing) a fresh one per request cost a small transformed GetObject more
// CPU, in the allocation and in the garbage collections it caused, than
// relaying its body.
var relayBuffers = sync.Pool{New: func() any {
	b := make([]byte, relayBufferSize)
	return &b
}}

// copyHoldingLast copies src to dst but writes the final byte only after src
// ends with io.EOF.
func copyHoldingLast(dst io.Writer, src io.Reader) (int64, error) {
	pooled := relayBuffers.Get().(*[]byte)
	defer relayBuffers.Put(pooled)
	buf := *pooled
	var held []byte
	var written int64
	for {
		n, rerr := src.Read(buf[len(held):])
		n += len(held)
		if n > 1 {
			m, err := dst.Write(buf[:n-1])
			written += int64(m)
			if err != nil {
				return written, err
			}
			buf[0] = buf[n-1]
			held = buf[:1]
		} else {
			held = buf[:n]
		}
		if rerr == io.EOF {
			if len(held) > 0 {
				m, err := dst.Write(held)
				written += int64(m)
				if err != nil {
					return written, err
				}
			}
			return written, nil
		}
		if rerr != nil {
			return written, rerr
		}
	}
}

// flushWriter flushes after every write, so the caller receives each piece
// of the function's output as soon as it arrives.
type flushWriter struct{ w http.ResponseWriter }

func (f flushWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err == nil {
		err = http.NewResponseController(f.w).Flush()
	}
	return n, err
}
