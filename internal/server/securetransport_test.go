package server

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/authz"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/policy"
)

// TestSecureTransportFromConnection checks that acs:SecureTransport comes
// from the request's connection, and that a bucket policy denying
// insecure requests denies a plain HTTP request. A server with TLS has no
// plain listener, so the plain case is built here.
func TestSecureTransportFromConnection(t *testing.T) {
	const account = "1234567890123456"
	bucketPolicy, err := policy.Parse([]byte(`{"Version":"1","Statement":[{"Effect":"Deny","Action":"oss:*","Principal":["*"],
		"Resource":"acs:oss:*:`+account+`:secure/*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}]}`), policy.Resource)
	if err != nil {
		t.Fatal(err)
	}
	identity, err := policy.Parse([]byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}`), policy.Identity)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		tls     *tls.ConnectionState
		secure  bool
		allowed bool
	}{
		{"plain HTTP", nil, false, false},
		{"HTTPS", &tls.ConnectionState{HandshakeComplete: true, Version: tls.VersionTLS13}, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/secure/k", nil)
			r.TLS = tc.tls
			acc := &ossapi.Access{Request: r, Op: &ossapi.Operation{Action: "oss:GetObject"}, Key: "k"}

			c := requestContext(acc, time.Now())
			if c.SecureTransport != tc.secure {
				t.Errorf("SecureTransport = %v, want %v", c.SecureTransport, tc.secure)
			}
			in := &authz.Input{
				Request: policy.Request{Action: "oss:GetObject", Context: c,
					Principal: policy.Principal{AccountID: account, ID: "200000000000001", ARN: "acs:ram::" + account + ":user/reader"}},
				ResourceOwner: account,
				Resource:      "acs:oss:*:" + account + ":secure/k",
				Identity:      []*policy.Policy{identity},
				BucketPolicy:  bucketPolicy,
			}
			if d := authz.Decide(in); d.Allowed() != tc.allowed {
				t.Errorf("Decide = %+v, want allowed %v", d, tc.allowed)
			}
		})
	}
}
