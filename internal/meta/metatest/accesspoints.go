package metatest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// accessPointTests are the access point stores' cases, run by Run.
var accessPointTests = []struct {
	name string
	fn   func(*testing.T, meta.Store)
}{
	{"AccessPointLifecycle", testAccessPointLifecycle},
	{"AccessPointUnique", testAccessPointUnique},
	{"AccessPointList", testAccessPointList},
	{"AccessPointAdmit", testAccessPointAdmit},
	{"AccessPointPolicyBytes", testAccessPointPolicyBytes},
	{"AccessPointKeepsBucket", testAccessPointKeepsBucket},
	{"ObjectFCAccessPointLifecycle", testObjectFCAccessPointLifecycle},
	{"ObjectFCAccessPointNeedsSupport", testObjectFCAccessPointNeedsSupport},
	{"ObjectFCAccessPointList", testObjectFCAccessPointList},
	{"ObjectFCAccessPointAdmit", testObjectFCAccessPointAdmit},
	{"AccessPointInUse", testAccessPointInUse},
}

const apRegion = "cn-hangzhou"

var apTime = time.Date(2026, 3, 4, 5, 6, 7, 8000000, time.UTC)

func newAccessPoint(bucket, name string) *meta.AccessPoint {
	return &meta.AccessPoint{
		AccountID: "1000000000000001", Region: apRegion, Name: name, Bucket: bucket,
		Alias: name + "-alias-ossalias", NetworkOrigin: "internet",
		CreatedAt: apTime, ReadyAt: apTime.Add(time.Minute),
	}
}

func newObjectFCAccessPoint(bucket, supporting, name string) *meta.ObjectFCAccessPoint {
	return &meta.ObjectFCAccessPoint{
		AccountID: "1000000000000001", Region: apRegion, Name: name, Alias: name + "-alias-opapalias",
		AccessPoint: supporting, Bucket: bucket, CreatedAt: apTime, ReadyAt: apTime,
		AllowAnonymousAccess: "false",
		Config: &meta.ObjectProcessConfig{
			AllowedFeatures: []string{"GetObject-Range"},
			Transformations: []meta.Transformation{{
				Actions:               []string{"GetObject"},
				FunctionArn:           "acs:fc:cn-hangzhou:1000000000000001:functions/f1",
				FunctionAssumeRoleArn: "acs:ram::1000000000000001:role/aliyunfcdefaultrole",
				CustomForwardHeaders:  []string{"x-custom"},
			}},
		},
	}
}

func admitAll(int, int) error { return nil }

func createAccessPoint(t *testing.T, s meta.Store, ap *meta.AccessPoint) {
	t.Helper()
	if err := s.AccessPoints().Create(ctx, ap, admitAll); err != nil {
		t.Fatalf("create access point %s: %v", ap.Name, err)
	}
}

func createObjectFCAccessPoint(t *testing.T, s meta.Store, ap *meta.ObjectFCAccessPoint) {
	t.Helper()
	if err := s.ObjectFCAccessPoints().Create(ctx, ap, admitAll); err != nil {
		t.Fatalf("create Object FC Access Point %s: %v", ap.Name, err)
	}
}

