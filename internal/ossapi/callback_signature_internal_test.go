package ossapi

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCallbackStringToSign(t *testing.T) {
	tests := []struct {
		name, url, body, want string
	}{
		{"plain path", "http://app.test/notify", "a=1", "/notify\na=1"},
		{"no path", "http://app.test", "a=1", "/\na=1"},
		{"decoded path", "http://app.test/up%20loads/%E4%B8%AD.php", "", "/up loads/中.php\n"},
		{"encoded slash decoded", "http://app.test/a%2Fb", "x", "/a/b\nx"},
		{"plus kept", "http://app.test/a+b", "x", "/a+b\nx"},
		{"query kept as sent", "http://app.test/cb?dir=a%2Fb&n=%E4%B8%AD", "{}", "/cb?dir=a%2Fb&n=%E4%B8%AD\n{}"},
		{"empty query", "http://app.test/cb?", "x", "/cb?\nx"},
		{"encoded question mark", "http://app.test/what%3F?q=1", "x", "/what??q=1\nx"},
		{"multi-line body", "http://app.test/cb", "line1\nline2", "/cb\nline1\nline2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := callbackStringToSign(u, tc.body); got != tc.want {
				t.Errorf("callbackStringToSign(%s) = %q, want %q", tc.url, got, tc.want)
			}
		})
	}
}

func TestCallbackSignerHeaders(t *testing.T) {
	key, err := rsa.GenerateKey(nil, 2048)
	if err != nil {
		t.Fatal(err)
	}
	const keyURL = "http://127.0.0.1:9000/_ossfc/callback-public-key.pem"
	loads := 0
	signer := newCallbackSigner(func() (*rsa.PrivateKey, error) { loads++; return key, nil }, keyURL)
	if loads != 0 {
		t.Errorf("the key was loaded %d times before first use, want 0", loads)
	}

	hr, err := http.NewRequest(http.MethodPost, "http://app.test/cb%20x?id=7", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.sign(hr, "body"); err != nil {
		t.Fatal(err)
	}

	if got, _ := base64.StdEncoding.DecodeString(hr.Header.Get("x-oss-pub-key-url")); string(got) != keyURL {
		t.Errorf("x-oss-pub-key-url decodes to %q, want %q", got, keyURL)
	}
	signature, err := base64.StdEncoding.DecodeString(hr.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("Authorization %q is not base64: %v", hr.Header.Get("Authorization"), err)
	}
	digest := md5.Sum([]byte("/cb x?id=7\nbody"))
	if err := rsa.VerifyPKCS1v15(&key.PublicKey, crypto.MD5, digest[:], signature); err != nil {
		t.Errorf("signature does not verify over the expected text: %v", err)
	}
	other := md5.Sum([]byte("/cb x?id=8\nbody"))
	if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.MD5, other[:], signature) == nil {
		t.Error("signature verifies over another query")
	}
	if err := signer.sign(hr, "body"); err != nil || loads != 1 {
		t.Errorf("second signature: %v, key loaded %d times; want once", err, loads)
	}
	if newCallbackSigner(nil, keyURL) != nil {
		t.Error("newCallbackSigner(nil) is not nil")
	}
}

func TestCallbackSignerKeyFailure(t *testing.T) {
	broken := errors.New("key file unreadable")
	signer := newCallbackSigner(func() (*rsa.PrivateKey, error) { return nil, broken }, "http://127.0.0.1:9000/k.pem")
	hr, err := http.NewRequest(http.MethodPost, "http://app.test/cb", strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.sign(hr, "body"); !errors.Is(err, broken) {
		t.Errorf("sign without a key: got %v, want the load error", err)
	}
	if hr.Header.Get("Authorization") != "" {
		t.Error("a callback without a key was given an Authorization header")
	}
}
