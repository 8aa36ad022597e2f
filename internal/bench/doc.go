// Package bench measures an ossfc server through the official OSS Go SDK.
// It measures object throughput, small-object operations per second,
// multipart uploads with the SDK's Uploader and the server's memory during
// a large GET. For the transformed GetObject of Object FC Access Points it
// measures latency and throughput through the identity example function,
// its cold start, and image resizes through the image example, next to a
// plain TCP copy over loopback as the limit. It backs the "ossfc bench"
// command, whose figures are recorded in docs/benchmarks.md.
//
// By default it starts "ossfc server" as a child process on loopback with a
// temporary data directory, so the server's resident memory can be sampled
// from /proc without the benchmark's own allocations; -endpoint targets a
// server that is already running instead. Scenarios are listed in one table
// (scenarios.go), so later features add their own.
//
// bench imports the SDK, the standard library, internal/demo (which
// deploys the example functions through the admin API), the admin API's
// types in internal/fc/fcapi, and internal/sampledata. Only cmd/ossfc
// imports it.
package bench
