package scenario

import (
	"encoding/xml"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/testenv"
)

// Authentication failures, with the codes and EC values that package ram
// and package auth document.
var (
	unknownKey           = outcome{http.StatusForbidden, "InvalidAccessKeyId", "0002-00000902", "does not exist"}
	disabledKey          = outcome{http.StatusForbidden, "InvalidAccessKeyId", "0002-00000903", "disabled"}
	stsKeyWithoutToken   = outcome{http.StatusForbidden, "InvalidAccessKeyId", "0002-00000003", "security token is missing"}
	tokenWithLongTermKey = outcome{http.StatusForbidden, "InvalidAccessKeyId", "0002-00000002", "long-term AccessKeyId"}
	invalidToken         = outcome{http.StatusForbidden, "InvalidSecurityToken", "0002-00000008", "invalid"}
	expiredToken         = outcome{http.StatusForbidden, "SecurityTokenExpired", "0002-00000007", "expired"}
	accountDisabled      = outcome{http.StatusForbidden, "UserDisable", "0003-00000801", ""}
	signatureMismatchV4  = outcome{http.StatusForbidden, "SignatureDoesNotMatch", "0002-00000201", "signature"}
	signatureMismatchV1  = outcome{http.StatusForbidden, "SignatureDoesNotMatch", "0002-00000040", "signature"}
	presignedURLExpired  = outcome{http.StatusForbidden, "AccessDenied", "0002-00000069", "Request has expired."}
)

// revoked is the InvalidSecurityToken of a session whose basis is gone;
// reason is a fragment of the message naming what went.
func revoked(reason string) outcome {
	return outcome{http.StatusForbidden, "InvalidSecurityToken", "0002-00000008", reason}
}

// alter changes the last characters of a security token.
func alter(token string) string { return token[:len(token)-4] + "AAAA" }

// authenticationFailures checks credentials that never were valid.
func (s *suite) authenticationFailures(t *testing.T) {
	owner, session := s.creds["owner"], s.creds["session"]
	cases := []struct {
		name string
		key  credential
		v1   bool
		want outcome
	}{
		{"unknown AccessKeyId", credential{ID: "LTAIscenarioUnknownKey01", Secret: "unknown-secret"}, false, unknownKey},
		{"temporary AccessKeyId without its token", credential{ID: session.ID, Secret: session.Secret}, false, stsKeyWithoutToken},
		{"security token with a long-term AccessKeyId", credential{ID: owner.ID, Secret: owner.Secret, Token: session.Token}, false, tokenWithLongTermKey},
		{"altered security token", credential{ID: session.ID, Secret: session.Secret, Token: alter(session.Token)}, false, invalidToken},
		{"token of another session", credential{ID: session.ID, Secret: session.Secret, Token: s.creds["session-deny"].Token}, false, invalidToken},
		{"wrong secret, V4", credential{ID: owner.ID, Secret: "not-the-owner-secret"}, false, signatureMismatchV4},
		{"wrong secret, V1", credential{ID: owner.ID, Secret: "not-the-owner-secret"}, true, signatureMismatchV1},
		{"wrong secret of a session, V4", credential{ID: session.ID, Secret: "not-the-session-secret", Token: session.Token}, false, signatureMismatchV4},
		{"wrong secret of a session, V1", credential{ID: session.ID, Secret: "not-the-session-secret", Token: session.Token}, true, signatureMismatchV1},
	}
	for _, c := range cases {
		opts := []testenv.ClientOption{testenv.WithKey(c.key.ID, c.key.Secret, c.key.Token)}
		if c.v1 {
			opts = append(opts, testenv.V1)
		}
		c.want.check(t, c.name, getObject.call(s.sdk(opts...), "layers", "data/a.txt"))
	}

	// The admin API rejects the same wrong secrets; the secret scan then
	// reads its access records of these attempts.
	adminCases := []struct {
		name string
		key  credential
	}{
		{"admin API, wrong secret", credential{ID: owner.ID, Secret: "not-the-owner-secret"}},
		{"admin API, wrong secret of a session", credential{ID: session.ID, Secret: "not-the-session-secret", Token: session.Token}},
	}
	for _, c := range adminCases {
		_, err := s.adminAs(c.key).GetCallerIdentity(ctx)
		wantAdminError(t, c.name, err, http.StatusForbidden, "SignatureDoesNotMatch")
	}
}

