// Package ram is ossfc's identity service, modelled on Alibaba Cloud RAM and
// STS: accounts (16-digit UIDs, several per server), RAM users and their
// access keys, RAM roles with trust policies, custom and system policies
// attached to users and roles, and temporary credentials minted for a role.
//
// The HTTP front end calls Authenticate with the AccessKeyId (and security
// token) of a signed request. Authenticate returns the Principal and the
// secret to verify the signature with, or an *osserr.Error with the OSS code
// for an unknown, disabled or expired credential. IdentityPolicies returns
// the policies that the front end passes to package authz.
//
// Secrets at rest: access key secrets are needed in plain text to verify
// HMAC signatures, so they are stored sealed with AES-256-GCM under a key
// kept in the file ram.key (mode 0600) in the data directory. That file and
// the metadata database together are everything needed to verify any
// credential, so a second node sharing both verifies the same credentials.
//
// Temporary credentials are self-contained: the security token is the
// session (role, account, session name, session policy, secret, expiration)
// sealed with the same key, and nothing is written per session. Minting is
// therefore cheap enough for every transformed GetObject. Revocation works
// by checking, at each use, that everything the session rests on still
// holds: the account is active, the role exists with the same role id, and
// the identity that assumed the role (its user and access key) still exists
// and is active. Deleting and recreating a role under the same name ends its
// old sessions, because the role id changes.
//
// ram imports the standard library and the ossfc packages meta, osserr,
// policy, arn and authz. The HTTP front end, the admin API (ramapi) and the
// components that mint credentials for functions import it.
package ram
