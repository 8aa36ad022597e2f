package metatest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// iamTests are the IAM store's cases, run by Run.
var iamTests = []struct {
	name string
	fn   func(*testing.T, meta.Store)
}{
	{"AccountLifecycle", testAccountLifecycle},
	{"UserLifecycle", testUserLifecycle},
	{"UserDeleteRemovesKeysAndAttachments", testUserDeleteCascades},
	{"AccessKeys", testAccessKeys},
	{"AccessKeyCheck", testAccessKeyCheck},
	{"RoleNamesIgnoreCase", testRoleNamesIgnoreCase},
	{"RoleUpdateAndDelete", testRoleUpdateAndDelete},
	{"PolicyLifecycle", testPolicyLifecycle},
	{"Attachments", testAttachments},
}

var iamTime = time.Date(2026, 2, 3, 4, 5, 6, 7000000, time.UTC)

const (
	account1 = "1000000000000001"
	account2 = "2000000000000002"
)

func newAccount(t *testing.T, s meta.Store, id string) *meta.Account {
	t.Helper()
	a := &meta.Account{ID: id, Name: "acct-" + id[:4], Status: meta.StatusActive, CreatedAt: iamTime}
	if err := s.IAM().CreateAccount(ctx, a); err != nil {
		t.Fatalf("create account %s: %v", id, err)
	}
	return a
}

