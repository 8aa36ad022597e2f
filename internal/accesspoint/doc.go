// Package accesspoint implements access points and Object FC Access Points:
// their name rules, aliases and ARNs, quotas, the creating-to-enable status
// with a provisioning delay, their policies and Block Public Access settings,
// the validation of Object FC configurations, and the resolution of an alias
// to the access point, Object FC Access Point and bucket behind it.
//
// Service is the one type in front of the records in package meta. Its
// errors are *osserr.Error values with the code an OSS client expects.
//
// accesspoint imports meta, store (for the bucket naming rules), arn, policy
// and osserr. The HTTP front end (ossapi), the server wiring and the
// transformed GetObject import it.
package accesspoint
