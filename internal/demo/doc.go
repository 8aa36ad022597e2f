// Package demo runs "ossfc demo". It starts an ossfc server inside the
// process on free loopback ports and deploys the example functions from
// the running binary. It creates a bucket, an access point and one Object
// FC Access Point per function, and uploads photographs, a CSV file and a
// JSON log (package sampledata). It reads each object through an alias
// with the official OSS Go SDK, checks the result, and prints a report. It
// needs nothing but the ossfc binary, plus /usr/bin/python3 for the Python
// function.
//
// The Go functions run as "ossfc function <name>" from a copy of the
// binary, so cmd/ossfc must provide that command.
//
// Target and its methods, which deploy the examples to any server, are
// also used by internal/bench. demo is imported by cmd/ossfc and
// internal/bench.
package demo