func testAccessPointLifecycle(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-ap")
	want := newAccessPoint("bucket-ap", "ap-1")
	want.NetworkOrigin, want.VpcID = "vpc", "vpc-123"
	if err := s.AccessPoints().Create(ctx, newAccessPoint("missing", "ap-0"), admitAll); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("create on missing bucket: got %v, want ErrNotFound", err)
	}
	createAccessPoint(t, s, want)

	got, err := s.AccessPoints().Get(ctx, want.AccountID, apRegion, "ap-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get = %+v, want %+v", got, want)
	}
	got, err = s.AccessPoints().GetByAlias(ctx, want.Alias)
	if err != nil || got.Name != "ap-1" {
		t.Errorf("GetByAlias = %+v, %v; want ap-1", got, err)
	}
	if _, err := s.AccessPoints().GetByAlias(ctx, "nope-ossalias"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("GetByAlias of unknown alias: got %v, want ErrNotFound", err)
	}
	if _, err := s.AccessPoints().Get(ctx, "2000000000000002", apRegion, "ap-1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("Get in another account: got %v, want ErrNotFound", err)
	}

	err = s.AccessPoints().Update(ctx, want.AccountID, apRegion, "ap-1", func(ap *meta.AccessPoint) error {
		ap.BlockPublicAccess = true
		ap.Policy = []byte(`{"Version":"1"}`)
		ap.Bucket = "changed" // not saved: only the policy and BPA can change
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.AccessPoints().Get(ctx, want.AccountID, apRegion, "ap-1")
	if !got.BlockPublicAccess || string(got.Policy) != `{"Version":"1"}` || got.Bucket != "bucket-ap" {
		t.Errorf("after Update: %+v", got)
	}
	abort := errors.New("abort")
	if err := s.AccessPoints().Update(ctx, want.AccountID, apRegion, "ap-1", func(*meta.AccessPoint) error { return abort }); err != abort {
		t.Errorf("Update with failing fn: got %v, want its error", err)
	}
	if err := s.AccessPoints().Update(ctx, want.AccountID, apRegion, "ap-9", func(*meta.AccessPoint) error { return nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("Update of unknown access point: got %v, want ErrNotFound", err)
	}

	if err := s.AccessPoints().Delete(ctx, want.AccountID, apRegion, "ap-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AccessPoints().Get(ctx, want.AccountID, apRegion, "ap-1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := s.AccessPoints().Delete(ctx, want.AccountID, apRegion, "ap-1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second Delete: got %v, want ErrNotFound", err)
	}
}

func testAccessPointUnique(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-u1")
	newBucket(t, s, "bucket-u2")
	createAccessPoint(t, s, newAccessPoint("bucket-u1", "ap-1"))

	sameName := newAccessPoint("bucket-u2", "ap-1")
	sameName.Alias = "other-ossalias"
	if err := s.AccessPoints().Create(ctx, sameName, admitAll); !errors.Is(err, meta.ErrExists) {
		t.Errorf("same name on another bucket: got %v, want ErrExists", err)
	}
	sameAlias := newAccessPoint("bucket-u2", "ap-2")
	sameAlias.Alias = "ap-1-alias-ossalias"
	if err := s.AccessPoints().Create(ctx, sameAlias, admitAll); !errors.Is(err, meta.ErrExists) {
		t.Errorf("same alias: got %v, want ErrExists", err)
	}

	otherAccount := newAccessPoint("bucket-u2", "ap-1")
	otherAccount.AccountID, otherAccount.Alias = "2000000000000002", "ap-1-other-ossalias"
	createAccessPoint(t, s, otherAccount)
	otherRegion := newAccessPoint("bucket-u2", "ap-1")
	otherRegion.Region, otherRegion.Alias = "cn-shanghai", "ap-1-sh-ossalias"
	createAccessPoint(t, s, otherRegion)
}

func testAccessPointList(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-l1")
	newBucket(t, s, "bucket-l2")
	for i, name := range []string{"ap-c", "ap-a", "ap-d", "ap-b"} {
		createAccessPoint(t, s, newAccessPoint([]string{"bucket-l1", "bucket-l2"}[i%2], name))
	}
	other := newAccessPoint("bucket-l1", "ap-z")
	other.AccountID, other.Alias = "2000000000000002", "ap-z-other-ossalias"
	createAccessPoint(t, s, other)

	names := func(aps []*meta.AccessPoint) string {
		out := ""
		for _, ap := range aps {
			out += ap.Name + ","
		}
		return out
	}
	tests := []struct {
		bucket, after string
		limit         int
		want          string
	}{
		{"", "", 10, "ap-a,ap-b,ap-c,ap-d,"},
		{"", "", 2, "ap-a,ap-b,"},
		{"", "ap-b", 10, "ap-c,ap-d,"},
		{"bucket-l1", "", 10, "ap-c,ap-d,"},
		{"bucket-l2", "ap-a", 10, "ap-b,"},
		{"bucket-l2", "ap-b", 10, ""},
	}
	for _, tc := range tests {
		got, err := s.AccessPoints().List(ctx, "1000000000000001", apRegion, tc.bucket, tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != tc.want {
			t.Errorf("List(bucket %q, after %q, limit %d) = %s; want %s", tc.bucket, tc.after, tc.limit, names(got), tc.want)
		}
	}
}

func testAccessPointAdmit(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-q1")
	newBucket(t, s, "bucket-q2")
	createAccessPoint(t, s, newAccessPoint("bucket-q1", "ap-1"))
	createAccessPoint(t, s, newAccessPoint("bucket-q1", "ap-2"))
	createAccessPoint(t, s, newAccessPoint("bucket-q2", "ap-3"))

	var gotAccount, gotBucket int
	quota := errors.New("quota")
	err := s.AccessPoints().Create(ctx, newAccessPoint("bucket-q1", "ap-4"), func(inAccount, inBucket int) error {
		gotAccount, gotBucket = inAccount, inBucket
		return quota
	})
	if err != quota {
		t.Errorf("Create with failing admit: got %v, want its error", err)
	}
	if gotAccount != 3 || gotBucket != 2 {
		t.Errorf("admit saw %d in the account and %d in the bucket; want 3 and 2", gotAccount, gotBucket)
	}
	if _, err := s.AccessPoints().Get(ctx, "1000000000000001", apRegion, "ap-4"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("rejected access point was stored: %v", err)
	}
}

func testAccessPointPolicyBytes(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-p")
	createAccessPoint(t, s, newAccessPoint("bucket-p", "ap-1"))
	doc := []byte("{ \"Version\" : \"1\",\n\t\"Statement\": [] , \"x\":\"\u00e9\\u00e9\" }\n")
	err := s.AccessPoints().Update(ctx, "1000000000000001", apRegion, "ap-1", func(ap *meta.AccessPoint) error {
		ap.Policy = doc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.AccessPoints().Get(ctx, "1000000000000001", apRegion, "ap-1")
	if string(got.Policy) != string(doc) {
		t.Errorf("policy = %q, want %q", got.Policy, doc)
	}

	err = s.AccessPoints().Update(ctx, "1000000000000001", apRegion, "ap-1", func(ap *meta.AccessPoint) error {
		ap.Policy = nil
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.AccessPoints().Get(ctx, "1000000000000001", apRegion, "ap-1")
	if got.Policy != nil {
		t.Errorf("deleted policy reads back as %q, want nil", got.Policy)
	}
}

func testAccessPointKeepsBucket(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-k")
	createAccessPoint(t, s, newAccessPoint("bucket-k", "ap-2"))
	createAccessPoint(t, s, newAccessPoint("bucket-k", "ap-1"))

	err := s.Buckets().Delete(ctx, "bucket-k")
	if !errors.Is(err, meta.ErrNotEmpty) {
		t.Fatalf("delete bucket with access points: got %v, want ErrNotEmpty", err)
	}
	d := meta.Dependents(err)
	if d == nil || fmt.Sprint(d.Names) != "[ap-1 ap-2]" {
		t.Errorf("dependents = %+v, want access points ap-1 and ap-2", d)
	}

	for _, name := range []string{"ap-1", "ap-2"} {
		if err := s.AccessPoints().Delete(ctx, "1000000000000001", apRegion, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Buckets().Delete(ctx, "bucket-k"); err != nil {
		t.Errorf("delete bucket after its access points: %v", err)
	}
}

func testObjectFCAccessPointLifecycle(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-f")
	createAccessPoint(t, s, newAccessPoint("bucket-f", "ap-1"))
	want := newObjectFCAccessPoint("bucket-f", "ap-1", "fc-1")
	createObjectFCAccessPoint(t, s, want)

	got, err := s.ObjectFCAccessPoints().Get(ctx, want.AccountID, apRegion, "fc-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Get = %+v, want %+v", got, want)
	}
	got, err = s.ObjectFCAccessPoints().GetByAlias(ctx, want.Alias)
	if err != nil || got.Name != "fc-1" {
		t.Errorf("GetByAlias = %+v, %v; want fc-1", got, err)
	}
	if _, err := s.ObjectFCAccessPoints().GetByAlias(ctx, "ap-1-alias-ossalias"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("GetByAlias of a plain alias: got %v, want ErrNotFound", err)
	}

	doc := []byte(`{"Version":"1","Statement":[]}` + "\n")
	err = s.ObjectFCAccessPoints().Update(ctx, want.AccountID, apRegion, "fc-1", func(ap *meta.ObjectFCAccessPoint) error {
		ap.Config = nil
		ap.BlockPublicAccess = true
		ap.AllowAnonymousAccess = ""
		ap.Policy = doc
		ap.AccessPoint = "changed" // not saved
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.ObjectFCAccessPoints().Get(ctx, want.AccountID, apRegion, "fc-1")
	if got.Config != nil || !got.BlockPublicAccess || got.AllowAnonymousAccess != "" || string(got.Policy) != string(doc) || got.AccessPoint != "ap-1" {
		t.Errorf("after Update: %+v", got)
	}

	if err := s.ObjectFCAccessPoints().Delete(ctx, want.AccountID, apRegion, "fc-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ObjectFCAccessPoints().Get(ctx, want.AccountID, apRegion, "fc-1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("Get after Delete: got %v, want ErrNotFound", err)
	}
	if err := s.ObjectFCAccessPoints().Delete(ctx, want.AccountID, apRegion, "fc-1"); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("second Delete: got %v, want ErrNotFound", err)
	}
}

func testObjectFCAccessPointNeedsSupport(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-s1")
	newBucket(t, s, "bucket-s2")
	createAccessPoint(t, s, newAccessPoint("bucket-s1", "ap-1"))

	if err := s.ObjectFCAccessPoints().Create(ctx, newObjectFCAccessPoint("bucket-s1", "ap-9", "fc-1"), admitAll); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("missing supporting access point: got %v, want ErrNotFound", err)
	}
	if err := s.ObjectFCAccessPoints().Create(ctx, newObjectFCAccessPoint("bucket-s2", "ap-1", "fc-1"), admitAll); !errors.Is(err, meta.ErrNotFound) {
		t.Errorf("supporting access point on another bucket: got %v, want ErrNotFound", err)
	}
	createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-s1", "ap-1", "fc-1"))
	if err := s.ObjectFCAccessPoints().Create(ctx, newObjectFCAccessPoint("bucket-s1", "ap-1", "fc-1"), admitAll); !errors.Is(err, meta.ErrExists) {
		t.Errorf("duplicate name: got %v, want ErrExists", err)
	}
}

func testObjectFCAccessPointList(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-fl")
	createAccessPoint(t, s, newAccessPoint("bucket-fl", "ap-1"))
	for _, name := range []string{"fc-c", "fc-a", "fc-b"} {
		createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-fl", "ap-1", name))
	}
	got, err := s.ObjectFCAccessPoints().List(ctx, "1000000000000001", apRegion, "fc-a", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "fc-b" {
		t.Errorf("List after fc-a, limit 1 = %+v; want fc-b", got)
	}
	got, _ = s.ObjectFCAccessPoints().List(ctx, "1000000000000001", apRegion, "", 10)
	if len(got) != 3 || got[0].Name != "fc-a" || got[2].Name != "fc-c" {
		t.Errorf("List from the start returned %d records, want fc-a, fc-b, fc-c", len(got))
	}
	got, _ = s.ObjectFCAccessPoints().List(ctx, "2000000000000002", apRegion, "", 10)
	if len(got) != 0 {
		t.Errorf("another account lists %d records, want none", len(got))
	}
}

func testObjectFCAccessPointAdmit(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-fq1")
	newBucket(t, s, "bucket-fq2")
	createAccessPoint(t, s, newAccessPoint("bucket-fq1", "ap-1"))
	createAccessPoint(t, s, newAccessPoint("bucket-fq2", "ap-2"))
	createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-fq1", "ap-1", "fc-1"))
	createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-fq2", "ap-2", "fc-2"))

	var gotAccount, gotBucket int
	quota := errors.New("quota")
	err := s.ObjectFCAccessPoints().Create(ctx, newObjectFCAccessPoint("bucket-fq1", "ap-1", "fc-3"), func(inAccount, inBucket int) error {
		gotAccount, gotBucket = inAccount, inBucket
		return quota
	})
	if err != quota {
		t.Errorf("Create with failing admit: got %v, want its error", err)
	}
	if gotAccount != 2 || gotBucket != 1 {
		t.Errorf("admit saw %d in the account and %d in the bucket; want 2 and 1", gotAccount, gotBucket)
	}
}

func testAccessPointInUse(t *testing.T, s meta.Store) {
	newBucket(t, s, "bucket-iu")
	createAccessPoint(t, s, newAccessPoint("bucket-iu", "ap-1"))
	createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-iu", "ap-1", "fc-2"))
	createObjectFCAccessPoint(t, s, newObjectFCAccessPoint("bucket-iu", "ap-1", "fc-1"))

	err := s.AccessPoints().Delete(ctx, "1000000000000001", apRegion, "ap-1")
	d := meta.Dependents(err)
	if d == nil || fmt.Sprint(d.Names) != "[fc-1 fc-2]" || !errors.Is(err, meta.ErrNotEmpty) {
		t.Fatalf("delete used access point: got %v, want dependents fc-1 and fc-2", err)
	}
	for _, name := range []string{"fc-1", "fc-2"} {
		if err := s.ObjectFCAccessPoints().Delete(ctx, "1000000000000001", apRegion, name); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AccessPoints().Delete(ctx, "1000000000000001", apRegion, "ap-1"); err != nil {
		t.Errorf("delete access point after its users: %v", err)
	}
}
