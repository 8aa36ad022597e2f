package server

import (
	"context"
	"net/http"
	"time"

	"github.com/ossfc/ossfc/internal/auth"
	"github.com/ossfc/ossfc/internal/ossapi"
)

// keySource finds the secret and identity behind an access key id and
// security token.
type keySource interface {
	lookup(ctx context.Context, accessKeyID, securityToken string, now time.Time) (*ossapi.Caller, string, error)
}

// authenticator implements ossapi.Authenticator with package auth's
// signature checks and a keySource.
type authenticator struct {
	region string
	keys   keySource
	now    func() time.Time
}

func newAuthenticator(region string, keys keySource) *authenticator {
	return &authenticator{region: region, keys: keys, now: time.Now}
}

// Authenticate implements ossapi.Authenticator. The clock check runs before
// the key lookup, so a skewed client learns the server time (the Date header
// of the error) even with an unknown key. A V4 request that signs its
// payload hash gets its body wrapped so that a mismatch fails the read.
func (a *authenticator) Authenticate(r *http.Request, bucket, key string) (*ossapi.Caller, error) {
	sig, err := auth.Parse(r)
	if err != nil {
		return nil, err
	}
	if sig == nil {
		return &ossapi.Caller{Anonymous: true}, nil
	}
	now := a.now()
	if err := sig.CheckTime(now); err != nil {
		return nil, err
	}

	caller, secret, err := a.keys.lookup(r.Context(), sig.AccessKeyID, sig.SecurityToken, now)
	if err != nil {
		return nil, err
	}
	if err := sig.Verify(r, auth.Target{Bucket: bucket, Key: key}, secret, a.region, now); err != nil {
		return nil, err
	}
	r.Body = sig.VerifyPayload(r.Body)
	return caller, nil
}
