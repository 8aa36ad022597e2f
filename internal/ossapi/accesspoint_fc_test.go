package ossapi_test

import (
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/testenv"
)

// fcConfig is the ObjectProcessConfiguration the SDK's integration tests
// send: GetObject through one function, with Range requests allowed.
func fcConfig(env *testenv.Env, function string) *oss.ObjectProcessConfiguration {
	return &oss.ObjectProcessConfiguration{
		AllowedFeatures: &oss.ObjectProcessAllowedFeatures{AllowedFeatures: []string{"GetObject-Range"}},
		TransformationConfigurations: &oss.TransformationConfigurations{TransformationConfigurations: []oss.TransformationConfiguration{{
			Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
			ContentTransformation: &oss.ContentTransformation{FunctionCompute: &oss.ObjectProcessFunctionCompute{
				FunctionArn:           oss.Ptr("acs:fc:" + env.Region + ":" + env.AccountID + ":services/test-oss-fc.LATEST/functions/" + function),
				FunctionAssumeRoleArn: oss.Ptr("acs:ram::" + env.AccountID + ":role/aliyunfcdefaultrole"),
			}},
		}}},
	}
}

func createObjectFC(t *testing.T, c *oss.Client, env *testenv.Env, bucket, supporting, name string) *oss.CreateAccessPointForObjectProcessResult {
	t.Helper()
	res, err := c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr(supporting), ObjectProcessConfiguration: fcConfig(env, "fc-01"),
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPointForObjectProcess %s: %v", name, err)
	}
	return res
}

var fcAliasForm = regexp.MustCompile(`^fc-ap-01-[0-9a-f]{30}-opapalias$`)

