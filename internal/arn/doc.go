// Package arn builds and parses Alibaba Cloud Resource Names (ARNs), the
// strings that RAM policies match in their Resource and Principal elements.
//
// OSS resources have the form acs:oss:<region>:<account>:<relative-id>:
//
//	service (account-level actions)  acs:oss:<region>:<uid>:*
//	bucket                           acs:oss:<region>:<uid>:<bucket>
//	object                           acs:oss:<region>:<uid>:<bucket>/<key>
//	access point                     acs:oss:<region>:<uid>:accesspoint/<name>
//	object through an access point   acs:oss:<region>:<uid>:accesspoint/<name>/object/<key>
//	Object FC Access Point           acs:oss:<region>:<uid>:accesspointforobjectprocess/<name>
//	object through it                acs:oss:<region>:<uid>:accesspointforobjectprocess/<name>/object/<key>
//
// Account-level actions such as oss:ListBuckets use the service form with the
// relative id "*", which policies grant with a Resource of "acs:oss:*:*:*" or
// "*", and which a bucket-scoped Resource such as "acs:oss:*:*:mybucket"
// never matches.
//
// RAM identities have the form acs:ram::<uid>:<relative-id> (root, user/<name>,
// role/<name>, assumed-role/<role>/<session>). OSS bucket policies also name
// role sessions as arn:sts::<uid>:assumed-role/<role>/<session>, which
// ParseRAM accepts. RAM matches role names without regard to case, so
// RAM.Equal does too.
//
// The builders do not validate their arguments: callers pass names that the
// store has already validated. The parsers validate structure only and do
// not check bucket, access point or role naming rules.
//
// arn imports only the standard library, so every package may use it.
package arn
