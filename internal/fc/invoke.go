package fc

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// InvokeRequest is one synchronous invocation.
type InvokeRequest struct {
	AccountID string

	// Function is an ARN in either FC form or "<name>[:<qualifier>]".
	// Qualifier, when set, replaces the qualifier Function names.
	Function  string
	Qualifier string

	Payload []byte

	// RequestID identifies the invocation; one is generated when empty.
	RequestID string

	// Credentials, when set, are passed to the function unchanged. When nil,
	// Invoke mints credentials for the function's role through the
	// CredentialIssuer; a function without a role gets none.
	Credentials *Credentials
}

// InvokeResult is the outcome of an invocation the function took part in.
type InvokeResult struct {
	RequestID    string
	FunctionName string
	Qualifier    string
	Version      string

	// StatusCode is the function's status: x-fc-status, the HTTP status of
	// a custom runtime, 200 for a runtime API response and 500 for a
	// runtime API error. It is 0 when the function sent no response.
	StatusCode int
	Payload    []byte

	// ErrorType and ErrorMessage are set when the function failed.
	ErrorType    string
	ErrorMessage string

	Logs       []string // the output of this invocation, framed by FC Invoke Start/End lines
	ColdStart  bool
	InstanceID string
	Duration   time.Duration
}

// credentialMargin is how much longer than the function's timeout minted
// credentials stay valid.
const credentialMargin = 5 * time.Minute

// Invoke runs one synchronous invocation and waits for its result.
//
// The error is an *InvokeError wrapping ErrFunctionNotFound, ErrThrottled,
// ErrTimeout, ErrStartFailed or ErrFunctionFailed (or ErrInvalidArgument,
// ErrClosed, or the caller's context error). The result is non-nil whenever
// the function ran or tried to start, also on failure, so its logs can be
// shown.
func (s *Service) Invoke(ctx context.Context, req InvokeRequest) (*InvokeResult, error) {
	start := time.Now()
	requestID := req.RequestID
	if requestID == "" {
		requestID = newRequestID()
	}
	fail := func(kind error, function, reason string) *InvokeError {
		return &InvokeError{Kind: kind, RequestID: requestID, Function: function, Reason: reason}
	}

	// Resolve the function, then find it an instance. A pool retired while
	// the invocation waited (the function was updated) sends it back to
	// resolve once more.
	var (
		fn        *Resolved
		p         *pool
		in        *instance
		cold      bool
		startLogs []string
		err       error
	)
	for attempt := 0; ; attempt++ {
		fn, err = s.resolveRequest(ctx, req)
		if err != nil {
			s.metrics.invocations.WithLabelValues(resultLabel(err)).Inc()
			if errors.Is(err, ErrFunctionNotFound) || errors.Is(err, ErrInvalidArgument) {
				kind := ErrFunctionNotFound
				if !errors.Is(err, ErrFunctionNotFound) {
					kind = ErrInvalidArgument
				}
				return nil, fail(kind, req.Function, strings.TrimPrefix(err.Error(), kind.Error()+": "))
			}
			return nil, err
		}
		if p, err = s.poolFor(fn); err != nil {
			return nil, fail(err, fn.Name, "the service is shutting down")
		}
		in, cold, startLogs, err = p.acquire(ctx, requestID)
		if err != errPoolRetired || attempt == 3 {
			break
		}
	}
	if err != nil {
		return s.acquireFailed(start, requestID, fn, cold, startLogs, err)
	}
	if cold {
		s.metrics.coldStarts.Inc()
	}

	// Mint the function's credentials unless the caller brought them.
	creds := req.Credentials
	if creds == nil && fn.Config.Role != "" && s.creds != nil {
		c, err := s.creds.AssumeRoleForFunction(ctx, fn.AccountID, fn.Config.Role, sessionName(fn.Name),
			fn.Timeout+credentialMargin)
		if err != nil {
			p.release(in, false)
			ierr := fail(ErrAssumeRole, fn.Name, "the function's role "+fn.Config.Role+" could not be assumed")
			s.record(start, fn, requestID, cold, nil, ierr)
			return nil, ierr
		}
		creds = &c
	}

	inv := &invocation{requestID: requestID, payload: req.Payload, creds: creds, fn: fn,
		region: s.cfg.Region, deadline: time.Now().Add(fn.Timeout)}
	res, ierr := s.run(ctx, p, in, inv)
	res.ColdStart = cold
	res.Duration = time.Since(start)
	s.record(start, fn, requestID, cold, res, ierr)
	if ierr != nil {
		return res, ierr
	}
	return res, nil
}

