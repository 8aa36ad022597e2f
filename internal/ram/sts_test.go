package ram

import (
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/authz"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

func TestAssumeRoleByRoot(t *testing.T) {
	e := newEnv(t)
	r := e.role(t, "Reader", trustAccount)

	res, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "session-1"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Credentials
	if !strings.HasPrefix(c.AccessKeyID, "STS.") || len(c.AccessKeyID) != 29 {
		t.Errorf("AccessKeyId %q: want STS. and 25 characters", c.AccessKeyID)
	}
	if len(c.AccessKeySecret) != 44 || c.SecurityToken == "" {
		t.Errorf("secret of %d characters, token %q", len(c.AccessKeySecret), c.SecurityToken)
	}
	if want := e.clock.Now().Add(time.Hour); !c.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v (one hour by default)", c.Expiration, want)
	}
	if res.AssumedRoleUser.Arn != "acs:ram::"+testAccount+":assumed-role/Reader/session-1" ||
		res.AssumedRoleUser.AssumedRoleID != r.RoleID+":session-1" {
		t.Errorf("AssumedRoleUser = %+v", res.AssumedRoleUser)
	}

	p, secret, err := e.svc.Authenticate(ctx, c.AccessKeyID, c.SecurityToken, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if secret != c.AccessKeySecret {
		t.Error("Authenticate returned another secret than AssumeRole")
	}
	if p.Type != PrincipalAssumedRole || p.RoleID != r.RoleID || p.RoleName != "Reader" || p.SessionName != "session-1" ||
		p.ARN != res.AssumedRoleUser.Arn || p.AccessKeyID != c.AccessKeyID || !p.Expiration.Equal(c.Expiration) {
		t.Errorf("session principal = %+v", p)
	}
	if pp := p.PolicyPrincipal(); pp.ID != r.RoleID || pp.AccountID != testAccount {
		t.Errorf("policy principal = %+v", pp)
	}
}

func TestAssumeRoleChecks(t *testing.T) {
	e := newEnv(t)
	r := e.role(t, "Reader", trustAccount)
	onlyRoot := e.role(t, "RootOnly", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",`+
		`"Principal":{"RAM":["acs:ram::`+testAccount+`:user/carol"]}}]}`)
	alice, _ := e.user(t, "alice")
	bob, _ := e.user(t, "bob")
	e.attach(t, meta.PolicySystem, "AliyunSTSAssumeRoleAccess", meta.PrincipalUser, "alice")

	tests := []struct {
		name   string
		caller *Principal
		in     AssumeRoleInput
		want   string // error code prefix, "" for success
	}{
		{"user with permission", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "ok"}, ""},
		{"role name in another case", alice, AssumeRoleInput{RoleArn: strings.ToLower(r.Arn), RoleSessionName: "ok"}, ""},
		{"user without permission", bob, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "no"}, "NoPermission"},
		{"trust does not name the user", alice, AssumeRoleInput{RoleArn: onlyRoot.Arn, RoleSessionName: "no"}, "NoPermission"},
		{"missing role", alice, AssumeRoleInput{RoleArn: "acs:ram::" + testAccount + ":role/nope", RoleSessionName: "s1"}, "EntityNotExist.Role"},
		{"not a role ARN", alice, AssumeRoleInput{RoleArn: "acs:ram::" + testAccount + ":user/alice", RoleSessionName: "s1"}, "InvalidParameter.RoleArn"},
		{"session name too short", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s"}, "InvalidParameter.RoleSessionName"},
		{"session name with space", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "a b"}, "InvalidParameter.RoleSessionName"},
		{"duration too short", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1", DurationSeconds: 899}, "InvalidParameter.DurationSeconds"},
		{"duration over the role maximum", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1", DurationSeconds: 3601}, "InvalidParameter.DurationSeconds"},
		{"shortest duration", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1", DurationSeconds: 900}, ""},
		{"malformed session policy", alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1", Policy: "{"}, "InvalidParameter.PolicyGrammar"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AssumeRole(ctx, tc.caller, tc.in)
			if tc.want == "" {
				if err != nil {
					t.Errorf("got %v, want success", err)
				}
				return
			}
			wantRAMCode(t, tc.name, err, tc.want)
		})
	}
}

func TestAssumeRoleChainingLimit(t *testing.T) {
	e := newEnv(t)
	long := e.role(t, "Long", trustAccount)
	max := 7200
	if _, err := e.svc.UpdateRole(ctx, testAccount, "Long", RoleUpdate{NewMaxSessionDuration: &max}); err != nil {
		t.Fatal(err)
	}
	e.attach(t, meta.PolicySystem, "AliyunSTSAssumeRoleAccess", meta.PrincipalRole, "Long")

	first, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: long.Arn, RoleSessionName: "first", DurationSeconds: 7200})
	if err != nil {
		t.Fatalf("root may use the role's maximum: %v", err)
	}
	_, err = e.svc.AssumeRole(ctx, first.Principal, AssumeRoleInput{RoleArn: long.Arn, RoleSessionName: "second", DurationSeconds: 7200})
	wantRAMCode(t, "chained session over an hour", err, "InvalidParameter.DurationSeconds")
	if _, err := e.svc.AssumeRole(ctx, first.Principal, AssumeRoleInput{RoleArn: long.Arn, RoleSessionName: "second"}); err != nil {
		t.Errorf("chained session of an hour: %v", err)
	}
}

