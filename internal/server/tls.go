package server

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
)

// loadTLS reads the certificate and key of --tls-cert and --tls-key into
// s.tlsConfig, or leaves it nil when TLS is off. The files are read once,
// so a renewed certificate takes effect at the next start.
func (s *Server) loadTLS() error {
	if !s.cfg.TLS() {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
	if err != nil {
		return fmt.Errorf("load the TLS certificate %s (--tls-cert) and key %s (--tls-key): %w; give PEM files of a certificate and its private key",
			s.cfg.TLSCertFile, s.cfg.TLSKeyFile, err)
	}
	s.tlsConfig = &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		// HTTP/1.1 only, the protocol every test runs on: the upload idle
		// timeout and the streaming of transformed objects were never
		// checked over HTTP/2.
		NextProtos: []string{"http/1.1"},
	}
	return nil
}

// scheme returns the scheme every listener serves: https with TLS, else http.
func (s *Server) scheme() string {
	if s.tlsConfig != nil {
		return "https"
	}
	return "http"
}

// URL returns the base URL of a listener ("api", "internal" or "console")
// at its bound address, such as https://127.0.0.1:9000, or "" when it is
// disabled.
func (s *Server) URL(name string) string {
	addr := s.Addr(name)
	if addr == "" {
		return ""
	}
	return s.scheme() + "://" + addr
}

// selfClient returns the HTTP client the console calls the server's own
// listeners with, or nil for the default client when TLS is off. With TLS
// it trusts exactly the server's own certificate: the console dials the
// bound IP addresses, which a certificate issued for the service's host
// names need not list.
func (s *Server) selfClient() *http.Client {
	if s.tlsConfig == nil {
		return nil
	}
	leaf := s.tlsConfig.Certificates[0].Certificate[0]
	transport := &http.Transport{
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			// The usual chain and name checks are replaced by
			// VerifyConnection, which pins the server's own certificate.
			InsecureSkipVerify: true,
			VerifyConnection: func(cs tls.ConnectionState) error {
				if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf) {
					return errors.New("the listener did not present this server's --tls-cert certificate")
				}
				return nil
			},
		},
	}
	return &http.Client{Transport: transport}
}
