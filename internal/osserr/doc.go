// Package osserr is the one error model of ossfc: every failure that reaches an
// OSS client is an *Error carrying an OSS error code, and Write is the only
// function that renders the <Error> XML.
//
// The catalogue (codes.go) fixes each code's HTTP status, default message and EC
// value, so handlers never choose a status on their own. Errors that are not an
// *Error become InternalError; their text is logged, never sent.
//
// osserr imports only the standard library, so every other package may use it.
package osserr
