// Package fcapi serves the admin HTTP API of the embedded Function Compute:
// JSON routes under /2023-03-30/functions that follow Function Compute 3.0's
// OpenAPI paths and field names, plus an ossfc route for the logs of recent
// invocations. The caller authenticates requests before the handler runs;
// the handler calls an Authorizer for each action.
//
// fcapi imports fc and meta; the server mounts its handler, and fcclient
// reuses its JSON types.
package fcapi