// presignedURLs checks presigned GetObject URLs of a role session, signed
// with V4 and V1: they work, fail with the wrong secret, and expire.
func (s *suite) presignedURLs(t *testing.T) {
	session := s.creds["session"]
	for _, v := range []struct {
		name     string
		opts     []testenv.ClientOption
		mismatch outcome
	}{
		{"V4", nil, signatureMismatchV4},
		{"V1", []testenv.ClientOption{testenv.V1}, signatureMismatchV1},
	} {
		sign := func(secret string, expires time.Duration) *oss.PresignResult {
			t.Helper()
			c := s.sdk(append(v.opts, testenv.WithKey(session.ID, secret, session.Token))...)
			p, err := c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("layers"), Key: oss.Ptr("data/a.txt")}, oss.PresignExpires(expires))
			if err != nil {
				t.Fatalf("Presign %s: %v", v.name, err)
			}
			notePresigned(s.notes, presignedQuery(p.URL), "presigned URL "+v.name)
			return p
		}

		s.getPresigned(t, v.name+" presigned GetObject", sign(session.Secret, time.Hour), allowed)
		s.getPresigned(t, v.name+" presigned with the wrong secret", sign("not-the-session-secret", time.Hour), v.mismatch)

		// Used two minutes after it expired, by the server's clock.
		p := sign(session.Secret, time.Minute)
		s.clock.Advance(3 * time.Minute)
		s.getPresigned(t, v.name+" presigned URL after its expiry", p, presignedURLExpired)
		s.clock.Advance(-3 * time.Minute)
	}
}

// getPresigned sends a presigned request and checks its result.
func (s *suite) getPresigned(t *testing.T, what string, p *oss.PresignResult, want outcome) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, p.Method, p.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range p.SignedHeaders {
		req.Header.Set(k, v)
	}
	resp, err := s.apiHTTP.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.StatusCode/100 == 2 {
		want.check(t, what, nil)
		return
	}
	se := &oss.ServiceError{StatusCode: resp.StatusCode}
	if err := xml.Unmarshal(body, se); err != nil {
		t.Errorf("%s: %d with a body that is not an OSS error: %q", what, resp.StatusCode, body)
		return
	}
	want.check(t, what, se)
}

// expiredCredentials moves the server clock past the end of a 15-minute
// session. Clients that retry learn the server's time from the
// RequestTimeTooSkewed error and sign again, as the SDK does.
func (s *suite) expiredCredentials(t *testing.T) {
	s.clock.Advance(16 * time.Minute)
	defer s.clock.Advance(-16 * time.Minute)

	retrying := func(name string) *oss.Client {
		c := s.creds[name]
		return s.env.Client(testenv.WithKey(c.ID, c.Secret, c.Token), func(cfg *oss.Config) { cfg.WithHttpClient(s.apiHTTP) })
	}
	expiredToken.check(t, "15-minute session after 16 minutes", getObject.call(retrying("session-short"), "layers", "data/a.txt"))
	allowed.check(t, "one-hour session after 16 minutes", getObject.call(retrying("session"), "layers", "data/a.txt"))
}

