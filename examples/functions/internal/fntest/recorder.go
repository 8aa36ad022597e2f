package fntest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/auth"
)

// KeepBody is how many body bytes a recorded WriteGetObjectResponse keeps;
// longer bodies are only counted and hashed.
const KeepBody = 16 << 20

// WGOR is one WriteGetObjectResponse as the recorder received it.
type WGOR struct {
	Route  string
	Token  string
	Status int

	// Header holds the x-oss-fwd-header-* headers by canonical name without
	// the prefix (Content-Type, Content-Range, ...).
	Header http.Header

	// Body is the body when at most KeepBody bytes long; BodyLen and
	// BodySHA256 describe the whole body in any case.
	Body       []byte
	BodyLen    int64
	BodySHA256 string

	// BodyErr is the error that ended reading the body early, such as an
	// unexpected EOF when the function aborted the request.
	BodyErr error

	// ContentLength is the request's Content-Length, -1 when chunked.
	ContentLength int64
	ContentMD5    string

	// SignatureVersion is "V1" or "V4".
	SignatureVersion string
}

// Recorder is a loopback server that accepts WriteGetObjectResponse
// requests, verifies that they are signed with the function credentials
// (FunctionKeyID, FunctionSecret, FunctionToken) for region, and records
// them by token.
type Recorder struct {
	URL    string
	region string

	mu      sync.Mutex
	records map[string]chan *WGOR
}

// NewRecorder starts a recorder that stops when the test ends.
func NewRecorder(t testing.TB, region string) *Recorder {
	rec := &Recorder{region: region, records: map[string]chan *WGOR{}}
	server := httptest.NewServer(http.HandlerFunc(rec.serve))
	t.Cleanup(server.Close)
	rec.URL = server.URL
	return rec
}

func (rec *Recorder) slot(token string) chan *WGOR {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	ch, ok := rec.records[token]
	if !ok {
		ch = make(chan *WGOR, 1)
		rec.records[token] = ch
	}
	return ch
}

// Wait returns the WriteGetObjectResponse sent with token, waiting for it to
// arrive. It fails the test when none arrives within a minute.
func (rec *Recorder) Wait(t testing.TB, token string) *WGOR {
	t.Helper()
	select {
	case w := <-rec.slot(token):
		rec.slot(token) <- w // keep it for later calls
		return w
	case <-time.After(time.Minute):
		t.Fatalf("no WriteGetObjectResponse with token %s arrived", token)
		return nil
	}
}

// Received reports whether a WriteGetObjectResponse with token has been
// recorded completely.
func (rec *Recorder) Received(token string) bool {
	return len(rec.slot(token)) > 0
}

func (rec *Recorder) serve(w http.ResponseWriter, r *http.Request) {
	if err := rec.check(r); err != nil {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "<Error><Code>AccessDenied</Code><Message>"+err.Error()+"</Message></Error>")
		return
	}

	wgor := &WGOR{
		Route:         r.Header.Get("x-oss-request-route"),
		Token:         r.Header.Get("x-oss-request-token"),
		Header:        http.Header{},
		ContentLength: r.ContentLength,
		ContentMD5:    r.Header.Get("Content-MD5"),
	}
	if sig, _ := auth.Parse(r); sig != nil {
		wgor.SignatureVersion = sig.Version.String()
	}
	wgor.Status, _ = strconv.Atoi(r.Header.Get("x-oss-fwd-status"))
	for name, values := range r.Header {
		if fwd, ok := strings.CutPrefix(strings.ToLower(name), "x-oss-fwd-header-"); ok {
			wgor.Header[http.CanonicalHeaderKey(fwd)] = values
		}
	}

	sum := sha256.New()
	body := &keepWriter{limit: KeepBody, hash: sum}
	wgor.BodyLen, wgor.BodyErr = io.Copy(body, r.Body)
	wgor.Body = body.kept
	if body.overflow {
		wgor.Body = nil
	}
	wgor.BodySHA256 = hex.EncodeToString(sum.Sum(nil))

	if wgor.BodyErr == nil {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	}
	rec.slot(wgor.Token) <- wgor
}

// check verifies the request line, the route and token headers and the
// signature.
func (rec *Recorder) check(r *http.Request) error {
	if r.Method != http.MethodPost || !r.URL.Query().Has("x-oss-write-get-object-response") {
		return errors.New("not a WriteGetObjectResponse: " + r.Method + " " + r.URL.String())
	}
	if r.Header.Get("x-oss-request-route") != rec.URL {
		return errors.New("x-oss-request-route is not the event's outputRoute")
	}
	sig, err := auth.Parse(r)
	if err != nil {
		return err
	}
	if sig == nil {
		return errors.New("the request is not signed")
	}
	if sig.AccessKeyID != FunctionKeyID {
		return errors.New("signed with access key " + sig.AccessKeyID + ", not the function's")
	}
	if sig.SecurityToken != FunctionToken {
		return errors.New("the security token is not the function's")
	}
	return sig.Verify(r, auth.Target{}, FunctionSecret, rec.region, time.Now())
}

// keepWriter hashes everything and keeps the first limit bytes.
type keepWriter struct {
	limit    int
	kept     []byte
	overflow bool
	hash     hash.Hash
}

func (k *keepWriter) Write(p []byte) (int, error) {
	k.hash.Write(p)
	if len(k.kept)+len(p) > k.limit {
		k.overflow = true
	} else if !k.overflow {
		k.kept = append(k.kept, p...)
	}
	return len(p), nil
}

// SHA256 returns the hex SHA-256 of data, to compare with BodySHA256.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func itoa(n int) string { return strconv.Itoa(n) }
