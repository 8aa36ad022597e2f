package ossapi_test

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/testenv"
)

// wantServiceError checks that err is an OSS error with status and code and
// returns it.
func wantServiceError(t *testing.T, what string, err error, status int, code string) *oss.ServiceError {
	t.Helper()
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Errorf("%s: got %v, want %d %s", what, err, status, code)
		return &oss.ServiceError{}
	}
	if se.StatusCode != status || se.Code != code {
		t.Errorf("%s: got %d %s (%s), want %d %s", what, se.StatusCode, se.Code, se.Message, status, code)
	}
	return se
}

func putBucket(t *testing.T, c *oss.Client, name string) {
	t.Helper()
	if _, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(name)}); err != nil {
		t.Fatalf("PutBucket %s: %v", name, err)
	}
}

func createAccessPoint(t *testing.T, c *oss.Client, bucket, name string) *oss.CreateAccessPointResult {
	t.Helper()
	res, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{
		Bucket: oss.Ptr(bucket),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{
			AccessPointName: oss.Ptr(name), NetworkOrigin: oss.Ptr("internet"),
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPoint %s: %v", name, err)
	}
	return res
}

var aliasForm = regexp.MustCompile(`^ap-01-[0-9a-f]{30}-ossalias$`)

func TestAccessPointLifecycle(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "ap-bucket")

	// Create.
	created := createAccessPoint(t, c, "ap-bucket", "ap-01")
	wantARN := "acs:oss:" + env.Region + ":" + env.AccountID + ":accesspoint/ap-01"
	if created.StatusCode != 200 || *created.AccessPointArn != wantARN {
		t.Errorf("CreateAccessPoint = %d, ARN %s; want 200, %s", created.StatusCode, *created.AccessPointArn, wantARN)
	}
	alias := *created.Alias
	if !aliasForm.MatchString(alias) {
		t.Errorf("alias %q does not have the form ap-01-<30 hex>-ossalias", alias)
	}

	// Get.
	got, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil {
		t.Fatalf("GetAccessPoint: %v", err)
	}
	checks := map[string][2]string{
		"AccessPointName":  {*got.AccessPointName, "ap-01"},
		"Bucket":           {*got.Bucket, "ap-bucket"},
		"AccountId":        {*got.AccountId, env.AccountID},
		"NetworkOrigin":    {*got.NetworkOrigin, "internet"},
		"AccessPointArn":   {*got.AccessPointArn, wantARN},
		"Alias":            {*got.Alias, alias},
		"Status":           {*got.AccessPointStatus, "enable"},
		"PublicEndpoint":   {*got.PublicEndpoint, "127.0.0.1:" + env.Port()},
		"InternalEndpoint": {*got.InternalEndpoint, "127.0.0.1:" + env.Port()},
	}
	for field, v := range checks {
		if v[0] != v[1] {
			t.Errorf("GetAccessPoint %s = %q, want %q", field, v[0], v[1])
		}
	}
	if created, err := strconv.ParseInt(*got.CreationDate, 10, 64); err != nil || time.Since(time.Unix(created, 0)) > time.Hour {
		t.Errorf("CreationDate %q is not a recent Unix time", *got.CreationDate)
	}
	if got.PublicAccessBlockConfiguration == nil || *got.PublicAccessBlockConfiguration.BlockPublicAccess {
		t.Errorf("BlockPublicAccess of a new access point is not false")
	}

	// List on the bucket and on the account.
	for _, bucket := range []*string{oss.Ptr("ap-bucket"), nil} {
		list, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{Bucket: bucket})
		if err != nil {
			t.Fatalf("ListAccessPoints: %v", err)
		}
		if len(list.AccessPoints) != 1 || *list.AccessPoints[0].Alias != alias || *list.AccessPoints[0].Status != "enable" ||
			*list.AccountId != env.AccountID || *list.IsTruncated {
			t.Errorf("ListAccessPoints(bucket %v) = %+v", bucket != nil, list)
		}
	}

	// Policy round trip, byte for byte.
	policy := `{"Version":"1","Statement":[{"Action":["oss:PutObject","oss:GetObject"],"Effect":"Deny","Principal":["` + env.AccountID +
		`"],"Resource":["` + wantARN + `","` + wantARN + `/object/*"]}]}`
	put, err := c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01"), Body: strings.NewReader(policy)})
	if err != nil || put.StatusCode != 200 {
		t.Fatalf("PutAccessPointPolicy: %v", err)
	}
	gotPolicy, err := c.GetAccessPointPolicy(ctx, &oss.GetAccessPointPolicyRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || gotPolicy.Body != policy {
		t.Errorf("GetAccessPointPolicy = %q, %v; want the document put", gotPolicy.Body, err)
	}
	del, err := c.DeleteAccessPointPolicy(ctx, &oss.DeleteAccessPointPolicyRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || del.StatusCode != 204 {
		t.Errorf("DeleteAccessPointPolicy = %v; want 204", err)
	}
	_, err = c.GetAccessPointPolicy(ctx, &oss.GetAccessPointPolicyRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	wantServiceError(t, "GetAccessPointPolicy after delete", err, 404, "NoSuchAccessPointPolicy")

	// Block Public Access.
	pab, err := c.PutAccessPointPublicAccessBlock(ctx, &oss.PutAccessPointPublicAccessBlockRequest{
		Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01"),
		PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)},
	})
	if err != nil || pab.StatusCode != 200 {
		t.Fatalf("PutAccessPointPublicAccessBlock: %v", err)
	}
	gotPAB, err := c.GetAccessPointPublicAccessBlock(ctx, &oss.GetAccessPointPublicAccessBlockRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || !*gotPAB.PublicAccessBlockConfiguration.BlockPublicAccess {
		t.Errorf("GetAccessPointPublicAccessBlock = %v; want true", err)
	}
	got, _ = c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if !*got.PublicAccessBlockConfiguration.BlockPublicAccess {
		t.Errorf("GetAccessPoint does not show Block Public Access on")
	}
	delPAB, err := c.DeleteAccessPointPublicAccessBlock(ctx, &oss.DeleteAccessPointPublicAccessBlockRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || delPAB.StatusCode != 204 {
		t.Errorf("DeleteAccessPointPublicAccessBlock = %v; want 204", err)
	}
	gotPAB, err = c.GetAccessPointPublicAccessBlock(ctx, &oss.GetAccessPointPublicAccessBlockRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || *gotPAB.PublicAccessBlockConfiguration.BlockPublicAccess {
		t.Errorf("GetAccessPointPublicAccessBlock after delete = %v; want false", err)
	}

	// Delete.
	delAP, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	if err != nil || delAP.StatusCode != 204 {
		t.Fatalf("DeleteAccessPoint = %v; want 204", err)
	}
	_, err = c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("ap-bucket"), AccessPointName: oss.Ptr("ap-01")})
	wantServiceError(t, "GetAccessPoint after delete", err, 404, "NoSuchAccessPoint")
	list, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{})
	if err != nil || len(list.AccessPoints) != 0 {
		t.Errorf("ListAccessPoints after delete = %+v, %v; want none", list, err)
	}
}

