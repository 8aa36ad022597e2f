package ossapi

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/objectfc"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

// Caller is the authenticated identity of a request.
type Caller struct {
	// Anonymous is set for a request without a signature.
	Anonymous bool

	AccountID   string // UID of the caller's account
	AccessKeyID string // the key that signed the request

	// Identity is the RAM principal behind the key, for the Authorizer.
	Identity any
}

// Authenticator verifies the signature of r, computed over the bucket name as
// the client addressed it and the key, and returns the caller. A request
// without a signature yields an anonymous Caller, not an error.
type Authenticator interface {
	Authenticate(r *http.Request, bucket, key string) (*Caller, error)
}

// Access is one authorization question: may Caller perform Op on Bucket (and
// Key)?
type Access struct {
	Caller  *Caller
	Op      *Operation
	Request *http.Request
	Bucket  *meta.Bucket // nil for service-level operations
	Key     string       // "" for bucket-level operations

	// Action is the RAM action to authorize: Op.Action, its form for one
	// object version (oss:GetObjectVersion for a GetObject with a
	// versionId, for example), or another action the request needs, such as
	// oss:PutObjectTagging for an upload that sets tags.
	Action string

	// AccessPoint is the access point the request came through, whose
	// policy also applies: the one a -ossalias alias names, or the
	// supporting access point behind an Object FC Access Point. nil when
	// the request named the bucket.
	AccessPoint *meta.AccessPoint

	// ObjectFCAccessPoint is the Object FC Access Point an -opapalias alias
	// names, whose policy also applies; nil otherwise.
	ObjectFCAccessPoint *meta.ObjectFCAccessPoint

	// object reads the object Key names; set when that is the object the
	// request itself names, so the handler reuses the read.
	object *objectLookup
}

// Authorizer decides an Access. It returns nil to allow, or an *osserr.Error
// (AccessDenied with a message naming the action) to deny.
type Authorizer interface {
	Authorize(ctx context.Context, a *Access) error
}

// Options configure a Server.
type Options struct {
	Store   *store.Store
	Region  string
	Domains []string // service host names for virtual-hosted style

	Authenticator Authenticator
	Authorizer    Authorizer

	// AccessPoints serves access points and resolves aliases; when nil, one
	// with the default quotas and no provisioning delay is built over the
	// store's metadata.
	AccessPoints *accesspoint.Service

	Logger    *slog.Logger // application log
	AccessLog *slog.Logger // one record per request
	Metrics   *Metrics     // nil disables metrics

	// Now returns the current time; time.Now when nil.
	Now func() time.Time

	// ObjectFC serves transformed GetObjects on Object FC Access Point
	// aliases and WriteGetObjectResponse.
	ObjectFC *objectfc.Service

	// CallbackAllow lists the host[:port] patterns upload callbacks may
	// reach ("*.domain" for sub-domains); empty allows none.
	CallbackAllow []string

	// CallbackKey returns the key that signs upload callbacks, whose public
	// key is served at CallbackPublicKeyPath. It is called once, on first
	// use. When nil, callbacks are sent unsigned.
	CallbackKey func() (*rsa.PrivateKey, error)

	// CallbackPublicKeyURL is the URL of CallbackPublicKeyPath that callback
	// receivers can reach, sent in x-oss-pub-key-url. Required with
	// CallbackKey.
	CallbackPublicKeyURL string

	// UploadIdleTimeout is how long an upload body may deliver no byte
	// before the request fails with RequestTimeout; zero means
	// DefaultUploadIdleTimeout.
	UploadIdleTimeout time.Duration
}

// Server serves the OSS API.
type Server struct {
	objectfc *objectfc.Service
	store    *store.Store
	region   string
	resolver resolver
	authn    Authenticator
	authz    Authorizer
	aps      *accesspoint.Service
	logger   *slog.Logger
	access   *slog.Logger
	metrics  *Metrics
	now      func() time.Time

	callbackAllow  []string
	callbackClient *http.Client
	callbackSigner *callbackSigner // nil sends callbacks unsigned
	uploadIdle     time.Duration
}