func TestObjectFCAccessPointLifecycle(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "fc-bucket")
	createAccessPoint(t, c, "fc-bucket", "ap-01")

	// Create.
	created := createObjectFC(t, c, env, "fc-bucket", "ap-01", "fc-ap-01")
	wantARN := "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspointforobjectprocess/fc-ap-01"
	if created.StatusCode != 200 || *created.AccessPointForObjectProcessArn != wantARN {
		t.Errorf("Create = %d, %s; want 200, %s", created.StatusCode, *created.AccessPointForObjectProcessArn, wantARN)
	}
	alias := *created.AccessPointForObjectProcessAlias
	if !fcAliasForm.MatchString(alias) {
		t.Errorf("alias %q does not have the form fc-ap-01-<30 hex>-opapalias", alias)
	}

	// Get.
	got, err := c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr("fc-bucket"), AccessPointForObjectProcessName: oss.Ptr("fc-ap-01")})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	for field, v := range map[string][2]string{
		"AccessPointNameForObjectProcess":      {*got.AccessPointNameForObjectProcess, "fc-ap-01"},
		"AccessPointForObjectProcessAlias":     {*got.AccessPointForObjectProcessAlias, alias},
		"AccessPointName":                      {*got.AccessPointName, "ap-01"},
		"AccountId":                            {*got.AccountId, env.AccountID},
		"AccessPointForObjectProcessArn":       {*got.AccessPointForObjectProcessArn, wantARN},
		"Status":                               {*got.AccessPointForObjectProcessStatus, "enable"},
		"AllowAnonymousAccessForObjectProcess": {*got.AllowAnonymousAccessForObjectProcess, "false"},
		"PublicEndpoint":                       {*got.Endpoints.PublicEndpoint, "127.0.0.1:" + env.Port()},
	} {
		if v[0] != v[1] {
			t.Errorf("Get %s = %q, want %q", field, v[0], v[1])
		}
	}
	if got.CreationDate == nil || *got.CreationDate == "" || *got.PublicAccessBlockConfiguration.BlockPublicAccess {
		t.Errorf("Get CreationDate %v, BlockPublicAccess not false", got.CreationDate)
	}

	// List.
	list, err := c.ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	items := list.AccessPointsForObjectProcess.AccessPointForObjectProcesses
	if len(items) != 1 || *items[0].AccessPointForObjectProcessAlias != alias || *items[0].AccessPointName != "ap-01" ||
		*items[0].Status != "enable" || *list.AccountId != env.AccountID || *list.IsTruncated {
		t.Errorf("List = %+v", list)
	}

	// Policy round trip, byte for byte.
	policy := `{"Version":"1","Statement":[{"Action":["oss:GetObject"],"Effect":"Allow","Principal":["` + env.AccountID +
		`"],"Resource":["` + wantARN + `/object/*"]}]}`
	req := func() (*string, *string) { return oss.Ptr("fc-bucket"), oss.Ptr("fc-ap-01") }
	b, n := req()
	put, err := c.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n, Body: strings.NewReader(policy)})
	if err != nil || put.StatusCode != 200 {
		t.Fatalf("PutPolicy: %v", err)
	}
	gotPolicy, err := c.GetAccessPointPolicyForObjectProcess(ctx, &oss.GetAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if err != nil || gotPolicy.Body != policy {
		t.Errorf("GetPolicy = %q, %v; want the document put", gotPolicy.Body, err)
	}
	del, err := c.DeleteAccessPointPolicyForObjectProcess(ctx, &oss.DeleteAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if err != nil || del.StatusCode != 204 {
		t.Errorf("DeletePolicy = %v; want 204", err)
	}
	_, err = c.GetAccessPointPolicyForObjectProcess(ctx, &oss.GetAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	wantServiceError(t, "GetPolicy after delete", err, 404, "NoSuchAccessPointPolicy")

	// Configuration round trip.
	conf := fcConfig(env, "fc-02")
	conf.TransformationConfigurations.TransformationConfigurations[0].ContentTransformation.AdditionalFeatures =
		&oss.ObjectProcessAdditionalFeatures{CustomForwardHeaders: &oss.ObjectProcessCustomForwardHeaders{CustomForwardHeaders: []string{"x-trace-id"}}}
	putConf, err := c.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{
		Bucket: b, AccessPointForObjectProcessName: n,
		PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{
			AllowAnonymousAccessForObjectProcess: oss.Ptr("false"),
			ObjectProcessConfiguration:           conf,
			PublicAccessBlockConfiguration:       &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)},
		},
	})
	if err != nil || putConf.StatusCode != 200 {
		t.Fatalf("PutConfig: %v", err)
	}
	gotConf, err := c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if err != nil {
		t.Fatalf("GetConfig: %v", err)
	}
	tr := gotConf.ObjectProcessConfiguration.TransformationConfigurations.TransformationConfigurations
	if len(tr) != 1 || *tr[0].ContentTransformation.FunctionCompute.FunctionArn != *conf.TransformationConfigurations.TransformationConfigurations[0].ContentTransformation.FunctionCompute.FunctionArn ||
		*tr[0].ContentTransformation.FunctionCompute.FunctionAssumeRoleArn != "acs:ram::"+env.AccountID+":role/aliyunfcdefaultrole" ||
		tr[0].Actions.Actions[0] != "GetObject" ||
		tr[0].ContentTransformation.AdditionalFeatures.CustomForwardHeaders.CustomForwardHeaders[0] != "x-trace-id" {
		t.Errorf("GetConfig transformation = %+v", tr)
	}
	if f := gotConf.ObjectProcessConfiguration.AllowedFeatures.AllowedFeatures; len(f) != 1 || f[0] != "GetObject-Range" {
		t.Errorf("GetConfig allowed features = %v", f)
	}
	if !*gotConf.PublicAccessBlockConfiguration.BlockPublicAccess || *gotConf.AllowAnonymousAccessForObjectProcess != "false" {
		t.Errorf("GetConfig Block Public Access or anonymous access not as put")
	}
	got, _ = c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if *got.AccessPointForObjectProcessAlias != alias || *got.AccessPointName != "ap-01" {
		t.Errorf("PutConfig changed the alias or supporting access point: %s, %s", *got.AccessPointForObjectProcessAlias, *got.AccessPointName)
	}

	// The supporting access point cannot go while the Object FC Access Point uses it.
	_, err = env.Client(testenv.NoRetry).DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr("ap-01")})
	se := wantServiceError(t, "DeleteAccessPoint in use", err, 409, "AccessPointInUse")
	if !strings.Contains(se.Message, "fc-ap-01") {
		t.Errorf("message %q does not name fc-ap-01", se.Message)
	}

	// Delete.
	delFC, err := c.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if err != nil || delFC.StatusCode != 204 {
		t.Fatalf("Delete = %v; want 204", err)
	}
	_, err = c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	wantServiceError(t, "Get after delete", err, 404, "NoSuchAccessPointForObjectProcess")
	list, err = c.ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{})
	if err != nil || list.AccessPointsForObjectProcess == nil || len(list.AccessPointsForObjectProcess.AccessPointForObjectProcesses) != 0 {
		t.Errorf("List after delete = %+v, %v; want an empty container", list, err)
	}
	if _, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr("ap-01")}); err != nil {
		t.Errorf("DeleteAccessPoint after its user is gone: %v", err)
	}
}