func TestAccessPointOperationsOnMissingBucket(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	b, name := oss.Ptr("no-such-bucket"), oss.Ptr("ap-01")
	calls := map[string]func() error{
		"CreateAccessPoint": func() error {
			_, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: b,
				CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: name, NetworkOrigin: oss.Ptr("internet")}})
			return err
		},
		"GetAccessPoint": func() error {
			_, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: b, AccessPointName: name})
			return err
		},
		"ListAccessPoints": func() error {
			_, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{Bucket: b})
			return err
		},
		"DeleteAccessPoint": func() error {
			_, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: b, AccessPointName: name})
			return err
		},
		"PutAccessPointPolicy": func() error {
			_, err := c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: name, Body: strings.NewReader(`{}`)})
			return err
		},
		"GetAccessPointPolicy": func() error {
			_, err := c.GetAccessPointPolicy(ctx, &oss.GetAccessPointPolicyRequest{Bucket: b, AccessPointName: name})
			return err
		},
		"DeleteAccessPointPolicy": func() error {
			_, err := c.DeleteAccessPointPolicy(ctx, &oss.DeleteAccessPointPolicyRequest{Bucket: b, AccessPointName: name})
			return err
		},
		"PutAccessPointPublicAccessBlock": func() error {
			_, err := c.PutAccessPointPublicAccessBlock(ctx, &oss.PutAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name,
				PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}})
			return err
		},
		"GetAccessPointPublicAccessBlock": func() error {
			_, err := c.GetAccessPointPublicAccessBlock(ctx, &oss.GetAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name})
			return err
		},
		"DeleteAccessPointPublicAccessBlock": func() error {
			_, err := c.DeleteAccessPointPublicAccessBlock(ctx, &oss.DeleteAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: name})
			return err
		},
	}
	for op, call := range calls {
		se := wantServiceError(t, op, call(), 404, "NoSuchBucket")
		if se.Message != "The specified bucket does not exist." || se.EC != "0015-00000101" || se.RequestID == "" {
			t.Errorf("%s: message %q, EC %q, request id %q", op, se.Message, se.EC, se.RequestID)
		}
	}
}