// New returns a Server; Store, Authenticator and Authorizer are required.
func New(opts Options) *Server {
	s := &Server{
		store:    opts.Store,
		region:   opts.Region,
		resolver: resolver{domains: lower(opts.Domains)},
		authn:    opts.Authenticator,
		authz:    opts.Authorizer,
		aps:      opts.AccessPoints,
		logger:   opts.Logger,
		access:   opts.AccessLog,
		metrics:  opts.Metrics,
		now:      opts.Now,

		callbackAllow:  opts.CallbackAllow,
		objectfc:       opts.ObjectFC,
		callbackClient: newCallbackClient(),
		callbackSigner: newCallbackSigner(opts.CallbackKey, opts.CallbackPublicKeyURL),
		uploadIdle:     opts.UploadIdleTimeout,
	}
	if s.uploadIdle <= 0 {
		s.uploadIdle = DefaultUploadIdleTimeout
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.access == nil {
		s.access = s.logger
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.aps == nil {
		s.aps = accesspoint.New(s.store.Meta(), accesspoint.Config{Region: s.region, Now: s.now})
	}
	return s
}

// Handler returns the http.Handler of one listener; internal marks the
// internal (VPC) listener.
func (s *Server) Handler(internal bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serve(w, r, internal)
	})
}

// serve is the request pipeline: resolve, route, authenticate, resolve the
// bucket, authorize, run the handler, then write any error and the access
// log record.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, internal bool) {
	// 1. Per-request state and the headers every response carries.
	now := s.now()
	req := &Request{ID: newRequestID(now), Start: now, Internal: internal, Host: r.Host}
	rec := newRecorder(w)
	h := rec.Header()
	h.Set("x-oss-request-id", req.ID)
	h.Set("Server", "AliyunOSS")
	h.Set("Date", now.UTC().Format(http.TimeFormat))

	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.logger.Error("handler panicked", "request_id", req.ID, "panic", p, "stack", string(debug.Stack()))
			s.fail(rec, r, req, osserr.Internal(fmt.Errorf("panic: %v", p)))
		}
		s.logAccess(rec, r, req)
	}()

	// 2. The pipeline; the first error ends it.
	if err := s.run(rec, r, req); err != nil {
		s.countRejected(r, req, err)
		s.fail(rec, r, req, err)
	}
}

// countRejected adds a request that failed before its handler ran to the
// Object FC Access Point metrics when it was a transformed GetObject or a
// WriteGetObjectResponse, whose own metrics start only in their handlers.
func (s *Server) countRejected(r *http.Request, req *Request, err error) {
	if s.objectfc == nil || req.handled {
		return
	}
	switch {
	case req.Op == opTransformedGetObject && req.ObjectFCAccessPoint != nil:
		s.objectfc.RejectedGetObject(req.ObjectFCAccessPoint.Name, err)
	case req.Op == opWriteGetObjectResponse:
		s.objectfc.RejectedWriteGetObjectResponse(r.Header.Get("x-oss-request-token"), err)
	}
}