// TestObjectFCConfigElementOrder sends the configuration in the order of the
// OSS documentation, which differs from the SDK's, with a lower-case action
// and no ObjectProcessConfiguration at all.
func TestObjectFCConfigElementOrder(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "order-bucket")
	createAccessPoint(t, c, "order-bucket", "ap-01")

	body := `<?xml version="1.0" encoding="UTF-8"?>
<CreateAccessPointForObjectProcessConfiguration>
  <ObjectProcessConfiguration>
    <AllowedFeatures><AllowedFeature>GetObject-Range</AllowedFeature></AllowedFeatures>
    <TransformationConfigurations>
      <TransformationConfiguration>
        <ContentTransformation>
          <FunctionCompute>
            <FunctionAssumeRoleArn>acs:ram::` + env.AccountID + `:role/aliyunossobjectfcforossdefaultrole</FunctionAssumeRoleArn>
            <FunctionArn>acs:fc:` + env.Region + `:` + env.AccountID + `:functions/fc-02:LATEST</FunctionArn>
          </FunctionCompute>
        </ContentTransformation>
        <Actions><Action>getobject</Action></Actions>
      </TransformationConfiguration>
    </TransformationConfigurations>
  </ObjectProcessConfiguration>
  <AccessPointName>ap-01</AccessPointName>
</CreateAccessPointForObjectProcessConfiguration>`
	out, err := c.InvokeOperation(ctx, &oss.OperationInput{
		OpName: "CreateAccessPointForObjectProcess", Method: "PUT", Bucket: oss.Ptr("order-bucket"),
		Headers:    map[string]string{"x-oss-access-point-for-object-process-name": "fc-ap-01", "Content-Type": "application/xml"},
		Parameters: map[string]string{"accessPointForObjectProcess": ""}, Body: strings.NewReader(body),
	})
	if err != nil {
		t.Fatalf("create with documented element order: %v", err)
	}
	out.Body.Close()

	conf, err := c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{
		Bucket: oss.Ptr("order-bucket"), AccessPointForObjectProcessName: oss.Ptr("fc-ap-01")})
	if err != nil {
		t.Fatal(err)
	}
	tr := conf.ObjectProcessConfiguration.TransformationConfigurations.TransformationConfigurations
	if len(tr) != 1 || tr[0].Actions.Actions[0] != "getobject" ||
		*tr[0].ContentTransformation.FunctionCompute.FunctionArn != "acs:fc:"+env.Region+":"+env.AccountID+":functions/fc-02:LATEST" {
		t.Errorf("stored transformation = %+v; want the values as sent", tr)
	}

	// Without ObjectProcessConfiguration, as another SDK creates them.
	_, err = c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr("order-bucket"), AccessPointForObjectProcessName: oss.Ptr("fc-ap-02"),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{AccessPointName: oss.Ptr("ap-01")},
	})
	if err != nil {
		t.Fatalf("create without configuration: %v", err)
	}
	conf, err = c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{
		Bucket: oss.Ptr("order-bucket"), AccessPointForObjectProcessName: oss.Ptr("fc-ap-02")})
	if err != nil || conf.ObjectProcessConfiguration == nil || conf.ObjectProcessConfiguration.TransformationConfigurations == nil {
		t.Errorf("GetConfig without a configuration = %+v, %v; want empty containers", conf, err)
	}
}

