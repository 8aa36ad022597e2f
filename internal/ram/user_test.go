package ram

import (
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

func TestBootstrap(t *testing.T) {
	e := newEnv(t)
	p, secret, err := e.svc.Authenticate(ctx, testRootKey, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if secret != testRootSec {
		t.Error("Authenticate returned another secret than the configured one")
	}
	if p.Type != PrincipalAccount || p.AccountID != testAccount || p.ARN != "acs:ram::"+testAccount+":root" {
		t.Errorf("root principal = %+v", p)
	}
	if got := e.svc.AdminAccountID(); got != testAccount {
		t.Errorf("AdminAccountID = %q, want %q", got, testAccount)
	}

	// A changed secret replaces the stored one, and a disabled key is
	// enabled again.
	if err := e.svc.UpdateAccessKeyStatus(ctx, testAccount, "", testRootKey, meta.StatusInactive); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Bootstrap(ctx, testAccount, testRootKey, "rotated-secret"); err != nil {
		t.Fatal(err)
	}
	_, secret, err = e.svc.Authenticate(ctx, testRootKey, "", e.clock.Now())
	if err != nil || secret != "rotated-secret" {
		t.Errorf("after a second Bootstrap: err %v, secret replaced %v", err, secret == "rotated-secret")
	}

	// The configured key id may not belong to another identity.
	_, k := e.user(t, "bob")
	err = e.svc.Bootstrap(ctx, testAccount, k.AccessKeyID, "x")
	if err == nil || !strings.Contains(err.Error(), "another identity") {
		t.Errorf("bootstrap with a user's key id: got %v, want an error naming another identity", err)
	}

	bad := []struct{ account, key, secret string }{
		{"123", testRootKey, "s"},
		{testAccount, "STS.abc", "s"},
		{testAccount, "has space", "s"},
		{testAccount, testRootKey, ""},
	}
	for _, b := range bad {
		if err := e.svc.Bootstrap(ctx, b.account, b.key, b.secret); err == nil {
			t.Errorf("Bootstrap(%q, %q, secret %q) succeeded, want an error", b.account, b.key, b.secret)
		}
	}
}

func TestAccessKeyFormatsAndLimit(t *testing.T) {
	e := newEnv(t)
	_, first := e.user(t, "alice")

	if !strings.HasPrefix(first.AccessKeyID, "LTAI") || len(first.AccessKeyID) != 24 {
		t.Errorf("AccessKeyId %q: want LTAI and 20 characters", first.AccessKeyID)
	}
	if len(first.AccessKeySecret) != 30 || !nameChars(first.AccessKeySecret, "") {
		t.Errorf("secret has %d characters, want 30 letters or digits", len(first.AccessKeySecret))
	}
	if first.Status != meta.StatusActive || first.UserName != "alice" {
		t.Errorf("new key = %+v", first)
	}

	second, err := e.svc.CreateAccessKey(ctx, testAccount, "alice")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CreateAccessKey(ctx, testAccount, "alice")
	wantRAMCode(t, "third key", err, "LimitExceeded.User.AccessKey")

	keys, err := e.svc.ListAccessKeys(ctx, testAccount, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].AccessKeyID != first.AccessKeyID || keys[1].AccessKeyID != second.AccessKeyID {
		t.Errorf("list = %+v, want both keys in creation order", keys)
	}
	for _, k := range keys {
		if k.AccessKeySecret != "" {
			t.Errorf("ListAccessKeys returned the secret of %s", k.AccessKeyID)
		}
	}

	// The root identity has its own limit: the bootstrap key plus one.
	if _, err := e.svc.CreateAccessKey(ctx, testAccount, ""); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.CreateAccessKey(ctx, testAccount, "")
	wantRAMCode(t, "third root key", err, "LimitExceeded.User.AccessKey")

	_, err = e.svc.CreateAccessKey(ctx, testAccount, "nobody")
	wantRAMCode(t, "key of a missing user", err, "EntityNotExist.User")
}

func TestAuthenticateLongTermKeys(t *testing.T) {
	e := newEnv(t)
	alice, k := e.user(t, "alice")
	_, bobKey := e.user(t, "bob")

	if alice.Type != PrincipalRAMUser || alice.UserName != "alice" || alice.UserID == "" ||
		alice.ARN != "acs:ram::"+testAccount+":user/alice" || alice.AccessKeyID != k.AccessKeyID {
		t.Errorf("alice = %+v", alice)
	}
	_, secret, _ := e.svc.Authenticate(ctx, k.AccessKeyID, "", e.clock.Now())
	if secret != k.AccessKeySecret {
		t.Error("Authenticate returned another secret than CreateAccessKey")
	}

	check := func(what, keyID, token string, wantCode osserr.Code, wantEC string) {
		t.Helper()
		_, secret, err := e.svc.Authenticate(ctx, keyID, token, e.clock.Now())
		code, ec := ossCode(err)
		if code != wantCode || (wantEC != "" && ec != wantEC) {
			t.Errorf("%s: got %v (EC %s), want %s (EC %s)", what, err, ec, wantCode, wantEC)
		}
		if err != nil && secret != "" {
			t.Errorf("%s: a secret was returned with the error", what)
		}
		if err != nil && strings.Contains(err.Error(), k.AccessKeySecret) {
			t.Errorf("%s: the error text contains the secret", what)
		}
	}
	check("unknown key", "LTAIunknown", "", osserr.InvalidAccessKeyID, "0002-00000902")
	check("token with a long-term key", k.AccessKeyID, "ossfc1.x", osserr.InvalidAccessKeyID, "0002-00000002")

	// Disabling ends the key; enabling restores it.
	if err := e.svc.UpdateAccessKeyStatus(ctx, testAccount, "alice", k.AccessKeyID, meta.StatusInactive); err != nil {
		t.Fatal(err)
	}
	check("disabled key", k.AccessKeyID, "", osserr.InvalidAccessKeyID, "0002-00000903")
	if err := e.svc.UpdateAccessKeyStatus(ctx, testAccount, "alice", k.AccessKeyID, meta.StatusActive); err != nil {
		t.Fatal(err)
	}
	check("enabled again", k.AccessKeyID, "", "", "")

	// One user cannot act on another's key.
	err := e.svc.UpdateAccessKeyStatus(ctx, testAccount, "alice", bobKey.AccessKeyID, meta.StatusInactive)
	wantRAMCode(t, "disable another user's key", err, "EntityNotExist.User.AccessKey")
	err = e.svc.DeleteAccessKey(ctx, testAccount, "", bobKey.AccessKeyID)
	wantRAMCode(t, "delete a user's key as the root key owner", err, "EntityNotExist.User.AccessKey")
	err = e.svc.UpdateAccessKeyStatus(ctx, testAccount, "alice", k.AccessKeyID, "Paused")
	wantRAMCode(t, "unknown status", err, "InvalidParameter.Status")

	// A disabled account rejects every key with UserDisable.
	if err := e.svc.SetAccountStatus(ctx, testAccount, meta.StatusInactive); err != nil {
		t.Fatal(err)
	}
	check("key of a disabled account", k.AccessKeyID, "", osserr.UserDisable, "0003-00000801")
	check("root key of a disabled account", testRootKey, "", osserr.UserDisable, "")
	if err := e.svc.SetAccountStatus(ctx, testAccount, meta.StatusActive); err != nil {
		t.Fatal(err)
	}

	// Deleting the key or the user ends it.
	if err := e.svc.DeleteAccessKey(ctx, testAccount, "bob", bobKey.AccessKeyID); err != nil {
		t.Fatal(err)
	}
	check("deleted key", bobKey.AccessKeyID, "", osserr.InvalidAccessKeyID, "")
	if err := e.svc.DeleteUser(ctx, testAccount, "alice"); err != nil {
		t.Fatal(err)
	}
	check("key of a deleted user", k.AccessKeyID, "", osserr.InvalidAccessKeyID, "")
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	u, err := e.svc.CreateUser(ctx, testAccount, UserInput{UserName: "alice", DisplayName: "Alice", Comments: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	if len(u.UserID) != 16 || u.Arn != "acs:ram::"+testAccount+":user/alice" || u.DisplayName != "Alice" {
		t.Errorf("created user = %+v", u)
	}
	_, err = e.svc.CreateUser(ctx, testAccount, UserInput{UserName: "alice"})
	wantRAMCode(t, "duplicate user", err, "EntityAlreadyExists.User")

	for _, name := range []string{"", "has space", strings.Repeat("a", 65), "slash/name"} {
		_, err := e.svc.CreateUser(ctx, testAccount, UserInput{UserName: name})
		wantRAMCode(t, "user name "+name, err, "InvalidParameter.UserName")
	}
	_, err = e.svc.CreateUser(ctx, "9999999999999999", UserInput{UserName: "x"})
	wantRAMCode(t, "user in a missing account", err, "EntityNotExist.Account")

	got, err := e.svc.GetUser(ctx, testAccount, "alice")
	if err != nil || got.UserID != u.UserID {
		t.Errorf("get = %+v, %v", got, err)
	}
	list, err := e.svc.ListUsers(ctx, testAccount)
	if err != nil || len(list) != 1 {
		t.Errorf("list = %d users, %v; want 1", len(list), err)
	}
	if err := e.svc.DeleteUser(ctx, testAccount, "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.GetUser(ctx, testAccount, "alice")
	wantRAMCode(t, "get deleted user", err, "EntityNotExist.User")
	wantRAMCode(t, "delete twice", e.svc.DeleteUser(ctx, testAccount, "alice"), "EntityNotExist.User")
}

func TestAccounts(t *testing.T) {
	e := newEnv(t)
	a, key, err := e.svc.CreateAccount(ctx, "team-b")
	if err != nil {
		t.Fatal(err)
	}
	if !isAccountID(a.AccountID) || a.AccountID[0] == '0' || a.Status != meta.StatusActive || a.AccountName != "team-b" {
		t.Errorf("account = %+v", a)
	}
	p, secret, err := e.svc.Authenticate(ctx, key.AccessKeyID, "", e.clock.Now())
	if err != nil || secret != key.AccessKeySecret || !p.IsRoot(a.AccountID) {
		t.Errorf("new account's root key: principal %+v, err %v", p, err)
	}

	all, err := e.svc.ListAccounts(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("list = %d accounts, %v; want 2", len(all), err)
	}
	if _, err := e.svc.GetAccount(ctx, a.AccountID); err != nil {
		t.Error(err)
	}
	_, err = e.svc.GetAccount(ctx, "9999999999999999")
	wantRAMCode(t, "missing account", err, "EntityNotExist.Account")
	wantRAMCode(t, "bad status", e.svc.SetAccountStatus(ctx, a.AccountID, "x"), "InvalidParameter.Status")
}
