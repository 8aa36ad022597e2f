package ossapi

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
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
}

// newRequestID returns a 24-digit upper-case hex id: 4 bytes of the Unix time
// followed by 8 random bytes, so ids sort roughly by time.
func newRequestID(now time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(now.Unix()))
	rand.Read(b[4:])
	return strings.ToUpper(hex.EncodeToString(b[:]))
}
