// Package authz decides whether a request is allowed from every layer of
// policy that OSS applies. The layers are the caller's identity policies
// and session policy, the bucket policy, the bucket and object ACLs, the
// access point policy and the Object FC Access Point policy. Block Public
// Access switches public grants off.
//
// Decide is a pure function over documents the caller has already loaded;
// it does no I/O, so the HTTP front end, the admin API and package ram all
// use it and tests cover every combination. The rules:
//
//   - An explicit Deny in any layer wins, and the decision names that layer.
//   - The account that owns the resource (its root identity) is allowed
//     unless a policy denies.
//   - Any other principal needs an Allow from an identity policy (which
//     counts only on resources of the principal's own account), the bucket
//     policy or a public ACL. A session policy only narrows: temporary
//     credentials with one are allowed only what it allows too.
//   - Through an access point, an access point policy that exists must also
//     allow (RAM and bucket policy Allow, access point policy not matching
//     is an implicit deny). An access point without a policy adds no
//     condition, because in ossfc every access point belongs to the bucket
//     owner. Delegation condition keys (oss:DataAccessPointArn, ...) take
//     effect through the request context the caller fills in.
//   - Anonymous requests are allowed only by a public ACL or a policy whose
//     Principal is "*", and never through an access point or an Object FC
//     Access Point.
//
// authz imports the standard library and the ossfc packages policy, arn
// and osserr; ram, the HTTP front end and the admin API import it.
package authz