func TestSessionTokenValidation(t *testing.T) {
	e := newEnv(t)
	r := e.role(t, "Reader", trustAccount)
	res, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1", DurationSeconds: 900})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s2"})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Credentials

	check := func(what, keyID, token string, at time.Time, want osserr.Code, wantEC string) {
		t.Helper()
		_, secret, err := e.svc.Authenticate(ctx, keyID, token, at)
		code, ec := ossCode(err)
		if code != want || (wantEC != "" && ec != wantEC) {
			t.Errorf("%s: got %v (EC %s), want %q (EC %s)", what, err, ec, want, wantEC)
		}
		if err != nil && (secret != "" || strings.Contains(err.Error(), c.SecurityToken) || strings.Contains(err.Error(), c.AccessKeySecret)) {
			t.Errorf("%s: the failure carries the secret or the token", what)
		}
	}
	now := e.clock.Now()
	check("valid", c.AccessKeyID, c.SecurityToken, now, "", "")
	check("missing token", c.AccessKeyID, "", now, osserr.InvalidAccessKeyID, "0002-00000003")
	check("token of another session", c.AccessKeyID, other.Credentials.SecurityToken, now, osserr.InvalidSecurityToken, "0002-00000008")
	check("changed token", c.AccessKeyID, c.SecurityToken[:len(c.SecurityToken)-2]+"AA", now, osserr.InvalidSecurityToken, "")
	check("foreign token", c.AccessKeyID, "CAIS"+strings.Repeat("x", 40), now, osserr.InvalidSecurityToken, "")
	check("unknown STS key", "STS.unknown", c.SecurityToken, now, osserr.InvalidSecurityToken, "")
	check("last valid second", c.AccessKeyID, c.SecurityToken, c.Expiration.Add(-time.Nanosecond), "", "")
	check("at expiration", c.AccessKeyID, c.SecurityToken, c.Expiration, osserr.SecurityTokenExpired, "0002-00000007")

	// A token sealed by another server's key is invalid here.
	e2 := newEnv(t)
	_, _, err = e2.svc.Authenticate(ctx, c.AccessKeyID, c.SecurityToken, now)
	if code, _ := ossCode(err); code != osserr.InvalidSecurityToken {
		t.Errorf("token checked by a server with another key: got %v, want InvalidSecurityToken", err)
	}
}

