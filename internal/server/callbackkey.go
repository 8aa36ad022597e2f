package server

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// callbackKeyFile is the name, under the data directory, of the RSA private
// key that signs upload callbacks: PKCS #8 in PEM, mode 0600. No stored data
// depends on it, so a lost key can be replaced by deleting the file; callback
// receivers then fetch the new public key.
const callbackKeyFile = "callback.key"

// callbackKeyBits is the size of a generated callback key.
const callbackKeyBits = 2048

// loadOrCreateCallbackKey reads <dataDir>/callback.key, or generates the key
// and writes the file (mode 0600) when it does not exist. generated reports
// whether the file was written now. A key file that other users may read, or
// that contains no RSA private key of at least callbackKeyBits, is an error
// and is never replaced.
func loadOrCreateCallbackKey(dataDir string) (key *rsa.PrivateKey, generated bool, err error) {
	path := filepath.Join(dataDir, callbackKeyFile)
	key, err = readCallbackKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}

	key, err = rsa.GenerateKey(rand.Reader, callbackKeyBits)
	if err != nil {
		return nil, false, fmt.Errorf("generate the callback key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("generate the callback key: %w", err)
	}

	// Write a temporary file and link it into place, so that a crash leaves
	// either no key file or a complete one. Two processes starting together
	// also agree on one key: the second link fails and that process reads
	// the first one's key.
	tmp, err := os.CreateTemp(dataDir, callbackKeyFile+".tmp-*")
	if err != nil {
		return nil, false, fmt.Errorf("create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("create %s: %w", path, err)
	}
	err = pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der})
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, false, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			key, err = readCallbackKey(path)
			return key, false, err
		}
		return nil, false, fmt.Errorf("create %s: %w", path, err)
	}
	return key, true, nil
}

// readCallbackKey reads an RSA private key in PEM, as PKCS #8 ("PRIVATE
// KEY") or PKCS #1 ("RSA PRIVATE KEY"), so that an operator may install a key
// made with openssl. It returns an error wrapping fs.ErrNotExist when the file
// does not exist.
func readCallbackKey(path string) (*rsa.PrivateKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("key file %s has mode %04o, which lets other users read it; run chmod 600 %s", path, perm, path)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}

	invalid := fmt.Errorf("key file %s does not contain an RSA private key in PEM; restore it from a backup, or delete it to generate a new one", path)
	block, _ := pem.Decode(text)
	if block == nil {
		return nil, invalid
	}
	var parsed any
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, invalid
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if err != nil || !ok {
		return nil, invalid
	}
	if key.N.BitLen() < callbackKeyBits {
		return nil, fmt.Errorf("key file %s contains a %d-bit RSA key, but callback keys need at least %d bits; install a larger key, or delete the file to generate one", path, key.N.BitLen(), callbackKeyBits)
	}
	return key, nil
}

// callbackKeyLoader checks an existing callback key file at once, so that a
// bad file stops the start-up, and returns the function that gives the key.
// A missing key is generated on the first call, which is the first signed
// callback or request for the public key.
func (s *Server) callbackKeyLoader() (func() (*rsa.PrivateKey, error), error) {
	path := filepath.Join(s.cfg.DataDir, callbackKeyFile)
	key, err := readCallbackKey(path)
	if err == nil {
		return func() (*rsa.PrivateKey, error) { return key, nil }, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	return sync.OnceValues(func() (*rsa.PrivateKey, error) {
		key, generated, err := loadOrCreateCallbackKey(s.cfg.DataDir)
		if err != nil {
			s.logger.Error("upload callback signing key unavailable", "path", path, "err", err)
			return nil, err
		}
		if generated {
			s.logger.Info("generated the upload callback signing key", "path", path)
		}
		return key, nil
	}), nil
}
