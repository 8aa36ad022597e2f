// Package adminclient holds what the `ossfc fn` and `ossfc admin` commands
// need to reach the admin API: the console listener's URL, the region, and
// the key pair that signs each request the way OSS requests are signed
// (signature V4 over the request path).
//
// Only cmd/ossfc, the console and tests import it.
package adminclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

// Config says where the admin API is and which key signs requests to it.
type Config struct {
	// URL is the console listener's base URL, e.g. http://127.0.0.1:9001.
	URL string

	// Region is the server's region, part of every V4 signature.
	Region string

	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string // for temporary credentials
}

// FromEnv builds a Config from the environment:
//
//	OSSFC_CONSOLE_URL                   default http://127.0.0.1:9001
//	OSSFC_REGION                        default cn-hangzhou
//	OSSFC_ACCESS_KEY_ID, OSSFC_ACCESS_KEY_SECRET, OSSFC_SECURITY_TOKEN
//
// Without OSSFC_ACCESS_KEY_ID it uses OSSFC_ROOT_ACCESS_KEY_ID and
// OSSFC_ROOT_ACCESS_KEY_SECRET, and without those the credentials file the
// server generated in its data directory (OSSFC_DATA, default ./data).
func FromEnv() (Config, error) {
	c := Config{
		URL:             getenv("OSSFC_CONSOLE_URL", "http://127.0.0.1:9001"),
		Region:          getenv("OSSFC_REGION", "cn-hangzhou"),
		AccessKeyID:     os.Getenv("OSSFC_ACCESS_KEY_ID"),
		AccessKeySecret: os.Getenv("OSSFC_ACCESS_KEY_SECRET"),
		SecurityToken:   os.Getenv("OSSFC_SECURITY_TOKEN"),
	}
	c.URL = strings.TrimRight(c.URL, "/")
	if c.AccessKeyID == "" {
		c.AccessKeyID = os.Getenv("OSSFC_ROOT_ACCESS_KEY_ID")
		c.AccessKeySecret = os.Getenv("OSSFC_ROOT_ACCESS_KEY_SECRET")
	}
	if c.AccessKeyID == "" {
		path := filepath.Join(getenv("OSSFC_DATA", "./data"), "credentials")
		id, secret, err := readCredentialsFile(path)
		if err != nil {
			return c, fmt.Errorf("no access key: set OSSFC_ACCESS_KEY_ID and OSSFC_ACCESS_KEY_SECRET, or point OSSFC_DATA at the server's data directory (%v)", err)
		}
		c.AccessKeyID, c.AccessKeySecret = id, secret
	}
	if c.AccessKeySecret == "" {
		return c, errors.New("OSSFC_ACCESS_KEY_SECRET is empty")
	}
	return c, nil
}

func getenv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// readCredentialsFile reads the root key from the server's credentials file.
func readCredentialsFile(path string) (id, secret string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		switch name {
		case "OSSFC_ROOT_ACCESS_KEY_ID":
			id = value
		case "OSSFC_ROOT_ACCESS_KEY_SECRET":
			secret = value
		}
	}
	if id == "" || secret == "" {
		return "", "", fmt.Errorf("%s holds no root access key", path)
	}
	return id, secret, sc.Err()
}

// Sign signs r with signature V4 as an OSS request whose canonical URI is
// the request path. The server verifies admin requests the same way.
func (c Config) Sign(r *http.Request) error {
	product := "oss"
	key := strings.TrimPrefix(r.URL.Path, "/")
	sc := &signer.SigningContext{
		Product: &product,
		Region:  &c.Region,
		Key:     &key,
		Request: r,
		Credentials: &credentials.Credentials{
			AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken,
		},
	}
	return (&signer.SignerV4{}).Sign(context.Background(), sc)
}
