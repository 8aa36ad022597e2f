package fc

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// purposeSealer is a Sealer for tests: it reverses the bytes and records the
// purpose, and Open fails for any other purpose.
type purposeSealer struct{}

func (purposeSealer) Seal(plain []byte, purpose string) []byte {
	out := []byte(purpose + "|")
	for i := len(plain) - 1; i >= 0; i-- {
		out = append(out, plain[i])
	}
	return out
}

func (purposeSealer) Open(sealed []byte, purpose string) ([]byte, error) {
	rest, ok := bytes.CutPrefix(sealed, []byte(purpose+"|"))
	if !ok {
		return nil, errors.New("wrong purpose")
	}
	plain := make([]byte, 0, len(rest))
	for i := len(rest) - 1; i >= 0; i-- {
		plain = append(plain, rest[i])
	}
	return plain, nil
}

func TestHTTPTokenSealedAtRest(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("Authorization"))
		w.Header().Set("x-fc-status", "200")
		w.Write([]byte("ok"))
	}))
	defer srv.Close()

	ts := newTestService(t, Config{Secrets: purposeSealer{}})
	ts.create(t, FunctionSpec{Name: "remote", Runtime: "http", HTTPURL: srv.URL + "/invoke", HTTPToken: "first-token"})
	stored := func() string {
		f, err := ts.store.Functions().Get(context.Background(), testAccount, "remote")
		if err != nil {
			t.Fatal(err)
		}
		return f.Config.HTTPToken
	}
	if got := stored(); !strings.HasPrefix(got, sealedTokenPrefix) || strings.Contains(got, "first-token") {
		t.Errorf("stored token %q, want it sealed", got)
	}
	ts.mustInvoke(t, "remote", []byte("{}"))

	// A new token is sealed too; a published version keeps its own.
	if _, err := ts.PublishVersion(context.Background(), testAccount, "remote", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.UpdateFunction(context.Background(), testAccount, "remote", FunctionUpdate{HTTPToken: ptr("second-token")}); err != nil {
		t.Fatal(err)
	}
	if got := stored(); !strings.HasPrefix(got, sealedTokenPrefix) || strings.Contains(got, "second-token") {
		t.Errorf("stored token after the update %q, want it sealed", got)
	}
	ts.mustInvoke(t, "remote", []byte("{}"))
	if _, err := ts.Invoke(context.Background(), InvokeRequest{AccountID: testAccount, Function: "remote", Qualifier: "1", Payload: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	want := []string{"Bearer first-token", "Bearer second-token", "Bearer first-token"}
	if strings.Join(seen, ",") != strings.Join(want, ",") {
		t.Errorf("the remote function saw %q, want %q", seen, want)
	}
}
