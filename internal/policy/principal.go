package policy

import (
	"strings"

	"github.com/ossfc/ossfc/internal/arn"
)

// principalSet is a compiled Principal element. Patterns are lower-cased,
// because account ids are digits and RAM compares role names without regard
// to case. Session and user names are therefore matched without regard to
// case too, which is looser than RAM for user names.
//
// NOTE: RAM documents case-insensitive role names only. Whether it folds the
// case of user and session names in a Principal is not documented.
type principalSet struct {
	anyone    bool     // "*" in the string or array form or in the RAM list
	ram       []string // account or user ids and RAM ARNs, arn:sts rewritten to acs:ram
	services  []string // service names, optionally "<uid>@<service>"
	federated []string // identity provider ARNs
}

// identity is a Principal prepared for matching once per Evaluate call.
type identity struct {
	anonymous bool
	kind      arn.RAMKind // zero when the principal is not a RAM identity
	account   string
	id        string   // lower-cased
	arns      []string // lower-cased acs:ram ARNs that name the principal
	service   string   // lower-cased
	federated string   // lower-cased
}

func newIdentity(p *Principal) *identity {
	caller := &identity{
		anonymous: p.Anonymous,
		account:   strings.ToLower(p.AccountID),
		id:        strings.ToLower(p.ID),
		service:   strings.ToLower(p.Service),
		federated: strings.ToLower(p.Federated),
	}
	if p.Anonymous {
		return caller
	}

	if r, err := arn.ParseRAM(p.ARN); err == nil {
		caller.kind = r.Kind
		if caller.account == "" {
			caller.account = strings.ToLower(r.AccountID)
		}
		if r.Kind == arn.RAMRoot && caller.id == "" {
			caller.id = caller.account
		}
		caller.arns = append(caller.arns, strings.ToLower(r.String()))
		if r.Kind == arn.RAMAssumedRole {
			// A role ARN in a Principal covers every session of the role.
			caller.arns = append(caller.arns, strings.ToLower(arn.Role(r.AccountID, r.Name)))
		}
	} else if p.ID != "" && p.ID == p.AccountID {
		caller.kind = arn.RAMRoot
		caller.arns = append(caller.arns, strings.ToLower(arn.Root(p.AccountID)))
	} else if p.ID != "" {
		caller.kind = arn.RAMUser
	}
	return caller
}

// isRoot reports whether the identity is the root identity of account owner.
func (caller *identity) isRoot(owner string) bool {
	return owner != "" && caller.kind == arn.RAMRoot && caller.account == strings.ToLower(owner)
}

// match reports whether the set names caller, and whether it does so only
// through "*".
func (s *principalSet) match(caller *identity) (matched, onlyAnyone bool) {
	if s.matchNamed(caller) {
		return true, false
	}
	return s.anyone, s.anyone
}

func (s *principalSet) matchNamed(caller *identity) bool {
	if caller.anonymous {
		return false
	}
	for _, pattern := range s.ram {
		if matchRAM(pattern, caller) {
			return true
		}
	}
	if caller.service != "" {
		for _, pattern := range s.services {
			if matchService(pattern, caller) {
				return true
			}
		}
	}
	if caller.federated != "" {
		for _, pattern := range s.federated {
			if matchWildcard(pattern, caller.federated) {
				return true
			}
		}
	}
	return false
}

// matchRAM matches one RAM principal pattern:
//
//   - A bare id (no ':') names an account's root identity or a RAM user by
//     id. It does not name the account's RAM users or role sessions, because
//     the OSS documentation has users enter a RAM user's own id, and the
//     arn:sts form for role sessions.
//   - acs:ram::<uid>:root names every RAM identity of that account, as RAM
//     documents for trust policies.
//   - Any other ARN is matched against the principal's own ARN, and for a
//     role session also against its role's ARN.
func matchRAM(pattern string, caller *identity) bool {
	if !strings.Contains(pattern, ":") {
		if caller.kind != arn.RAMRoot && caller.kind != arn.RAMUser {
			return false
		}
		return caller.id != "" && matchWildcard(pattern, caller.id)
	}

	if account, ok := strings.CutPrefix(pattern, "acs:ram::"); ok {
		if account, ok := strings.CutSuffix(account, ":root"); ok {
			return caller.kind != 0 && caller.account != "" && matchWildcard(account, caller.account)
		}
	}
	for _, candidate := range caller.arns {
		if matchWildcard(pattern, candidate) {
			return true
		}
	}
	return false
}

// matchService matches "<service>" or "<uid>@<service>".
func matchService(pattern string, caller *identity) bool {
	account, service, scoped := strings.Cut(pattern, "@")
	if !scoped {
		return matchWildcard(pattern, caller.service)
	}
	return matchWildcard(account, caller.account) && matchWildcard(service, caller.service)
}
