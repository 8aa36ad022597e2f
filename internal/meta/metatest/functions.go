package metatest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

const (
	accountA = "1000000000000001"
	accountB = "1000000000000002"
)

func newFunction(t *testing.T, s meta.Store, account, name string) *meta.Function {
	t.Helper()
	f := &meta.Function{
		AccountID: account, Name: name,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC),
		UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC),
		Config: meta.FunctionConfig{
			Runtime: "custom", Command: []string{"./server"}, Args: []string{"-v"},
			TimeoutSeconds: 60, MemorySizeMB: 128, InstanceConcurrency: 1, MaxInstances: 2,
			Environment: map[string]string{"MODE": "test"}, Role: "acs:ram::" + account + ":role/aliyunfcdefaultrole",
			CodeID: "code-" + name, CodeSize: 42, CodeChecksum: "abc",
		},
	}
	if err := s.Functions().Create(ctx, f); err != nil {
		t.Fatalf("create function %s: %v", name, err)
	}
	return f
}

func testFunctionLifecycle(t *testing.T, s meta.Store) {
	fs := s.Functions()
	want := newFunction(t, s, accountA, "resize")

	if err := fs.Create(ctx, want); !errors.Is(err, meta.ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}
	other := *want
	other.AccountID = accountB
	if err := fs.Create(ctx, &other); err != nil {
		t.Errorf("same name in another account: %v", err)
	}

	got, err := fs.Get(ctx, accountA, "resize")
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("get: got %+v, want %+v", got, want)
	}
	if _, err := fs.Get(ctx, accountA, "missing"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("get missing: got %v, want ErrNotFound", err)
	}

	later := want.UpdatedAt.Add(time.Hour)
	err = fs.Update(ctx, accountA, "resize", func(f *meta.Function) error {
		f.Config.TimeoutSeconds = 5
		f.Config.CodeID = "code-new"
		f.UpdatedAt = later
		return nil
	})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	got, _ = fs.Get(ctx, accountA, "resize")
	if got.Config.TimeoutSeconds != 5 || got.Config.CodeID != "code-new" || !got.UpdatedAt.Equal(later) {
		t.Errorf("after update: %+v", got)
	}

	sentinel := errors.New("stop")
	if err := fs.Update(ctx, accountA, "resize", func(f *meta.Function) error { f.Config.TimeoutSeconds = 9; return sentinel }); err != sentinel {
		t.Errorf("update with failing fn: got %v, want the fn's error", err)
	}
	if err := fs.Update(ctx, accountA, "missing", func(*meta.Function) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}

	if err := fs.Delete(ctx, accountA, "resize"); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := fs.Delete(ctx, accountA, "resize"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete: got %v, want ErrNotFound", err)
	}
	if _, err := fs.Get(ctx, accountB, "resize"); err != nil {
		t.Errorf("other account's function gone after delete: %v", err)
	}
}

func testFunctionList(t *testing.T, s meta.Store) {
	for _, name := range []string{"b-two", "a-one", "b-one", "c-one"} {
		newFunction(t, s, accountA, name)
	}
	newFunction(t, s, accountB, "a-zero")

	tests := []struct {
		prefix, marker string
		limit          int
		want           []string
	}{
		{"", "", 10, []string{"a-one", "b-one", "b-two", "c-one"}},
		{"b-", "", 10, []string{"b-one", "b-two"}},
		{"", "b-one", 10, []string{"b-two", "c-one"}},
		{"", "", 2, []string{"a-one", "b-one"}},
		{"z", "", 10, nil},
	}
	for _, tc := range tests {
		fns, err := s.Functions().List(ctx, accountA, tc.prefix, tc.marker, tc.limit)
		if err != nil {
			t.Fatalf("list %+v: %v", tc, err)
		}
		var names []string
		for _, f := range fns {
			names = append(names, f.Name)
		}
		if !reflect.DeepEqual(names, tc.want) {
			t.Errorf("list prefix %q marker %q limit %d: got %v, want %v", tc.prefix, tc.marker, tc.limit, names, tc.want)
		}
	}
}

func testFunctionVersions(t *testing.T, s meta.Store) {
	fs := s.Functions()
	f := newFunction(t, s, accountA, "fn")
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)

	v1, err := fs.PublishVersion(ctx, accountA, "fn", "first", now)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if v1.VersionID != "1" || v1.Description != "first" || !v1.CreatedAt.Equal(now) {
		t.Errorf("first version: %+v", v1)
	}
	if !reflect.DeepEqual(v1.Config, f.Config) {
		t.Errorf("version config: got %+v, want %+v", v1.Config, f.Config)
	}

	// A version keeps its config when the function changes.
	fs.Update(ctx, accountA, "fn", func(f *meta.Function) error { f.Config.TimeoutSeconds = 7; return nil })
	v2, err := fs.PublishVersion(ctx, accountA, "fn", "", now)
	if err != nil || v2.VersionID != "2" || v2.Config.TimeoutSeconds != 7 {
		t.Fatalf("second version: %+v, %v", v2, err)
	}
	got, err := fs.GetVersion(ctx, accountA, "fn", "1")
	if err != nil || got.Config.TimeoutSeconds != 60 {
		t.Errorf("version 1 after update: %+v, %v", got, err)
	}

	// Deleted ids are not reused.
	if err := fs.DeleteVersion(ctx, accountA, "fn", "2"); err != nil {
		t.Fatalf("delete version: %v", err)
	}
	v3, err := fs.PublishVersion(ctx, accountA, "fn", "", now)
	if err != nil || v3.VersionID != "3" {
		t.Errorf("version after delete: %+v, %v; want id 3", v3, err)
	}

	list, err := fs.ListVersions(ctx, accountA, "fn")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range list {
		ids = append(ids, v.VersionID)
	}
	if !reflect.DeepEqual(ids, []string{"3", "1"}) {
		t.Errorf("versions: got %v, want [3 1]", ids)
	}

	for _, id := range []string{"2", "0", "01", "LATEST", "x"} {
		if _, err := fs.GetVersion(ctx, accountA, "fn", id); !errors.Is(err, meta.ErrNotFound) {
			t.Errorf("get version %q: got %v, want ErrNotFound", id, err)
		}
	}
	if _, err := fs.PublishVersion(ctx, accountA, "missing", "", now); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("publish on missing function: got %v, want ErrNotFound", err)
	}
	if _, err := fs.ListVersions(ctx, accountA, "missing"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("list versions of missing function: got %v, want ErrNotFound", err)
	}
}

