package auth

import (
	"bufio"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
)

// wireRequest parses an HTTP/1.1 request from its wire form, as a server
// receives it: requestURI is the request-target, headers are "Name: value"
// lines. The Host header is moved to Request.Host as net/http does.
func wireRequest(t testing.TB, method, requestURI, host string, headers ...string) *http.Request {
	t.Helper()
	var b strings.Builder
	b.WriteString(method + " " + requestURI + " HTTP/1.1\r\nHost: " + host + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n")
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(b.String())))
	if err != nil {
		t.Fatalf("parse wire request: %v", err)
	}
	return r
}

// wantOSSError fails t unless err is an *osserr.Error with code and ec.
func wantOSSError(t testing.TB, err error, code osserr.Code, ec string) *osserr.Error {
	t.Helper()
	var e *osserr.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *osserr.Error %s", err, err, code)
	}
	if e.Code != code {
		t.Errorf("code = %s, want %s (message %q)", e.Code, code, e.Message)
	}
	if got := e.EC; got == "" {
		got = e.Code.EC()
		if got != ec {
			t.Errorf("EC = %q (catalogue), want %q", got, ec)
		}
	} else if got != ec {
		t.Errorf("EC = %q, want %q", got, ec)
	}
	return e
}

// field returns the value of the extra <Error> element name, or "".
func field(e *osserr.Error, name string) string {
	for _, f := range e.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
