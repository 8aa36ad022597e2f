package server

import (
	"bufio"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
)

// Credentials are the first account's id and root access key.
type Credentials struct {
	AccountID       string
	AccessKeyID     string
	AccessKeySecret string
}

// credentialsFile is the name, under the data directory, of the generated
// root credentials.
const credentialsFile = "credentials"

// loadOrCreateCredentials returns the first account's credentials. Values
// from the configuration (the OSSFC_* environment) win; the rest come from
// <data>/credentials, or are generated on first start and written there with
// mode 0600. Values from the environment are never written to the file.
// generated reports whether the file was written now.
func loadOrCreateCredentials(dataDir, accountID, keyID, secret string) (c Credentials, generated bool, err error) {
	path := filepath.Join(dataDir, credentialsFile)
	stored, err := readCredentials(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return c, false, err
	}

	if stored.AccountID == "" && accountID == "" {
		stored.AccountID = randomDigits(16)
		generated = true
	}
	if stored.AccessKeyID == "" && keyID == "" {
		stored.AccessKeyID = "LTAI" + randomString(20, alphanumeric)
		stored.AccessKeySecret = randomString(30, alphanumeric)
		generated = true
	}
	if generated {
		if err := writeCredentials(path, stored); err != nil {
			return c, false, err
		}
	}

	c = stored
	if accountID != "" {
		c.AccountID = accountID
	}
	if keyID != "" {
		c.AccessKeyID, c.AccessKeySecret = keyID, secret
	}
	return c, generated, nil
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[k.Int64()]
	}
	return string(b)
}

// randomDigits returns n decimal digits not starting with 0.
func randomDigits(n int) string {
	s := randomString(n, "0123456789")
	return string("123456789"[s[0]%9]) + s[1:]
}

func readCredentials(path string) (Credentials, error) {
	f, err := os.Open(path)
	if err != nil {
		return Credentials{}, err
	}
	defer f.Close()

	var c Credentials
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return c, fmt.Errorf("%s: line %q is not NAME=value", path, line)
		}
		switch strings.TrimSpace(name) {
		case "OSSFC_ACCOUNT_ID":
			c.AccountID = strings.TrimSpace(value)
		case "OSSFC_ROOT_ACCESS_KEY_ID":
			c.AccessKeyID = strings.TrimSpace(value)
		case "OSSFC_ROOT_ACCESS_KEY_SECRET":
			c.AccessKeySecret = strings.TrimSpace(value)
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if (c.AccessKeyID == "") != (c.AccessKeySecret == "") {
		return c, fmt.Errorf("%s: OSSFC_ROOT_ACCESS_KEY_ID and OSSFC_ROOT_ACCESS_KEY_SECRET must be set together", path)
	}
	return c, nil
}

// writeCredentials writes c as shell-style NAME=value lines, so the file can
// be sourced to configure a client, with mode 0600.
func writeCredentials(path string, c Credentials) error {
	text := "# Root credentials of the first ossfc account. Keep this file secret.\n"
	if c.AccountID != "" {
		text += "OSSFC_ACCOUNT_ID=" + c.AccountID + "\n"
	}
	if c.AccessKeyID != "" {
		text += "OSSFC_ROOT_ACCESS_KEY_ID=" + c.AccessKeyID + "\n" +
			"OSSFC_ROOT_ACCESS_KEY_SECRET=" + c.AccessKeySecret + "\n"
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write credentials: %w", err)
	}
	return nil
}