func TestAccessPointErrors(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	putBucket(t, c, "err-bucket")
	putBucket(t, c, "other-bucket")
	createAccessPoint(t, c, "err-bucket", "ap-01")

	create := func(bucket, name, origin string, vpc *oss.AccessPointVpcConfiguration) error {
		_, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr(bucket),
			CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr(name), NetworkOrigin: oss.Ptr(origin), VpcConfiguration: vpc}})
		return err
	}
	tests := []struct {
		what   string
		err    error
		status int
		code   string
	}{
		{"name too short", create("err-bucket", "ap", "internet", nil), 400, "InvalidArgument"},
		{"name too long", create("err-bucket", "a1b2c3d4e5f6g7h8i9j0", "internet", nil), 400, "InvalidArgument"},
		{"upper case", create("err-bucket", "AP-02", "internet", nil), 400, "InvalidArgument"},
		{"leading hyphen", create("err-bucket", "-ap-02", "internet", nil), 400, "InvalidArgument"},
		{"alias suffix", create("err-bucket", "abcdefghij-ossalias", "internet", nil), 400, "InvalidArgument"},
		{"duplicate", create("err-bucket", "ap-01", "internet", nil), 409, "AccessPointAlreadyExists"},
		{"duplicate on another bucket", create("other-bucket", "ap-01", "internet", nil), 409, "AccessPointAlreadyExists"},
		{"bad network origin", create("err-bucket", "ap-02", "public", nil), 400, "InvalidArgument"},
		{"vpc without VpcId", create("err-bucket", "ap-02", "vpc", nil), 400, "InvalidArgument"},
	}
	_, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("err-bucket"), AccessPointName: oss.Ptr("ap-09")})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"get unknown", err, 404, "NoSuchAccessPoint"})
	_, err = c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("other-bucket"), AccessPointName: oss.Ptr("ap-01")})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"get on another bucket", err, 404, "NoSuchAccessPoint"})
	_, err = c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("err-bucket"), AccessPointName: oss.Ptr("ap-09")})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"delete unknown", err, 404, "NoSuchAccessPoint"})
	for _, doc := range []string{`not json`, `{"Version":"2","Statement":[]}`, `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["*"]}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["*"],"Resource":["*"]}],"Extra":1}`,
		`{"Version":"1","Statement":[` + strings.Repeat(`{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["*"],"Resource":["*"]},`, 200) + `{}]}`} {
		_, err := c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("err-bucket"), AccessPointName: oss.Ptr("ap-01"), Body: strings.NewReader(doc)})
		tests = append(tests, struct {
			what   string
			err    error
			status int
			code   string
		}{"malformed policy " + doc[:min(len(doc), 30)], err, 400, "MalformedPolicy"})
	}
	_, err = c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("err-bucket"), AccessPointName: oss.Ptr("ap-09"), Body: strings.NewReader(`{}`)})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"policy of unknown", err, 404, "NoSuchAccessPoint"})
	_, err = c.GetAccessPointPublicAccessBlock(ctx, &oss.GetAccessPointPublicAccessBlockRequest{Bucket: oss.Ptr("err-bucket"), AccessPointName: oss.Ptr("ap-09")})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"Block Public Access of unknown", err, 404, "NoSuchAccessPoint"})
	_, err = c.InvokeOperation(ctx, &oss.OperationInput{OpName: "CreateAccessPoint", Method: "PUT", Bucket: oss.Ptr("err-bucket"),
		Parameters: map[string]string{"accessPoint": ""}, Body: strings.NewReader("<CreateAccessPointConfiguration><AccessPointName>")})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"malformed XML", err, 400, "MalformedXML"})
	_, err = c.InvokeOperation(ctx, &oss.OperationInput{OpName: "GetAccessPointPolicy", Method: "GET", Bucket: oss.Ptr("err-bucket"),
		Parameters: map[string]string{"accessPointPolicy": ""}})
	tests = append(tests, struct {
		what   string
		err    error
		status int
		code   string
	}{"missing name header", err, 400, "MissingArgument"})

	for _, tc := range tests {
		wantServiceError(t, tc.what, tc.err, tc.status, tc.code)
	}
}

