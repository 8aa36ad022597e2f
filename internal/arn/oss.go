package arn

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every error that ParseOSS and ParseRAM return.
var ErrInvalid = errors.New("invalid ARN")

const (
	ossPrefix = "acs:oss:"

	accessPointPrefix                 = "accesspoint/"
	accessPointForObjectProcessPrefix = "accesspointforobjectprocess/"
	objectSegment                     = "object/"
)

// OSSKind identifies which OSS resource an ARN names.
type OSSKind int

// The OSS resource kinds, one per ARN form listed in the package documentation.
const (
	OSSService OSSKind = iota + 1
	OSSBucket
	OSSObject
	OSSAccessPoint
	OSSAccessPointObject
	OSSAccessPointForObjectProcess
	OSSAccessPointForObjectProcessObject
)

// String returns the kind's name, for messages.
func (k OSSKind) String() string {
	switch k {
	case OSSService:
		return "service"
	case OSSBucket:
		return "bucket"
	case OSSObject:
		return "object"
	case OSSAccessPoint:
		return "access point"
	case OSSAccessPointObject:
		return "object through an access point"
	case OSSAccessPointForObjectProcess:
		return "Object FC Access Point"
	case OSSAccessPointForObjectProcessObject:
		return "object through an Object FC Access Point"
	}
	return fmt.Sprintf("OSSKind(%d)", int(k))
}

// OSS is a parsed OSS resource name.
type OSS struct {
	Kind      OSSKind
	Region    string
	AccountID string

	// Bucket is set for OSSBucket and OSSObject.
	Bucket string

	// AccessPoint is the access point or Object FC Access Point name, set
	// for the four access point kinds.
	AccessPoint string

	// Key is the object key, set for the three object kinds.
	Key string
}

// Service returns the ARN that account-level actions such as oss:ListBuckets
// are authorized against.
func Service(region, accountID string) string {
	return ossPrefix + region + ":" + accountID + ":*"
}

// Bucket returns the ARN of a bucket.
func Bucket(region, accountID, bucket string) string {
	return ossPrefix + region + ":" + accountID + ":" + bucket
}

// Object returns the ARN of an object addressed through its bucket.
func Object(region, accountID, bucket, key string) string {
	return Bucket(region, accountID, bucket) + "/" + key
}

// AccessPoint returns the ARN of a plain access point.
func AccessPoint(region, accountID, name string) string {
	return ossPrefix + region + ":" + accountID + ":" + accessPointPrefix + name
}

// AccessPointObject returns the ARN of an object addressed through a plain
// access point.
func AccessPointObject(region, accountID, name, key string) string {
	return AccessPoint(region, accountID, name) + "/" + objectSegment + key
}

// AccessPointForObjectProcess returns the ARN of an Object FC Access Point.
func AccessPointForObjectProcess(region, accountID, name string) string {
	return ossPrefix + region + ":" + accountID + ":" + accessPointForObjectProcessPrefix + name
}

// AccessPointForObjectProcessObject returns the ARN of an object addressed
// through an Object FC Access Point.
func AccessPointForObjectProcessObject(region, accountID, name, key string) string {
	return AccessPointForObjectProcess(region, accountID, name) + "/" + objectSegment + key
}

// String returns the canonical ARN of o, the one the builders produce.
func (o OSS) String() string {
	switch o.Kind {
	case OSSService:
		return Service(o.Region, o.AccountID)
	case OSSBucket:
		return Bucket(o.Region, o.AccountID, o.Bucket)
	case OSSObject:
		return Object(o.Region, o.AccountID, o.Bucket, o.Key)
	case OSSAccessPoint:
		return AccessPoint(o.Region, o.AccountID, o.AccessPoint)
	case OSSAccessPointObject:
		return AccessPointObject(o.Region, o.AccountID, o.AccessPoint, o.Key)
	case OSSAccessPointForObjectProcess:
		return AccessPointForObjectProcess(o.Region, o.AccountID, o.AccessPoint)
	case OSSAccessPointForObjectProcessObject:
		return AccessPointForObjectProcessObject(o.Region, o.AccountID, o.AccessPoint, o.Key)
	}
	return ""
}

