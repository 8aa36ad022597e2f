// Package archtest holds the test that keeps ossfc's package layering:
// dependencies point downwards only, from the HTTP front ends and the server
// to the domain packages to the stores and the error model. It has no code
// of its own.
package archtest
