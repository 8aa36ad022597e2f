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
// NOTE: RAM documents case-insensitive role names only; whether it folds the
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
	arns      []string // lower-cased acs:ram ARNs the principal answers to
	service   string   // lower-cased
	federated string   // lower-cased
}

func newIdentity(p *Principal) *identity {
	who := &identity{
		anonymous: p.Anonymous,
		account:   strings.ToLower(p.AccountID),
		id:        strings.ToLower(p.ID),
		service:   strings.ToLower(p.Service),
		federated: strings.ToLower(p.Federated),
	}
	if p.Anonymous {
		return who
	}

	if r, err := arn.ParseRAM(p.ARN); err == nil {
		who.kind = r.Kind
		if who.account == "" {
			who.account = strings.ToLower(r.AccountID)
		}
		who.arns = append(who.arns, strings.ToLower(r.String()))
		if r.Kind == arn.RAMAssumedRole {
			// A role ARN in a Principal covers every session of the role.
			who.arns = append(who.arns, strings.ToLower(arn.Role(r.AccountID, r.Name)))
		}
	} else if p.ID != "" && p.ID == p.AccountID {
		who.kind = arn.RAMRoot
	} else if p.ID != "" {
		who.kind = arn.RAMUser
	}
	return who
}

// isRoot reports whether the identity is the root identity of account owner.
func (who *identity) isRoot(owner string) bool {
	return owner != "" && who.kind == arn.RAMRoot && who.account == strings.ToLower(owner)
}

// match reports whether the set names who, and whether it does so only
// through "*".
func (s *principalSet) match(who *identity) (matched, onlyAnyone bool) {
	if s.matchNamed(who) {
		return true, false
	}
	return s.anyone, s.anyone
}

func (s *principalSet) matchNamed(who *identity) bool {
	if who.anonymous {
		return false
	}
	for _, pattern := range s.ram {
		if matchRAM(pattern, who) {
			return true
		}
	}
	if who.service != "" {
		for _, pattern := range s.services {
			if matchService(pattern, who) {
				return true
			}
		}
	}
	if who.federated != "" {
		for _, pattern := range s.federated {
			if matchWildcard(pattern, who.federated) {
				return true
			}
		}
	}
	return false
}

// matchRAM matches one RAM principal pattern:
//
//   - A bare id (no ':') names an account's root identity or a RAM user by
//     id. It does not name the account's RAM users or role sessions: OSS asks
//     for a RAM user's own id, and for the arn:sts form for role sessions.
//   - acs:ram::<uid>:root names every RAM identity of that account, as RAM
//     documents for trust policies.
//   - Any other ARN is matched against the principal's own ARN, and for a
//     role session also against its role's ARN.
func matchRAM(pattern string, who *identity) bool {
	if !strings.Contains(pattern, ":") {
		if who.kind != arn.RAMRoot && who.kind != arn.RAMUser {
			return false
		}
		return who.id != "" && matchWildcard(pattern, who.id)
	}

	if account, ok := strings.CutPrefix(pattern, "acs:ram::"); ok {
		if account, ok := strings.CutSuffix(account, ":root"); ok {
			return who.kind != 0 && who.account != "" && matchWildcard(account, who.account)
		}
	}
	for _, candidate := range who.arns {
		if matchWildcard(pattern, candidate) {
			return true
		}
	}
	return false
}

// matchService matches "<service>" or "<uid>@<service>".
func matchService(pattern string, who *identity) bool {
	account, service, scoped := strings.Cut(pattern, "@")
	if !scoped {
		return matchWildcard(pattern, who.service)
	}
	return matchWildcard(account, who.account) && matchWildcard(service, who.service)
}
