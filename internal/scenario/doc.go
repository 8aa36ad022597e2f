// Package scenario holds the end-to-end RAM scenario suite. Several
// principals call a live server through the official OSS Go SDK: an
// account's root, RAM users with and without policies, role sessions with
// and without a session policy, anonymous callers and a second account.
// Every policy layer, Deny-over-Allow case, condition key and credential
// failure is checked against the exact OSS error (status, code and EC).
// The suite then scans the server log and every error body of the run for
// secrets, security tokens and signatures.
//
// The package has no code outside its tests. It imports testenv, the admin
// API clients and the SDK; nothing imports it.
package scenario
