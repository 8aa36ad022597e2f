package ossapi

import (
	"crypto"
	"crypto/md5"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/ossfc/ossfc/internal/osserr"
)

// reservedSegment is the first path segment of ossfc's own endpoints on the
// OSS API listeners. A bucket name contains only a-z, 0-9 and '-', so no
// path-style request for a bucket or object can start with it.
const reservedSegment = "_ossfc"

// CallbackPublicKeyPath is the path, on the OSS API listeners, of the PEM
// public key that verifies upload callback signatures. It is served without
// authentication, because callback receivers hold no OSS credentials.
const CallbackPublicKeyPath = "/" + reservedSegment + "/" + callbackPublicKeyName

const callbackPublicKeyName = "callback-public-key.pem"

// opGetCallbackPublicKey is an ossfc endpoint, not an OSS operation. The
// routing table never selects it: serveReservedPath does, before
// authentication.
var opGetCallbackPublicKey = &Operation{Name: "GetCallbackPublicKey", handler: (*Server).GetCallbackPublicKey, Anonymous: true}

// callbackSigner signs upload callback requests the way OSS does, so that
// receivers written for OSS can verify them unchanged. It loads its key on
// first use, because generating one takes a noticeable fraction of a second
// and most servers never send a callback.
type callbackSigner struct {
	load         func() (*rsa.PrivateKey, error)
	publicKeyURL string // base64 of the URL that serves the public key

	once         sync.Once
	key          *rsa.PrivateKey
	publicKeyPEM []byte
	err          error
}

// newCallbackSigner returns the signer of the key that load returns, whose
// public key is served at publicKeyURL, or nil when load is nil.
func newCallbackSigner(load func() (*rsa.PrivateKey, error), publicKeyURL string) *callbackSigner {
	if load == nil {
		return nil
	}
	return &callbackSigner{load: load, publicKeyURL: base64.StdEncoding.EncodeToString([]byte(publicKeyURL))}
}

// keys returns the private key and the PEM (PKIX) public key, loading them
// on the first call.
func (cs *callbackSigner) keys() (*rsa.PrivateKey, []byte, error) {
	cs.once.Do(func() {
		cs.key, cs.err = cs.load()
		if cs.err != nil {
			return
		}
		der, err := x509.MarshalPKIXPublicKey(&cs.key.PublicKey)
		if err != nil {
			cs.err = fmt.Errorf("marshal the callback public key: %w", err)
			return
		}
		cs.publicKeyPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	})
	return cs.key, cs.publicKeyPEM, cs.err
}

// sign adds the OSS callback signature to hr, whose body is body. The
// Authorization header is the base64 of an RSA PKCS #1 v1.5 signature, with
// MD5, of callbackStringToSign. The x-oss-pub-key-url header is the base64 of
// the URL of the public key.
func (cs *callbackSigner) sign(hr *http.Request, body string) error {
	key, _, err := cs.keys()
	if err != nil {
		return fmt.Errorf("signing the callback: %w", err)
	}
	digest := md5.Sum([]byte(callbackStringToSign(hr.URL, body)))
	signature, err := rsa.SignPKCS1v15(nil, key, crypto.MD5, digest[:])
	if err != nil {
		return fmt.Errorf("signing the callback: %w", err)
	}
	hr.Header.Set("Authorization", base64.StdEncoding.EncodeToString(signature))
	hr.Header.Set("x-oss-pub-key-url", cs.publicKeyURL)
	return nil
}

// callbackStringToSign returns the text OSS signs for a callback sent to u:
// the percent-decoded path of the request line, then '?' and the query
// exactly as sent when the request line has one, then "\n" and the body.
//
// NOTE: a '+' in the path stays '+'. A receiver that decodes the path as a
// form value (PHP urldecode does) reads a space there, and its check fails
// for such paths.
func callbackStringToSign(u *url.URL, body string) string {
	path, query, hasQuery := strings.Cut(u.RequestURI(), "?")
	if decoded, err := url.PathUnescape(path); err == nil {
		path = decoded
	}

	var b strings.Builder
	b.WriteString(path)
	if hasQuery {
		b.WriteString("?")
		b.WriteString(query)
	}
	b.WriteString("\n")
	b.WriteString(body)
	return b.String()
}

// serveReservedPath serves a path-style request whose first segment is
// reservedSegment. These endpoints take no signature, so authentication and
// authorization are skipped. A path that names no endpoint gets 404
// NoSuchKey.
func (s *Server) serveReservedPath(w http.ResponseWriter, r *http.Request, req *Request) error {
	req.Caller = &Caller{Anonymous: true}
	if req.Target.Key != callbackPublicKeyName {
		return osserr.Newf(osserr.NoSuchKey, "The path %s is not an ossfc endpoint; the upload callback public key is at %s.",
			r.URL.EscapedPath(), CallbackPublicKeyPath)
	}
	req.Op = opGetCallbackPublicKey
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return osserr.Newf(osserr.MethodNotAllowed, "The method %s is not allowed on %s; use GET.", r.Method, CallbackPublicKeyPath)
	}
	return req.Op.handler(s, w, r, req)
}

// GetCallbackPublicKey sends the PEM (PKIX) public key that verifies the
// Authorization header of upload callbacks.
func (s *Server) GetCallbackPublicKey(w http.ResponseWriter, r *http.Request, req *Request) error {
	if s.callbackSigner == nil {
		return osserr.Newf(osserr.NoSuchKey, "This server sends upload callbacks unsigned, so it has no public key at %s.", CallbackPublicKeyPath)
	}
	_, body, err := s.callbackSigner.keys()
	if err != nil {
		return osserr.Internal(err)
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return nil
}
