// Package auth parses and verifies the signatures of OSS requests: signature
// V1 (HMAC-SHA1) and V4 (OSS4-HMAC-SHA256), each in the Authorization header
// form and the presigned URL form, exactly as the official OSS SDKs send them.
//
// The HTTP front end calls Parse on every request, looks up the secret of
// Signature.AccessKeyID, and calls Signature.Verify with the bucket and key the
// client addressed. Failures are *osserr.Error values with the code, message
// and EC that Alibaba Cloud OSS returns, so the front end writes them as they
// are.
//
// The package is pure: it performs no I/O, keeps no global mutable state and
// reads the clock only through the now argument. It imports only the standard
// library and internal/osserr, and any package may import it.
package auth
