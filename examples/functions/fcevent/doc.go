// Package fcevent is the plumbing that the example transform functions
// share. It holds the event an Object FC Access Point sends, Function
// Compute's custom-runtime contract, the read of the original object from
// inputOssUrl, and WriteGetObjectResponse through the official OSS Go SDK
// v2. It is written to be copied into your own function.
//
// A function is a program that calls Serve with a HandlerFunc:
//
//	func main() {
//		fcevent.Serve(func(ctx context.Context, event *fcevent.Event) error {
//			source, err := fcevent.Open(ctx, event, nil)
//			...
//			out, err := fcevent.NewOutput(ctx, event)
//			...
//			return out.Write(ctx, &fcevent.Response{Status: 200, Body: transformed, ContentLength: -1})
//		})
//	}
//
// Serve listens on $FC_SERVER_PORT and answers each POST /invoke, as Function
// Compute's custom runtime requires. The x-fc-* request headers carry the
// function role's temporary credentials; InvocationFrom returns them from
// the handler's context, and NewOutput builds an SDK client with them.
//
// The handler must send exactly one WriteGetObjectResponse, also for errors
// the caller should see (WriteError). It returns an error only when it
// could not send one; the runtime then reports a function error and OSS
// answers the caller with a 5xx error of its own.
//
// The package imports only the standard library and the OSS Go SDK v2.
package fcevent
