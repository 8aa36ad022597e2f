// Package policy parses and evaluates documents in the RAM policy language:
// identity policies attached to RAM users and roles, session policies of
// temporary credentials, resource policies (bucket, access point and Object
// FC Access Point policies) and RAM role trust policies.
//
// Parse validates a document and compiles it. Evaluate returns Allow, Deny or
// NoMatch for one request. Combine merges the decisions of several policies,
// with an explicit Deny winning. How layers combine beyond that (the account
// owner's rights, ACLs, access point delegation) is decided by the caller,
// package ram.
//
// Matching rules, with the choices RAM leaves undocumented:
//
//   - Actions are matched without regard to case, resources with regard to
//     case, field by field between the colons of the ARN.
//   - In a Condition, the values of one key are ORed (NORed for negated
//     operators), and keys and operators are ANDed. A key the request lacks
//     satisfies only negated operators (StringNotEquals, NotIpAddress, ...).
//   - oss:DataAccessPointArn values are compared after arn.NormalizeAccessPoint,
//     so every spelling Alibaba Cloud documents for access point ARNs matches.
//   - Principal "*" matches everyone, anonymous requests included. A bare id
//     matches the account root with that UID or the RAM user with that id,
//     but not the account's other users or its role sessions. An
//     arn:sts::<uid>:assumed-role/<role>/<session> ARN matches that role
//     session, and acs:ram::<uid>:root matches every identity of the account.
//
// policy imports only the standard library and packages arn and osserr. It
// may be imported by any package that makes authorization decisions.
package policy
