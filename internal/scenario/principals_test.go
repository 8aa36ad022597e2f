package scenario

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// adminAPI creates every principal of the suite through the admin API, as
// a user would, and checks who may mint temporary credentials.
//
// Account A (the server's first account):
//   - owner: the root identity;
//   - unprivileged: a RAM user without policies;
//   - reader: may read and list bucket layers, but not layers/data/denied.txt;
//   - apuser: may call GetObject on everything;
//   - conditions: policies with condition keys on bucket cond;
//   - assumer: may assume the account's roles;
//   - session, session-narrow, session-deny, session-short, session-temp:
//     temporary credentials that assumer obtained for the roles worker
//     (full OSS access) and temp.
//
// Account B, created by the owner: its root (partner), a RAM user with full
// OSS access in its own account (partner-user) and a role session
// (partner-session).
func (s *suite) adminAPI(t *testing.T) {
	root := s.admin("owner")
	a := s.ids["A"]

	who, err := root.GetCallerIdentity(ctx)
	if err != nil || who.AccountID != a || who.IdentityType != "Account" {
		t.Fatalf("GetCallerIdentity of the owner = %+v, %v", who, err)
	}

	// A malformed identity policy is rejected with a message naming the
	// fault.
	_, err = root.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "malformed",
		PolicyDocument: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resourse":"*"}]}`})
	wantAdminError(t, "CreatePolicy with a misspelt Resource", err, http.StatusBadRequest, "InvalidParameter.PolicyDocument")
	if err != nil && !strings.Contains(err.Error(), "Resourse") {
		t.Errorf("CreatePolicy with a misspelt Resource: %v; want the message to name Resourse", err)
	}

	// RAM users of account A.
	s.createUser(t, root, "unprivileged")
	s.createUser(t, root, "reader", policyDoc(
		`{"Effect":"Allow","Action":["oss:GetObject","oss:ListObjects"],"Resource":["acs:oss:*:*:layers","acs:oss:*:*:layers/*"]}`,
		`{"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:*:layers/data/denied.txt"}`))
	s.createUser(t, root, "apuser", policyDoc(`{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}`))
	s.createUser(t, root, "conditions", conditionsPolicy)
	s.createUser(t, root, "assumer", policyDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::`+a+`:role/*"}`))

	// Roles whose trust policy admits every identity of account A; a RAM
	// user also needs sts:AssumeRole from its own policies.
	trust := policyDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` + a + `:root"]}}`)
	for _, name := range []string{"worker", "temp"} {
		role, err := root.CreateRole(ctx, ramapi.CreateRoleInput{RoleName: name, AssumeRolePolicyDocument: trust})
		if err != nil {
			t.Fatalf("CreateRole %s: %v", name, err)
		}
		s.ids["role/"+name] = role.Arn
		if err := root.AttachPolicy(ctx, "AliyunOSSFullAccess", ramapi.AttachPolicyInput{PolicyType: "System", RoleName: name}); err != nil {
			t.Fatalf("AttachPolicy AliyunOSSFullAccess to %s: %v", name, err)
		}
	}

	// Temporary credentials that assumer mints with its own key, with and
	// without a session policy.
	assumer := s.admin("assumer")
	worker := s.ids["role/worker"]
	s.assumeRole(t, assumer, "session", worker, "", 0)
	s.assumeRole(t, assumer, "session-narrow", worker,
		policyDoc(`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:layers/public/*"}`), 0)
	s.assumeRole(t, assumer, "session-deny", worker, policyDoc(
		`{"Effect":"Allow","Action":"oss:*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"oss:PutObject","Resource":"*"}`), 0)
	s.assumeRole(t, assumer, "session-short", worker, "", 900)
	s.assumeRole(t, assumer, "session-temp", s.ids["role/temp"], "", 0)

	who, err = s.admin("session").GetCallerIdentity(ctx)
	if err != nil || who.AccountID != a || who.IdentityType != "AssumedRoleUser" {
		t.Errorf("GetCallerIdentity of a role session = %+v, %v", who, err)
	}

	// Minting is refused without sts:AssumeRole, with a malformed session
	// policy, and below the minimum duration.
	_, err = s.admin("unprivileged").AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: worker, RoleSessionName: "no-permission"})
	wantAdminError(t, "user without sts:AssumeRole assumes worker", err, http.StatusForbidden, "NoPermission")
	_, err = assumer.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: worker, RoleSessionName: "bad-policy",
		Policy: `{"Version":"1","Statement":[{"Effect":"Perhaps","Action":"oss:*","Resource":"*"}]}`})
	wantAdminError(t, "session policy with Effect Perhaps", err, http.StatusBadRequest, "InvalidParameter.PolicyGrammar")
	_, err = assumer.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: worker, RoleSessionName: "too-short", DurationSeconds: 899})
	wantAdminError(t, "DurationSeconds 899", err, http.StatusBadRequest, "InvalidParameter.DurationSeconds")

	// Account B, created by the admin account's root.
	out, err := root.CreateAccount(ctx, "partner")
	if err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	b := out.Account.AccountID
	s.ids["B"] = b
	s.addPrincipal("partner", credential{ID: out.AccessKey.AccessKeyID, Secret: out.AccessKey.AccessKeySecret})
	partner := s.admin("partner")
	s.createUser(t, partner, "partner-user", policyDoc(`{"Effect":"Allow","Action":"oss:*","Resource":"*"}`))
	partnerTrust := policyDoc(`{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` + b + `:root"]}}`)
	role, err := partner.CreateRole(ctx, ramapi.CreateRoleInput{RoleName: "partner-role", AssumeRolePolicyDocument: partnerTrust})
	if err != nil {
		t.Fatalf("CreateRole in account B: %v", err)
	}
	if err := partner.AttachPolicy(ctx, "AliyunOSSFullAccess", ramapi.AttachPolicyInput{PolicyType: "System", RoleName: "partner-role"}); err != nil {
		t.Fatal(err)
	}
	s.assumeRole(t, partner, "partner-session", role.Arn, "", 0)

	// Only the admin account's root manages accounts, and account B cannot
	// assume a role that trusts only account A.
	_, err = partner.CreateAccount(ctx, "third")
	wantAdminError(t, "account B creates an account", err, http.StatusForbidden, "NoPermission")
	_, err = partner.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: worker, RoleSessionName: "cross-account"})
	wantAdminError(t, "account B assumes worker of account A", err, http.StatusForbidden, "NoPermission")
	_, err = s.admin("unprivileged").CreateUser(ctx, ramapi.CreateUserInput{UserName: "made-by-unprivileged"})
	wantAdminError(t, "user without policies creates a user", err, http.StatusForbidden, "NoPermission")
}
