package authz

import (
	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// Path is the way a request reached its resource.
type Path int

const (
	// Direct requests name the bucket, or are not about a bucket at all.
	Direct Path = iota

	// ViaAccessPoint requests name a plain access point's alias.
	ViaAccessPoint

	// ViaFCAccessPoint requests name an Object FC Access Point's alias.
	ViaFCAccessPoint
)

// Layer names one source of permissions.
type Layer int

const (
	LayerNone Layer = iota
	LayerIdentity
	LayerSession
	LayerBucketPolicy
	LayerACL
	LayerAccessPointPolicy
	LayerFCAccessPointPolicy
)

// String returns the layer's name as it reads in messages.
func (l Layer) String() string {
	switch l {
	case LayerIdentity:
		return "identity policy"
	case LayerSession:
		return "session policy"
	case LayerBucketPolicy:
		return "bucket policy"
	case LayerACL:
		return "ACL"
	case LayerAccessPointPolicy:
		return "access point policy"
	case LayerFCAccessPointPolicy:
		return "Object FC Access Point policy"
	}
	return "no layer"
}

// BlockPublicAccess holds the Block Public Access switches that apply to a
// request. When on, public grants of the layers they cover are ignored:
// public ACLs, and Allow results of policies that grant public access.
type BlockPublicAccess struct {
	Account       bool // covers every layer
	Bucket        bool // covers the ACLs and the bucket policy
	AccessPoint   bool // covers the access point policy
	FCAccessPoint bool // covers the Object FC Access Point policy
}

// Input is everything Decide needs. Nil policies are absent layers.
type Input struct {
	// Request holds the action, the principal and the condition context.
	// Its Resource and ResourceOwner fields are ignored: Decide sets them
	// from the fields below for each layer.
	Request policy.Request

	// ResourceOwner is the UID of the account that owns the resource: the
	// bucket owner for OSS requests.
	ResourceOwner string

	// Resource is the ARN in the bucket's own form
	// (acs:oss:*:<uid>:<bucket>[/<key>]), or the ARN of a non-OSS resource.
	// Identity, session and bucket policies are evaluated against it.
	Resource string

	// AccessPointResource is the ARN through the access point
	// (acs:oss:<region>:<uid>:accesspoint/<name>[/object/<key>]), set when
	// the access point's policy applies. Identity and session policies are
	// evaluated against it too, so they may grant either form.
	AccessPointResource string

	// FCAccessPointResource is the ARN through the Object FC Access Point
	// (acs:oss:<region>:<uid>:accesspointforobjectprocess/<name>/object/<key>).
	// Identity and session policies are evaluated against it too.
	FCAccessPointResource string

	Path Path

	Identity            []*policy.Policy // the principal's identity policies
	Session             *policy.Policy   // the session policy of temporary credentials
	BucketPolicy        *policy.Policy
	AccessPointPolicy   *policy.Policy
	FCAccessPointPolicy *policy.Policy

	// BucketACL is private, public-read or public-read-write; "" is private.
	BucketACL string

	// ObjectACL is the ACL of the existing object that an object action
	// reads or changes. "" and "default" mean the bucket ACL applies.
	ObjectACL string

	BlockPublicAccess BlockPublicAccess
}

// Reason is the cause of a Decision.
type Reason int

const (
	// Allowed means the request may proceed.
	Allowed Reason = iota

	// ExplicitDeny means a Deny statement of Decision.Layer applies.
	ExplicitDeny

	// NotAllowed means nothing allowed the request. Layer is LayerSession
	// when other layers allowed it but the session policy did not.
	NotAllowed

	// AccessPointNotAllowed means the policy of the access point or Object
	// FC Access Point (Decision.Layer) exists and does not allow the request.
	AccessPointNotAllowed

	// AnonymousThroughAccessPoint means an anonymous request came through
	// an access point or an Object FC Access Point, which OSS never allows.
	AnonymousThroughAccessPoint

	// PublicAccessBlocked means only a public grant (a public ACL or a
	// bucket policy allowing everyone) would allow the request, and Block
	// Public Access turns that grant off.
	PublicAccessBlocked
)

// Decision is the outcome of Decide.
type Decision struct {
	Reason Reason
	Layer  Layer // the layer that denied, or LayerNone
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.Reason == Allowed }

// ecAnonymousNotSupported is OSS's EC for anonymous access to an operation
// that does not support it.
const ecAnonymousNotSupported = "0003-00001201"

// Error returns the AccessDenied error to send for a denied request, with a
// message that names action and the reason; nil when the decision allows.
func (d Decision) Error(action string) *osserr.Error {
	var reason string
	switch d.Reason {
	case Allowed:
		return nil
	case ExplicitDeny:
		reason = "the " + d.Layer.String() + " denies it explicitly"
	case NotAllowed:
		if d.Layer == LayerSession {
			reason = "the session policy of the temporary credentials does not allow it"
		} else {
			reason = "no identity policy, bucket policy or ACL allows it"
		}
	case AccessPointNotAllowed:
		reason = "the " + d.Layer.String() + " does not allow it"
	case PublicAccessBlocked:
		reason = "only a public ACL or a public bucket policy would allow it, and Block Public Access turns those off"
	case AnonymousThroughAccessPoint:
		return osserr.Newf(osserr.AccessDenied,
			"Anonymous access to %s through an access point is not supported; sign the request.", action).
			WithEC(ecAnonymousNotSupported)
	default:
		reason = "access is denied"
	}
	return osserr.Newf(osserr.AccessDenied, "You have no right to perform %s: %s.", action, reason)
}

// Decide applies every layer of in and returns the decision.
func Decide(in *Input) Decision {
	caller := &in.Request.Principal
	if caller.Anonymous && in.Path != Direct {
		return Decision{Reason: AnonymousThroughAccessPoint}
	}

	// Evaluate each layer that is present. Identity and session policies
	// see every form of the resource, each resource policy its own form.
	identityResources := nonEmpty(in.Resource, in.AccessPointResource, in.FCAccessPointResource)
	identity := policy.NoMatch
	session := policy.NoMatch
	if !caller.Anonymous {
		for _, p := range in.Identity {
			identity = policy.Combine(identity, evaluate(p, in, "", identityResources...))
		}
		if in.Session != nil {
			session = evaluate(in.Session, in, "", identityResources...)
		}
	}
	bucketPolicy := evaluate(in.BucketPolicy, in, in.ResourceOwner, in.Resource)
	accessPointPolicy := evaluate(in.AccessPointPolicy, in, in.ResourceOwner, in.AccessPointResource)
	fcAccessPointPolicy := evaluate(in.FCAccessPointPolicy, in, in.ResourceOwner, in.FCAccessPointResource)

	// An explicit Deny anywhere wins.
	for _, layer := range []struct {
		layer    Layer
		decision policy.Decision
	}{
		{LayerIdentity, identity},
		{LayerSession, session},
		{LayerBucketPolicy, bucketPolicy},
		{LayerAccessPointPolicy, accessPointPolicy},
		{LayerFCAccessPointPolicy, fcAccessPointPolicy},
	} {
		if layer.decision == policy.Deny {
			return Decision{Reason: ExplicitDeny, Layer: layer.layer}
		}
	}

	// Block Public Access turns public grants off.
	bpa := in.BlockPublicAccess
	publicBucketPolicy := bucketPolicy
	publicACL := aclAllows(in.Request.Action, in.BucketACL, in.ObjectACL)
	if bpa.Account || bpa.Bucket {
		bucketPolicy = withoutPublicAllow(in.BucketPolicy, bucketPolicy)
	}
	if bpa.Account || bpa.AccessPoint {
		accessPointPolicy = withoutPublicAllow(in.AccessPointPolicy, accessPointPolicy)
	}
	if bpa.Account || bpa.FCAccessPoint {
		fcAccessPointPolicy = withoutPublicAllow(in.FCAccessPointPolicy, fcAccessPointPolicy)
	}
	acl := policy.NoMatch
	if !bpa.Account && !bpa.Bucket && aclAllows(in.Request.Action, in.BucketACL, in.ObjectACL) {
		acl = policy.Allow
	}

	// The owner is allowed on its own resources; anyone else needs an
	// Allow. Identity policies grant only within the caller's own account.
	if !isOwner(caller, in.ResourceOwner) {
		if caller.Anonymous || callerAccount(caller) != in.ResourceOwner {
			identity = policy.NoMatch
		}
		if policy.Combine(identity, bucketPolicy, acl) != policy.Allow {
			if publicACL || publicBucketPolicy == policy.Allow {
				return Decision{Reason: PublicAccessBlocked}
			}
			return Decision{Reason: NotAllowed}
		}
		if in.Session != nil && session != policy.Allow {
			return Decision{Reason: NotAllowed, Layer: LayerSession}
		}

		// Through an access point, its policy, where there is one, must
		// allow as well.
		if in.Path != Direct && in.AccessPointPolicy != nil && accessPointPolicy != policy.Allow {
			return Decision{Reason: AccessPointNotAllowed, Layer: LayerAccessPointPolicy}
		}
		if in.Path == ViaFCAccessPoint && in.FCAccessPointPolicy != nil && fcAccessPointPolicy != policy.Allow {
			return Decision{Reason: AccessPointNotAllowed, Layer: LayerFCAccessPointPolicy}
		}
	}
	return Decision{Reason: Allowed}
}

// evaluate returns the combined decision of p over resources; NoMatch for a
// nil p or no resources. owner is set for resource policies.
func evaluate(p *policy.Policy, in *Input, owner string, resources ...string) policy.Decision {
	if p == nil {
		return policy.NoMatch
	}
	req := in.Request
	req.ResourceOwner = owner
	result := policy.NoMatch
	for _, r := range resources {
		if r == "" {
			continue
		}
		req.Resource = r
		result = policy.Combine(result, p.Evaluate(&req))
	}
	return result
}

// withoutPublicAllow drops an Allow from a policy that grants public access.
//
// NOTE: the policy API reports public grants per document, not per
// statement, so an Allow that came from a statement naming the caller is
// dropped too when the same document also grants to "*". This errs towards
// denying; Deny statements still apply.
func withoutPublicAllow(p *policy.Policy, d policy.Decision) policy.Decision {
	if d == policy.Allow && p != nil && p.AllowsPublicAccess() {
		return policy.NoMatch
	}
	return d
}

func nonEmpty(values ...string) []string {
	out := values[:0:0]
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// callerAccount returns the caller's account UID.
func callerAccount(p *policy.Principal) string {
	if p.AccountID != "" {
		return p.AccountID
	}
	if r, err := arn.ParseRAM(p.ARN); err == nil {
		return r.AccountID
	}
	return ""
}

// isOwner reports whether p is the root identity of account owner.
func isOwner(p *policy.Principal, owner string) bool {
	if p.Anonymous || owner == "" || p.Service != "" {
		return false
	}
	if r, err := arn.ParseRAM(p.ARN); err == nil {
		return r.Kind == arn.RAMRoot && r.AccountID == owner
	}
	return p.ARN == "" && p.ID == owner && p.AccountID == owner
}
