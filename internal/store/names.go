package store

import (
	"strings"
	"unicode/utf8"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Limits of object names and metadata.
const (
	MaxKeyLength      = 1023
	MaxUserMetaSize   = 8 << 10
	MaxObjectSize     = 5 << 30
	MaxBucketsPerUser = 100
)

// ValidBucketName reports whether name follows the OSS bucket naming rules:
// 3 to 63 characters of lower-case letters, digits and hyphens, starting and
// ending with a letter or digit.
func ValidBucketName(name string) bool {
	if len(name) < 3 || len(name) > 63 || name[0] == '-' || name[len(name)-1] == '-' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Suffixes of access point aliases, which are used in place of bucket names;
// no bucket may end with them.
const (
	AccessPointAliasSuffix         = "-ossalias"
	ObjectFCAccessPointAliasSuffix = "-opapalias"
)

// CheckNewBucketName returns InvalidBucketName when name cannot be given to a
// new bucket.
func CheckNewBucketName(name string) error {
	if !ValidBucketName(name) {
		return osserr.Newf(osserr.InvalidBucketName,
			"The bucket name %q is invalid: use 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.", name).
			With("BucketName", name)
	}
	if strings.HasSuffix(name, AccessPointAliasSuffix) || strings.HasSuffix(name, ObjectFCAccessPointAliasSuffix) {
		return osserr.Newf(osserr.InvalidBucketName,
			"The bucket name %q is invalid: names ending with %s or %s are reserved for access point aliases.",
			name, AccessPointAliasSuffix, ObjectFCAccessPointAliasSuffix).With("BucketName", name)
	}
	return nil
}

// CheckKey returns InvalidObjectName unless key is 1 to 1023 bytes of UTF-8
// that does not start with "/" or "\", as OSS requires.
func CheckKey(key string) error {
	switch {
	case key == "":
		return osserr.New(osserr.InvalidObjectName, "The object name must not be empty.")
	case len(key) > MaxKeyLength:
		return osserr.Newf(osserr.InvalidObjectName, "The object name is %d bytes long; the maximum is %d bytes.", len(key), MaxKeyLength)
	case !utf8.ValidString(key):
		return osserr.New(osserr.InvalidObjectName, "The object name is not valid UTF-8.")
	case key[0] == '/' || key[0] == '\\':
		return osserr.Newf(osserr.InvalidObjectName, "The object name %q must not start with / or \\.", key)
	}
	return nil
}
