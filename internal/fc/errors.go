package fc

import (
	"errors"
	"fmt"
)

// Errors of the registry and of invocations. Callers test them with
// errors.Is; invocation errors are *InvokeError values that wrap one of them.
var (
	// ErrFunctionNotFound means no function, version or alias has the name
	// or ARN given.
	ErrFunctionNotFound = errors.New("function not found")

	// ErrVersionNotFound and ErrAliasNotFound refine ErrFunctionNotFound for
	// the admin API; errors that wrap them also wrap ErrFunctionNotFound
	// when a qualifier did not resolve.
	ErrVersionNotFound = errors.New("function version not found")
	ErrAliasNotFound   = errors.New("function alias not found")

	// ErrAlreadyExists means a function or alias of that name exists.
	ErrAlreadyExists = errors.New("already exists")

	// ErrInvalidArgument means a request field is invalid; the wrapping
	// error names the field.
	ErrInvalidArgument = errors.New("invalid argument")

	// ErrConflict means the change would break a reference, such as deleting
	// a version that an alias points at.
	ErrConflict = errors.New("conflict")

	// ErrThrottled means every instance the function may have was busy for
	// the whole throttle wait.
	ErrThrottled = errors.New("function throttled")

	// ErrTimeout means the invocation ran past the function's timeout; the
	// instance was killed.
	ErrTimeout = errors.New("function timed out")

	// ErrStartFailed means a new instance exited before it was ready or did
	// not become ready within the start-up timeout.
	ErrStartFailed = errors.New("function instance failed to start")

	// ErrFunctionFailed means the function reported an error or its instance
	// crashed during the invocation.
	ErrFunctionFailed = errors.New("function failed")

	// ErrClosed means the service is shutting down.
	ErrClosed = errors.New("function service closed")
)

// InvokeError is the error of one invocation. Reason is short and free of
// secrets and of function output, so it can be shown to the caller.
type InvokeError struct {
	Kind      error // one of the sentinel errors above
	RequestID string
	Function  string // function name
	Reason    string
}

func (e *InvokeError) Error() string {
	return fmt.Sprintf("%v: function %s, request %s: %s", e.Kind, e.Function, e.RequestID, e.Reason)
}

// Unwrap returns the sentinel Kind.
func (e *InvokeError) Unwrap() error { return e.Kind }

// missingError is a not-found error whose message names the missing thing
// once, as in "function f version 3 does not exist". errors.Is matches it
// against each of its kinds.
type missingError struct {
	subject string
	kinds   []error
}

func (e *missingError) Error() string { return e.subject + " does not exist" }

func (e *missingError) Unwrap() []error { return e.kinds }
