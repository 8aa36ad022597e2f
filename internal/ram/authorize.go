package ram

import (
	"context"
	"strings"

	"github.com/ossfc/ossfc/internal/authz"
	"github.com/ossfc/ossfc/internal/policy"
)

// Authorize returns nil when p may perform action (such as "ram:CreateUser"
// or "sts:AssumeRole") on resource, an ARN, and a NoPermission *Error that
// names the action and the reason otherwise. Only identity and session
// policies apply: RAM and STS resources have no resource policies, and
// trust policies are checked by AssumeRole itself.
//
// An account's root identity is allowed on its own account's resources,
// and sts:AssumeRole on any role, whose trust policy then decides. Every
// identity may call sts:GetCallerIdentity, which STS lets anyone call.
func (s *Service) Authorize(ctx context.Context, p *Principal, action, resource string) error {
	switch {
	case strings.EqualFold(action, "sts:GetCallerIdentity"):
		return nil
	case p.Type == PrincipalAccount && strings.EqualFold(action, "sts:AssumeRole"):
		return nil
	}

	identity, err := s.IdentityPolicies(ctx, p)
	if err != nil {
		return err
	}
	owner := resourceAccount(resource)
	if owner == "" {
		owner = p.AccountID
	}
	d := authz.Decide(&authz.Input{
		Request:       policy.Request{Action: action, Principal: p.PolicyPrincipal(), Context: policy.Context{CurrentTime: s.now()}},
		ResourceOwner: owner,
		Resource:      resource,
		Identity:      identity,
		Session:       p.SessionPolicy,
	})
	if d.Allowed() {
		return nil
	}
	return noPermission("You are not authorized to do %s on %s: %s.", action, resource, denialText(d))
}

// denialText explains a denied decision for RAM and STS operations.
func denialText(d authz.Decision) string {
	switch {
	case d.Reason == authz.ExplicitDeny:
		return "the " + d.Layer.String() + " denies it explicitly"
	case d.Layer == authz.LayerSession:
		return "the session policy of the temporary credentials does not allow it"
	}
	return "no policy attached to the identity allows it"
}

// resourceAccount returns the account field of an ARN
// (acs:<service>:<region>:<account>:<relative id>), or "" when it has none
// or it is a wildcard.
func resourceAccount(resource string) string {
	fields := strings.SplitN(resource, ":", 5)
	if len(fields) < 5 || strings.ContainsAny(fields[3], "*?") {
		return ""
	}
	return fields[3]
}