// ErrAssumeRole means the function's role could not be assumed, so the
// function was not run.
var ErrAssumeRole = errors.New("function role could not be assumed")

func (s *Service) resolveRequest(ctx context.Context, req InvokeRequest) (*Resolved, error) {
	a, err := parseReference(req.Function)
	if err != nil {
		return nil, err
	}
	if a.AccountID != "" && (a.AccountID != req.AccountID || a.Region != s.cfg.Region) {
		return nil, fmt.Errorf("%w: %s is not a function of account %s in region %s", ErrFunctionNotFound, req.Function, req.AccountID, s.cfg.Region)
	}
	qualifier := a.Qualifier
	if req.Qualifier != "" {
		if !validQualifier(req.Qualifier) {
			return nil, fmt.Errorf("%w: qualifier %q is invalid", ErrInvalidArgument, req.Qualifier)
		}
		qualifier = req.Qualifier
	}
	return s.resolve(ctx, req.AccountID, a.Name, qualifier)
}

// acquireFailed turns an error of pool.acquire into the invocation's error.
func (s *Service) acquireFailed(start time.Time, requestID string, fn *Resolved, cold bool, startLogs []string, err error) (*InvokeResult, error) {
	var ierr *InvokeError
	switch {
	case errors.As(err, &ierr):
	case errors.Is(err, ErrThrottled):
		ierr = &InvokeError{Kind: ErrThrottled, RequestID: requestID, Function: fn.Name,
			Reason: fmt.Sprintf("all %d instances were busy for %s", fn.Config.MaxInstances, s.cfg.ThrottleWait)}
	case errors.Is(err, context.DeadlineExceeded):
		ierr = &InvokeError{Kind: ErrTimeout, RequestID: requestID, Function: fn.Name, Reason: "the caller's deadline passed before an instance was free"}
	case errors.Is(err, context.Canceled):
		ierr = &InvokeError{Kind: context.Canceled, RequestID: requestID, Function: fn.Name, Reason: "the caller canceled the invocation"}
	default:
		ierr = &InvokeError{Kind: ErrStartFailed, RequestID: requestID, Function: fn.Name, Reason: err.Error()}
	}

	var res *InvokeResult
	if cold {
		res = &InvokeResult{RequestID: requestID, FunctionName: fn.Name, Qualifier: fn.Qualifier, Version: fn.Version,
			Logs: startLogs, ColdStart: true, Duration: time.Since(start)}
	}
	s.record(start, fn, requestID, cold, res, ierr)
	return res, ierr
}

