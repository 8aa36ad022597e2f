// Package ramapi serves the admin HTTP API of ossfc's identity service:
// JSON routes for accounts, RAM users, access keys, roles, policies and
// their attachments, STS AssumeRole and GetCallerIdentity, and quick
// authorization of the Object FC Access Point service roles. Field names
// follow RAM's and STS's OpenAPI (UserName, AccessKeyId, RoleName,
// AssumeRolePolicyDocument, PolicyName, PolicyDocument, RoleArn,
// RoleSessionName, DurationSeconds, Credentials, ...).
//
// The server authenticates and authorizes each request through an
// Authorizer; NewAuthorizer builds one from a function that verifies the
// request's signature. The handler acts in the caller's own account.
//
// ramapi imports ram, meta, arn and osserr; the server mounts its handler, and
// ramclient reuses its JSON types.
package ramapi
