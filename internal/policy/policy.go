package policy

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// MaxSize is the largest policy document Parse accepts, in bytes. OSS limits
// bucket policies to 16 KB, and ossfc applies the same limit to every kind.
const MaxSize = 16 << 10

// Kind is the place a policy is attached to, which decides the elements it
// may and must have.
type Kind int

const (
	// Identity policies are attached to RAM users and roles, or passed as
	// the session policy of temporary credentials. They have no Principal.
	Identity Kind = iota + 1

	// Resource policies are attached to a bucket, an access point or an
	// Object FC Access Point. Every statement needs a Principal.
	Resource

	// Trust policies list the principals that may assume a RAM role. Every
	// statement needs a Principal, and statements have no Resource because
	// the resource is the role itself.
	Trust
)

// String returns the kind's name as it reads in messages ("identity").
func (k Kind) String() string {
	switch k {
	case Identity:
		return "identity"
	case Resource:
		return "resource"
	case Trust:
		return "trust"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Decision is the outcome of evaluating policies for one request.
type Decision int

const (
	// NoMatch means no statement applied. RAM calls this an implicit deny:
	// the request fails unless another policy allows it.
	NoMatch Decision = iota

	// Allow means an Allow statement applied and no Deny statement did.
	Allow

	// Deny means a Deny statement applied. It overrides every Allow.
	Deny
)

// String returns "NoMatch", "Allow" or "Deny".
func (d Decision) String() string {
	switch d {
	case NoMatch:
		return "NoMatch"
	case Allow:
		return "Allow"
	case Deny:
		return "Deny"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// Combine merges the decisions of several policies: an explicit Deny wins,
// then Allow, else NoMatch.
func Combine(ds ...Decision) Decision {
	result := NoMatch
	for _, d := range ds {
		if d == Deny {
			return Deny
		}
		if d == Allow {
			result = Allow
		}
	}
	return result
}

// Principal is the identity that sends a request.
type Principal struct {
	// Anonymous is set for unsigned requests. An anonymous principal
	// matches only a Principal of "*".
	Anonymous bool

	// AccountID is the UID of the account that owns the identity.
	AccountID string

	// ID is the RAM user id for a RAM user and the account UID for the
	// account's root identity. For a role session it is the role's id,
	// which bare ids in a Principal element never match.
	ID string

	// ARN is acs:ram::<uid>:root, acs:ram::<uid>:user/<name> or
	// acs:ram::<uid>:assumed-role/<role>/<session> (the arn:sts spelling
	// of a session is accepted too).
	ARN string

	// Service is the service principal, such as "fc.aliyuncs.com" or
	// "oss.aliyuncs.com", when a cloud service acts. It is matched by the
	// Service list of a trust policy.
	Service string

	// Federated is the identity provider ARN, such as
	// acs:ram::<uid>:saml-provider/<name>, for a federated principal. It is
	// matched by the Federated list of a trust policy.
	Federated string
}

// The condition keys that ossfc fills in. Condition key names are matched
// without regard to case.
const (
	KeySourceIP                 = "acs:SourceIp"
	KeyCurrentTime              = "acs:CurrentTime"
	KeySecureTransport          = "acs:SecureTransport"
	KeyPrefix                   = "oss:Prefix"
	KeyDelimiter                = "oss:Delimiter"
	KeyDataAccessPointArn       = "oss:DataAccessPointArn"
	KeyDataAccessPointAccount   = "oss:DataAccessPointAccount"
	KeyAccessPointNetworkOrigin = "oss:AccessPointNetworkOrigin"
)

// Context holds the values that Condition elements test.
type Context struct {
	// SourceIP is the client address for acs:SourceIp. The zero Addr leaves
	// the key absent unless Keys sets it.
	SourceIP netip.Addr

	// CurrentTime is the request time for acs:CurrentTime. The zero Time
	// means the time of the Evaluate call.
	CurrentTime time.Time

	// SecureTransport is the value of acs:SecureTransport: whether the
	// request came over TLS. The key is always present.
	SecureTransport bool

	// Keys holds every other condition key, such as oss:Prefix,
	// oss:Delimiter, oss:DataAccessPointArn, oss:DataAccessPointAccount and
	// oss:AccessPointNetworkOrigin. A key that is missing or has no values
	// is absent from the request.
	Keys map[string][]string
}

// Request is the action, resource, principal and context that a policy is
// evaluated against.
type Request struct {
	// Action is the RAM action, such as "oss:GetObject". Actions are
	// matched without regard to case.
	Action string

	// Resource is the ARN of the resource, built with package arn. Resources
	// are matched with regard to case. Trust policies ignore it.
	Resource string

	Principal Principal
	Context   Context

	// ResourceOwner is the UID of the account that owns the resource. When
	// set, a resource policy statement whose Principal matches the owner's
	// root identity only through "*" and which has no Condition does not
	// apply to that root identity. OSS documents this rule for bucket
	// policies, so that an unconditional Deny to everyone cannot lock the
	// owner out.
	ResourceOwner string
}

// Policy is a parsed RAM policy document. It keeps only compiled matchers,
// never the document text: the caller stores the bytes it was given and
// returns those, because OSS clients expect a policy back byte for byte.
type Policy struct {
	kind       Kind
	statements []statement
}

// statement is one compiled element of the Statement array.
type statement struct {
	deny bool

	actions    []string // lower-cased patterns
	notActions bool     // the patterns came from NotAction

	resources    []resourcePattern
	notResources bool // the patterns came from NotResource
	anyResource  bool // no Resource element: trust policies

	principals *principalSet // nil for identity policies
	conditions []condition
}

// Kind returns the kind the policy was parsed as.
func (p *Policy) Kind() Kind { return p.kind }

// Evaluate returns Deny if any Deny statement applies to req, else Allow if
// any Allow statement applies, else NoMatch. A statement applies when its
// action, resource, principal and every condition match. The principal is
// tested for resource and trust policies only.
func (p *Policy) Evaluate(req *Request) Decision {
	if p == nil || req == nil {
		return NoMatch
	}
	action := strings.ToLower(req.Action)
	caller := newIdentity(&req.Principal)
	values := newContextValues(&req.Context)

	result := NoMatch
	for i := range p.statements {
		st := &p.statements[i]
		if !st.applies(p.kind, req, action, caller, values) {
			continue
		}
		if st.deny {
			return Deny
		}
		result = Allow
	}
	return result
}

// AllowsPublicAccess reports whether an Allow statement names every
// principal ("*", or an empty Principal list in a resource policy), with or
// without conditions. OSS counts such policies as granting public access,
// which Block Public Access rejects.
func (p *Policy) AllowsPublicAccess() bool {
	for i := range p.statements {
		st := &p.statements[i]
		if !st.deny && st.principals != nil && st.principals.anyone {
			return true
		}
	}
	return false
}

func (st *statement) applies(kind Kind, req *Request, action string, caller *identity, values *contextValues) bool {
	if st.matchAction(action) == st.notActions {
		return false
	}
	if !st.anyResource && st.matchResource(req.Resource) == st.notResources {
		return false
	}

	if kind != Identity {
		matched, onlyAnyone := st.principals.match(caller)
		if !matched {
			return false
		}
		if onlyAnyone && len(st.conditions) == 0 && caller.isRoot(req.ResourceOwner) {
			return false
		}
	}

	for i := range st.conditions {
		if !st.conditions[i].eval(values) {
			return false
		}
	}
	return true
}

func (st *statement) matchAction(action string) bool {
	for _, pattern := range st.actions {
		if matchWildcard(pattern, action) {
			return true
		}
	}
	return false
}

func (st *statement) matchResource(resource string) bool {
	for _, pattern := range st.resources {
		if pattern.match(resource) {
			return true
		}
	}
	return false
}
