package ram

import (
	"errors"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/meta"
)

const readLogs = `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:ListObjects"],` +
	`"Resource":["acs:oss:*:*:logs","acs:oss:*:*:logs/*"]}]}`

func TestRoles(t *testing.T) {
	e := newEnv(t)
	doc := "{ \"Version\": \"1\",\n \"Statement\": [{\"Effect\":\"Allow\",\"Action\":\"sts:AssumeRole\",\"Principal\":{\"Service\":[\"fc.aliyuncs.com\"]}}]}"
	r, err := e.svc.CreateRole(ctx, testAccount, RoleInput{RoleName: "FnRole", Description: "d", AssumeRolePolicyDocument: doc})
	if err != nil {
		t.Fatal(err)
	}
	if r.AssumeRolePolicyDocument != doc {
		t.Errorf("trust policy = %q, want the exact text sent", r.AssumeRolePolicyDocument)
	}
	if r.MaxSessionDuration != 3600 || len(r.RoleID) != 19 || r.Arn != "acs:ram::"+testAccount+":role/FnRole" {
		t.Errorf("role = %+v", r)
	}

	got, err := e.svc.GetRole(ctx, testAccount, "fnrole")
	if err != nil || got.RoleID != r.RoleID || got.AssumeRolePolicyDocument != doc {
		t.Errorf("get in lower case = %+v, %v", got, err)
	}

	bad := []struct {
		name string
		in   RoleInput
		want string
	}{
		{"same name in other case", RoleInput{RoleName: "FNROLE", AssumeRolePolicyDocument: trustAccount}, "EntityAlreadyExists.Role"},
		{"bad name", RoleInput{RoleName: "a/b", AssumeRolePolicyDocument: trustAccount}, "InvalidParameter.RoleName"},
		{"trust policy not JSON", RoleInput{RoleName: "x1", AssumeRolePolicyDocument: "{"}, "InvalidParameter.AssumeRolePolicyDocument"},
		{"trust policy without principal", RoleInput{RoleName: "x1",
			AssumeRolePolicyDocument: `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`}, "InvalidParameter.AssumeRolePolicyDocument"},
		{"session duration too short", RoleInput{RoleName: "x1", AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 3599}, "InvalidParameter.MaxSessionDuration"},
		{"session duration too long", RoleInput{RoleName: "x1", AssumeRolePolicyDocument: trustAccount, MaxSessionDuration: 43201}, "InvalidParameter.MaxSessionDuration"},
	}
	for _, tc := range bad {
		_, err := e.svc.CreateRole(ctx, testAccount, tc.in)
		wantRAMCode(t, tc.name, err, tc.want)
	}

	newDoc := trustAccount
	updated, err := e.svc.UpdateRole(ctx, testAccount, "FnRole", RoleUpdate{NewAssumeRolePolicyDocument: &newDoc})
	if err != nil || updated.AssumeRolePolicyDocument != newDoc || updated.Description != "d" {
		t.Errorf("update = %+v, %v", updated, err)
	}
	bogus := "{}"
	_, err = e.svc.UpdateRole(ctx, testAccount, "FnRole", RoleUpdate{NewAssumeRolePolicyDocument: &bogus})
	wantRAMCode(t, "update with a bad trust policy", err, "InvalidParameter.AssumeRolePolicyDocument")

	list, err := e.svc.ListRoles(ctx, testAccount)
	if err != nil || len(list) != 1 {
		t.Errorf("list = %d roles, %v", len(list), err)
	}
	if err := e.svc.DeleteRole(ctx, testAccount, "FNROLE"); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.GetRole(ctx, testAccount, "FnRole")
	wantRAMCode(t, "get deleted role", err, "EntityNotExist.Role")
}