// run sends the invocation to the instance and turns what happens into a
// result and an error.
func (s *Service) run(ctx context.Context, p *pool, in *instance, inv *invocation) (*InvokeResult, *InvokeError) {
	fn := inv.fn
	res := &InvokeResult{RequestID: inv.requestID, FunctionName: fn.Name, Qualifier: fn.Qualifier,
		Version: fn.Version, InstanceID: in.id}
	fail := func(kind error, reason string) *InvokeError {
		return &InvokeError{Kind: kind, RequestID: inv.requestID, Function: fn.Name, Reason: reason}
	}

	invCtx, cancel := context.WithDeadline(ctx, inv.deadline)
	defer cancel()
	if in.proc != nil {
		in.proc.output.begin(inv.requestID)
	}
	rep, err := in.drv.invoke(invCtx, inv)

	var (
		ierr   *InvokeError
		broken bool
	)
	switch {
	case err == nil:
		res.StatusCode, res.Payload = rep.status, rep.payload
		if rep.failed() {
			res.ErrorType, res.ErrorMessage = rep.errorType, rep.errorMessage
			ierr = fail(ErrFunctionFailed, functionErrorReason(rep.errorType, rep.errorMessage))
		}
	case ctx.Err() == nil && invCtx.Err() != nil:
		// The function's own timeout: kill the instance, as FC does.
		broken = true
		s.kill(in)
		res.ErrorType, res.ErrorMessage = "FunctionTimeout", fmt.Sprintf("the function timed out after %d seconds", fn.Config.TimeoutSeconds)
		ierr = fail(ErrTimeout, fmt.Sprintf("the function did not finish within its timeout of %d seconds", fn.Config.TimeoutSeconds))
	case ctx.Err() != nil:
		// The caller gave up; the instance may still be working on the
		// invocation, so it cannot be trusted with another one.
		broken = true
		s.kill(in)
		kind := ErrTimeout
		if errors.Is(ctx.Err(), context.Canceled) {
			kind = context.Canceled
		}
		ierr = fail(kind, "the caller stopped waiting for the function")
	case errors.Is(err, errResponseTooLarge):
		res.ErrorType, res.ErrorMessage = "ResponseSizeTooLarge", fmt.Sprintf("the response exceeds %d bytes", s.cfg.MaxResponseBytes)
		ierr = fail(ErrFunctionFailed, res.ErrorMessage)
	default:
		broken = true
		reason := "the instance stopped answering"
		if in.proc != nil {
			s.kill(in)
			reason = "the instance exited during the invocation: " + in.proc.exitReason()
		}
		res.ErrorType, res.ErrorMessage = "InstanceCrashed", reason
		ierr = fail(ErrFunctionFailed, reason)
	}

	if in.proc != nil {
		res.Logs = in.proc.output.end(inv.requestID)
	} else {
		res.Logs = []string{"FC Invoke Start RequestId: " + inv.requestID, "FC Invoke End RequestId: " + inv.requestID}
	}
	p.release(in, broken)
	return res, ierr
}

// kill kills an instance's processes at once.
func (s *Service) kill(in *instance) {
	if in.proc != nil {
		in.proc.kill()
	}
}

// record keeps the invocation's log and counts it.
func (s *Service) record(start time.Time, fn *Resolved, requestID string, cold bool, res *InvokeResult, ierr *InvokeError) {
	l := &InvocationLog{RequestID: requestID, AccountID: fn.AccountID, FunctionName: fn.Name,
		Qualifier: fn.Qualifier, Version: fn.Version, Start: start, Duration: time.Since(start), ColdStart: cold}
	if res != nil {
		l.StatusCode, l.Lines = res.StatusCode, res.Logs
	}
	var err error
	if ierr != nil {
		l.Error = ierr.Kind.Error() + ": " + ierr.Reason
		err = ierr
	}
	s.logs.add(l)
	s.metrics.invocations.WithLabelValues(resultLabel(err)).Inc()
	s.metrics.duration.Observe(l.Duration.Seconds())
}

func resultLabel(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrFunctionFailed):
		return "function_error"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.Is(err, ErrThrottled):
		return "throttled"
	case errors.Is(err, ErrStartFailed):
		return "start_failed"
	case errors.Is(err, ErrFunctionNotFound):
		return "not_found"
	}
	return "error"
}

// sessionName is the RAM session name of a function's credentials: at most
// 64 characters.
func sessionName(function string) string {
	n := "fc-" + function
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}

// NewRequestID returns a new id in the form of Function Compute request ids.
func NewRequestID() string { return newRequestID() }

func newRequestID() string {
	id := randomID(16)
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

// functionErrorReason describes an error a function reported, with the
// start of its message.
func functionErrorReason(errorType, message string) string {
	const maxMessage = 200
	reason := "the function reported an error"
	if errorType != "" {
		reason += " of type " + errorType
	}
	if message != "" {
		if len(message) > maxMessage {
			message = strings.ToValidUTF8(message[:maxMessage], "") + "..."
		}
		reason += ": " + message
	}
	return reason
}