func TestAccessPointQuotas(t *testing.T) {
	env := testenv.Start(t, func(c *config.Config) {
		c.AccessPointsPerAccount = 3
		c.AccessPointsPerBucket = 2
	})
	c := env.Client(testenv.NoRetry)
	putBucket(t, c, "quota-1")
	putBucket(t, c, "quota-2")
	createAccessPoint(t, c, "quota-1", "ap-1")
	createAccessPoint(t, c, "quota-1", "ap-2")

	_, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("quota-1"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-3"), NetworkOrigin: oss.Ptr("internet")}})
	se := wantServiceError(t, "third on a bucket", err, 400, "TooManyAccessPoints")
	if !strings.Contains(se.Message, "quota-1") {
		t.Errorf("per-bucket quota message %q does not name the bucket", se.Message)
	}

	createAccessPoint(t, c, "quota-2", "ap-3")
	_, err = c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("quota-2"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-4"), NetworkOrigin: oss.Ptr("internet")}})
	se = wantServiceError(t, "fourth in the account", err, 400, "TooManyAccessPoints")
	if !strings.Contains(se.Message, "account") {
		t.Errorf("per-account quota message %q does not say account", se.Message)
	}

	if _, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("quota-1"), AccessPointName: oss.Ptr("ap-1")}); err != nil {
		t.Fatal(err)
	}
	createAccessPoint(t, c, "quota-2", "ap-4")
}

func TestListAccessPointsPages(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	putBucket(t, c, "list-1")
	putBucket(t, c, "list-2")
	for i, name := range []string{"ap-e", "ap-b", "ap-d", "ap-a", "ap-c"} {
		createAccessPoint(t, c, []string{"list-1", "list-2"}[i%2], name)
	}

	// The loop a client writes; the first request carries an empty
	// continuation-token, as the SDK sends it for oss.Ptr("").
	var names []string
	token := oss.Ptr("")
	for page := 0; page < 10; page++ {
		res, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{MaxKeys: 2, ContinuationToken: token})
		if err != nil {
			t.Fatalf("ListAccessPoints page %d: %v", page, err)
		}
		if *res.MaxKeys != 2 {
			t.Errorf("MaxKeys = %d, want 2", *res.MaxKeys)
		}
		for _, ap := range res.AccessPoints {
			names = append(names, *ap.AccessPointName)
		}
		if !*res.IsTruncated {
			break
		}
		token = res.NextContinuationToken
	}
	if strings.Join(names, ",") != "ap-a,ap-b,ap-c,ap-d,ap-e" {
		t.Errorf("pages listed %v, want ap-a to ap-e", names)
	}

	res, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{Bucket: oss.Ptr("list-1"), MaxKeys: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.AccessPoints) != 1 || *res.AccessPoints[0].AccessPointName != "ap-c" || !*res.IsTruncated {
		t.Fatalf("bucket page = %+v, want ap-c and more", res.AccessPoints)
	}
	// A token from a bucket-level list works on the account level too.
	res, err = c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{ContinuationToken: res.NextContinuationToken})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.AccessPoints) != 2 || *res.AccessPoints[0].AccessPointName != "ap-d" || *res.MaxKeys != 1000 {
		t.Errorf("account page after a bucket token has %d records, max-keys %d", len(res.AccessPoints), *res.MaxKeys)
	}

	for _, req := range []*oss.ListAccessPointsRequest{
		{Bucket: oss.Ptr("list-1"), MaxKeys: 101},
		{MaxKeys: 1001},
		{ContinuationToken: oss.Ptr("not*a*token")},
	} {
		_, err := env.Client(testenv.NoRetry).ListAccessPoints(ctx, req)
		wantServiceError(t, "ListAccessPoints with a bad argument", err, 400, "InvalidArgument")
	}
}

