package osserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a failure reported to an OSS client. The zero value is not useful;
// build one with New or Newf.
type Error struct {
	// Code selects the HTTP status, default message and EC from the catalogue.
	Code Code

	// Message replaces the catalogue message when not empty. It is sent to the
	// client, so it must name the offending value and never carry a secret.
	Message string

	// EC replaces the catalogue EC value when not empty (some codes have
	// several EC values, for example SignatureDoesNotMatch for V1 and V4).
	EC string

	// Status replaces the catalogue status when not zero.
	Status int

	// Fields are extra child elements of <Error>, such as BucketName, Key,
	// ArgumentName and ArgumentValue, written in the order given.
	Fields []Field

	// Header holds extra response headers, such as
	// x-oss-next-append-position for PositionNotEqualToLength.
	Header http.Header

	// Err is the underlying cause. It is logged with the request id and never
	// sent to the client.
	Err error
}

// Field is one extra child element of the <Error> document.
type Field struct {
	Name  string
	Value string
}

// New returns an error with code and message; an empty message means the
// catalogue's default.
func New(code Code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Newf returns an error with code and a formatted message.
func Newf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal wraps an unexpected failure of ossfc itself. The client sees only
// InternalError; err is logged.
func Internal(err error) *Error {
	return &Error{Code: InternalError, Err: err}
}

// With appends an extra <Error> child element and returns e.
func (e *Error) With(name, value string) *Error {
	e.Fields = append(e.Fields, Field{name, value})
	return e
}

// WithEC sets the EC value and returns e.
func (e *Error) WithEC(ec string) *Error {
	e.EC = ec
	return e
}

// WithHeader adds a response header and returns e.
func (e *Error) WithHeader(name, value string) *Error {
	if e.Header == nil {
		e.Header = http.Header{}
	}
	e.Header.Set(name, value)
	return e
}

// Wrap records cause as the logged reason and returns e.
func (e *Error) Wrap(cause error) *Error {
	e.Err = cause
	return e
}

// Error implements the error interface for logs; it includes the cause.
func (e *Error) Error() string {
	msg := e.message()
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus returns the status sent to the client.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	return e.Code.Status()
}

func (e *Error) message() string {
	if e.Message != "" {
		return e.Message
	}
	return e.Code.Message()
}

func (e *Error) ec() string {
	if e.EC != "" {
		return e.EC
	}
	if ec := e.Code.EC(); ec != "" {
		return ec
	}
	return ossfcEC(e.Code)
}

// From returns err as an *Error. An error that is not an *Error, or that wraps
// none, becomes InternalError with err as the logged cause. From(nil) is nil.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Is reports whether err is an *Error with the given code.
func Is(err error, code Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
