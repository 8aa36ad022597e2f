package fcapi

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ossfc/ossfc/internal/fc"
)

func TestErrorForStatusAndCode(t *testing.T) {
	tests := []struct {
		err    error
		status int
		code   string
	}{
		{fmt.Errorf("%w: f", fc.ErrFunctionNotFound), http.StatusNotFound, "FunctionNotFound"},
		{fmt.Errorf("%w: v", fc.ErrVersionNotFound), http.StatusNotFound, "VersionNotFound"},
		{fmt.Errorf("%w: a", fc.ErrAliasNotFound), http.StatusNotFound, "AliasNotFound"},
		{fmt.Errorf("%w: f", fc.ErrAlreadyExists), http.StatusConflict, "ResourceAlreadyExists"},
		{fmt.Errorf("%w: timeout", fc.ErrInvalidArgument), http.StatusBadRequest, "InvalidArgument"},
		{&fc.InvokeError{Kind: fc.ErrThrottled, Reason: "all instances busy"}, http.StatusServiceUnavailable, "ResourceThrottled"},
		{&fc.InvokeError{Kind: fc.ErrStartFailed, Reason: "exited"}, http.StatusBadGateway, "FunctionNotStarted"},
	}
	for _, tc := range tests {
		got := errorFor(tc.err)
		if got.status != tc.status || got.code != tc.code {
			t.Errorf("errorFor(%v) = %d %s, want %d %s", tc.err, got.status, got.code, tc.status, tc.code)
		}
	}
}
