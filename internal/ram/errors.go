package ram

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/ossfc/ossfc/internal/meta"
)

// Error is a failure of a RAM or STS operation, carrying the error code that
// Alibaba Cloud's RAM and STS APIs use for the same failure (for example
// EntityNotExist.User or InvalidParameter.RoleSessionName). The admin API
// sends Code, Message and Status to the client; Err is only logged.
type Error struct {
	Code    string
	Message string // names the offending value; never contains a secret
	Status  int    // HTTP status
	Err     error  // underlying cause, for logs
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// The error codes that ram returns. They follow the RAM and STS OpenAPI
// error codes where those exist.
const (
	CodeInvalidParameter    = "InvalidParameter"
	CodeEntityNotExist      = "EntityNotExist"
	CodeEntityAlreadyExists = "EntityAlreadyExists"
	CodeLimitExceeded       = "LimitExceeded"
	CodeDeleteConflict      = "DeleteConflict"
	CodeNoPermission        = "NoPermission"
	CodeInternalError       = "InternalError"
)

func invalidParameter(name, format string, args ...any) *Error {
	return &Error{Code: CodeInvalidParameter + "." + name, Message: fmt.Sprintf(format, args...), Status: http.StatusBadRequest}
}

func notExist(entity, format string, args ...any) *Error {
	return &Error{Code: CodeEntityNotExist + "." + entity, Message: fmt.Sprintf(format, args...), Status: http.StatusNotFound}
}

func alreadyExists(entity, format string, args ...any) *Error {
	return &Error{Code: CodeEntityAlreadyExists + "." + entity, Message: fmt.Sprintf(format, args...), Status: http.StatusConflict}
}

func noPermission(format string, args ...any) *Error {
	return &Error{Code: CodeNoPermission, Message: fmt.Sprintf(format, args...), Status: http.StatusForbidden}
}

// internal wraps an unexpected failure; the client sees only the code.
func internal(err error) *Error {
	return &Error{Code: CodeInternalError, Message: "The request failed because of an internal error.",
		Status: http.StatusInternalServerError, Err: err}
}

// storeError converts a store failure: ErrNotFound and ErrExists become the
// given RAM errors, anything else an internal error.
func storeError(err error, missing, taken *Error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, meta.ErrNotFound) && missing != nil:
		missing.Err = err
		return missing
	case errors.Is(err, meta.ErrExists) && taken != nil:
		taken.Err = err
		return taken
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal(err)
}

// IsNotFound reports whether err is an EntityNotExist error.
func IsNotFound(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}
