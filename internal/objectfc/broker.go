package objectfc

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"sync"

	"github.com/ossfc/ossfc/internal/osserr"
)

// TokenPrefix starts every outputToken, as in the tokens OSS issues.
const TokenPrefix = "OSSV1#"

// Broker pairs each transformed GetObject, waiting for its function, with the
// WriteGetObjectResponse call that carries the function's output. It holds
// one pending entry per outstanding outputToken; a token is used at most
// once and is freed when either side gives up.
type Broker struct {
	mu      sync.Mutex
	pending map[string]*Pending
}

// NewBroker returns an empty Broker.
func NewBroker() *Broker {
	return &Broker{pending: make(map[string]*Pending)}
}

// Pending is one GetObject waiting for its WriteGetObjectResponse.
type Pending struct {
	broker *Broker

	// Token is the single-use outputToken given to the function.
	Token string

	// Route is the outputRoute the WriteGetObjectResponse must name.
	Route string

	// Name is the Object FC Access Point served, for metrics.
	Name string

	// accessKeyID is the temporary key minted for this invocation; only a
	// request signed with it may answer.
	accessKeyID string

	deliver chan *Response // receives at most one Response

	gone      chan struct{} // closed by Close
	closeOnce sync.Once
}

// Response is a WriteGetObjectResponse handed to the waiting GetObject.
type Response struct {
	// Status is x-oss-fwd-status.
	Status int

	// Header holds the forwarded x-oss-fwd-header-* headers under their
	// plain names (Content-Type, ETag, ...).
	Header http.Header

	// Body is the function's data and ContentLength its length, or -1 for a
	// chunked body.
	Body          io.Reader
	ContentLength int64

	// done receives the outcome of relaying Body to the caller: nil once the
	// caller has the last byte.
	done chan error
}

// NewResponse returns a Response ready for Broker.Deliver.
func NewResponse(status int, header http.Header, body io.Reader, contentLength int64) *Response {
	return &Response{Status: status, Header: header, Body: body, ContentLength: contentLength, done: make(chan error, 1)}
}

// Finish reports the outcome of relaying the body to the caller. The
// GetObject side calls it exactly once for every Response it receives.
func (r *Response) Finish(err error) { r.done <- err }

// Register creates a pending entry for one invocation whose function signs
// with accessKeyID, and mints its token. The caller must Close it.
func (b *Broker) Register(route, accessKeyID, name string) *Pending {
	var raw [32]byte
	rand.Read(raw[:])
	p := &Pending{
		broker:      b,
		Token:       TokenPrefix + base64.StdEncoding.EncodeToString(raw[:]),
		Route:       route,
		Name:        name,
		accessKeyID: accessKeyID,
		deliver:     make(chan *Response, 1),
		gone:        make(chan struct{}),
	}
	b.mu.Lock()
	b.pending[p.Token] = p
	b.mu.Unlock()
	return p
}

// Close frees the token: a WriteGetObjectResponse that arrives later is
// rejected. Close may be called more than once.
func (p *Pending) Close() {
	b := p.broker
	b.mu.Lock()
	if b.pending[p.Token] == p {
		delete(b.pending, p.Token)
	}
	b.mu.Unlock()
	p.closeOnce.Do(func() { close(p.gone) })
}

// Responses returns the channel on which the WriteGetObjectResponse for this
// entry arrives.
func (p *Pending) Responses() <-chan *Response { return p.deliver }

// NameOf returns the name of the Object FC Access Point whose pending
// GetObject token belongs to, or "" when no pending GetObject has it. The
// token stays pending.
func (b *Broker) NameOf(token string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if p, ok := b.pending[token]; ok {
		return p.Name
	}
	return ""
}

// Len returns the number of pending tokens, for leak checks and metrics.
func (b *Broker) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.pending)
}

// Errors of Deliver.
var (
	// ErrCallerGone means the GetObject ended before the relay finished.
	ErrCallerGone = errors.New("objectfc: the caller of GetObject is gone")
)

// Deliver hands resp to the GetObject that token belongs to and waits until
// the caller has received the whole body, or ctx ends. The token is consumed
// before the hand-over, so a second call with it fails. It returns the name
// of the Object FC Access Point when the token was valid.
//
// Errors are *osserr.Error values for the function: AccessDenied for an
// unknown, used or expired token and for a request signed with other
// credentials than the invocation's, InvalidArgument for a route that does
// not match, InvalidDigest when the body does not match its Content-MD5,
// ClientDisconnected when the caller went away.
func (b *Broker) Deliver(ctx context.Context, token, route, accessKeyID string, resp *Response) (string, error) {
	b.mu.Lock()
	p, ok := b.pending[token]
	switch {
	case !ok:
		b.mu.Unlock()
		return "", osserr.New(osserr.AccessDenied, "The x-oss-request-token is invalid, expired or already used.")
	case subtle.ConstantTimeCompare([]byte(p.accessKeyID), []byte(accessKeyID)) != 1:
		b.mu.Unlock()
		return p.Name, osserr.New(osserr.AccessDenied,
			"WriteGetObjectResponse must be signed with the temporary credentials of the function invocation that received this token.")
	case route != p.Route:
		b.mu.Unlock()
		return p.Name, osserr.Newf(osserr.InvalidArgument, "The x-oss-request-route %q does not match the outputRoute of this token (%q).", route, p.Route).
			With("ArgumentName", "x-oss-request-route").With("ArgumentValue", route)
	}
	delete(b.pending, token)
	b.mu.Unlock()

	// The entry's channel has room for exactly this one response.
	p.deliver <- resp

	// The GetObject side calls Finish before Close, so when both have
	// happened the outcome in done wins over the closed entry.
	finished := func(err error) (string, error) {
		// An OSS error comes from the function's own body, for example a
		// Content-MD5 mismatch. Any other error means the caller's side
		// of the relay failed.
		var oe *osserr.Error
		if errors.As(err, &oe) {
			return p.Name, oe
		}
		if err != nil {
			return p.Name, osserr.New(osserr.ClientDisconnected, "").Wrap(err)
		}
		return p.Name, nil
	}
	select {
	case err := <-resp.done:
		return finished(err)
	case <-p.gone:
		select {
		case err := <-resp.done:
			return finished(err)
		default:
			return finished(ErrCallerGone)
		}
	case <-ctx.Done():
		return finished(ctx.Err())
	}
}
