package server

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCallbackKeyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, callbackKeyFile)

	first, generated, err := loadOrCreateCallbackKey(dir)
	if err != nil || !generated {
		t.Fatalf("first load = generated %v, %v; want a generated key", generated, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %04o, want 0600", callbackKeyFile, perm)
	}
	if first.N.BitLen() != callbackKeyBits {
		t.Errorf("generated key has %d bits, want %d", first.N.BitLen(), callbackKeyBits)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, callbackKeyFile+".tmp-*")); len(matches) != 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}

	second, generated, err := loadOrCreateCallbackKey(dir)
	if err != nil || generated {
		t.Fatalf("second load = generated %v, %v; want the stored key", generated, err)
	}
	if !first.Equal(second) {
		t.Error("second load returned another key")
	}
}

func TestCallbackKeyFileRejected(t *testing.T) {
	small, err := rsa.GenerateKey(nil, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(small)})

	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", "", 0o644, "chmod 600"},
		{"not PEM", "not a key\n", 0o600, "does not contain an RSA private key"},
		{"other PEM type", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", 0o600, "does not contain an RSA private key"},
		{"too small", string(smallPEM), 0o600, "at least 2048 bits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, callbackKeyFile)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			_, _, err := loadOrCreateCallbackKey(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("load = %v, want an error containing %q", err, tc.want)
			}
			if after, _ := os.ReadFile(path); string(after) != tc.content {
				t.Error("the rejected key file was replaced")
			}
		})
	}
}

func TestCallbackKeyFilePKCS1(t *testing.T) {
	key, err := rsa.GenerateKey(nil, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(filepath.Join(dir, callbackKeyFile), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	loaded, generated, err := loadOrCreateCallbackKey(dir)
	if err != nil || generated {
		t.Fatalf("load = generated %v, %v; want the installed key", generated, err)
	}
	if !key.Equal(loaded) {
		t.Error("loaded key differs from the installed PKCS #1 key")
	}
}
