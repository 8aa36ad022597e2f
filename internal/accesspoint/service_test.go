package accesspoint

import (
	"context"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/osserr"
)

var ctx = context.Background()

const testAccount = "1234567890123456"

// clock is a fake time source that tests move forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newService returns a Service over a fresh SQLite store with buckets
// "bucket-1" and "bucket-2" of testAccount.
func newService(t *testing.T, cfg Config) (*Service, *clock, []*meta.Bucket) {
	t.Helper()
	m, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })

	c := &clock{now: time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)}
	var buckets []*meta.Bucket
	for _, name := range []string{"bucket-1", "bucket-2"} {
		b := &meta.Bucket{Name: name, AccountID: testAccount, Region: "cn-hangzhou", CreatedAt: c.Now()}
		if err := m.Buckets().Create(ctx, b); err != nil {
			t.Fatal(err)
		}
		buckets = append(buckets, b)
	}
	cfg.Region = "cn-hangzhou"
	cfg.Now = c.Now
	return New(m, cfg), c, buckets
}

func wantCode(t *testing.T, what string, err error, code osserr.Code) {
	t.Helper()
	if !osserr.Is(err, code) {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

func createAP(t *testing.T, s *Service, b *meta.Bucket, name string) *meta.AccessPoint {
	t.Helper()
	ap, err := s.Create(ctx, b, CreateInput{Name: name, NetworkOrigin: NetworkInternet})
	if err != nil {
		t.Fatalf("create access point %s: %v", name, err)
	}
	return ap
}

var testConfig = &meta.ObjectProcessConfig{
	AllowedFeatures: []string{"GetObject-Range"},
	Transformations: []meta.Transformation{{
		Actions:               []string{"GetObject"},
		FunctionArn:           "acs:fc:cn-hangzhou:1234567890123456:services/svc.LATEST/functions/f1",
		FunctionAssumeRoleArn: "acs:ram::1234567890123456:role/aliyunfcdefaultrole",
	}},
}

func createFC(t *testing.T, s *Service, b *meta.Bucket, supporting, name string) *meta.ObjectFCAccessPoint {
	t.Helper()
	ap, err := s.CreateObjectFC(ctx, b, name, ObjectFCInput{AccessPointName: supporting, Config: testConfig})
	if err != nil {
		t.Fatalf("create Object FC Access Point %s: %v", name, err)
	}
	return ap
}

func TestStatusTurnsEnableAfterDelay(t *testing.T) {
	s, c, b := newService(t, Config{ProvisioningDelay: 10 * time.Minute})
	ap := createAP(t, s, b[0], "ap-01")
	fc := createFC(t, s, b[0], "ap-01", "fc-01") // a creating access point can support one

	if got := s.Status(ap); got != StatusCreating {
		t.Errorf("status right after creation = %s, want creating", got)
	}
	wantCode(t, "delete while creating", s.Delete(ctx, b[0], "ap-01"), osserr.InvalidAccessPointStatus)
	wantCode(t, "delete FC while creating", s.DeleteObjectFC(ctx, b[0], "fc-01"), osserr.InvalidAccessPointStatus)
	_, err := s.Resolve(ctx, ap.Alias)
	wantCode(t, "resolve while creating", err, osserr.AccessDenied)

	c.Advance(10*time.Minute - time.Second)
	if got := s.Status(ap); got != StatusCreating {
		t.Errorf("status a second before the delay ends = %s, want creating", got)
	}
	c.Advance(time.Second)
	if got := s.Status(ap); got != StatusEnable {
		t.Errorf("status after the delay = %s, want enable", got)
	}
	if got := s.ObjectFCStatus(fc); got != StatusEnable {
		t.Errorf("Object FC status after the delay = %s, want enable", got)
	}
	if _, err := s.Resolve(ctx, ap.Alias); err != nil {
		t.Errorf("resolve when enabled: %v", err)
	}
}

func TestCreateValidation(t *testing.T) {
	s, _, b := newService(t, Config{})
	createAP(t, s, b[0], "ap-01")
	tests := []struct {
		in   CreateInput
		code osserr.Code
	}{
		{CreateInput{Name: "", NetworkOrigin: "internet"}, osserr.MissingArgument},
		{CreateInput{Name: "AP", NetworkOrigin: "internet"}, osserr.InvalidArgument},
		{CreateInput{Name: "ap-02", NetworkOrigin: ""}, osserr.MissingArgument},
		{CreateInput{Name: "ap-02", NetworkOrigin: "public"}, osserr.InvalidArgument},
		{CreateInput{Name: "ap-02", NetworkOrigin: "vpc"}, osserr.InvalidArgument},
		{CreateInput{Name: "ap-01", NetworkOrigin: "internet"}, osserr.AccessPointAlreadyExists},
	}
	for _, tc := range tests {
		_, err := s.Create(ctx, b[1], tc.in)
		wantCode(t, "create "+tc.in.Name+"/"+tc.in.NetworkOrigin, err, tc.code)
	}
	ap, err := s.Create(ctx, b[1], CreateInput{Name: "ap-03", NetworkOrigin: "vpc", VpcID: "vpc-1"})
	if err != nil || ap.VpcID != "vpc-1" {
		t.Errorf("create vpc access point = %+v, %v", ap, err)
	}
}

func TestQuotas(t *testing.T) {
	s, _, b := newService(t, Config{AccessPointsPerAccount: 3, AccessPointsPerBucket: 2,
		ObjectFCAccessPointsPerAccount: 2, ObjectFCAccessPointsPerBucket: 1})
	createAP(t, s, b[0], "ap-1")
	createAP(t, s, b[0], "ap-2")
	_, err := s.Create(ctx, b[0], CreateInput{Name: "ap-3", NetworkOrigin: "internet"})
	wantCode(t, "third on one bucket", err, osserr.TooManyAccessPoints)
	if err != nil && !strings.Contains(err.Error(), "bucket-1") {
		t.Errorf("per-bucket quota message %q does not name the bucket", err)
	}
	createAP(t, s, b[1], "ap-3")
	_, err = s.Create(ctx, b[1], CreateInput{Name: "ap-4", NetworkOrigin: "internet"})
	wantCode(t, "fourth in the account", err, osserr.TooManyAccessPoints)

	createFC(t, s, b[0], "ap-1", "fc-1")
	_, err = s.CreateObjectFC(ctx, b[0], "fc-2", ObjectFCInput{AccessPointName: "ap-2"})
	wantCode(t, "second FC on one bucket", err, osserr.TooManyAccessPointsForObjectProcess)
	createFC(t, s, b[1], "ap-3", "fc-2")
	_, err = s.CreateObjectFC(ctx, b[1], "fc-3", ObjectFCInput{AccessPointName: "ap-3"})
	wantCode(t, "third FC in the account", err, osserr.TooManyAccessPointsForObjectProcess)
}

func TestListPages(t *testing.T) {
	s, _, b := newService(t, Config{})
	for _, name := range []string{"ap-e", "ap-a", "ap-d"} {
		createAP(t, s, b[0], name)
	}
	for _, name := range []string{"ap-b", "ap-c"} {
		createAP(t, s, b[1], name)
	}

	var got []string
	token := ""
	for pages := 0; ; pages++ {
		page, err := s.List(ctx, testAccount, "", token, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, ap := range page.AccessPoints {
			got = append(got, ap.Name)
		}
		if page.NextToken == "" || pages > 5 {
			break
		}
		token = page.NextToken
	}
	if strings.Join(got, ",") != "ap-a,ap-b,ap-c,ap-d,ap-e" {
		t.Errorf("account pages = %v", got)
	}

	page, err := s.List(ctx, testAccount, "bucket-1", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.AccessPoints) != 1 || page.AccessPoints[0].Name != "ap-a" || page.MaxKeys != 1 {
		t.Fatalf("first bucket page = %+v", page)
	}
	// A bucket-level token continues an account-level listing.
	page, err = s.List(ctx, testAccount, "", page.NextToken, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.AccessPoints) != 4 || page.AccessPoints[0].Name != "ap-b" || page.MaxKeys != 1000 || page.NextToken != "" {
		t.Errorf("account page after a bucket token = %d records from %s, max-keys %d", len(page.AccessPoints), page.AccessPoints[0].Name, page.MaxKeys)
	}

	for _, tc := range []struct {
		bucket, token string
		max           int
	}{
		{"bucket-1", "", 101},
		{"", "", 1001},
		{"", "", -1},
		{"", "!!", 0},
	} {
		_, err := s.List(ctx, testAccount, tc.bucket, tc.token, tc.max)
		wantCode(t, "list with bad arguments", err, osserr.InvalidArgument)
	}
}

func TestDeleteInUseNamesUsers(t *testing.T) {
	s, _, b := newService(t, Config{})
	createAP(t, s, b[0], "ap-1")
	createFC(t, s, b[0], "ap-1", "fc-b")
	createFC(t, s, b[0], "ap-1", "fc-a")

	err := s.Delete(ctx, b[0], "ap-1")
	wantCode(t, "delete used access point", err, osserr.AccessPointInUse)
	if err != nil && !strings.Contains(err.Error(), "fc-a, fc-b") {
		t.Errorf("message %q does not name fc-a and fc-b", err)
	}
	wantCode(t, "delete on the wrong bucket", s.Delete(ctx, b[1], "ap-1"), osserr.NoSuchAccessPoint)
}

func TestPolicies(t *testing.T) {
	s, _, b := newService(t, Config{})
	createAP(t, s, b[0], "ap-1")
	createFC(t, s, b[0], "ap-1", "fc-1")

	_, err := s.GetPolicy(ctx, b[0], "ap-1")
	wantCode(t, "get missing policy", err, osserr.NoSuchAccessPointPolicy)
	wantCode(t, "put malformed policy", s.PutPolicy(ctx, b[0], "ap-1", []byte(`{"Version":"1","Statement":[{"Effect":"Alow"}]}`)), osserr.MalformedPolicy)
	wantCode(t, "put policy on missing access point", s.PutPolicy(ctx, b[0], "ap-9", []byte(`{}`)), osserr.NoSuchAccessPoint)

	public := []byte(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["*"]}]}`)
	if err := s.PutBlockPublicAccess(ctx, b[0], "ap-1", true); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "public policy under Block Public Access", s.PutPolicy(ctx, b[0], "ap-1", public), osserr.AccessDenied)
	if err := s.PutBlockPublicAccess(ctx, b[0], "ap-1", false); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPolicy(ctx, b[0], "ap-1", public); err != nil {
		t.Errorf("public policy without Block Public Access: %v", err)
	}

	block := true
	if err := s.PutObjectFCConfig(ctx, b[0], "fc-1", ObjectFCConfigInput{BlockPublicAccess: &block}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "public FC policy under Block Public Access", s.PutObjectFCPolicy(ctx, b[0], "fc-1", public), osserr.AccessDenied)
	_, err = s.GetObjectFCPolicy(ctx, b[0], "fc-1")
	wantCode(t, "get missing FC policy", err, osserr.NoSuchAccessPointPolicy)
	fc, _ := s.GetObjectFC(ctx, b[0], "fc-1")
	if fc.Config == nil || len(fc.Config.Transformations) != 1 {
		t.Errorf("a config without ObjectProcessConfiguration replaced the stored one: %+v", fc.Config)
	}
}

func TestObjectFCValidation(t *testing.T) {
	s, _, b := newService(t, Config{})
	createAP(t, s, b[0], "ap-1")
	createAP(t, s, b[1], "ap-2")
	yes, no, empty := "true", "false", ""

	with := func(edit func(*meta.Transformation)) *meta.ObjectProcessConfig {
		tr := testConfig.Transformations[0]
		edit(&tr)
		return &meta.ObjectProcessConfig{Transformations: []meta.Transformation{tr}}
	}
	tests := []struct {
		what string
		name string
		in   ObjectFCInput
		code osserr.Code
	}{
		{"missing name", "", ObjectFCInput{AccessPointName: "ap-1"}, osserr.MissingArgument},
		{"bad name", "FC", ObjectFCInput{AccessPointName: "ap-1"}, osserr.InvalidArgument},
		{"no supporting access point", "fc-1", ObjectFCInput{}, osserr.MissingArgument},
		{"unknown supporting access point", "fc-1", ObjectFCInput{AccessPointName: "ap-9"}, osserr.NoSuchAccessPoint},
		{"supporting access point on another bucket", "fc-1", ObjectFCInput{AccessPointName: "ap-2"}, osserr.NoSuchAccessPoint},
		{"anonymous true", "fc-1", ObjectFCInput{AccessPointName: "ap-1", AllowAnonymousAccess: &yes}, osserr.InvalidArgument},
		{"anonymous empty", "fc-1", ObjectFCInput{AccessPointName: "ap-1", AllowAnonymousAccess: &empty}, osserr.InvalidArgument},
		{"feature", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: &meta.ObjectProcessConfig{AllowedFeatures: []string{"PutObject-Range"}}}, osserr.InvalidArgument},
		{"two transformations", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: &meta.ObjectProcessConfig{
			Transformations: []meta.Transformation{testConfig.Transformations[0], testConfig.Transformations[0]}}}, osserr.InvalidArgument},
		{"action", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: with(func(tr *meta.Transformation) { tr.Actions = []string{"PutObject"} })}, osserr.InvalidArgument},
		{"no action", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: with(func(tr *meta.Transformation) { tr.Actions = nil })}, osserr.InvalidArgument},
		{"no function", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: with(func(tr *meta.Transformation) { tr.FunctionArn = "" })}, osserr.InvalidArgument},
		{"role", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: with(func(tr *meta.Transformation) { tr.FunctionAssumeRoleArn = "acs:ram::123:user/u" })}, osserr.InvalidArgument},
		{"header", "fc-1", ObjectFCInput{AccessPointName: "ap-1", Config: with(func(tr *meta.Transformation) { tr.CustomForwardHeaders = []string{"bad header"} })}, osserr.InvalidArgument},
	}
	for _, tc := range tests {
		_, err := s.CreateObjectFC(ctx, b[0], tc.name, tc.in)
		wantCode(t, tc.what, err, tc.code)
	}

	ap, err := s.CreateObjectFC(ctx, b[0], "fc-1", ObjectFCInput{AccessPointName: "ap-1", AllowAnonymousAccess: &no,
		Config: with(func(tr *meta.Transformation) { tr.Actions = []string{"getobject"}; tr.FunctionAssumeRoleArn = "" })})
	if err != nil {
		t.Fatalf("create with lower-case action and no role: %v", err)
	}
	if ap.AllowAnonymousAccess != "false" || ap.Config.Transformations[0].Actions[0] != "getobject" {
		t.Errorf("stored %+v; want the values as sent", ap)
	}
	_, err = s.CreateObjectFC(ctx, b[0], "fc-1", ObjectFCInput{AccessPointName: "ap-1"})
	wantCode(t, "duplicate", err, osserr.AccessPointForObjectProcessAlreadyExists)
}

func TestCheckFunctionARN(t *testing.T) {
	tests := []struct {
		arn string
		ok  bool
	}{
		{"acs:fc:cn-hangzhou:1234567890123456:services/svc.LATEST/functions/f1", true},
		{"acs:fc:cn-hangzhou:1234567890123456:services/svc/functions/f1", true},
		{"acs:fc:cn-hangzhou:1234567890123456:services/svc.2/functions/f_1-a", true},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/f1", true},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/f1:prod", true},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/f1:7", true},
		{"acs:fc:cn-beijing:1234567890123456:functions/f1", false},
		{"acs:oss:cn-hangzhou:1234567890123456:functions/f1", false},
		{"acs:fc:cn-hangzhou:12345678901234xx:functions/f1", false},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/1f", false},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/", false},
		{"acs:fc:cn-hangzhou:1234567890123456:services/svc.LATEST/f1", false},
		{"acs:fc:cn-hangzhou:1234567890123456:layers/l1", false},
		{"acs:fc:cn-hangzhou:1234567890123456:functions/f1:bad.q", false},
		{"not an arn", false},
	}
	for _, tc := range tests {
		why := checkFunctionARN(tc.arn, "cn-hangzhou")
		if (why == "") != tc.ok {
			t.Errorf("checkFunctionARN(%q) = %q; want ok=%v", tc.arn, why, tc.ok)
		}
	}
}

func TestResolve(t *testing.T) {
	s, _, b := newService(t, Config{})
	ap := createAP(t, s, b[0], "ap-1")
	fc := createFC(t, s, b[0], "ap-1", "fc-1")

	res, err := s.Resolve(ctx, ap.Alias)
	if err != nil || res.AccessPoint.Name != "ap-1" || res.ObjectFC != nil {
		t.Errorf("Resolve(plain alias) = %+v, %v", res, err)
	}
	res, err = s.Resolve(ctx, fc.Alias)
	if err != nil || res.AccessPoint.Name != "ap-1" || res.ObjectFC == nil || res.ObjectFC.Name != "fc-1" {
		t.Errorf("Resolve(FC alias) = %+v, %v", res, err)
	}
	for _, alias := range []string{"ap-9-0123-ossalias", "fc-9-0123-opapalias", "bucket-1"} {
		_, err := s.Resolve(ctx, alias)
		wantCode(t, "resolve "+alias, err, osserr.NoSuchBucket)
	}
}

func TestCheckNetwork(t *testing.T) {
	s, _, _ := newService(t, Config{VPCCIDRs: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("fd00::/8")}})
	vpc := &meta.AccessPoint{Name: "ap-vpc", NetworkOrigin: NetworkVPC}
	internet := &meta.AccessPoint{Name: "ap-net", NetworkOrigin: NetworkInternet}
	tests := []struct {
		ap       *meta.AccessPoint
		internal bool
		remote   string
		ok       bool
	}{
		{internet, false, "203.0.113.9:1234", true},
		{vpc, true, "203.0.113.9:1234", true},
		{vpc, false, "10.1.2.3:1234", true},
		{vpc, false, "[::ffff:10.1.2.3]:1234", true},
		{vpc, false, "[fd00::1]:1234", true},
		{vpc, false, "10.2.0.1:1234", false},
		{vpc, false, "127.0.0.1:1234", false},
		{vpc, false, "garbage", false},
	}
	for _, tc := range tests {
		err := s.CheckNetwork(tc.ap, tc.internal, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckNetwork(%s, internal=%v, %s) = %v; want ok=%v", tc.ap.NetworkOrigin, tc.internal, tc.remote, err, tc.ok)
		}
	}
}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		public, internal      string
		wantPub, wantInternal string
	}{
		{"127.0.0.1:9000", "127.0.0.1:9100", "127.0.0.1:9000", "127.0.0.1:9100"},
		{"oss.example.test:9000", "", "a-ossalias.oss.example.test:9000", ""},
		{"oss.example.test", "[::1]:9100", "a-ossalias.oss.example.test", "[::1]:9100"},
	}
	for _, tc := range tests {
		s := New(nil, Config{Endpoints: func() (string, string) { return tc.public, tc.internal }})
		pub, internal := s.Endpoints("a-ossalias")
		if pub != tc.wantPub || internal != tc.wantInternal {
			t.Errorf("Endpoints for %s, %s = %q, %q; want %q, %q", tc.public, tc.internal, pub, internal, tc.wantPub, tc.wantInternal)
		}
	}
}
