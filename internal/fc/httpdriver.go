package fc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// invocation is one call on its way to an instance.
type invocation struct {
	requestID string
	payload   []byte
	creds     *Credentials
	fn        *Resolved
	region    string
	deadline  time.Time
}

// reply is what a function answered. A status of 400 or more, or a non-empty
// errorType, means the function failed.
type reply struct {
	status       int
	payload      []byte
	errorType    string
	errorMessage string
}

func (r *reply) failed() bool { return r.status >= 400 || r.errorType != "" }

// driver delivers invocations to one instance.
type driver interface {
	invoke(ctx context.Context, inv *invocation) (*reply, error)
	close()
}

var (
	// errInstanceGone means the instance stopped answering: its process
	// exited or its connection broke.
	errInstanceGone = errors.New("instance gone")

	// errResponseTooLarge means the response exceeded MaxResponseBytes.
	errResponseTooLarge = errors.New("response too large")
)

// setFCHeaders adds Function Compute's x-fc-* invocation headers, which the
// custom runtime, the http runtime and FC's runtime API share.
func setFCHeaders(h http.Header, inv *invocation) {
	c := &inv.fn.Config
	h.Set("x-fc-request-id", inv.requestID)
	if inv.creds != nil {
		h.Set("x-fc-access-key-id", inv.creds.AccessKeyID)
		h.Set("x-fc-access-key-secret", inv.creds.AccessKeySecret)
		h.Set("x-fc-security-token", inv.creds.SecurityToken)
	}
	h.Set("x-fc-function-name", inv.fn.Name)
	h.Set("x-fc-function-handler", c.Handler)
	h.Set("x-fc-function-memory", strconv.Itoa(c.MemorySizeMB))
	h.Set("x-fc-function-timeout", strconv.Itoa(c.TimeoutSeconds))
	h.Set("x-fc-function-deadline", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
	h.Set("x-fc-region", inv.region)
	h.Set("x-fc-account-id", inv.fn.AccountID)
	h.Set("x-fc-qualifier", inv.fn.Qualifier)
	h.Set("x-fc-version-id", inv.fn.Version)
	h.Set("x-fc-control-path", "/invoke")
}

// functionError is the error document functions report, in the field names
// of both Function Compute and AWS Lambda.
type functionError struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType"`
}

// parseFunctionError reads an error document; a body that is not one
// becomes the message.
func parseFunctionError(body []byte, defaultType string) (errorType, message string) {
	var fe functionError
	if json.Unmarshal(body, &fe) == nil && (fe.ErrorMessage != "" || fe.ErrorType != "") {
		if fe.ErrorType == "" {
			fe.ErrorType = defaultType
		}
		return fe.ErrorType, fe.ErrorMessage
	}
	return defaultType, string(truncate(body, 1024))
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// readLimited reads at most limit bytes of r, or fails with
// errResponseTooLarge.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errResponseTooLarge
	}
	return b, nil
}

// httpDriver sends invocations as FC's custom runtime contract describes:
// POST of the event to the instance with x-fc-* headers; the x-fc-status
// response header, when present, overrides the HTTP status.
type httpDriver struct {
	url         string
	token       string // bearer token for the http runtime; never logged
	client      *http.Client
	transport   *http.Transport // owned by this driver; nil when shared
	maxResponse int64
}

func newLocalHTTPDriver(port, concurrency int, maxResponse int64) *httpDriver {
	tr := &http.Transport{
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	return &httpDriver{
		url:         fmt.Sprintf("http://127.0.0.1:%d/invoke", port),
		client:      &http.Client{Transport: tr},
		transport:   tr,
		maxResponse: maxResponse,
	}
}

func (d *httpDriver) invoke(ctx context.Context, inv *invocation) (*reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(inv.payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	setFCHeaders(req.Header, inv)
	if d.token != "" {
		req.Header.Set("Authorization", "Bearer "+d.token)
	}

	resp, err := d.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %v", errInstanceGone, err)
	}
	defer resp.Body.Close()
	body, err := readLimited(resp.Body, d.maxResponse)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, errResponseTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", errInstanceGone, err)
	}

	rep := &reply{status: resp.StatusCode, payload: body}
	if s := resp.Header.Get("x-fc-status"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			rep.status = n
		}
	}
	if rep.failed() {
		defaultType := resp.Header.Get("x-fc-error-type")
		if defaultType == "" {
			defaultType = "UnhandledInvocationError"
		}
		rep.errorType, rep.errorMessage = parseFunctionError(body, defaultType)
	}
	return rep, nil
}

func (d *httpDriver) close() {
	if d.transport != nil {
		d.transport.CloseIdleConnections()
	}
}
