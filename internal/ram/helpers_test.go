package ram

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/osserr"
)

var ctx = context.Background()

const (
	testAccount = "1234567890123456"
	testRootKey = "LTAIrootkeyfortests0001"
	testRootSec = "root-secret-for-tests-0123456789"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is a Service over a fresh SQLite store, bootstrapped with testAccount.
type env struct {
	svc   *Service
	clock *fakeClock
	dir   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	clock := &fakeClock{now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	svc, err := New(Config{Store: store.IAM(), Dir: dir, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Bootstrap(ctx, testAccount, testRootKey, testRootSec); err != nil {
		t.Fatal(err)
	}
	return &env{svc: svc, clock: clock, dir: dir}
}

// root returns the principal of the test account's root key.
func (e *env) root(t *testing.T) *Principal {
	t.Helper()
	p, _, err := e.svc.Authenticate(ctx, testRootKey, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// user creates a RAM user with one access key and returns its principal.
func (e *env) user(t *testing.T, name string) (*Principal, *AccessKey) {
	t.Helper()
	if _, err := e.svc.CreateUser(ctx, testAccount, UserInput{UserName: name}); err != nil {
		t.Fatal(err)
	}
	k, err := e.svc.CreateAccessKey(ctx, testAccount, name)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := e.svc.Authenticate(ctx, k.AccessKeyID, "", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p, k
}

// role creates a role whose trust policy is trust.
func (e *env) role(t *testing.T, name, trust string) *Role {
	t.Helper()
	r, err := e.svc.CreateRole(ctx, testAccount, RoleInput{RoleName: name, AssumeRolePolicyDocument: trust})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// attach attaches a policy to a user or role, failing the test on error.
func (e *env) attach(t *testing.T, policyType, policyName, principalType, principalName string) {
	t.Helper()
	if err := e.svc.AttachPolicy(ctx, testAccount, policyType, policyName, principalType, principalName); err != nil {
		t.Fatal(err)
	}
}

// trustAccount trusts every identity of the test account.
const trustAccount = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` +
	testAccount + `:root"]}}]}`

// ramCode returns the Code of a *ram.Error, or "" when err is not one.
func ramCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ossCode returns the code and EC of an *osserr.Error, or empty strings.
func ossCode(err error) (osserr.Code, string) {
	var e *osserr.Error
	if !errors.As(err, &e) {
		return "", ""
	}
	ec := e.EC
	if ec == "" {
		ec = e.Code.EC()
	}
	return e.Code, ec
}

// wantRAMCode fails the test unless err is a *ram.Error whose code starts
// with prefix.
func wantRAMCode(t *testing.T, what string, err error, prefix string) {
	t.Helper()
	if code := ramCode(err); !strings.HasPrefix(code, prefix) {
		t.Errorf("%s: got error %v, want code %s", what, err, prefix)
	}
}