// disabledAndRevokedCredentials disables and deletes what credentials
// rest on: an access key, a role, users.
func (s *suite) disabledAndRevokedCredentials(t *testing.T) {
	root := s.admin("owner")
	assumerKey := s.creds["assumer"].ID
	setKey := func(status string) {
		t.Helper()
		if err := root.UpdateAccessKey(ctx, "assumer", assumerKey, status); err != nil {
			t.Fatalf("UpdateAccessKey %s: %v", status, err)
		}
	}

	// A disabled key stops working, and so do the sessions it obtained,
	// until it is enabled again.
	setKey("Inactive")
	s.run(t, []check{
		{"assumer", getObject, "layers", "data/a.txt", disabledKey},
		{"session", getObject, "layers", "data/a.txt", revoked("the access key that assumed the role was deleted or disabled")},
		{"session-narrow", getObject, "layers", "public/p.txt", revoked("the access key that assumed the role was deleted or disabled")},
	})
	_, err := s.admin("assumer").AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: s.ids["role/worker"], RoleSessionName: "while-disabled"})
	wantAdminError(t, "AssumeRole with a disabled key", err, http.StatusForbidden, "InvalidAccessKeyId")
	setKey("Active")
	s.run(t, []check{
		{"session", getObject, "layers", "data/a.txt", allowed},
		{"session-narrow", getObject, "layers", "public/p.txt", allowed},
	})

	// Deleting a role ends its sessions, also once a role of the same name
	// exists again.
	s.run(t, []check{{"session-temp", getObject, "layers", "data/a.txt", allowed}})
	if err := root.DetachPolicy(ctx, "AliyunOSSFullAccess", ramapi.AttachPolicyInput{PolicyType: "System", RoleName: "temp"}); err != nil {
		t.Fatal(err)
	}
	if err := root.DeleteRole(ctx, "temp"); err != nil {
		t.Fatalf("DeleteRole temp: %v", err)
	}
	s.run(t, []check{{"session-temp", getObject, "layers", "data/a.txt", revoked("the role temp of the session was deleted")}})
	trust := policyDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` + s.ids["A"] + `:root"]}}`)
	if _, err := root.CreateRole(ctx, ramapi.CreateRoleInput{RoleName: "temp", AssumeRolePolicyDocument: trust}); err != nil {
		t.Fatal(err)
	}
	if err := root.AttachPolicy(ctx, "AliyunOSSFullAccess", ramapi.AttachPolicyInput{PolicyType: "System", RoleName: "temp"}); err != nil {
		t.Fatal(err)
	}
	s.run(t, []check{{"session-temp", getObject, "layers", "data/a.txt", revoked("the role temp of the session was deleted")}})

	// Deleting a user deletes its keys and ends the sessions it obtained.
	for _, name := range []string{"reader", "assumer"} {
		if err := root.DeleteUser(ctx, name); err != nil {
			t.Fatalf("DeleteUser %s: %v", name, err)
		}
	}
	s.run(t, []check{
		{"reader", getObject, "layers", "data/a.txt", unknownKey},
		{"assumer", getObject, "layers", "data/a.txt", unknownKey},
		{"session", getObject, "layers", "data/a.txt", revoked("that assumed the role was deleted")},
		{"session-deny", getObject, "layers", "data/a.txt", revoked("that assumed the role was deleted")},
	})
}

// disabledAccount disables account B: its root key, its users' keys and
// its role sessions all fail with UserDisable until it is enabled.
func (s *suite) disabledAccount(t *testing.T) {
	root := s.admin("owner")
	b := s.ids["B"]
	if a, err := root.UpdateAccount(ctx, b, "Inactive"); err != nil || a.Status != "Inactive" {
		t.Fatalf("disable account B = %+v, %v", a, err)
	}
	s.run(t, []check{
		{"partner", getObject, "partner-share", "doc.txt", accountDisabled},
		{"partner-user", getObject, "partner-share", "doc.txt", accountDisabled},
		{"partner-session", getObject, "partner-share", "doc.txt", accountDisabled},
	})
	_, err := s.admin("partner").ListUsers(ctx)
	wantAdminError(t, "admin API with a key of a disabled account", err, http.StatusForbidden, "UserDisable")
	_, err = root.UpdateAccount(ctx, s.ids["A"], "Inactive")
	wantAdminError(t, "disable the admin account", err, http.StatusBadRequest, "InvalidParameter.AccountId")

	if a, err := root.UpdateAccount(ctx, b, "Active"); err != nil || a.Status != "Active" {
		t.Fatalf("enable account B = %+v, %v", a, err)
	}
	s.run(t, []check{
		{"partner", getObject, "partner-share", "doc.txt", allowed},
		{"partner-session", getObject, "partner-share", "doc.txt", denied(notAllowed)},
	})
}
