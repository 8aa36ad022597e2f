// Package ossapi is the HTTP front end of the OSS API: it resolves the host
// and path to a bucket (or alias) and key, picks the operation from one
// routing table, authenticates and authorizes the caller through interfaces
// the server wires in, runs the handler named after the OSS operation, and
// writes errors, common headers and one access-log record per request.
//
// ossapi imports the domain packages (store, meta, osserr and, as features
// land, access points and Object FC); only internal/server imports ossapi.
package ossapi