func TestPoliciesAndAttachments(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.user(t, "alice")
	e.role(t, "Reader", trustAccount)

	p, err := e.svc.CreatePolicy(ctx, testAccount, PolicyInput{PolicyName: "ReadLogs", Description: "logs", PolicyDocument: readLogs})
	if err != nil {
		t.Fatal(err)
	}
	if p.PolicyType != meta.PolicyCustom || p.PolicyDocument != readLogs {
		t.Errorf("created policy = %+v", p)
	}
	_, err = e.svc.CreatePolicy(ctx, testAccount, PolicyInput{PolicyName: "ReadLogs", PolicyDocument: readLogs})
	wantRAMCode(t, "duplicate policy", err, "EntityAlreadyExists.Policy")
	_, err = e.svc.CreatePolicy(ctx, testAccount, PolicyInput{PolicyName: "Bad", PolicyDocument: `{"Version":"2","Statement":[]}`})
	wantRAMCode(t, "bad document", err, "InvalidParameter.PolicyDocument")
	_, err = e.svc.CreatePolicy(ctx, testAccount, PolicyInput{PolicyName: "Trusty", PolicyDocument: trustAccount})
	wantRAMCode(t, "trust policy as identity policy", err, "InvalidParameter.PolicyDocument")

	e.attach(t, meta.PolicyCustom, "ReadLogs", meta.PrincipalUser, "alice")
	e.attach(t, meta.PolicySystem, "AliyunSTSAssumeRoleAccess", meta.PrincipalUser, "alice")
	e.attach(t, meta.PolicyCustom, "ReadLogs", meta.PrincipalRole, "reader")

	err = e.svc.AttachPolicy(ctx, testAccount, meta.PolicyCustom, "AliyunOSSReadOnlyAccess", meta.PrincipalUser, "alice")
	var re *Error
	if !errors.As(err, &re) || re.Code != "EntityNotExist.Policy" || !strings.Contains(re.Message, "--type System") {
		t.Errorf("attaching a System policy as Custom: got %v, want EntityNotExist.Policy suggesting --type System", err)
	}

	attachErrors := []struct {
		name                                      string
		policyType, policy, principalType, target string
		want                                      string
	}{
		{"twice", meta.PolicyCustom, "ReadLogs", meta.PrincipalUser, "alice", "EntityAlreadyExists.User.Policy"},
		{"missing custom policy", meta.PolicyCustom, "Nope", meta.PrincipalUser, "alice", "EntityNotExist.Policy"},
		{"missing system policy", meta.PolicySystem, "Nope", meta.PrincipalUser, "alice", "EntityNotExist.Policy"},
		{"missing user", meta.PolicyCustom, "ReadLogs", meta.PrincipalUser, "nobody", "EntityNotExist.User"},
		{"missing role", meta.PolicyCustom, "ReadLogs", meta.PrincipalRole, "nobody", "EntityNotExist.Role"},
		{"bad policy type", "Managed", "ReadLogs", meta.PrincipalUser, "alice", "InvalidParameter.PolicyType"},
		{"bad principal type", meta.PolicyCustom, "ReadLogs", "Group", "alice", "InvalidParameter.PrincipalType"},
	}
	for _, tc := range attachErrors {
		err := e.svc.AttachPolicy(ctx, testAccount, tc.policyType, tc.policy, tc.principalType, tc.target)
		wantRAMCode(t, "attach "+tc.name, err, tc.want)
	}

	attached, err := e.svc.ListAttachedPolicies(ctx, testAccount, meta.PrincipalUser, "alice")
	if err != nil || len(attached) != 2 {
		t.Fatalf("alice's policies = %+v, %v", attached, err)
	}
	identity, err := e.svc.IdentityPolicies(ctx, alice)
	if err != nil || len(identity) != 2 {
		t.Errorf("IdentityPolicies(alice) = %d policies, %v; want 2", len(identity), err)
	}
	if ps, _ := e.svc.IdentityPolicies(ctx, e.root(t)); len(ps) != 0 {
		t.Errorf("root has %d identity policies, want none", len(ps))
	}

	got, err := e.svc.GetPolicy(ctx, testAccount, "", "ReadLogs")
	if err != nil || got.AttachmentCount != 2 || got.PolicyDocument != readLogs {
		t.Errorf("get = %+v, %v; want 2 attachments and the exact document", got, err)
	}
	sys, err := e.svc.GetPolicy(ctx, testAccount, "", "AliyunFCDefaultRolePolicy")
	if err != nil || sys.PolicyType != meta.PolicySystem || !strings.Contains(sys.PolicyDocument, "oss:WriteGetObjectResponse") {
		t.Errorf("system policy = %+v, %v", sys, err)
	}
	_, err = e.svc.GetPolicy(ctx, testAccount, meta.PolicyCustom, "AliyunFCDefaultRolePolicy")
	wantRAMCode(t, "system policy as custom", err, "EntityNotExist.Policy")

	all, err := e.svc.ListPolicies(ctx, testAccount, "")
	if err != nil || len(all) != len(systemPolicies)+1 {
		t.Errorf("list = %d policies, %v; want %d", len(all), err, len(systemPolicies)+1)
	}
	custom, _ := e.svc.ListPolicies(ctx, testAccount, meta.PolicyCustom)
	if len(custom) != 1 || custom[0].PolicyDocument != "" {
		t.Errorf("custom list = %+v, want one entry without its document", custom)
	}

	wantRAMCode(t, "delete attached policy", e.svc.DeletePolicy(ctx, testAccount, "ReadLogs"), "DeleteConflict.Policy")
	for _, target := range []struct{ principalType, name string }{{meta.PrincipalUser, "alice"}, {meta.PrincipalRole, "Reader"}} {
		if err := e.svc.DetachPolicy(ctx, testAccount, meta.PolicyCustom, "ReadLogs", target.principalType, target.name); err != nil {
			t.Fatal(err)
		}
	}
	err = e.svc.DetachPolicy(ctx, testAccount, meta.PolicyCustom, "ReadLogs", meta.PrincipalUser, "alice")
	wantRAMCode(t, "detach twice", err, "EntityNotExist.User.Policy")
	if err := e.svc.DeletePolicy(ctx, testAccount, "ReadLogs"); err != nil {
		t.Errorf("delete detached policy: %v", err)
	}
	wantRAMCode(t, "delete missing policy", e.svc.DeletePolicy(ctx, testAccount, "ReadLogs"), "EntityNotExist.Policy")
}