func TestAccessPointStatusPolling(t *testing.T) {
	t.Run("creating", func(t *testing.T) {
		env := testenv.Start(t, func(c *config.Config) { c.ProvisioningDelay = time.Hour })
		c := env.Client(testenv.NoRetry)
		putBucket(t, c, "slow-bucket")
		alias := *createAccessPoint(t, c, "slow-bucket", "ap-01").Alias

		got, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("slow-bucket"), AccessPointName: oss.Ptr("ap-01")})
		if err != nil || *got.AccessPointStatus != "creating" {
			t.Fatalf("status during provisioning = %v; want creating", err)
		}
		list, _ := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{})
		if *list.AccessPoints[0].Status != "creating" {
			t.Errorf("listed status = %s, want creating", *list.AccessPoints[0].Status)
		}
		_, err = c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("slow-bucket"), AccessPointName: oss.Ptr("ap-01")})
		wantServiceError(t, "delete while creating", err, 409, "InvalidAccessPointStatus")
		_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("k")})
		wantServiceError(t, "alias while creating", err, 403, "AccessDenied")
	})

	t.Run("enable", func(t *testing.T) {
		env := testenv.Start(t, func(c *config.Config) { c.ProvisioningDelay = 300 * time.Millisecond })
		c := env.Client()
		putBucket(t, c, "poll-bucket")
		createAccessPoint(t, c, "poll-bucket", "ap-01")

		// The polling loop of the SDK's own integration tests, bounded.
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: oss.Ptr("poll-bucket"), AccessPointName: oss.Ptr("ap-01")})
			if err != nil {
				t.Fatalf("GetAccessPoint: %v", err)
			}
			if *got.AccessPointStatus != "creating" {
				if *got.AccessPointStatus != "enable" {
					t.Fatalf("status after creating = %s, want enable", *got.AccessPointStatus)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the access point stayed in the creating status")
			}
			time.Sleep(50 * time.Millisecond)
		}
		res, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("poll-bucket"), AccessPointName: oss.Ptr("ap-01")})
		if err != nil || res.StatusCode != 204 {
			t.Errorf("DeleteAccessPoint when enabled = %v; want 204", err)
		}
	})
}

func TestDeleteBucketNamesAccessPoints(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	putBucket(t, c, "kept-bucket")
	createAccessPoint(t, c, "kept-bucket", "ap-2")
	createAccessPoint(t, c, "kept-bucket", "ap-1")

	_, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("kept-bucket")})
	se := wantServiceError(t, "DeleteBucket with access points", err, 409, "BucketNotEmpty")
	if !strings.Contains(se.Message, "ap-1, ap-2") {
		t.Errorf("message %q does not name ap-1 and ap-2", se.Message)
	}

	for _, name := range []string{"ap-1", "ap-2"} {
		if _, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: oss.Ptr("kept-bucket"), AccessPointName: oss.Ptr(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("kept-bucket")}); err != nil {
		t.Errorf("DeleteBucket after its access points: %v", err)
	}
}