func newUser(t *testing.T, s meta.Store, account, id, name string) *meta.User {
	t.Helper()
	u := &meta.User{AccountID: account, ID: id, Name: name, DisplayName: "Display " + name,
		Comments: "c", CreatedAt: iamTime, UpdatedAt: iamTime.Add(time.Second)}
	if err := s.IAM().CreateUser(ctx, u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

func newKey(t *testing.T, s meta.Store, account, user, id string, created time.Time) *meta.AccessKey {
	t.Helper()
	k := &meta.AccessKey{ID: id, AccountID: account, UserID: user, Status: meta.StatusActive,
		SealedSecret: []byte{0, 1, 2, 0xff, byte(len(id))}, CreatedAt: created}
	if err := s.IAM().CreateAccessKey(ctx, k, nil); err != nil {
		t.Fatalf("create access key %s: %v", id, err)
	}
	return k
}

func newRole(t *testing.T, s meta.Store, account, id, name string) *meta.Role {
	t.Helper()
	r := &meta.Role{AccountID: account, ID: id, Name: name, Description: "d",
		AssumeRolePolicyDocument: []byte(" {\"Version\":\"1\"}\n"), MaxSessionDuration: 3600,
		CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := s.IAM().CreateRole(ctx, r); err != nil {
		t.Fatalf("create role %s: %v", name, err)
	}
	return r
}

func testAccountLifecycle(t *testing.T, s meta.Store) {
	iam := s.IAM()
	b := newAccount(t, s, account2)
	a := newAccount(t, s, account1)

	if err := iam.CreateAccount(ctx, &meta.Account{ID: account1, Status: meta.StatusActive, CreatedAt: iamTime}); !errors.Is(err, meta.ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}
	got, err := iam.GetAccount(ctx, account1)
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if *got != *a {
		t.Errorf("get: got %+v, want %+v", got, a)
	}
	if _, err := iam.GetAccount(ctx, "9"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get missing: got %v, want ErrNotFound", err)
	}

	all, err := iam.ListAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != a.ID || all[1].ID != b.ID {
		t.Errorf("list: got %v, want [%s %s]", accountIDs(all), a.ID, b.ID)
	}

	err = iam.UpdateAccount(ctx, account1, func(a *meta.Account) error {
		a.Status = meta.StatusInactive
		a.Name = "renamed"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = iam.GetAccount(ctx, account1)
	if got.Status != meta.StatusInactive || got.Name != "renamed" {
		t.Errorf("after update: %+v", got)
	}
	sentinel := errors.New("stop")
	if err := iam.UpdateAccount(ctx, account1, func(a *meta.Account) error { a.Name = "x"; return sentinel }); err != sentinel {
		t.Errorf("update with failing fn: got %v, want the fn's error", err)
	}
	if got, _ = iam.GetAccount(ctx, account1); got.Name != "renamed" {
		t.Errorf("failed update changed name to %q", got.Name)
	}
	if err := iam.UpdateAccount(ctx, "9", func(*meta.Account) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}
}

func accountIDs(as []*meta.Account) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func testUserLifecycle(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	newAccount(t, s, account2)

	orphan := &meta.User{AccountID: "9", ID: "9000000000000009", Name: "x", CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := iam.CreateUser(ctx, orphan); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("user in missing account: got %v, want ErrNotFound", err)
	}

	bob := newUser(t, s, account1, "2000000000000001", "bob")
	newUser(t, s, account1, "2000000000000002", "alice")
	newUser(t, s, account2, "2000000000000003", "bob") // same name, other account

	dup := *bob
	dup.ID = "2000000000000009"
	if err := iam.CreateUser(ctx, &dup); !errors.Is(err, meta.ErrExists) {
		t.Errorf("duplicate name: got %v, want ErrExists", err)
	}
	sameID := *bob
	sameID.Name = "carol"
	if err := iam.CreateUser(ctx, &sameID); !errors.Is(err, meta.ErrExists) {
		t.Errorf("duplicate id: got %v, want ErrExists", err)
	}

	got, err := iam.GetUser(ctx, account1, "bob")
	if err != nil || *got != *bob {
		t.Errorf("get: got %+v, %v; want %+v", got, err, bob)
	}
	got, err = iam.GetUserByID(ctx, account1, bob.ID)
	if err != nil || *got != *bob {
		t.Errorf("get by id: got %+v, %v; want %+v", got, err, bob)
	}
	if _, err := iam.GetUserByID(ctx, account2, bob.ID); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get by id in another account: got %v, want ErrNotFound", err)
	}
	if _, err := iam.GetUser(ctx, account1, "Bob"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("user names are exact: get Bob gave %v, want ErrNotFound", err)
	}

	users, err := iam.ListUsers(ctx, account1)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].Name != "alice" || users[1].Name != "bob" {
		t.Errorf("list: got %d users, want alice and bob in order", len(users))
	}

	if err := iam.DeleteUser(ctx, account1, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetUser(ctx, account1, "bob"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if err := iam.DeleteUser(ctx, account1, "bob"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
	if _, err := iam.GetUser(ctx, account2, "bob"); err != nil {
		t.Errorf("deleting account 1's bob removed account 2's: %v", err)
	}
}

func testUserDeleteCascades(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	u := newUser(t, s, account1, "2000000000000001", "bob")
	newKey(t, s, account1, u.ID, "LTAIkey1", iamTime)
	newKey(t, s, account1, "", "LTAIroot", iamTime)
	err := iam.Attach(ctx, &meta.Attachment{AccountID: account1, PolicyType: meta.PolicySystem,
		PolicyName: "ReadOnly", PrincipalType: meta.PrincipalUser, PrincipalID: u.ID, AttachDate: iamTime})
	if err != nil {
		t.Fatal(err)
	}

	if err := iam.DeleteUser(ctx, account1, "bob"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetAccessKey(ctx, "LTAIkey1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("user's key after delete: got %v, want ErrNotFound", err)
	}
	if _, err := iam.GetAccessKey(ctx, "LTAIroot"); err != nil {
		t.Errorf("root key removed with the user: %v", err)
	}
	atts, err := iam.ListAttachments(ctx, account1, meta.PrincipalUser, u.ID)
	if err != nil || len(atts) != 0 {
		t.Errorf("attachments after delete: %d, %v; want none", len(atts), err)
	}

	// A new user with the old name starts with nothing.
	again := newUser(t, s, account1, "2000000000000002", "bob")
	keys, err := iam.ListAccessKeys(ctx, account1, again.ID)
	if err != nil || len(keys) != 0 {
		t.Errorf("recreated user's keys: %d, %v; want none", len(keys), err)
	}
}

func testAccessKeys(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	u := newUser(t, s, account1, "2000000000000001", "bob")

	second := newKey(t, s, account1, u.ID, "LTAIsecond", iamTime.Add(time.Minute))
	first := newKey(t, s, account1, u.ID, "LTAIfirst", iamTime)
	root := newKey(t, s, account1, "", "LTAIroot", iamTime)

	if err := iam.CreateAccessKey(ctx, &meta.AccessKey{ID: "LTAIfirst", AccountID: account1, Status: meta.StatusActive,
		SealedSecret: []byte{1}, CreatedAt: iamTime}, nil); !errors.Is(err, meta.ErrExists) {
		t.Errorf("duplicate id: got %v, want ErrExists", err)
	}
	missingUser := &meta.AccessKey{ID: "LTAIx", AccountID: account1, UserID: "2999999999999999",
		Status: meta.StatusActive, SealedSecret: []byte{1}, CreatedAt: iamTime}
	if err := iam.CreateAccessKey(ctx, missingUser, nil); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("key of missing user: got %v, want ErrNotFound", err)
	}
	missingAccount := &meta.AccessKey{ID: "LTAIy", AccountID: "9", Status: meta.StatusActive,
		SealedSecret: []byte{1}, CreatedAt: iamTime}
	if err := iam.CreateAccessKey(ctx, missingAccount, nil); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("key of missing account: got %v, want ErrNotFound", err)
	}

	got, err := iam.GetAccessKey(ctx, "LTAIfirst")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != first.ID || got.UserID != u.ID || got.AccountID != account1 || got.Status != meta.StatusActive ||
		!got.CreatedAt.Equal(first.CreatedAt) || !bytes.Equal(got.SealedSecret, first.SealedSecret) {
		t.Errorf("get: got %+v, want %+v", got, first)
	}

	keys, err := iam.ListAccessKeys(ctx, account1, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].ID != first.ID || keys[1].ID != second.ID {
		t.Errorf("list user keys: got %v, want [LTAIfirst LTAIsecond] in creation order", keyIDs(keys))
	}
	keys, err = iam.ListAccessKeys(ctx, account1, "")
	if err != nil || len(keys) != 1 || keys[0].ID != root.ID {
		t.Errorf("list root keys: got %v, %v; want [LTAIroot]", keyIDs(keys), err)
	}

	err = iam.UpdateAccessKey(ctx, "LTAIfirst", func(k *meta.AccessKey) error {
		k.Status = meta.StatusInactive
		k.SealedSecret = []byte("resealed")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = iam.GetAccessKey(ctx, "LTAIfirst")
	if got.Status != meta.StatusInactive || string(got.SealedSecret) != "resealed" {
		t.Errorf("after update: status %q secret %q", got.Status, got.SealedSecret)
	}
	if err := iam.UpdateAccessKey(ctx, "nope", func(*meta.AccessKey) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}

	if err := iam.DeleteAccessKey(ctx, "LTAIfirst"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetAccessKey(ctx, "LTAIfirst"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if err := iam.DeleteAccessKey(ctx, "LTAIfirst"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
}

func keyIDs(ks []*meta.AccessKey) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.ID)
	}
	return out
}

func testAccessKeyCheck(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	u := newUser(t, s, account1, "2000000000000001", "bob")
	newKey(t, s, account1, u.ID, "LTAIone", iamTime)
	newKey(t, s, account1, "", "LTAIroot", iamTime)

	limit := func(existing []*meta.AccessKey) error {
		if len(existing) >= 2 {
			return fmt.Errorf("limit of 2 reached")
		}
		return nil
	}
	var seen []string
	err := iam.CreateAccessKey(ctx, &meta.AccessKey{ID: "LTAItwo", AccountID: account1, UserID: u.ID,
		Status: meta.StatusActive, SealedSecret: []byte{1}, CreatedAt: iamTime.Add(time.Second)},
		func(existing []*meta.AccessKey) error {
			seen = keyIDs(existing)
			return limit(existing)
		})
	if err != nil {
		t.Fatalf("second key: %v", err)
	}
	if fmt.Sprint(seen) != "[LTAIone]" {
		t.Errorf("check saw %v, want only the user's own key [LTAIone]", seen)
	}

	err = iam.CreateAccessKey(ctx, &meta.AccessKey{ID: "LTAIthree", AccountID: account1, UserID: u.ID,
		Status: meta.StatusActive, SealedSecret: []byte{1}, CreatedAt: iamTime}, limit)
	if err == nil || err.Error() != "limit of 2 reached" {
		t.Errorf("third key: got %v, want the check's error unchanged", err)
	}
	if _, err := iam.GetAccessKey(ctx, "LTAIthree"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("rejected key was stored: %v", err)
	}
}

func testRoleNamesIgnoreCase(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	newAccount(t, s, account2)
	want := newRole(t, s, account1, "300000000000000001", "AliyunFCDefaultRole")

	dup := &meta.Role{AccountID: account1, ID: "300000000000000002", Name: "aliyunfcdefaultrole",
		MaxSessionDuration: 3600, CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := iam.CreateRole(ctx, dup); !errors.Is(err, meta.ErrExists) {
		t.Errorf("role differing only in case: got %v, want ErrExists", err)
	}
	dup.AccountID = account2
	if err := iam.CreateRole(ctx, dup); err != nil {
		t.Errorf("same name in another account: %v", err)
	}
	orphan := &meta.Role{AccountID: "9", ID: "300000000000000003", Name: "r", CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := iam.CreateRole(ctx, orphan); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("role in missing account: got %v, want ErrNotFound", err)
	}

	for _, name := range []string{"AliyunFCDefaultRole", "aliyunfcdefaultrole", "ALIYUNFCDEFAULTROLE"} {
		got, err := iam.GetRole(ctx, account1, name)
		if err != nil {
			t.Errorf("get %s: %v", name, err)
			continue
		}
		if got.ID != want.ID || got.Name != "AliyunFCDefaultRole" || got.MaxSessionDuration != 3600 ||
			got.Description != want.Description || !got.CreatedAt.Equal(want.CreatedAt) {
			t.Errorf("get %s: got %+v, want %+v", name, got, want)
		}
		if !bytes.Equal(got.AssumeRolePolicyDocument, want.AssumeRolePolicyDocument) {
			t.Errorf("get %s: trust policy %q, want the exact bytes %q", name, got.AssumeRolePolicyDocument, want.AssumeRolePolicyDocument)
		}
	}

	newRole(t, s, account1, "300000000000000004", "b-role")
	newRole(t, s, account1, "300000000000000005", "A-role")
	roles, err := iam.ListRoles(ctx, account1)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	if fmt.Sprint(names) != "[A-role AliyunFCDefaultRole b-role]" {
		t.Errorf("list: got %v, want [A-role AliyunFCDefaultRole b-role]", names)
	}
}

func testRoleUpdateAndDelete(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	r := newRole(t, s, account1, "300000000000000001", "Reader")

	doc := []byte("{ \"Statement\": [] ,\"Version\":\"1\"}")
	later := iamTime.Add(time.Hour)
	err := iam.UpdateRole(ctx, account1, "READER", func(r *meta.Role) error {
		r.AssumeRolePolicyDocument = doc
		r.MaxSessionDuration = 7200
		r.Description = "new"
		r.UpdatedAt = later
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := iam.GetRole(ctx, account1, "reader")
	if !bytes.Equal(got.AssumeRolePolicyDocument, doc) || got.MaxSessionDuration != 7200 ||
		got.Description != "new" || !got.UpdatedAt.Equal(later) || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Errorf("after update: %+v", got)
	}
	if err := iam.UpdateRole(ctx, account1, "nope", func(*meta.Role) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}

	err = iam.Attach(ctx, &meta.Attachment{AccountID: account1, PolicyType: meta.PolicySystem, PolicyName: "P",
		PrincipalType: meta.PrincipalRole, PrincipalID: r.ID, AttachDate: iamTime})
	if err != nil {
		t.Fatal(err)
	}
	if err := iam.DeleteRole(ctx, account1, "reader"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetRole(ctx, account1, "Reader"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if atts, _ := iam.ListAttachments(ctx, account1, meta.PrincipalRole, r.ID); len(atts) != 0 {
		t.Errorf("role attachments survived the role: %d", len(atts))
	}
	if err := iam.DeleteRole(ctx, account1, "Reader"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
}

func testPolicyLifecycle(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	doc := []byte("{\"Version\":\"1\",\r\n \"Statement\":[]}  ")
	p := &meta.Policy{AccountID: account1, Name: "ReadLogs", Description: "d", Document: doc,
		CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := iam.CreatePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := iam.CreatePolicy(ctx, p); !errors.Is(err, meta.ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}
	orphan := *p
	orphan.AccountID = "9"
	if err := iam.CreatePolicy(ctx, &orphan); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("policy in missing account: got %v, want ErrNotFound", err)
	}

	got, err := iam.GetPolicy(ctx, account1, "ReadLogs")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Document, doc) || got.Description != "d" || !got.CreatedAt.Equal(iamTime) {
		t.Errorf("get: got %+v with document %q, want the exact bytes %q", got, got.Document, doc)
	}

	newDoc := []byte(`{"Version":"1","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)
	err = iam.UpdatePolicy(ctx, account1, "ReadLogs", func(p *meta.Policy) error {
		p.Document = newDoc
		p.UpdatedAt = iamTime.Add(time.Hour)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = iam.GetPolicy(ctx, account1, "ReadLogs")
	if !bytes.Equal(got.Document, newDoc) || !got.UpdatedAt.Equal(iamTime.Add(time.Hour)) {
		t.Errorf("after update: %+v", got)
	}

	second := *p
	second.Name = "AAA"
	if err := iam.CreatePolicy(ctx, &second); err != nil {
		t.Fatal(err)
	}
	all, err := iam.ListPolicies(ctx, account1)
	if err != nil || len(all) != 2 || all[0].Name != "AAA" || all[1].Name != "ReadLogs" {
		t.Errorf("list: got %d policies, %v; want AAA and ReadLogs in order", len(all), err)
	}

	if err := iam.DeletePolicy(ctx, account1, "ReadLogs"); err != nil {
		t.Fatal(err)
	}
	if _, err := iam.GetPolicy(ctx, account1, "ReadLogs"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get after delete: got %v, want ErrNotFound", err)
	}
	if err := iam.DeletePolicy(ctx, account1, "ReadLogs"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
}

func testAttachments(t *testing.T, s meta.Store) {
	iam := s.IAM()
	newAccount(t, s, account1)
	u := newUser(t, s, account1, "2000000000000001", "bob")
	r := newRole(t, s, account1, "300000000000000001", "Reader")
	p := &meta.Policy{AccountID: account1, Name: "Custom1", Document: []byte("{}"), CreatedAt: iamTime, UpdatedAt: iamTime}
	if err := iam.CreatePolicy(ctx, p); err != nil {
		t.Fatal(err)
	}

	attach := func(policyType, policy, principalType, principalID string) error {
		return iam.Attach(ctx, &meta.Attachment{AccountID: account1, PolicyType: policyType, PolicyName: policy,
			PrincipalType: principalType, PrincipalID: principalID, AttachDate: iamTime})
	}
	if err := attach(meta.PolicyCustom, "Custom1", meta.PrincipalUser, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := attach(meta.PolicyCustom, "Custom1", meta.PrincipalRole, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := attach(meta.PolicySystem, "AliyunOSSReadOnlyAccess", meta.PrincipalUser, u.ID); err != nil {
		t.Fatalf("system policy needs no stored document: %v", err)
	}

	if err := attach(meta.PolicyCustom, "Custom1", meta.PrincipalUser, u.ID); !errors.Is(err, meta.ErrExists) {
		t.Errorf("attach twice: got %v, want ErrExists", err)
	}
	if err := attach(meta.PolicyCustom, "Missing", meta.PrincipalUser, u.ID); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("attach missing custom policy: got %v, want ErrNotFound", err)
	}
	if err := attach(meta.PolicyCustom, "Custom1", meta.PrincipalUser, "2999999999999999"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("attach to missing user: got %v, want ErrNotFound", err)
	}
	if err := attach(meta.PolicyCustom, "Custom1", meta.PrincipalRole, u.ID); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("attach to a role id that is a user id: got %v, want ErrNotFound", err)
	}

	atts, err := iam.ListAttachments(ctx, account1, meta.PrincipalUser, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(atts) != 2 || atts[0].PolicyName != "Custom1" || atts[1].PolicyName != "AliyunOSSReadOnlyAccess" ||
		!atts[0].AttachDate.Equal(iamTime) {
		t.Errorf("user attachments: got %+v, want Custom1 then the system policy", atts)
	}
	byPolicy, err := iam.ListPolicyAttachments(ctx, account1, meta.PolicyCustom, "Custom1")
	if err != nil || len(byPolicy) != 2 || byPolicy[0].PrincipalType != meta.PrincipalRole ||
		byPolicy[1].PrincipalType != meta.PrincipalUser {
		t.Errorf("policy attachments: got %+v, %v; want the role then the user", byPolicy, err)
	}

	if err := iam.DeletePolicy(ctx, account1, "Custom1"); !errors.Is(err, meta.ErrNotEmpty) {
		t.Errorf("delete attached policy: got %v, want ErrNotEmpty", err)
	}
	for _, a := range byPolicy {
		if err := iam.Detach(ctx, a); err != nil {
			t.Fatalf("detach: %v", err)
		}
	}
	if err := iam.Detach(ctx, byPolicy[0]); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second detach: got %v, want ErrNotFound", err)
	}
	if err := iam.DeletePolicy(ctx, account1, "Custom1"); err != nil {
		t.Errorf("delete detached policy: %v", err)
	}
}
