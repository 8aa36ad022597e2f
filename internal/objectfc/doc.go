// Package objectfc implements the transformed GetObject of Object FC Access
// Points: it builds the event a function receives, mints the outputToken and
// outputRoute, invokes the function, and relays the body the function sends
// with WriteGetObjectResponse to the waiting caller as it arrives.
//
// The Broker is the rendezvous between the two HTTP requests involved: the
// caller's GetObject, which waits, and the function's
// WriteGetObjectResponse, which carries the data. The token names the
// waiting request; nothing else (not the Host, not the route) selects it.
//
// objectfc imports osserr, auth and the domain packages it calls through
// interfaces; ossapi and server import it.
package objectfc