func TestObjectFCOperationsOnMissingBucket(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	b, n := oss.Ptr("no-such-bucket"), oss.Ptr("fc-ap-01")
	calls := map[string]func() error{
		"Create": func() error {
			_, err := c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n,
				CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{AccessPointName: oss.Ptr("ap-01"), ObjectProcessConfiguration: fcConfig(env, "f")}})
			return err
		},
		"Get": func() error {
			_, err := c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
			return err
		},
		"Delete": func() error {
			_, err := c.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
			return err
		},
		"PutConfig": func() error {
			_, err := c.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n,
				PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{ObjectProcessConfiguration: fcConfig(env, "f"),
					PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}}})
			return err
		},
		"GetConfig": func() error {
			_, err := c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
			return err
		},
		"PutPolicy": func() error {
			_, err := c.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n, Body: strings.NewReader(`{}`)})
			return err
		},
		"GetPolicy": func() error {
			_, err := c.GetAccessPointPolicyForObjectProcess(ctx, &oss.GetAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
			return err
		},
		"DeletePolicy": func() error {
			_, err := c.DeleteAccessPointPolicyForObjectProcess(ctx, &oss.DeleteAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
			return err
		},
	}
	for op, call := range calls {
		se := wantServiceError(t, op, call(), 404, "NoSuchBucket")
		if se.Message != "The specified bucket does not exist." || se.EC != "0015-00000101" {
			t.Errorf("%s: message %q, EC %q", op, se.Message, se.EC)
		}
	}

	// A key the server does not know, on the service-level listing.
	_, err := env.Client(testenv.NoRetry, testenv.WithKey("ak", "sk", "")).ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{})
	se := wantServiceError(t, "List with an unknown key", err, 403, "InvalidAccessKeyId")
	if se.EC != "0002-00000902" {
		t.Errorf("EC = %q, want 0002-00000902", se.EC)
	}
}