func (s *Server) run(w *recorder, r *http.Request, req *Request) error {
	t, err := s.resolver.resolve(r)
	if err != nil {
		return err
	}
	req.Target = t
	// ossfc's own endpoints, such as the callback public key, take no signature.
	if t.Style == PathStyle && t.Bucket == reservedSegment {
		return s.serveReservedPath(w, r, req)
	}

	op, err := findOperation(r, t)
	if err != nil {
		return err
	}
	req.Op = op
	bytesPerSecond, err := trafficLimit(r)
	if err != nil {
		return err
	}

	caller, err := s.authn.Authenticate(r, t.Bucket, t.Key)
	if err != nil {
		return err
	}
	req.Caller = caller
	if caller.Anonymous && !op.Anonymous {
		return osserr.Newf(osserr.AccessDenied, "Anonymous access is not allowed for %s; sign the request.", op.Name).
			WithEC("0003-00001201")
	}

	if t.Bucket != "" {
		name := t.Bucket
		if op != opPutBucket && accesspoint.IsAlias(name) {
			if err := s.throughAccessPoint(r, req); err != nil {
				return err
			}
			op, name = req.Op, req.AccessPoint.Bucket
		}
		b, err := s.store.Bucket(r.Context(), name)
		if err != nil && op != opPutBucket {
			return err
		}
		req.Bucket = b
	}

	// PutBucket is authorized on the bucket the caller would own. A name
	// that is taken, by whatever account, then fails in the handler with
	// BucketAlreadyExists, as in OSS, whose bucket namespace is global.
	access := req.access(r, op, t.Key)
	if op == opPutBucket {
		access.Bucket = &meta.Bucket{Name: t.Bucket, AccountID: caller.AccountID}
	} else if req.Bucket != nil && t.Key != "" {
		access.object = req.objectLookup(s.store, r)
	}
	if err := s.authz.Authorize(r.Context(), access); err != nil {
		return err
	}
	// An upload that tags its object also needs the tagging permission.
	if op.setsTags && r.Header.Get("x-oss-tagging") != "" {
		tagging := req.access(r, op, t.Key)
		tagging.Action = "oss:PutObjectTagging"
		if err := s.authz.Authorize(r.Context(), tagging); err != nil {
			return err
		}
	}

	req.handled = true
	if bytesPerSecond > 0 {
		tw, tr := throttleTraffic(w, r, bytesPerSecond)
		return op.handler(s, tw, tr, req)
	}
	return op.handler(s, w, r, req)
}

// access returns the authorization question of op on key, asked for req's
// caller, bucket and access points, for the object version the request's
// versionId parameter names.
func (req *Request) access(r *http.Request, op *Operation, key string) *Access {
	return req.accessVersion(r, op, key, r.URL.Query().Get("versionId"))
}

// accessVersion is access for the object version versionID, "" for the
// current one.
func (req *Request) accessVersion(r *http.Request, op *Operation, key, versionID string) *Access {
	return &Access{
		Caller: req.Caller, Op: op, Action: versionAction(op.Action, versionID), Request: r,
		Bucket: req.Bucket, Key: key, AccessPoint: req.AccessPoint, ObjectFCAccessPoint: req.ObjectFCAccessPoint,
	}
}

// versionActions maps object actions to the RAM actions of the same
// operation on one version, as RAM names them.
var versionActions = map[string]string{
	"oss:GetObject":           "oss:GetObjectVersion",
	"oss:DeleteObject":        "oss:DeleteObjectVersion",
	"oss:GetObjectAcl":        "oss:GetObjectVersionAcl",
	"oss:PutObjectAcl":        "oss:PutObjectVersionAcl",
	"oss:GetObjectTagging":    "oss:GetObjectVersionTagging",
	"oss:PutObjectTagging":    "oss:PutObjectVersionTagging",
	"oss:DeleteObjectTagging": "oss:DeleteObjectVersionTagging",
}

// versionAction returns the action to authorize for action on the object
// version versionID: the action itself when versionID is "".
func versionAction(action, versionID string) string {
	if v, ok := versionActions[action]; ok && versionID != "" {
		return v
	}
	return action
}

// fail writes err unless the response has started, in which case the
// connection is all that can signal the failure.
func (s *Server) fail(w *recorder, r *http.Request, req *Request, err error) {
	e := osserr.From(err)
	req.ErrorCode = string(e.Code)
	// A 501 reports a request for a feature ossfc lacks, not a server
	// fault, so only the access log records it.
	if e.HTTPStatus() >= 500 && e.HTTPStatus() != http.StatusNotImplemented {
		s.logger.Error("request failed", "request_id", req.ID, "op", opName(req), "code", e.Code, "err", e)
	}
	if w.wroteHeader {
		s.logger.Warn("error after the response started; closing the connection",
			"request_id", req.ID, "op", opName(req), "code", e.Code)
		panic(http.ErrAbortHandler)
	}
	osserr.Write(w, r, e, req.ID, r.Host)
}

func opName(req *Request) string {
	if req.Op == nil {
		return "Unknown"
	}
	return req.Op.Name
}

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = toLower(s)
	}
	return out
}