func TestSessionRevocation(t *testing.T) {
	tests := []struct {
		name   string
		revoke func(t *testing.T, e *env, userKey string)
		want   osserr.Code
	}{
		{"role deleted", func(t *testing.T, e *env, _ string) {
			if err := e.svc.DeleteRole(ctx, testAccount, "reader"); err != nil {
				t.Fatal(err)
			}
		}, osserr.InvalidSecurityToken},
		{"role recreated under the same name", func(t *testing.T, e *env, _ string) {
			if err := e.svc.DeleteRole(ctx, testAccount, "Reader"); err != nil {
				t.Fatal(err)
			}
			e.role(t, "Reader", trustAccount)
		}, osserr.InvalidSecurityToken},
		{"source key disabled", func(t *testing.T, e *env, userKey string) {
			if err := e.svc.UpdateAccessKeyStatus(ctx, testAccount, "alice", userKey, meta.StatusInactive); err != nil {
				t.Fatal(err)
			}
		}, osserr.InvalidSecurityToken},
		{"source key deleted", func(t *testing.T, e *env, userKey string) {
			if err := e.svc.DeleteAccessKey(ctx, testAccount, "alice", userKey); err != nil {
				t.Fatal(err)
			}
		}, osserr.InvalidSecurityToken},
		{"source user deleted", func(t *testing.T, e *env, _ string) {
			if err := e.svc.DeleteUser(ctx, testAccount, "alice"); err != nil {
				t.Fatal(err)
			}
		}, osserr.InvalidSecurityToken},
		{"account disabled", func(t *testing.T, e *env, _ string) {
			if err := e.svc.SetAccountStatus(ctx, testAccount, meta.StatusInactive); err != nil {
				t.Fatal(err)
			}
		}, osserr.UserDisable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			r := e.role(t, "Reader", trustAccount)
			alice, key := e.user(t, "alice")
			e.attach(t, meta.PolicySystem, "AliyunSTSAssumeRoleAccess", meta.PrincipalUser, "alice")
			res, err := e.svc.AssumeRole(ctx, alice, AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "s1"})
			if err != nil {
				t.Fatal(err)
			}
			c := res.Credentials
			if _, _, err := e.svc.Authenticate(ctx, c.AccessKeyID, c.SecurityToken, e.clock.Now()); err != nil {
				t.Fatalf("before revocation: %v", err)
			}

			tc.revoke(t, e, key.AccessKeyID)
			_, _, err = e.svc.Authenticate(ctx, c.AccessKeyID, c.SecurityToken, e.clock.Now())
			if code, _ := ossCode(err); code != tc.want {
				t.Errorf("after revocation: got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestChainedSessionRevokedWithSourceRole(t *testing.T) {
	e := newEnv(t)
	first := e.role(t, "First", trustAccount)
	second := e.role(t, "Second", trustAccount)
	e.attach(t, meta.PolicySystem, "AliyunSTSAssumeRoleAccess", meta.PrincipalRole, "First")

	a, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: first.Arn, RoleSessionName: "a1"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.svc.AssumeRole(ctx, a.Principal, AssumeRoleInput{RoleArn: second.Arn, RoleSessionName: "b1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteRole(ctx, testAccount, "First"); err != nil {
		t.Fatal(err)
	}
	_, _, err = e.svc.Authenticate(ctx, b.Credentials.AccessKeyID, b.Credentials.SecurityToken, e.clock.Now())
	if code, _ := ossCode(err); code != osserr.InvalidSecurityToken {
		t.Errorf("session chained from a deleted role: got %v, want InvalidSecurityToken", err)
	}
}

func TestSessionPolicyNarrows(t *testing.T) {
	e := newEnv(t)
	r := e.role(t, "Writer", trustAccount)
	e.attach(t, meta.PolicySystem, "AliyunOSSFullAccess", meta.PrincipalRole, "Writer")

	const object = "acs:oss:*:" + testAccount + ":bucket-a/dir/report.csv"
	narrow := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"` + object + `"}]}`
	res, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "narrow", Policy: narrow})
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := e.svc.Authenticate(ctx, res.Credentials.AccessKeyID, res.Credentials.SecurityToken, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.SessionPolicy == nil {
		t.Fatal("the session principal has no session policy")
	}
	identity, err := e.svc.IdentityPolicies(ctx, p)
	if err != nil || len(identity) != 1 {
		t.Fatalf("identity policies = %d, %v; want the role's one", len(identity), err)
	}

	tests := []struct {
		action, resource string
		want             bool
	}{
		{"oss:GetObject", object, true},
		{"oss:GetObject", "acs:oss:*:" + testAccount + ":bucket-a/dir/other.csv", false},
		{"oss:PutObject", object, false},
	}
	for _, tc := range tests {
		d := authz.Decide(&authz.Input{
			Request:       policy.Request{Action: tc.action, Principal: p.PolicyPrincipal()},
			ResourceOwner: testAccount, Resource: tc.resource,
			Identity: identity, Session: p.SessionPolicy,
		})
		if d.Allowed() != tc.want {
			t.Errorf("%s on %s: allowed = %v, want %v (%+v)", tc.action, tc.resource, d.Allowed(), tc.want, d)
		}
	}

	// Without a session policy the role's full access applies.
	full, err := e.svc.AssumeRole(ctx, e.root(t), AssumeRoleInput{RoleArn: r.Arn, RoleSessionName: "full"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Authorize(ctx, full.Principal, "oss:PutObject", object); err != nil {
		t.Errorf("full session PutObject: %v", err)
	}
	if err := e.svc.Authorize(ctx, p, "oss:PutObject", object); ramCode(err) != "NoPermission" ||
		!strings.Contains(err.Error(), "session policy") {
		t.Errorf("narrowed session PutObject: got %v, want NoPermission naming the session policy", err)
	}
}

func TestAssumeRoleForService(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.QuickAuthorize(ctx, testAccount); err != nil {
		t.Fatal(err)
	}
	fcRole := "acs:ram::" + testAccount + ":role/aliyunfcdefaultrole"
	ossRole := "acs:ram::" + testAccount + ":role/AliyunOSSObjectFcForOSSDefaultRole"

	res, err := e.svc.AssumeRoleForService(ctx, testAccount, fcRole, ServiceFC, "fc-invoke-1", 90*time.Second, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := e.clock.Now().Add(90 * time.Second); !res.Credentials.Expiration.Equal(want) {
		t.Errorf("Expiration = %v, want %v", res.Credentials.Expiration, want)
	}
	p, _, err := e.svc.Authenticate(ctx, res.Credentials.AccessKeyID, res.Credentials.SecurityToken, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Service != ServiceFC || p.RoleName != FCDefaultRole {
		t.Errorf("function principal = %+v", p)
	}
	if err := e.svc.Authorize(ctx, p, "oss:WriteGetObjectResponse", "*"); err != nil {
		t.Errorf("function role may not WriteGetObjectResponse: %v", err)
	}
	if err := e.svc.Authorize(ctx, p, "oss:PutObject", "acs:oss:*:"+testAccount+":b/k"); err == nil {
		t.Error("function role may PutObject; its policy grants only WriteGetObjectResponse")
	}

	e.clock.Advance(90 * time.Second)
	_, _, err = e.svc.Authenticate(ctx, res.Credentials.AccessKeyID, res.Credentials.SecurityToken, e.clock.Now())
	if code, _ := ossCode(err); code != osserr.SecurityTokenExpired {
		t.Errorf("after the ttl: got %v, want SecurityTokenExpired", err)
	}

	tests := []struct {
		name                       string
		account, role, service, sn string
		ttl                        time.Duration
		want                       string
	}{
		{"OSS assumes the invocation role", testAccount, ossRole, ServiceOSS, "oss-invoke", time.Minute, ""},
		{"FC may not assume the OSS role", testAccount, ossRole, ServiceFC, "x-1", time.Minute, "NoPermission"},
		{"OSS may not assume the FC role", testAccount, fcRole, ServiceOSS, "x-1", time.Minute, "NoPermission"},
		{"role of another account", "9999999999999999", fcRole, ServiceFC, "x-1", time.Minute, "NoPermission"},
		{"missing role", testAccount, "acs:ram::" + testAccount + ":role/none", ServiceFC, "x-1", time.Minute, "EntityNotExist.Role"},
		{"ttl over 36 hours", testAccount, fcRole, ServiceFC, "x-1", 37 * time.Hour, "InvalidParameter.DurationSeconds"},
		{"ttl under a second", testAccount, fcRole, ServiceFC, "x-1", time.Millisecond, "InvalidParameter.DurationSeconds"},
		{"bad session name", testAccount, fcRole, ServiceFC, "x", time.Minute, "InvalidParameter.RoleSessionName"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AssumeRoleForService(ctx, tc.account, tc.role, tc.service, tc.sn, tc.ttl, "")
			if tc.want == "" {
				if err != nil {
					t.Errorf("got %v, want success", err)
				}
				return
			}
			wantRAMCode(t, tc.name, err, tc.want)
			if tc.want == "NoPermission" && !strings.Contains(err.Error(), "role") {
				t.Errorf("message %q does not name the role", err)
			}
		})
	}
}

func TestInputOSSURLSession(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.QuickAuthorize(ctx, testAccount); err != nil {
		t.Fatal(err)
	}
	apObject := "acs:oss:cn-hangzhou:" + testAccount + ":accesspoint/ap-01/object/photos/cat.jpg"
	narrow := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"` + apObject + `"}]}`
	res, err := e.svc.AssumeRoleForService(ctx, testAccount, "acs:ram::"+testAccount+":role/"+OSSObjectFCRole,
		ServiceOSS, "input-oss-url", time.Minute, narrow)
	if err != nil {
		t.Fatal(err)
	}
	p := res.Principal
	identity, err := e.svc.IdentityPolicies(ctx, p)
	if err != nil {
		t.Fatal(err)
	}

	decide := func(action, key string) bool {
		return authz.Decide(&authz.Input{
			Request:             policy.Request{Action: action, Principal: p.PolicyPrincipal()},
			ResourceOwner:       testAccount,
			Resource:            "acs:oss:*:" + testAccount + ":bucket-a/" + key,
			AccessPointResource: "acs:oss:cn-hangzhou:" + testAccount + ":accesspoint/ap-01/object/" + key,
			Path:                authz.ViaAccessPoint,
			Identity:            identity, Session: p.SessionPolicy,
		}).Allowed()
	}
	if !decide("oss:GetObject", "photos/cat.jpg") {
		t.Error("the inputOssUrl session cannot read its object")
	}
	if decide("oss:GetObject", "photos/dog.jpg") {
		t.Error("the inputOssUrl session can read another object")
	}
	if decide("fc:InvokeFunction", "photos/cat.jpg") {
		t.Error("the inputOssUrl session can invoke functions; its session policy allows only GetObject")
	}
}