func TestObjectFCErrors(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	putBucket(t, c, "fcerr-bucket")
	putBucket(t, c, "fcerr-other")
	createAccessPoint(t, c, "fcerr-bucket", "ap-01")
	createAccessPoint(t, c, "fcerr-other", "ap-02")
	createObjectFC(t, c, env, "fcerr-bucket", "ap-01", "fc-ap-01")

	create := func(bucket, supporting, name string, anonymous *string, conf *oss.ObjectProcessConfiguration) error {
		_, err := c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
			Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name),
			CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
				AccessPointName: oss.Ptr(supporting), AllowAnonymousAccessForObjectProcess: anonymous, ObjectProcessConfiguration: conf},
		})
		return err
	}
	edit := func(fn func(tc *oss.TransformationConfiguration, c *oss.ObjectProcessConfiguration)) *oss.ObjectProcessConfiguration {
		conf := fcConfig(env, "fc-01")
		fn(&conf.TransformationConfigurations.TransformationConfigurations[0], conf)
		return conf
	}
	good := fcConfig(env, "fc-01")
	type errorCase struct {
		what   string
		err    error
		status int
		code   string
	}
	tests := []errorCase{
		{"name too short", create("fcerr-bucket", "ap-01", "fc", nil, good), 400, "InvalidArgument"},
		{"name too long", create("fcerr-bucket", "ap-01", strings.Repeat("f", 64), nil, good), 400, "InvalidArgument"},
		{"name ends with hyphen", create("fcerr-bucket", "ap-01", "fc-", nil, good), 400, "InvalidArgument"},
		{"upper case name", create("fcerr-bucket", "ap-01", "FC-AP", nil, good), 400, "InvalidArgument"},
		{"duplicate", create("fcerr-bucket", "ap-01", "fc-ap-01", nil, good), 409, "AccessPointForObjectProcessAlreadyExists"},
		{"duplicate on another bucket", create("fcerr-other", "ap-02", "fc-ap-01", nil, good), 409, "AccessPointForObjectProcessAlreadyExists"},
		{"unknown supporting access point", create("fcerr-bucket", "ap-09", "fc-ap-02", nil, good), 404, "NoSuchAccessPoint"},
		{"supporting access point of another bucket", create("fcerr-bucket", "ap-02", "fc-ap-02", nil, good), 404, "NoSuchAccessPoint"},
		{"anonymous true", create("fcerr-bucket", "ap-01", "fc-ap-02", oss.Ptr("true"), good), 400, "InvalidArgument"},
		{"anonymous yes", create("fcerr-bucket", "ap-01", "fc-ap-02", oss.Ptr("yes"), good), 400, "InvalidArgument"},
		{"action PutObject", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
			tc.Actions.Actions = []string{"PutObject"}
		})), 400, "InvalidArgument"},
		{"feature", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(_ *oss.TransformationConfiguration, c *oss.ObjectProcessConfiguration) {
			c.AllowedFeatures.AllowedFeatures = []string{"HeadObject-Range"}
		})), 400, "InvalidArgument"},
		{"function ARN syntax", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
			tc.ContentTransformation.FunctionCompute.FunctionArn = oss.Ptr("acs:oss:" + env.Region + ":" + env.AccountID + ":services/s.LATEST/functions/f")
		})), 400, "InvalidArgument"},
		{"function in another region", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
			tc.ContentTransformation.FunctionCompute.FunctionArn = oss.Ptr("acs:fc:us-west-1:" + env.AccountID + ":functions/f")
		})), 400, "InvalidArgument"},
		{"no function", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
			tc.ContentTransformation.FunctionCompute.FunctionArn = nil
		})), 400, "InvalidArgument"},
		{"role ARN syntax", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
			tc.ContentTransformation.FunctionCompute.FunctionAssumeRoleArn = oss.Ptr("aliyunfcdefaultrole")
		})), 400, "InvalidArgument"},
		{"two transformations", create("fcerr-bucket", "ap-01", "fc-ap-02", nil, edit(func(tc *oss.TransformationConfiguration, c *oss.ObjectProcessConfiguration) {
			c.TransformationConfigurations.TransformationConfigurations = append(c.TransformationConfigurations.TransformationConfigurations, *tc)
		})), 400, "InvalidArgument"},
	}

	b, n := oss.Ptr("fcerr-bucket"), oss.Ptr("fc-ap-01")
	_, err := c.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n,
		PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{AllowAnonymousAccessForObjectProcess: oss.Ptr("true")}})
	tests = append(tests, errorCase{"PutConfig anonymous true", err, 400, "InvalidArgument"})
	_, err = c.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n,
		PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{ObjectProcessConfiguration: edit(
			func(tc *oss.TransformationConfiguration, _ *oss.ObjectProcessConfiguration) {
				tc.Actions.Actions = []string{"HeadObject"}
			})}})
	tests = append(tests, errorCase{"PutConfig action", err, 400, "InvalidArgument"})
	for _, doc := range []string{`{`, `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["*"]}]}`} {
		_, err := c.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n, Body: strings.NewReader(doc)})
		tests = append(tests, errorCase{"malformed policy " + doc, err, 400, "MalformedPolicy"})
	}
	unknown := oss.Ptr("fc-ap-09")
	_, err = c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: unknown})
	tests = append(tests, errorCase{"Get unknown", err, 404, "NoSuchAccessPointForObjectProcess"})
	_, err = c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: oss.Ptr("fcerr-other"), AccessPointForObjectProcessName: n})
	tests = append(tests, errorCase{"Get on another bucket", err, 404, "NoSuchAccessPointForObjectProcess"})
	_, err = c.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: unknown})
	tests = append(tests, errorCase{"Delete unknown", err, 404, "NoSuchAccessPointForObjectProcess"})
	_, err = c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: unknown})
	tests = append(tests, errorCase{"GetConfig unknown", err, 404, "NoSuchAccessPointForObjectProcess"})
	_, err = c.GetAccessPointPolicyForObjectProcess(ctx, &oss.GetAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: unknown})
	tests = append(tests, errorCase{"GetPolicy unknown", err, 404, "NoSuchAccessPointForObjectProcess"})
	_, err = c.InvokeOperation(ctx, &oss.OperationInput{OpName: "PutAccessPointConfigForObjectProcess", Method: "PUT", Bucket: b,
		Headers:    map[string]string{"x-oss-access-point-for-object-process-name": "fc-ap-01"},
		Parameters: map[string]string{"accessPointConfigForObjectProcess": ""}, Body: strings.NewReader("<Wrong/>")})
	tests = append(tests, errorCase{"wrong root element", err, 400, "MalformedXML"})

	for _, tc := range tests {
		wantServiceError(t, tc.what, tc.err, tc.status, tc.code)
	}

	// The rejected configurations changed nothing.
	conf, err := c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	if err != nil || conf.ObjectProcessConfiguration.TransformationConfigurations.TransformationConfigurations[0].Actions.Actions[0] != "GetObject" {
		t.Errorf("configuration after rejected updates: %+v, %v", conf, err)
	}
}

func TestObjectFCQuotas(t *testing.T) {
	env := testenv.Start(t, func(c *config.Config) {
		c.ObjectFCAccessPointsPerAccount = 3
		c.ObjectFCAccessPointsPerBucket = 2
	})
	c := env.Client(testenv.NoRetry)
	putBucket(t, c, "fcq-1")
	putBucket(t, c, "fcq-2")
	createAccessPoint(t, c, "fcq-1", "ap-1")
	createAccessPoint(t, c, "fcq-2", "ap-2")
	createObjectFC(t, c, env, "fcq-1", "ap-1", "fc-1")
	createObjectFC(t, c, env, "fcq-1", "ap-1", "fc-2")

	create := func(bucket, supporting, name string) error {
		_, err := c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
			Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name),
			CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{AccessPointName: oss.Ptr(supporting)},
		})
		return err
	}
	se := wantServiceError(t, "third on a bucket", create("fcq-1", "ap-1", "fc-3"), 400, "TooManyAccessPointsForObjectProcess")
	if !strings.Contains(se.Message, "fcq-1") {
		t.Errorf("per-bucket quota message %q does not name the bucket", se.Message)
	}
	createObjectFC(t, c, env, "fcq-2", "ap-2", "fc-3")
	wantServiceError(t, "fourth in the account", create("fcq-2", "ap-2", "fc-4"), 400, "TooManyAccessPointsForObjectProcess")
}

