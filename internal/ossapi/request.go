package ossapi

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/store"
)

// Request is the state of one API request as the pipeline fills it in.
type Request struct {
	ID       string    // x-oss-request-id: 24 upper-case hex digits
	Start    time.Time // when the server received the request
	Internal bool      // arrived on the internal (VPC) listener

	// Host is the Host header, HostID what <HostId> reports.
	Host string

	// Target is the bucket name (or alias) and key as the client addressed
	// them.
	Target Target

	// Op is the operation the routing table chose.
	Op *Operation

	// Caller is the authenticated identity; set before authorization.
	Caller *Caller

	// Bucket is the bucket the addressed name resolved to, for bucket- and
	// object-level operations.
	Bucket *meta.Bucket

	// AccessPoint is the access point the request came through: the one an
	// alias names, or the supporting access point of an Object FC Access
	// Point. nil when the request addressed a bucket by name.
	AccessPoint *meta.AccessPoint

	// ObjectFCAccessPoint is the Object FC Access Point an -opapalias alias
	// names; nil otherwise.
	ObjectFCAccessPoint *meta.ObjectFCAccessPoint

	// ErrorCode is the OSS error code sent, for the access log.
	ErrorCode string

	// handled is set once the operation's handler runs; an error before
	// that is a refusal of the request.
	handled bool

	// object reads the object Target.Key names at most once; nil until
	// objectLookup creates it.
	object *objectLookup
}

// objectLookup reads the metadata of one object at most once, so that the
// authorizer, which needs the object's ACL, and a handler that serves the
// object make one query and see the same version. The pipeline runs in one
// goroutine, so it needs no lock.
type objectLookup struct {
	store                  *store.Store
	bucket, key, versionID string

	done   bool
	object *meta.Object
	err    error
}

func (l *objectLookup) get(ctx context.Context) (*meta.Object, error) {
	if !l.done {
		l.object, l.err = l.store.HeadObject(ctx, l.bucket, l.key, l.versionID)
		l.done = true
	}
	return l.object, l.err
}

// objectLookup returns the lookup of the object the request names: the key
// in req.Bucket, in the version of the versionId query parameter.
func (req *Request) objectLookup(st *store.Store, r *http.Request) *objectLookup {
	if req.object == nil {
		req.object = &objectLookup{store: st, bucket: req.Bucket.Name, key: req.Target.Key, versionID: r.URL.Query().Get("versionId")}
	}
	return req.object
}

// headObject returns the object the request names, as store.HeadObject
// does, reusing the authorizer's read of it.
func (s *Server) headObject(r *http.Request, req *Request) (*meta.Object, error) {
	return req.objectLookup(s.store, r).get(r.Context())
}

// HeadObject returns the object Key names in Bucket, in the version of the
// request's versionId query parameter, or the error of store.HeadObject.
// When the Access is about the object the request itself names, the read is
// shared with the handler.
func (a *Access) HeadObject(ctx context.Context, st *store.Store) (*meta.Object, error) {
	if a.object != nil {
		return a.object.get(ctx)
	}
	return st.HeadObject(ctx, a.Bucket.Name, a.Key, a.Request.URL.Query().Get("versionId"))
}

// newRequestID returns a 24-digit upper-case hex id: 4 bytes of the Unix time
// followed by 8 random bytes, so ids sort roughly by time.
func newRequestID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	rand.Read(b[4:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
