package accesspoint

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// Kind distinguishes plain access points from Object FC Access Points.
type Kind int

const (
	// KindAccessPoint is a plain access point.
	KindAccessPoint Kind = iota + 1

	// KindObjectFC is an Object FC Access Point.
	KindObjectFC
)

// hashInput is the kind's word in the alias hash input, the same word its
// ARNs use.
func (k Kind) hashInput() string {
	if k == KindObjectFC {
		return "accesspointforobjectprocess"
	}
	return "accesspoint"
}

// Name and alias limits.
const (
	MinNameLength         = 3
	MaxNameLength         = 19 // plain access points
	MaxObjectFCNameLength = 63

	// aliasHashLength is the number of hex digits in an alias hash.
	aliasHashLength = 30

	// maxAliasLength keeps every alias a valid bucket name, which the OSS
	// SDKs check before they send a request.
	maxAliasLength = 63
)

// Alias suffixes: a name ending with one of them is an alias, never a bucket.
const (
	AliasSuffix         = store.AccessPointAliasSuffix
	ObjectFCAliasSuffix = store.ObjectFCAccessPointAliasSuffix
)

// IsAlias reports whether a bucket name as a client sent it is an access
// point or Object FC Access Point alias.
func IsAlias(name string) bool {
	return strings.HasSuffix(name, AliasSuffix) || strings.HasSuffix(name, ObjectFCAliasSuffix)
}

// Alias returns the alias of the access point of kind named name in
// accountID's region: <name>-<hash>-ossalias or <name>-<hash>-opapalias,
// where hash is the first 30 hex digits of the SHA-256 of
// "<account>:<region>:<kind>:<name>". The alias is deterministic, so it never
// changes, and the hash keeps it unique. When the result would be longer
// than 63 characters (Object FC names over 22 characters), the name part is
// cut and any hyphens at the cut are dropped.
func Alias(accountID, region string, kind Kind, name string) string {
	sum := sha256.Sum256([]byte(accountID + ":" + region + ":" + kind.hashInput() + ":" + name))
	hash := hex.EncodeToString(sum[:])[:aliasHashLength]
	suffix := AliasSuffix
	if kind == KindObjectFC {
		suffix = ObjectFCAliasSuffix
	}

	room := maxAliasLength - len(suffix) - aliasHashLength - 1
	if len(name) > room {
		name = strings.TrimRight(name[:room], "-")
	}
	return name + "-" + hash + suffix
}

// CheckName returns InvalidArgument unless name is a valid plain access
// point name: 3 to 19 lower-case letters, digits and hyphens, starting and
// ending with a letter or digit, and not ending with -ossalias.
func CheckName(name string) error {
	if !validLabel(name, MinNameLength, MaxNameLength) || strings.HasSuffix(name, AliasSuffix) {
		return osserr.Newf(osserr.InvalidArgument,
			"The access point name %q is invalid: use %d to %d lower-case letters, digits and hyphens, starting and ending with a letter or digit, and not ending with %s.",
			name, MinNameLength, MaxNameLength, AliasSuffix).
			With("ArgumentName", "AccessPointName").With("ArgumentValue", name)
	}
	return nil
}

// CheckObjectFCName returns InvalidArgument unless name is a valid Object FC
// Access Point name: 3 to 63 lower-case letters, digits and hyphens,
// starting and ending with a letter or digit, and not ending with
// -opapalias.
//
// NOTE: OSS documents no minimum length; 3 follows the bucket naming rules.
func CheckObjectFCName(name string) error {
	if !validLabel(name, MinNameLength, MaxObjectFCNameLength) || strings.HasSuffix(name, ObjectFCAliasSuffix) {
		return osserr.Newf(osserr.InvalidArgument,
			"The Object FC Access Point name %q is invalid: use %d to %d lower-case letters, digits and hyphens, starting and ending with a letter or digit, and not ending with %s.",
			name, MinNameLength, MaxObjectFCNameLength, ObjectFCAliasSuffix).
			With("ArgumentName", "x-oss-access-point-for-object-process-name").With("ArgumentValue", name)
	}
	return nil
}

// validLabel reports whether s has min to max characters of a-z, 0-9 and
// '-', and neither starts nor ends with '-'.
func validLabel(s string, min, max int) bool {
	if len(s) < min || len(s) > max || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