func TestUpdatePolicyChangesPermissions(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.user(t, "alice")
	if _, err := e.svc.CreatePolicy(ctx, testAccount, PolicyInput{PolicyName: "P1", PolicyDocument: readLogs}); err != nil {
		t.Fatal(err)
	}
	e.attach(t, meta.PolicyCustom, "P1", meta.PrincipalUser, "alice")
	object := "acs:oss:*:" + testAccount + ":logs/a.txt"
	if err := e.svc.Authorize(ctx, alice, "oss:GetObject", object); err != nil {
		t.Fatalf("before update: %v", err)
	}

	deny := `{"Version":"1","Statement":[{"Effect":"Deny","Action":"oss:*","Resource":"*"}]}`
	if _, err := e.svc.UpdatePolicy(ctx, testAccount, "P1", deny, nil); err != nil {
		t.Fatal(err)
	}
	err := e.svc.Authorize(ctx, alice, "oss:GetObject", object)
	if ramCode(err) != "NoPermission" || !strings.Contains(err.Error(), "denies it explicitly") {
		t.Errorf("after update: got %v, want NoPermission for an explicit deny", err)
	}
	_, err = e.svc.UpdatePolicy(ctx, testAccount, "P1", "{", nil)
	wantRAMCode(t, "update with a bad document", err, "InvalidParameter.PolicyDocument")
	_, err = e.svc.UpdatePolicy(ctx, testAccount, "Missing", deny, nil)
	wantRAMCode(t, "update missing policy", err, "EntityNotExist.Policy")
}

func TestAuthorizeRAMActions(t *testing.T) {
	e := newEnv(t)
	alice, _ := e.user(t, "alice")
	bob, _ := e.user(t, "bob")
	e.attach(t, meta.PolicySystem, "AliyunRAMFullAccess", meta.PrincipalUser, "bob")
	userARN := "acs:ram::" + testAccount + ":user/carol"

	if err := e.svc.Authorize(ctx, e.root(t), "ram:CreateUser", userARN); err != nil {
		t.Errorf("root: %v", err)
	}
	if err := e.svc.Authorize(ctx, bob, "ram:CreateUser", userARN); err != nil {
		t.Errorf("bob with AliyunRAMFullAccess: %v", err)
	}
	err := e.svc.Authorize(ctx, alice, "ram:CreateUser", userARN)
	if ramCode(err) != "NoPermission" || !strings.Contains(err.Error(), "ram:CreateUser") {
		t.Errorf("alice without policies: got %v, want NoPermission naming the action", err)
	}

	// The root identity of one account has no rights in another.
	other, key, err := e.svc.CreateAccount(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	otherRoot, _, err := e.svc.Authenticate(ctx, key.AccessKeyID, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Authorize(ctx, otherRoot, "ram:CreateUser", userARN); ramCode(err) != "NoPermission" {
		t.Errorf("root of account %s in account %s: got %v, want NoPermission", other.AccountID, testAccount, err)
	}
}

func TestQuickAuthorize(t *testing.T) {
	e := newEnv(t)
	for round := 1; round <= 2; round++ {
		roles, err := e.svc.QuickAuthorize(ctx, testAccount)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if len(roles) != 2 || roles[0].RoleName != FCDefaultRole || roles[1].RoleName != OSSObjectFCRole {
			t.Fatalf("round %d: roles = %+v", round, roles)
		}
	}

	want := map[string]string{
		FCDefaultRole:   "AliyunFCDefaultRolePolicy",
		OSSObjectFCRole: "AliyunOSSObjectFcForOSSDefaultRolePolicy",
	}
	for role, policyName := range want {
		attached, err := e.svc.ListAttachedPolicies(ctx, testAccount, meta.PrincipalRole, role)
		if err != nil || len(attached) != 1 || attached[0].PolicyName != policyName {
			t.Errorf("%s: attached = %+v, %v; want only %s", role, attached, err, policyName)
		}
	}

	// A customized role keeps its trust policy; a detached policy comes back.
	custom := trustAccount
	if _, err := e.svc.UpdateRole(ctx, testAccount, FCDefaultRole, RoleUpdate{NewAssumeRolePolicyDocument: &custom}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DetachPolicy(ctx, testAccount, meta.PolicySystem, "AliyunFCDefaultRolePolicy", meta.PrincipalRole, FCDefaultRole); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.QuickAuthorize(ctx, testAccount); err != nil {
		t.Fatal(err)
	}
	r, _ := e.svc.GetRole(ctx, testAccount, FCDefaultRole)
	if r.AssumeRolePolicyDocument != custom {
		t.Error("QuickAuthorize reset a customized trust policy")
	}
	if attached, _ := e.svc.ListAttachedPolicies(ctx, testAccount, meta.PrincipalRole, FCDefaultRole); len(attached) != 1 {
		t.Errorf("detached system policy not attached again: %+v", attached)
	}
}
