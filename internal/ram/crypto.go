package ram

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFileName is the file in the data directory that holds the key sealing
// access key secrets and security tokens: 32 random bytes, hex-encoded, mode
// 0600. Losing it makes every stored secret and issued token unusable.
const KeyFileName = "ram.key"

// sealVersion is the first byte of every sealed value, so that a later key
// rotation can tell old values from new ones.
const sealVersion = 1

// sealer encrypts small values with AES-256-GCM. The additional data binds a
// sealed value to its purpose and owner (for example the AccessKeyId), so a
// value copied to another row or used as another kind of value fails to open.
type sealer struct {
	aead cipher.AEAD
}

// errUnsealed is returned for any value that fails to open. It carries no
// detail on purpose: the caller reports the credential as invalid.
var errUnsealed = errors.New("sealed value is invalid")

func newSealer(key []byte) (*sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// seal returns version || nonce || ciphertext-and-tag.
func (s *sealer) seal(plain []byte, additional string) []byte {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		panic("crypto/rand failed: " + err.Error()) // unreachable: since Go 1.24 rand.Read crashes instead of returning an error
	}
	return s.aead.Seal(out, out[1:], plain, []byte(additional))
}

// open reverses seal. It returns errUnsealed for a value that was not sealed
// by this key with the same additional data, or was changed.
func (s *sealer) open(sealed []byte, additional string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, errUnsealed
	}
	plain, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(additional))
	if err != nil {
		return nil, errUnsealed
	}
	return plain, nil
}

// loadOrCreateKey reads the key file in dir, creating dir (mode 0700) and the
// file (mode 0600) when they do not exist. A key file that others may read or
// that does not hold 32 hex-encoded bytes is an error, never replaced: a new
// key would make every stored secret unreadable.
func loadOrCreateKey(dir string) ([]byte, error) {
	path := filepath.Join(dir, KeyFileName)
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory for %s: %w", KeyFileName, err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}

	// Write a temporary file and link it into place, so that a crash leaves
	// either no key file or a complete one. Two processes starting together
	// also agree on one key, because the second link fails and that process
	// reads the first one's key.
	tmp, err := os.CreateTemp(dir, KeyFileName+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", KeyFileName, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("create %s: %w", KeyFileName, err)
	}
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", KeyFileName, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKey(path)
		}
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return key, nil
}

func readKey(path string) ([]byte, error) {
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
	key, err := hex.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("key file %s does not hold 64 hexadecimal digits; restore it from a backup", path)
	}
	return key, nil
}

// Seal encrypts a small secret of another component for storage, with the
// key that seals access key secrets. purpose binds the value to its use.
func (s *Service) Seal(plain []byte, purpose string) []byte {
	return s.sealer.seal(plain, "ossfc/"+purpose)
}

// Open reverses Seal. It fails for a value sealed with another key or
// purpose, or changed.
func (s *Service) Open(sealed []byte, purpose string) ([]byte, error) {
	return s.sealer.open(sealed, "ossfc/"+purpose)
}
