// Package accesspoint implements access points and Object FC Access Points.
// It owns their name rules, aliases, ARNs and quotas, and the status that
// moves from creating to enable after a provisioning delay. It stores their
// policies and Block Public Access settings, validates Object FC
// configurations, and resolves an alias to the access point, Object FC
// Access Point and bucket behind it.
//
// Service is the one type in front of the records in package meta. Its
// errors are *osserr.Error values with the code an OSS client expects.
//
// accesspoint imports meta, store (for the bucket naming rules), arn, policy
// and osserr. The HTTP front end (ossapi), the server wiring and the
// transformed GetObject import it.
package accesspoint