func testFunctionAliases(t *testing.T, s meta.Store) {
	fs := s.Functions()
	newFunction(t, s, accountA, "fn")
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	fs.PublishVersion(ctx, accountA, "fn", "", now)
	fs.PublishVersion(ctx, accountA, "fn", "", now)

	prod := &meta.FunctionAlias{AccountID: accountA, FunctionName: "fn", Name: "prod", VersionID: "1",
		Description: "production", CreatedAt: now, UpdatedAt: now}
	if err := fs.PutAlias(ctx, prod, true); err != nil {
		t.Fatalf("create alias: %v", err)
	}
	if err := fs.PutAlias(ctx, prod, true); !errors.Is(err, meta.ErrExists) {
		t.Errorf("second create: got %v, want ErrExists", err)
	}
	missing := *prod
	missing.Name = "staging"
	if err := fs.PutAlias(ctx, &missing, false); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("update of missing alias: got %v, want ErrNotFound", err)
	}
	badVersion := *prod
	badVersion.Name, badVersion.VersionID = "next", "9"
	if err := fs.PutAlias(ctx, &badVersion, true); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("alias to missing version: got %v, want ErrNotFound", err)
	}

	got, err := fs.GetAlias(ctx, accountA, "fn", "prod")
	if err != nil || !reflect.DeepEqual(got, prod) {
		t.Errorf("get alias: got %+v, %v; want %+v", got, err, prod)
	}

	// A version an alias points at cannot be deleted.
	if err := fs.DeleteVersion(ctx, accountA, "fn", "1"); !errors.Is(err, meta.ErrNotEmpty) {
		t.Errorf("delete aliased version: got %v, want ErrNotEmpty", err)
	}

	moved := *prod
	moved.VersionID, moved.UpdatedAt = "2", now.Add(time.Minute)
	if err := fs.PutAlias(ctx, &moved, false); err != nil {
		t.Fatalf("update alias: %v", err)
	}
	got, _ = fs.GetAlias(ctx, accountA, "fn", "prod")
	if got.VersionID != "2" || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(moved.UpdatedAt) {
		t.Errorf("after update: %+v", got)
	}
	if err := fs.DeleteVersion(ctx, accountA, "fn", "1"); err != nil {
		t.Errorf("delete version no longer aliased: %v", err)
	}

	for _, name := range []string{"b", "a"} {
		a := moved
		a.Name = name
		if err := fs.PutAlias(ctx, &a, true); err != nil {
			t.Fatal(err)
		}
	}
	list, err := fs.ListAliases(ctx, accountA, "fn")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Name)
	}
	if fmt.Sprint(names) != "[a b prod]" {
		t.Errorf("aliases: got %v, want [a b prod]", names)
	}

	if err := fs.DeleteAlias(ctx, accountA, "fn", "a"); err != nil {
		t.Errorf("delete alias: %v", err)
	}
	if err := fs.DeleteAlias(ctx, accountA, "fn", "a"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second delete alias: got %v, want ErrNotFound", err)
	}

	// Deleting the function removes its versions and aliases.
	if err := fs.Delete(ctx, accountA, "fn"); err != nil {
		t.Fatalf("delete function with aliases: %v", err)
	}
	newFunction(t, s, accountA, "fn")
	if _, err := fs.GetAlias(ctx, accountA, "fn", "prod"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("alias survived its function: %v", err)
	}
	if v, err := fs.PublishVersion(ctx, accountA, "fn", "", now); err != nil || v.VersionID != "1" {
		t.Errorf("first version of a re-created function: %+v, %v", v, err)
	}
}

func testFunctionCodeInUse(t *testing.T, s meta.Store) {
	fs := s.Functions()
	newFunction(t, s, accountA, "fn") // code-fn
	fs.PublishVersion(ctx, accountA, "fn", "", time.Now())
	fs.Update(ctx, accountA, "fn", func(f *meta.Function) error { f.Config.CodeID = "code-2"; return nil })

	tests := []struct {
		code string
		want bool
	}{
		{"code-fn", true}, // only the version
		{"code-2", true},  // only LATEST
		{"code-other", false},
	}
	for _, tc := range tests {
		got, err := fs.CodeInUse(ctx, tc.code)
		if err != nil || got != tc.want {
			t.Errorf("CodeInUse(%s) = %v, %v; want %v", tc.code, got, err, tc.want)
		}
	}

	fs.Delete(ctx, accountA, "fn")
	if got, _ := fs.CodeInUse(ctx, "code-fn"); got {
		t.Errorf("code still in use after the function was deleted")
	}
}
