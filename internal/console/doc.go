// Package console is the web console: server-rendered pages and a few
// vanilla-JS ES modules, embedded in the binary, served on the console
// listener.
//
// Every action is an API call made with the signed-in principal's own access
// key: the console keeps the key pair in a server-side session and calls the
// OSS API with the official OSS Go SDK, and the admin API with the function
// and RAM clients, signed with the same key. It never reads the stores
// directly, so it can do no more than the principal could with an SDK.
//
// Browser-facing protections: sessions in an HttpOnly, SameSite=Strict cookie
// with idle and absolute expiry; a per-session CSRF token on every
// state-changing request; a strict Content-Security-Policy without inline
// script on every page; object previews and downloads served with a
// sandboxing policy, nosniff and a safe Content-Type, so an uploaded HTML or
// SVG file never runs script in the console's origin.
//
// Every form action that changes something responds with a redirect to a
// page (POST/redirect/GET), so reloading that page never repeats the
// action. A result that a page shows once, such as a new access key's
// secret or a test invocation's output, waits in the server-side session
// until that page takes it. A request that changes nothing, such as a failed
// sign-in or a form with a stale CSRF token, gets its page or error page as
// the direct response, and sending it again changes nothing either.
//
// console imports the standard library, the OSS Go SDK and the admin API
// clients (adminclient, fcclient, ramclient and their JSON types), never
// the stores (meta, blob, store), the services or the server. Only
// internal/server and tests import it.
package console
