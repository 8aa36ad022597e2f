// Package fc is ossfc's embedded Function Compute: a registry of functions,
// published versions and aliases, and the instances that run them, so the
// Object FC Access Point loop runs on one machine.
//
// # Runtimes
//
//   - custom: the function is an HTTP server on $FC_SERVER_PORT. Each
//     invocation is POST /invoke with the event as body and FC's x-fc-*
//     headers (request id, the role's temporary credentials, function name,
//     handler, memory, qualifier, version, region, account). The x-fc-status
//     response header, or else the HTTP status, is the function's status; 400
//     or more means the function failed.
//   - provided and go1: the function pulls invocations from a runtime API at
//     $AWS_LAMBDA_RUNTIME_API (AWS Lambda's, path version 2018-06-01, so
//     functions built with github.com/aws/aws-lambda-go run unmodified) or
//     $FC_RUNTIME_API (Function Compute's, path version 2020-11-11, with
//     x-fc-* headers). Both are served on the same per-instance loopback
//     listener. Lambda-style functions find the credentials in the client
//     context's "env" map under the ALIBABA_CLOUD_* names.
//   - python3.10: handler(event, context) loaded by a bootstrap embedded in
//     the binary and run by the machine's python3; context.credentials
//     carries access_key_id, access_key_secret and security_token.
//   - http: a function running elsewhere (Knative, OpenFaaS, a cloud HTTP
//     trigger), called with the custom-runtime contract at its URL and a
//     bearer token.
//
// # Instances
//
// An instance starts on the first invocation, stays warm for the idle
// timeout, takes up to the instance concurrency of invocations at once, and
// is one of at most max instances; an invocation that finds no free slot
// waits the throttle wait and then fails with ErrThrottled. An instance that
// crashes is removed and the next invocation starts a new one; an invocation
// that outlives the function's timeout kills its instance.
//
// # Isolation
//
// A function process gets a clean environment (PATH, HOME, TMPDIR, LANG, its
// own variables and the documented FC_* and Lambda variables; nothing of the
// server's), its own process group, and SIGKILL as parent-death signal,
// armed from one OS thread that lives as long as the Service because Linux
// ties that signal to the creating thread. When the server runs as root,
// functions run as Config.FunctionUser (default nobody) with no
// supplementary groups, so the 0700 data directory is out of their reach.
// Output on stdout and stderr is captured per invocation and re-logged line
// by line with the function name.
//
// Each function process is also the first process of a new PID namespace
// (in a user namespace that maps only the server's ids when the server is
// not root). The parent-death signal kills that process when the server
// dies, and the kernel then kills everything else in the namespace, so no
// descendant survives the server, even one that left the process group.
// The first process of a namespace ignores signals it has no handler for,
// other than SIGKILL. So an instance stopped with SIGTERM that does not
// handle it is killed after Config.StopGrace. Where the kernel refuses
// namespaces, the service logs a warning once and starts processes without
// them. The direct child then still dies with the server, but its
// descendants may not.
//
// NOTE: all functions share one user, so a function can read the code and
// the /proc entries of other functions' processes.
//
// # Code layout
//
// Function code is kept outside the data directory under Config.CodeRoot:
//
//	<CodeRoot>/                 0755, owned by the server's user
//	  <id>/                     0755, one immutable tree per distinct code,
//	                            id = the first 32 hex digits of its checksum
//	  .staging/                 0700, trees being unpacked
//	<RuntimeDir>/
//	  bootstrap/ossfc_python_bootstrap.py   0644
//	  instances/<instance id>/  0700, owned by the function user: HOME and
//	                            TMPDIR of one instance, removed when it stops
//
// Files are 0644, or 0755 when the zip entry or source file was executable,
// so functions can read and run their code but not change it. Zip files are
// unpacked through an os.Root: absolute names, ".." components, backslashes,
// symbolic links and duplicate names are rejected, and the unpacked size and
// file count are capped on the bytes actually written.
//
// Package fc may be imported by the server, the console and objectfc; its
// subpackages fcapi (admin HTTP API), fcclient (Go client) and fccli (CLI
// commands) build on it.
package fc
