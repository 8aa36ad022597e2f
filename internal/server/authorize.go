package server

import (
	"context"
	"crypto/sha256"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/authz"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/store"
)

// authorizer implements ossapi.Authorizer with the layered evaluation of
// package authz: the caller's identity and session policies, the bucket
// policy, the bucket and object ACLs and Block Public Access.
type authorizer struct {
	ram      *ram.Service
	store    *store.Store
	region   string
	now      func() time.Time
	policies parsedPolicies
}

// Authorize implements ossapi.Authorizer.
func (a *authorizer) Authorize(ctx context.Context, acc *ossapi.Access) error {
	in, err := a.input(ctx, acc)
	if err != nil {
		return err
	}
	if d := authz.Decide(in); !d.Allowed() {
		return d.Error(in.Request.Action)
	}
	return nil
}

// input loads every layer that applies to acc.
func (a *authorizer) input(ctx context.Context, acc *ossapi.Access) (*authz.Input, error) {
	// 1. Who asks, and the condition context of the request.
	action := acc.Action
	if action == "" {
		action = acc.Op.Action
	}
	in := &authz.Input{Request: policy.Request{Action: action, Context: requestContext(acc, a.now())}}
	p := principalOf(acc.Caller)
	if p == nil {
		in.Request.Principal = policy.Principal{Anonymous: true}
	} else {
		in.Request.Principal = p.PolicyPrincipal()
		identity, err := a.ram.IdentityPolicies(ctx, p)
		if err != nil {
			return nil, ramError(err)
		}
		in.Identity, in.Session = identity, p.SessionPolicy
	}

	// 2. Service-level operations concern the caller's own account.
	if acc.Bucket == nil {
		owner := acc.Caller.AccountID
		in.ResourceOwner = owner
		in.Resource = arn.Service(a.region, owner)
		return in, nil
	}

	// 3. Bucket and object resources with their policy, ACLs and Block
	// Public Access.
	b := acc.Bucket
	in.ResourceOwner = b.AccountID
	in.Resource = arn.Bucket("*", b.AccountID, b.Name)
	if acc.Key != "" {
		in.Resource = arn.Object("*", b.AccountID, b.Name, acc.Key)
	}
	in.BucketACL = b.ACL
	doc, err := a.store.BucketPolicy(ctx, b.Name)
	if err != nil {
		return nil, err
	}
	if in.BucketPolicy, err = a.policies.get(doc); err != nil {
		return nil, err
	}
	if in.BlockPublicAccess.Bucket, err = a.store.BucketPublicAccessBlock(ctx, b.Name); err != nil {
		return nil, err
	}
	if acc.Key != "" && (p == nil || !p.IsRoot(b.AccountID)) {
		if in.ObjectACL, err = a.objectACL(ctx, acc); err != nil {
			return nil, err
		}
	}

	// 4. Through an access point, its layers.
	if err := a.accessPointLayers(in, acc); err != nil {
		return nil, err
	}
	return in, nil
}

// objectACL returns the ACL of the object the request names, or "" when it
// does not exist (a new object is governed by the bucket ACL).
func (a *authorizer) objectACL(ctx context.Context, acc *ossapi.Access) (string, error) {
	o, err := acc.HeadObject(ctx, a.store)
	if err != nil {
		if osserr.From(err).HTTPStatus() >= 500 {
			return "", err
		}
		return "", nil
	}
	return o.ACL, nil
}

// requestContext fills the condition keys policies may test.
func requestContext(acc *ossapi.Access, now time.Time) policy.Context {
	c := policy.Context{CurrentTime: now, SecureTransport: acc.Request.TLS != nil, Keys: map[string][]string{}}
	if host, _, err := net.SplitHostPort(acc.Request.RemoteAddr); err == nil {
		if ip, err := netip.ParseAddr(host); err == nil {
			c.SourceIP = ip.Unmap()
		}
	}
	q := acc.Request.URL.Query()
	if q.Has("prefix") || acc.Op.Action == "oss:ListObjects" {
		c.Keys[policy.KeyPrefix] = []string{q.Get("prefix")}
	}
	if q.Has("delimiter") {
		c.Keys[policy.KeyDelimiter] = []string{q.Get("delimiter")}
	}
	return c
}

// parsedPolicies caches parsed resource policies by the hash of their bytes,
// so a bucket policy is parsed once, not on every request. Parsed policies
// are immutable and shared.
type parsedPolicies struct {
	mu    sync.Mutex
	cache map[[32]byte]*policy.Policy
}

// maxCachedPolicies bounds the cache; it is emptied when full.
const maxCachedPolicies = 4096

// get returns doc parsed as a resource policy, or nil for an empty doc.
func (c *parsedPolicies) get(doc []byte) (*policy.Policy, error) {
	if len(doc) == 0 {
		return nil, nil
	}
	key := sha256.Sum256(doc)
	c.mu.Lock()
	p, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return p, nil
	}

	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return nil, osserr.Internal(err)
	}
	c.mu.Lock()
	if c.cache == nil || len(c.cache) >= maxCachedPolicies {
		c.cache = make(map[[32]byte]*policy.Policy)
	}
	c.cache[key] = p
	c.mu.Unlock()
	return p, nil
}
