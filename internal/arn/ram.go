package arn

import (
	"fmt"
	"strings"
)

const (
	ramPrefix = "acs:ram::"
	stsPrefix = "arn:sts::"

	assumedRoleType = "assumed-role/"
)

// RAMKind identifies which RAM identity an ARN names.
type RAMKind int

// The RAM identity kinds.
const (
	RAMRoot        RAMKind = iota + 1 // the account itself: acs:ram::<uid>:root
	RAMUser                           // acs:ram::<uid>:user/<name>
	RAMRole                           // acs:ram::<uid>:role/<name>
	RAMAssumedRole                    // a role session: acs:ram::<uid>:assumed-role/<role>/<session>
)

// String returns the kind's name, for messages.
func (k RAMKind) String() string {
	switch k {
	case RAMRoot:
		return "root"
	case RAMUser:
		return "user"
	case RAMRole:
		return "role"
	case RAMAssumedRole:
		return "assumed-role"
	}
	return fmt.Sprintf("RAMKind(%d)", int(k))
}

// RAM is a parsed RAM identity name.
type RAM struct {
	Kind      RAMKind
	AccountID string

	// Name is the user name for RAMUser and the role name for RAMRole and
	// RAMAssumedRole.
	Name string

	// Session is the role session name, set for RAMAssumedRole.
	Session string
}

// Root returns the ARN of an account's root identity.
func Root(accountID string) string {
	return ramPrefix + accountID + ":root"
}

// User returns the ARN of a RAM user.
func User(accountID, name string) string {
	return ramPrefix + accountID + ":user/" + name
}

// Role returns the ARN of a RAM role. The cloud prints role names in lower
// case in ARNs, but Role keeps the case it is given and RAM.Equal ignores it.
func Role(accountID, name string) string {
	return ramPrefix + accountID + ":role/" + name
}

// AssumedRole returns the ARN of a role session in the acs:ram form.
func AssumedRole(accountID, role, session string) string {
	return ramPrefix + accountID + ":" + assumedRoleType + role + "/" + session
}

// STSAssumedRole returns the ARN of a role session in the arn:sts form that
// OSS bucket policies use as a Principal.
func STSAssumedRole(accountID, role, session string) string {
	return stsPrefix + accountID + ":" + assumedRoleType + role + "/" + session
}

// String returns the canonical acs:ram ARN of r.
func (r RAM) String() string {
	switch r.Kind {
	case RAMRoot:
		return Root(r.AccountID)
	case RAMUser:
		return User(r.AccountID, r.Name)
	case RAMRole:
		return Role(r.AccountID, r.Name)
	case RAMAssumedRole:
		return AssumedRole(r.AccountID, r.Name, r.Session)
	}
	return ""
}

// Equal reports whether r and o name the same identity. Role names, in roles
// and in role sessions, are compared without regard to case, because RAM
// treats "aliyunfcdefaultrole" and "AliyunFCDefaultRole" as one role. Account
// ids, user names and session names are compared exactly.
func (r RAM) Equal(o RAM) bool {
	if r.Kind != o.Kind || r.AccountID != o.AccountID || r.Session != o.Session {
		return false
	}
	if r.Kind == RAMRole || r.Kind == RAMAssumedRole {
		return strings.EqualFold(r.Name, o.Name)
	}
	return r.Name == o.Name
}

// ParseRAM parses a RAM identity ARN. Besides the acs:ram forms it accepts
// arn:sts::<uid>:assumed-role/<role>/<session> and returns it as RAMAssumedRole.
// Names must be non-empty and user and role names must not contain '/'.
func ParseRAM(s string) (RAM, error) {
	rest, isRAM := strings.CutPrefix(s, ramPrefix)
	if !isRAM {
		var isSTS bool
		rest, isSTS = strings.CutPrefix(s, stsPrefix)
		if !isSTS {
			return RAM{}, invalid(s, "does not start with "+ramPrefix+" or "+stsPrefix)
		}
	}
	account, relative, ok := strings.Cut(rest, ":")
	if !ok || account == "" {
		return RAM{}, invalid(s, "has no account id")
	}

	r := RAM{AccountID: account}
	if !isRAM {
		if !strings.HasPrefix(relative, assumedRoleType) {
			return RAM{}, invalid(s, "is an arn:sts ARN that does not name an assumed role")
		}
	}
	switch {
	case relative == "root":
		r.Kind = RAMRoot
	case strings.HasPrefix(relative, "user/"):
		r.Kind = RAMUser
		r.Name = relative[len("user/"):]
	case strings.HasPrefix(relative, "role/"):
		r.Kind = RAMRole
		r.Name = relative[len("role/"):]
	case strings.HasPrefix(relative, assumedRoleType):
		role, session, ok := strings.Cut(relative[len(assumedRoleType):], "/")
		if !ok || session == "" {
			return RAM{}, invalid(s, "has no role session name")
		}
		r.Kind = RAMAssumedRole
		r.Name = role
		r.Session = session
	default:
		return RAM{}, invalid(s, "is not root, user/<name>, role/<name> or assumed-role/<role>/<session>")
	}

	if r.Kind != RAMRoot && (r.Name == "" || strings.Contains(r.Name, "/")) {
		return RAM{}, invalid(s, "has an empty name or a name with '/'")
	}
	return r, nil
}

// EqualRole reports whether a and b are ARNs of the same RAM role, comparing
// role names without regard to case. It returns false if either is not a
// role ARN.
func EqualRole(a, b string) bool {
	ra, err := ParseRAM(a)
	if err != nil || ra.Kind != RAMRole {
		return false
	}
	rb, err := ParseRAM(b)
	if err != nil || rb.Kind != RAMRole {
		return false
	}
	return ra.Equal(rb)
}
