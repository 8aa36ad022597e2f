package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

const (
	// sessionCookie carries the random session id; nothing else about the
	// session leaves the server.
	sessionCookie = "ossfc_console_session"

	// signInCookie carries the token that the sign-in form must echo, so a
	// cross-site form cannot sign a browser in to an attacker's account.
	signInCookie = "ossfc_console_signin"

	// csrfHeader and csrfField carry the session's CSRF token on
	// state-changing requests from scripts and forms.
	csrfHeader = "X-CSRF-Token"
	csrfField  = "csrf_token"
)

// session is one signed-in browser. The secret never leaves the server.
type session struct {
	id   string
	csrf string

	accessKeyID     string
	accessKeySecret string
	securityToken   string

	// oss calls the OSS API with the session's key, and fc and ram call the
	// admin API with it. fc and ram are nil when the console has no admin URL.
	oss *oss.Client
	fc  *fcclient.Client
	ram *ramclient.Client

	// identity is the principal's ARN and accountID its account, when the
	// server could tell them.
	identity  string
	accountID string

	created time.Time

	mu       sync.Mutex
	lastSeen time.Time
	flash    *flash
	result   *actionResult
}

// flash is a message shown once on the next page, after a redirect.
type flash struct {
	Message string
	Error   *errorView
}

// setFlash stores a message for the next page the session renders.
func (s *session) setFlash(f *flash) {
	s.mu.Lock()
	s.flash = f
	s.mu.Unlock()
}

// takeFlash returns and clears the pending message.
func (s *session) takeFlash() *flash {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.flash
	s.flash = nil
	return f
}

// actionResult is the output an action passes to the page it redirects
// to, such as a new access key with its secret. The action responds to its POST
// with a redirect, so reloading the page repeats a GET and never the
// action.
type actionResult struct {
	page  string // the path of the page that shows the result
	value any
}

// keepResult stores v for the page at path, replacing any result that no
// page has taken yet.
func (s *session) keepResult(path string, v any) {
	s.mu.Lock()
	s.result = &actionResult{page: path, value: v}
	s.mu.Unlock()
}

// takeResult returns and clears the result kept for the page at path, so
// the page shows it once. It returns nil, and keeps the result, when the
// result is for another page: a page opened in another tab meanwhile does
// not consume it.
func (s *session) takeResult(path string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.result == nil || s.result.page != path {
		return nil
	}
	v := s.result.value
	s.result = nil
	return v
}

// sessionStore keeps sessions in memory: a restart signs everyone out.
type sessionStore struct {
	idle   time.Duration
	maxAge time.Duration
	now    func() time.Time

	mu       sync.Mutex
	sessions map[string]*session
}

func newSessionStore(idle, maxAge time.Duration, now func() time.Time) *sessionStore {
	return &sessionStore{idle: idle, maxAge: maxAge, now: now, sessions: map[string]*session{}}
}

// create stores s as a new session, with a fresh id and CSRF token, and
// removes expired sessions.
func (st *sessionStore) create(s *session) *session {
	now := st.now()
	s.id, s.csrf = randomToken(), randomToken()
	s.created, s.lastSeen = now, now

	st.mu.Lock()
	defer st.mu.Unlock()
	for id, old := range st.sessions {
		if st.expired(old, now) {
			delete(st.sessions, id)
		}
	}
	st.sessions[s.id] = s
	return s
}

// get returns the live session with id and marks it used, or nil when there
// is none or it expired.
func (st *sessionStore) get(id string) *session {
	now := st.now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.sessions[id]
	if s == nil {
		return nil
	}
	if st.expired(s, now) {
		delete(st.sessions, id)
		return nil
	}
	s.mu.Lock()
	s.lastSeen = now
	s.mu.Unlock()
	return s
}

func (st *sessionStore) delete(id string) {
	st.mu.Lock()
	delete(st.sessions, id)
	st.mu.Unlock()
}

func (st *sessionStore) expired(s *session, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return now.Sub(s.lastSeen) >= st.idle || now.Sub(s.created) >= st.maxAge
}

// randomToken returns 256 random bits, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionHandler is a handler that needs a signed-in session.
type sessionHandler func(w http.ResponseWriter, r *http.Request, s *session) error

// signedIn loads the session of the request, checks the CSRF token of
// state-changing requests, and runs h. Without a live session a page
// request is sent to the sign-in page, and any other request gets 401.
func (c *Console) signedIn(h sessionHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s *session
		if cookie, err := r.Cookie(sessionCookie); err == nil {
			s = c.sessions.get(cookie.Value)
		}
		if s == nil {
			if r.Method == http.MethodGet && !wantsJSON(r) {
				http.Redirect(w, r, "/signin?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			c.renderError(w, r, nil, &errorView{Status: http.StatusUnauthorized,
				Summary: "Your session has expired or you signed out. Sign in again to continue."})
			return
		}

		if isForm(r) {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !validCSRF(r, s.csrf) {
			c.renderError(w, r, s, &errorView{Status: http.StatusForbidden,
				Summary: "The form was stale or sent from another site, so nothing was changed. Reload the page and try again."})
			return
		}

		if err := h(w, r, s); err != nil {
			c.renderError(w, r, s, c.explain(r, err))
		}
	})
}

// maxFormBytes caps a form body: the largest is a function's zip file.
const maxFormBytes = maxZipBytes + 1<<20

// isForm reports whether r carries an HTML form, which the CSRF check
// parses.
func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data")
}

// validCSRF reports whether r carries the session's token in the header or
// the form field.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// setSessionCookie sends the session id. The cookie has no Max-Age, so it
// ends with the browser; the server enforces both expiries itself.
func setSessionCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

func clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// wantsJSON reports whether the request comes from the console's scripts,
// which expect JSON errors rather than pages.
func wantsJSON(r *http.Request) bool {
	return r.Header.Get("Accept") == "application/json"
}
