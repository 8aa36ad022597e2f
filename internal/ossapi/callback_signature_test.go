package ossapi_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/testenv"
)

// fetchCallbackPublicKey returns the PEM the server sends at
// CallbackPublicKeyPath, after checking that it holds an RSA public key.
func fetchCallbackPublicKey(t *testing.T, env *testenv.Env, header http.Header) []byte {
	t.Helper()
	res, body := doRaw(t, env, http.MethodGet, env.URL+ossapi.CallbackPublicKeyPath, header, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", ossapi.CallbackPublicKeyPath, res.StatusCode, body)
	}
	if got := res.Header.Get("Content-Type"); got != "application/x-pem-file" {
		t.Errorf("Content-Type %q, want application/x-pem-file", got)
	}
	if len(res.Header.Get("x-oss-request-id")) != 24 {
		t.Errorf("x-oss-request-id %q, want 24 characters", res.Header.Get("x-oss-request-id"))
	}
	block, rest := pem.Decode(body)
	if block == nil || block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("body is not one PEM PUBLIC KEY block:\n%s", body)
	}
	parsed, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("parse the public key: %v", err)
	}
	key, ok := parsed.(*rsa.PublicKey)
	if !ok {
		t.Fatalf("public key is a %T, want *rsa.PublicKey", parsed)
	}
	if key.N.BitLen() < 2048 {
		t.Errorf("public key has %d bits, want at least 2048", key.N.BitLen())
	}
	return body
}

func TestCallbackPublicKeyEndpoint(t *testing.T) {
	env := testenv.Start(t)
	keyPEM := fetchCallbackPublicKey(t, env, nil)

	// The endpoint takes no signature, so a wrong one does not matter.
	withBadSignature := http.Header{"Authorization": {"OSS LTAInosuchkey0000000:bm90LWEtc2lnbmF0dXJl"}}
	if again := fetchCallbackPublicKey(t, env, withBadSignature); !bytes.Equal(again, keyPEM) {
		t.Error("the key changed between two requests")
	}

	res, body := doRaw(t, env, http.MethodHead, env.URL+ossapi.CallbackPublicKeyPath, nil, nil)
	if res.StatusCode != http.StatusOK || len(body) != 0 {
		t.Errorf("HEAD: status %d with %d body bytes, want 200 and none", res.StatusCode, len(body))
	}
	if got := res.Header.Get("Content-Length"); got != strconv.Itoa(len(keyPEM)) {
		t.Errorf("HEAD: Content-Length %q, want %d", got, len(keyPEM))
	}

	errorCases := []struct {
		name, method, path string
		status             int
		code               string
	}{
		{"PUT on the key", http.MethodPut, ossapi.CallbackPublicKeyPath, 405, "MethodNotAllowed"},
		{"DELETE on the key", http.MethodDelete, ossapi.CallbackPublicKeyPath, 405, "MethodNotAllowed"},
		{"unknown endpoint", http.MethodGet, "/_ossfc/other.pem", 404, "NoSuchKey"},
		{"unknown endpoint HEAD", http.MethodHead, "/_ossfc/other.pem", 404, "NoSuchKey"},
		{"endpoint root", http.MethodGet, "/_ossfc/", 404, "NoSuchKey"},
		{"endpoint root without slash", http.MethodGet, "/_ossfc", 404, "NoSuchKey"},
		{"PUT as a bucket", http.MethodPut, "/_ossfc", 404, "NoSuchKey"},
	}
	for _, tc := range errorCases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := doRaw(t, env, tc.method, env.URL+tc.path, nil, nil)
			checkErrorResponse(t, res, body, tc.status, tc.code, "")
		})
	}

	// The access log names the endpoint; the private key is never logged.
	var logged bool
	for _, line := range strings.Split(env.Logs.String(), "\n") {
		if strings.Contains(line, "log=access") && strings.Contains(line, "op=GetCallbackPublicKey") && strings.Contains(line, "status=200") {
			logged = true
		}
	}
	if !logged {
		t.Error("no access log record with op=GetCallbackPublicKey and status=200")
	}
	if strings.Contains(env.Logs.String(), "PRIVATE KEY") {
		t.Error("the server log contains a private key")
	}
}

func TestCallbackKeySurvivesRestart(t *testing.T) {
	const generatedMessage = "generated the upload callback signing key"
	env := testenv.Start(t)
	before := fetchCallbackPublicKey(t, env, nil)
	if !strings.Contains(env.Logs.String(), generatedMessage) {
		t.Errorf("first start did not log %q", generatedMessage)
	}

	env.Stop()
	env = testenv.StartWith(t, env.Config)
	after := fetchCallbackPublicKey(t, env, nil)
	if !bytes.Equal(before, after) {
		t.Errorf("public key after a restart:\n%s\nwant the same as before:\n%s", after, before)
	}
	if strings.Contains(env.Logs.String(), generatedMessage) {
		t.Errorf("restart logged %q, want the stored key loaded", generatedMessage)
	}
}
