package authz

import "strings"

// The canned ACLs of buckets and objects.
const (
	ACLDefault         = "default" // objects only: the bucket ACL applies
	ACLPrivate         = "private"
	ACLPublicRead      = "public-read"
	ACLPublicReadWrite = "public-read-write"
)

// aclReadActions are the actions a public-read ACL grants to everyone.
// Listing actions are bucket actions: only the bucket ACL grants them.
var aclReadActions = map[string]bool{
	"oss:getobject":          true,
	"oss:getobjectversion":   true,
	"oss:getsymlink":         true,
	"oss:listobjects":        true,
	"oss:listobjectversions": true,
}

// aclWriteActions are the actions that public-read-write grants on top of
// the read actions: writing and deleting objects and their uploads.
var aclWriteActions = map[string]bool{
	"oss:putobject":            true,
	"oss:deleteobject":         true,
	"oss:deleteobjectversion":  true,
	"oss:abortmultipartupload": true,
	"oss:listmultipartuploads": true,
	"oss:listparts":            true,
	"oss:putsymlink":           true,
	"oss:restoreobject":        true,
}

// bucketLevelActions are granted by the bucket ACL only; an object ACL does
// not apply to them.
var bucketLevelActions = map[string]bool{
	"oss:listobjects":          true,
	"oss:listobjectversions":   true,
	"oss:listmultipartuploads": true,
}

// aclAllows reports whether the ACLs grant action to everyone. An object
// ACL other than "default" takes precedence over the bucket ACL for object
// actions, as in OSS. ACLs never grant configuration actions such as
// PutBucketAcl or PutObjectAcl.
func aclAllows(action, bucketACL, objectACL string) bool {
	action = strings.ToLower(action)
	effective := bucketACL
	if objectACL != "" && objectACL != ACLDefault && !bucketLevelActions[action] {
		effective = objectACL
	}
	switch effective {
	case ACLPublicReadWrite:
		return aclReadActions[action] || aclWriteActions[action]
	case ACLPublicRead:
		return aclReadActions[action]
	}
	return false
}
