package ram

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
)

// TestIAMCacheOverridesEveryWrite keeps new store methods from bypassing
// the cache's invalidation: every IAMStore method is either a read listed
// here or defined on iamCache.
func TestIAMCacheOverridesEveryWrite(t *testing.T) {
	reads := map[string]bool{
		"GetAccount": true, "ListAccounts": true, "GetUser": true, "GetUserByID": true, "ListUsers": true,
		"GetAccessKey": true, "ListAccessKeys": true, "GetRole": true, "ListRoles": true, "GetPolicy": true,
		"ListPolicies": true, "ListAttachments": true, "ListPolicyAttachments": true,
	}
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(".", "iamcache.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]bool{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			defined[fd.Name.Name] = true
		}
	}
	iface := reflect.TypeOf((*meta.IAMStore)(nil)).Elem()
	for i := 0; i < iface.NumMethod(); i++ {
		name := iface.Method(i).Name
		if !reads[name] && !defined[name] {
			t.Errorf("IAMStore.%s is not a known read and iamCache does not override it; writes must invalidate the cache", name)
		}
	}
}

func TestIAMCacheSeesWritesAtOnce(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := newIAMCache(store.IAM(), func() time.Time { return now })

	if err := c.CreateAccount(ctx, &meta.Account{ID: "1000000000000001", Name: "a", Status: meta.StatusActive, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRole(ctx, "1000000000000001", "Reader"); !isNotFound(err) {
		t.Fatalf("GetRole before creation: %v", err)
	}
	if err := c.CreateRole(ctx, &meta.Role{ID: "r1", AccountID: "1000000000000001", Name: "Reader", AssumeRolePolicyDocument: []byte("{}"), CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetRole(ctx, "1000000000000001", "reader")
	if err != nil || r.ID != "r1" {
		t.Fatalf("GetRole after creation (a cached not-found must not hide it): %+v, %v", r, err)
	}

	// A change made behind the cache's back shows after the TTL.
	if err := store.IAM().DeleteRole(ctx, "1000000000000001", "Reader"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetRole(ctx, "1000000000000001", "Reader"); err != nil {
		t.Errorf("within the TTL the cached role is used: %v", err)
	}
	now = now.Add(iamCacheTTL + time.Millisecond)
	if _, err := c.GetRole(ctx, "1000000000000001", "Reader"); !isNotFound(err) {
		t.Errorf("after the TTL the deletion is seen: %v", err)
	}
}