func TestListObjectFCPages(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "fcl-bucket")
	createAccessPoint(t, c, "fcl-bucket", "ap-01")
	for _, name := range []string{"fc-c", "fc-a", "fc-b"} {
		createObjectFC(t, c, env, "fcl-bucket", "ap-01", name)
	}

	var names []string
	token := oss.Ptr("")
	for page := 0; page < 10; page++ {
		res, err := c.ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{MaxKeys: 2, ContinuationToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		for _, ap := range res.AccessPointsForObjectProcess.AccessPointForObjectProcesses {
			names = append(names, *ap.AccessPointNameForObjectProcess)
		}
		if !*res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
	}
	if strings.Join(names, ",") != "fc-a,fc-b,fc-c" {
		t.Errorf("pages listed %v", names)
	}
	_, err := env.Client(testenv.NoRetry).ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{MaxKeys: 1001})
	wantServiceError(t, "max-keys 1001", err, 400, "InvalidArgument")
}

func TestObjectFCStatusPolling(t *testing.T) {
	env := testenv.Start(t, func(c *config.Config) { c.ProvisioningDelay = 300 * time.Millisecond })
	c := env.Client()
	putBucket(t, c, "fcpoll-bucket")
	createAccessPoint(t, c, "fcpoll-bucket", "ap-01")
	// The supporting access point may still be creating, as in the SDK's
	// integration test, which creates both within a second.
	createObjectFC(t, c, env, "fcpoll-bucket", "ap-01", "fc-ap-01")

	b, n := oss.Ptr("fcpoll-bucket"), oss.Ptr("fc-ap-01")
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
		if err != nil {
			t.Fatal(err)
		}
		if *got.AccessPointForObjectProcessStatus != "creating" {
			if *got.AccessPointForObjectProcessStatus != "enable" {
				t.Fatalf("status after creating = %s", *got.AccessPointForObjectProcessStatus)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the Object FC Access Point stayed in the creating status")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := c.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n}); err != nil {
		t.Fatal(err)
	}

	// After deletion the loop of the SDK's test waits for this error.
	_, err := c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: n})
	wantServiceError(t, "Get after delete", err, 404, "NoSuchAccessPointForObjectProcess")
}

func TestObjectFCPolicyIsRaw(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "raw-bucket")
	createAccessPoint(t, c, "raw-bucket", "ap-01")
	createObjectFC(t, c, env, "raw-bucket", "ap-01", "fc-ap-01")

	// Whitespace, key order and escapes survive.
	doc := "{\n  \"Statement\" : [ {\"Effect\":\"Allow\", \"Action\":\"oss:GetObject\",\n\t\"Principal\":[\"" + env.AccountID +
		"\"], \"Resource\":[\"acs:oss:*:*:accesspointforobjectprocess/fc-ap-01/object/\\u0061*\"]} ],\n  \"Version\": \"1\"\n}\n"
	_, err := c.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{
		Bucket: oss.Ptr("raw-bucket"), AccessPointForObjectProcessName: oss.Ptr("fc-ap-01"), Body: strings.NewReader(doc)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.InvokeOperation(ctx, &oss.OperationInput{OpName: "GetAccessPointPolicyForObjectProcess", Method: "GET", Bucket: oss.Ptr("raw-bucket"),
		Headers:    map[string]string{"x-oss-access-point-for-object-process-name": "fc-ap-01"},
		Parameters: map[string]string{"accessPointPolicyForObjectProcess": ""}})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	body, _ := io.ReadAll(out.Body)
	if string(body) != doc || out.Headers.Get("Content-Type") != "application/json" {
		t.Errorf("GetPolicy = %q (%s), want %q (application/json)", body, out.Headers.Get("Content-Type"), doc)
	}
}
