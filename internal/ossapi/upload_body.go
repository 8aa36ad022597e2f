package ossapi

import (
	"io"
	"net/http"
	"time"
)

// DefaultUploadIdleTimeout is how long an upload body may deliver no byte
// before the request fails with RequestTimeout.
//
// NOTE: OSS does not document its own period. One minute is ossfc's choice,
// because it is long enough for a slow link and short enough that a client
// that stopped sending soon frees its connection.
const DefaultUploadIdleTimeout = time.Minute

// uploadBody returns the body of an upload request with the idle timeout
// applied: every read must deliver within the timeout. http.Server has only
// a timeout for the whole request, which a large upload would exceed.
func (s *Server) uploadBody(w http.ResponseWriter, r *http.Request) io.Reader {
	return &idleReader{rc: http.NewResponseController(w), body: r.Body, idle: s.uploadIdle}
}

// idleReader moves the connection's read deadline before each read. When
// the body ends it clears the deadline, so the next request on the
// connection is not affected. After a failed read it leaves the deadline in
// the past: http.Server then fails at once when it tries to drain the rest
// of the body, and closes the connection instead of waiting.
type idleReader struct {
	rc   *http.ResponseController
	body io.Reader
	idle time.Duration
}

func (b *idleReader) Read(p []byte) (int, error) {
	if err := b.rc.SetReadDeadline(time.Now().Add(b.idle)); err != nil {
		return b.body.Read(p) // a connection without deadlines
	}
	n, err := b.body.Read(p)
	switch {
	case err == io.EOF:
		b.rc.SetReadDeadline(time.Time{})
	case err != nil:
		b.rc.SetReadDeadline(time.Unix(1, 0))
	}
	return n, err
}
