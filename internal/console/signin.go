package console

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

// signInForm is the data of the sign-in page.
type signInForm struct {
	Token       string
	Next        string
	AccessKeyID string
}

// SignInPage shows the sign-in form with a fresh form token.
func (c *Console) SignInPage(w http.ResponseWriter, r *http.Request) {
	c.showSignIn(w, r, http.StatusOK, r.URL.Query().Get("next"), "", nil)
}

func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request, status int, next, accessKeyID string, e *errorView) {
	token := randomToken()
	http.SetCookie(w, &http.Cookie{
		Name: signInCookie, Value: token, Path: "/", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	c.renderStatus(w, r, nil, status, "signin", page{
		Title: "Sign in", Error: e,
		Data: signInForm{Token: token, Next: localPath(next), AccessKeyID: accessKeyID},
	})
}

// SignIn verifies an access key pair by calling ListBuckets with it and
// starts a session. A key the server rejects (unknown id, wrong secret)
// shows the OSS error; AccessDenied means the key is valid but may not list
// buckets, which is enough to sign in.
func (c *Console) SignIn(w http.ResponseWriter, r *http.Request) {
	next := r.PostFormValue("next")
	cookie, err := r.Cookie(signInCookie)
	formToken := r.PostFormValue("signin_token")
	if err != nil || formToken == "" || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(formToken)) != 1 {
		c.showSignIn(w, r, http.StatusForbidden, next, "", &errorView{Status: http.StatusForbidden,
			Summary: "The sign-in form was stale or sent from another site. Try again."})
		return
	}

	id := strings.TrimSpace(r.PostFormValue("access_key_id"))
	secret := strings.TrimSpace(r.PostFormValue("access_key_secret"))
	token := strings.TrimSpace(r.PostFormValue("security_token"))
	if id == "" || secret == "" {
		c.showSignIn(w, r, http.StatusBadRequest, next, id, &errorView{Status: http.StatusBadRequest,
			Summary: "Enter both the access key ID and the access key secret."})
		return
	}

	s := c.newSession(id, secret, token)
	_, err = s.oss.ListBuckets(r.Context(), &oss.ListBucketsRequest{MaxKeys: 1})
	if err != nil && serviceCode(err) != "AccessDenied" {
		e := c.explain(r, err)
		if e.Status < 400 {
			e.Status = http.StatusUnauthorized
		}
		c.showSignIn(w, r, e.Status, next, id, e)
		return
	}

	if s.ram != nil {
		if who, err := s.ram.GetCallerIdentity(r.Context()); err == nil {
			s.identity, s.accountID = who.Arn, who.AccountID
		}
	}
	s = c.sessions.create(s)
	clearCookie(w, r, signInCookie)
	setSessionCookie(w, r, s.id)
	c.logger.Info("console sign-in", "access_key_id", id)
	http.Redirect(w, r, localPath(next), http.StatusSeeOther)
}

// SignOut ends the session.
func (c *Console) SignOut(w http.ResponseWriter, r *http.Request, s *session) error {
	c.sessions.delete(s.id)
	clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// newSession returns a session, not yet stored, whose clients sign every
// request with the given key: the OSS SDK client with V4, and the admin API
// clients the way the admin API verifies requests.
func (c *Console) newSession(id, secret, token string) *session {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, token)).
		WithRegion(c.opts.Region).
		WithEndpoint(c.opts.Endpoint).
		WithHttpClient(c.opts.HTTPClient)
	s := &session{accessKeyID: id, accessKeySecret: secret, securityToken: token, oss: oss.NewClient(cfg)}

	if c.opts.AdminURL != "" {
		admin := adminclient.Config{URL: c.opts.AdminURL, Region: c.opts.Region,
			AccessKeyID: id, AccessKeySecret: secret, SecurityToken: token}
		s.fc = fcclient.New(admin.URL+"/admin/fc", c.opts.HTTPClient, admin.Sign)
		s.ram = ramclient.New(admin.URL+"/admin/ram", c.opts.HTTPClient, admin.Sign)
	}
	return s
}
