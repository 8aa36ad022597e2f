package ram

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpenRoundTrip(t *testing.T) {
	key, err := loadOrCreateKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSealer(key)
	if err != nil {
		t.Fatal(err)
	}

	sealed := s.seal([]byte("secret value"), "purpose/a")
	if bytes.Contains(sealed, []byte("secret value")) {
		t.Fatal("sealed value contains the plain text")
	}
	plain, err := s.open(sealed, "purpose/a")
	if err != nil || string(plain) != "secret value" {
		t.Fatalf("open = %q, %v; want the plain text", plain, err)
	}
	if again := s.seal([]byte("secret value"), "purpose/a"); bytes.Equal(again, sealed) {
		t.Error("two seals of one value are equal; the nonce is not random")
	}

	tests := []struct {
		name       string
		sealed     []byte
		additional string
	}{
		{"other additional data", sealed, "purpose/b"},
		{"flipped byte", flip(sealed, len(sealed)-1), "purpose/a"},
		{"flipped version", flip(sealed, 0), "purpose/a"},
		{"truncated", sealed[:10], "purpose/a"},
		{"empty", nil, "purpose/a"},
	}
	for _, tc := range tests {
		if _, err := s.open(tc.sealed, tc.additional); err != errUnsealed {
			t.Errorf("%s: open gave %v, want errUnsealed", tc.name, err)
		}
	}
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 1
	return out
}

func TestKeyFileCreatedOnceWithMode0600(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("key file mode = %04o, want 0600", perm)
	}
	if info, _ := os.Stat(dir); info.Mode().Perm() != 0o700 {
		t.Errorf("data directory mode = %04o, want 0700", info.Mode().Perm())
	}

	second, err := loadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Error("second load returned another key")
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, KeyFileName+".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestKeyFileRejected(t *testing.T) {
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", strings.Repeat("ab", 32), 0o644, "chmod 600"},
		{"not hex", strings.Repeat("zz", 32), 0o600, "64 hexadecimal digits"},
		{"too short", "abcd", 0o600, "64 hexadecimal digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFileName)
			if err := os.WriteFile(path, []byte(tc.content), tc.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tc.mode)
			_, err := loadOrCreateKey(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
			if b, _ := os.ReadFile(path); string(b) != tc.content {
				t.Error("a rejected key file was overwritten")
			}
		})
	}
}

func TestSecretsNotReadableInDatabase(t *testing.T) {
	e := newEnv(t)
	e.user(t, "alice")
	k, err := e.svc.CreateAccessKey(ctx, testAccount, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(ctx, k.AccessKeyID, "", e.clock.Now()); err != nil {
		t.Fatal(err)
	}

	// The database may hold the rows in the main file or the WAL; check
	// every file of the data directory except the key file.
	files, err := filepath.Glob(filepath.Join(e.dir, "meta.db*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no database files: %v", err)
	}
	var found bool
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{k.AccessKeySecret, testRootSec} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains a secret in plain text", filepath.Base(f))
			}
		}
		if bytes.Contains(b, []byte(k.AccessKeyID)) {
			found = true
		}
	}
	if !found {
		t.Error("the access key id is in no database file, so the check above proves nothing")
	}
}