// ParseOSS parses a concrete OSS ARN in the canonical spelling. The relative
// id is read as an access point form when it starts with "accesspoint/" or
// "accesspointforobjectprocess/", although both words are also valid bucket
// names. OSS has the same ambiguity and resolves it the same way.
//
// Object keys may contain any character, including ':' and "/object/". The
// key is everything after the first "/object/" that follows the access point
// name, or after the first '/' that follows the bucket name.
func ParseOSS(s string) (OSS, error) {
	rest, ok := strings.CutPrefix(s, ossPrefix)
	if !ok {
		return OSS{}, invalid(s, "does not start with "+ossPrefix)
	}
	region, rest, ok := strings.Cut(rest, ":")
	if !ok || region == "" {
		return OSS{}, invalid(s, "has no region")
	}
	account, relative, ok := strings.Cut(rest, ":")
	if !ok || account == "" {
		return OSS{}, invalid(s, "has no account id")
	}
	if relative == "" {
		return OSS{}, invalid(s, "has no resource after the account id")
	}

	o := OSS{Region: region, AccountID: account}
	if relative == "*" {
		o.Kind = OSSService
		return o, nil
	}
	if name, ok := strings.CutPrefix(relative, accessPointForObjectProcessPrefix); ok {
		return parseAccessPointRelative(s, o, name, OSSAccessPointForObjectProcess, OSSAccessPointForObjectProcessObject)
	}
	if name, ok := strings.CutPrefix(relative, accessPointPrefix); ok {
		return parseAccessPointRelative(s, o, name, OSSAccessPoint, OSSAccessPointObject)
	}

	bucket, key, hasKey := strings.Cut(relative, "/")
	o.Bucket = bucket
	if !hasKey {
		o.Kind = OSSBucket
		return o, nil
	}
	if key == "" {
		return OSS{}, invalid(s, "has an empty object key")
	}
	o.Kind = OSSObject
	o.Key = key
	return o, nil
}

// parseAccessPointRelative parses "<name>" or "<name>/object/<key>", the part
// of an access point ARN after its type prefix.
func parseAccessPointRelative(s string, o OSS, relative string, pointKind, objectKind OSSKind) (OSS, error) {
	name, tail, hasTail := strings.Cut(relative, "/")
	if name == "" {
		return OSS{}, invalid(s, "has an empty access point name")
	}
	o.AccessPoint = name
	if !hasTail {
		o.Kind = pointKind
		return o, nil
	}
	key, ok := strings.CutPrefix(tail, objectSegment)
	if !ok {
		return OSS{}, invalid(s, `has something other than "/object/<key>" after the access point name`)
	}
	if key == "" {
		return OSS{}, invalid(s, "has an empty object key")
	}
	o.Kind = objectKind
	o.Key = key
	return o, nil
}

// NormalizeAccessPoint rewrites the spellings of OSS ARNs that Alibaba Cloud
// documents for access points into the canonical acs:oss:<region>:... form, so
// that oss:DataAccessPointArn conditions compare equal whichever spelling the
// policy author copied. It accepts, in any combination:
//
//   - a leading "arn:" (arn:acs:oss:cn-hangzhou:<uid>:accesspoint/ap-01),
//   - the region joined to the service (acs:oss-cn-hangzhou:<uid>:accesspoint/ap-01),
//   - the region with an "oss-" prefix (acs:oss:oss-cn-hangzhou:<uid>:accesspoint/ap-01).
//
// Only the prefix up to the account id is rewritten, so wildcards elsewhere
// survive and any OSS ARN may be passed. A string that is not an OSS ARN in
// one of these spellings is returned unchanged.
func NormalizeAccessPoint(s string) string {
	t := strings.TrimPrefix(s, "arn:")

	var rest string
	if joined, ok := strings.CutPrefix(t, "acs:oss-"); ok {
		// acs:oss-<region>:<uid>:<relative> has no separate region field.
		rest = joined
	} else if separate, ok := strings.CutPrefix(t, ossPrefix); ok {
		rest = separate
	} else {
		return s
	}

	region, tail, ok := strings.Cut(rest, ":")
	if !ok {
		return s
	}
	// No region name starts with "oss-", so every such prefix is a spelling
	// variant. Removing all of them keeps the function idempotent.
	for strings.HasPrefix(region, "oss-") {
		region = region[len("oss-"):]
	}
	if region == "" {
		return s
	}
	return ossPrefix + region + ":" + tail
}

func invalid(s, reason string) error {
	return fmt.Errorf("%w: %q %s", ErrInvalid, s, reason)
}
