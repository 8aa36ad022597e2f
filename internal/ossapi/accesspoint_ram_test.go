package ossapi_test

import (
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/testenv"
)

// ramUser creates a RAM user of the root account with an access key and,
// unless identityPolicy is "", a custom policy attached. It returns the user
// and a path-style client signing with its key.
func ramUser(t *testing.T, env *testenv.Env, name, identityPolicy string) (*ram.User, *oss.Client) {
	u, clients := ramUserStyles(t, env, name, identityPolicy)
	return u, clients["path-v4"]
}

// ramUserStyles is ramUser with clients in both addressing styles and both
// signature versions, keyed as styles keys them.
func ramUserStyles(t *testing.T, env *testenv.Env, name, identityPolicy string) (*ram.User, map[string]*oss.Client) {
	t.Helper()
	svc := env.Server.RAM()
	u, err := svc.CreateUser(ctx, env.AccountID, ram.UserInput{UserName: name})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	key, err := svc.CreateAccessKey(ctx, env.AccountID, name)
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	if identityPolicy != "" {
		policyName := "policy-" + name
		if _, err := svc.CreatePolicy(ctx, env.AccountID, ram.PolicyInput{PolicyName: policyName, PolicyDocument: identityPolicy}); err != nil {
			t.Fatalf("CreatePolicy for %s: %v", name, err)
		}
		if err := svc.AttachPolicy(ctx, env.AccountID, meta.PolicyCustom, policyName, meta.PrincipalUser, name); err != nil {
			t.Fatalf("AttachPolicy to %s: %v", name, err)
		}
	}
	return u, styles(env, testenv.NoRetry, testenv.WithKey(key.AccessKeyID, key.AccessKeySecret, ""))
}

// allowActions is an identity policy allowing actions on every resource.
func allowActions(actions ...string) string {
	return `{"Version":"1","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":["*"]}]}`
}

// managedOperation is one management call of a permission matrix, with the
// RAM action it needs.
type managedOperation struct {
	action string
	call   func(c *oss.Client) error
}

// checkPermissionMatrix gives one RAM user per operation a policy that
// allows only that operation's action, and checks that each user may call
// its operation and is denied every other one. reset restores the state
// the operations expect before each user's turn.
func checkPermissionMatrix(t *testing.T, env *testenv.Env, prefix string, ops []managedOperation, reset func()) {
	t.Helper()
	for i, allowed := range ops {
		_, c := ramUser(t, env, prefix+strings.TrimPrefix(strings.ToLower(allowed.action), "oss:"), allowActions(allowed.action))
		reset()
		for j, op := range ops {
			err := op.call(c)
			if i == j {
				if err != nil {
					t.Errorf("user allowed %s: %s failed: %v", allowed.action, op.action, err)
				}
				continue
			}
			se := wantServiceError(t, "user allowed "+allowed.action+" calling "+op.action, err, 403, "AccessDenied")
			if !strings.Contains(se.Message, op.action) {
				t.Errorf("denial of %s: message %q does not name the action", op.action, se.Message)
			}
		}
	}
}

func TestObjectFCPermissionMatrix(t *testing.T) {
	env := testenv.Start(t)
	root := env.Client()
	putBucket(t, root, "matrix-bucket")
	createAccessPoint(t, root, "matrix-bucket", "ap-01")
	b := oss.Ptr("matrix-bucket")
	policy := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + env.AccountID +
		`"],"Resource":["acs:oss:*:*:accesspointforobjectprocess/fc-main/object/*"]}]}`

	ops := []managedOperation{
		{"oss:CreateAccessPointForObjectProcess", func(c *oss.Client) error {
			_, err := c.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-new"),
				CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{AccessPointName: oss.Ptr("ap-01"), ObjectProcessConfiguration: fcConfig(env, "f")}})
			return err
		}},
		{"oss:GetAccessPointForObjectProcess", func(c *oss.Client) error {
			_, err := c.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main")})
			return err
		}},
		{"oss:ListAccessPointsForObjectProcess", func(c *oss.Client) error {
			_, err := c.ListAccessPointsForObjectProcess(ctx, &oss.ListAccessPointsForObjectProcessRequest{})
			return err
		}},
		{"oss:PutAccessPointConfigForObjectProcess", func(c *oss.Client) error {
			_, err := c.PutAccessPointConfigForObjectProcess(ctx, &oss.PutAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main"),
				PutAccessPointConfigForObjectProcessConfiguration: &oss.PutAccessPointConfigForObjectProcessConfiguration{ObjectProcessConfiguration: fcConfig(env, "g"),
					PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(false)}}})
			return err
		}},
		{"oss:GetAccessPointConfigForObjectProcess", func(c *oss.Client) error {
			_, err := c.GetAccessPointConfigForObjectProcess(ctx, &oss.GetAccessPointConfigForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main")})
			return err
		}},
		{"oss:PutAccessPointPolicyForObjectProcess", func(c *oss.Client) error {
			_, err := c.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main"), Body: strings.NewReader(policy)})
			return err
		}},
		{"oss:GetAccessPointPolicyForObjectProcess", func(c *oss.Client) error {
			_, err := c.GetAccessPointPolicyForObjectProcess(ctx, &oss.GetAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main")})
			return err
		}},
		{"oss:DeleteAccessPointPolicyForObjectProcess", func(c *oss.Client) error {
			_, err := c.DeleteAccessPointPolicyForObjectProcess(ctx, &oss.DeleteAccessPointPolicyForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-main")})
			return err
		}},
		{"oss:DeleteAccessPointForObjectProcess", func(c *oss.Client) error {
			_, err := c.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-old")})
			return err
		}},
	}

	// Before each turn: fc-main has its policy, fc-old exists, fc-new not.
	reset := func() {
		root.DeleteAccessPointForObjectProcess(ctx, &oss.DeleteAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr("fc-new")})
		for _, name := range []string{"fc-main", "fc-old"} {
			_, err := root.GetAccessPointForObjectProcess(ctx, &oss.GetAccessPointForObjectProcessRequest{Bucket: b, AccessPointForObjectProcessName: oss.Ptr(name)})
			if err != nil {
				createObjectFC(t, root, env, "matrix-bucket", "ap-01", name)
			}
		}
		if _, err := root.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: b,
			AccessPointForObjectProcessName: oss.Ptr("fc-main"), Body: strings.NewReader(policy)}); err != nil {
			t.Fatal(err)
		}
	}

	// The account owner may do all nine.
	reset()
	for _, op := range ops {
		if err := op.call(root); err != nil {
			t.Errorf("account owner: %s failed: %v", op.action, err)
		}
	}

	checkPermissionMatrix(t, env, "fc-", ops, reset)

	// A user without policies may do none of them.
	_, nobody := ramUser(t, env, "fc-nobody", "")
	reset()
	for _, op := range ops {
		wantServiceError(t, "user without policies calling "+op.action, op.call(nobody), 403, "AccessDenied")
	}
}

func TestAccessPointPermissionMatrix(t *testing.T) {
	env := testenv.Start(t)
	root := env.Client()
	putBucket(t, root, "apm-bucket")
	b := oss.Ptr("apm-bucket")
	policy := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + env.AccountID +
		`"],"Resource":["acs:oss:*:*:accesspoint/ap-main/object/*"]}]}`
	pab := &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(true)}

	ops := []managedOperation{
		{"oss:CreateAccessPoint", func(c *oss.Client) error {
			_, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: b,
				CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr("ap-new"), NetworkOrigin: oss.Ptr("internet")}})
			return err
		}},
		{"oss:GetAccessPoint", func(c *oss.Client) error {
			_, err := c.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main")})
			return err
		}},
		{"oss:ListAccessPoints", func(c *oss.Client) error {
			_, err := c.ListAccessPoints(ctx, &oss.ListAccessPointsRequest{})
			return err
		}},
		{"oss:PutAccessPointPolicy", func(c *oss.Client) error {
			_, err := c.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main"), Body: strings.NewReader(policy)})
			return err
		}},
		{"oss:GetAccessPointPolicy", func(c *oss.Client) error {
			_, err := c.GetAccessPointPolicy(ctx, &oss.GetAccessPointPolicyRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main")})
			return err
		}},
		{"oss:DeleteAccessPointPolicy", func(c *oss.Client) error {
			_, err := c.DeleteAccessPointPolicy(ctx, &oss.DeleteAccessPointPolicyRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main")})
			return err
		}},
		{"oss:PutAccessPointPublicAccessBlock", func(c *oss.Client) error {
			_, err := c.PutAccessPointPublicAccessBlock(ctx, &oss.PutAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main"), PublicAccessBlockConfiguration: pab})
			return err
		}},
		{"oss:GetAccessPointPublicAccessBlock", func(c *oss.Client) error {
			_, err := c.GetAccessPointPublicAccessBlock(ctx, &oss.GetAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main")})
			return err
		}},
		{"oss:DeleteAccessPointPublicAccessBlock", func(c *oss.Client) error {
			_, err := c.DeleteAccessPointPublicAccessBlock(ctx, &oss.DeleteAccessPointPublicAccessBlockRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main")})
			return err
		}},
		{"oss:DeleteAccessPoint", func(c *oss.Client) error {
			_, err := c.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr("ap-old")})
			return err
		}},
	}
	reset := func() {
		root.DeleteAccessPoint(ctx, &oss.DeleteAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr("ap-new")})
		for _, name := range []string{"ap-main", "ap-old"} {
			if _, err := root.GetAccessPoint(ctx, &oss.GetAccessPointRequest{Bucket: b, AccessPointName: oss.Ptr(name)}); err != nil {
				createAccessPoint(t, root, "apm-bucket", name)
			}
		}
		if _, err := root.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: b, AccessPointName: oss.Ptr("ap-main"), Body: strings.NewReader(policy)}); err != nil {
			t.Fatal(err)
		}
	}

	reset()
	for _, op := range ops {
		if err := op.call(root); err != nil {
			t.Errorf("account owner: %s failed: %v", op.action, err)
		}
	}
	checkPermissionMatrix(t, env, "ap-", ops, reset)
}

// TestAliasPolicyLayersForRAMUser walks the truth table of requests through
// an access point for a RAM user. The identity policy or the bucket policy
// must allow. An access point or Object FC Access Point policy, where there
// is one, must allow too. An explicit Deny anywhere wins.
func TestAliasPolicyLayersForRAMUser(t *testing.T) {
	env := testenv.Start(t)
	root := env.Client()
	putBucket(t, root, "ram-bucket")
	apAlias := *createAccessPoint(t, root, "ram-bucket", "ap-open").Alias
	guardedAlias := *createAccessPoint(t, root, "ram-bucket", "ap-guarded").Alias
	fcAlias := *createObjectFC(t, root, env, "ram-bucket", "ap-open", "fc-ap-01").AccessPointForObjectProcessAlias
	for _, key := range []string{"data/a", "secret/a", "bp/a", "delegated/a"} {
		if _, err := root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("ram-bucket"), Key: oss.Ptr(key), Body: strings.NewReader(key)}); err != nil {
			t.Fatal(err)
		}
	}

	region, uid := env.Region, env.AccountID
	apObjects := func(name string) string {
		return "acs:oss:" + region + ":" + uid + ":accesspoint/" + name + "/object/*"
	}
	fcObjects := "acs:oss:" + region + ":" + uid + ":accesspointforobjectprocess/fc-ap-01/object/*"

	// Identity policies: alice may read and write the bucket's objects, and
	// bob may read them only through the ap-open access point's resource
	// form. carol has no identity policy.
	alice, aliceClients := ramUserStyles(t, env, "alice", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject","oss:ListObjects"],
		"Resource":["acs:oss:*:*:ram-bucket","acs:oss:*:*:ram-bucket/*"]}]}`)
	_, bobClients := ramUserStyles(t, env, "bob", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],"Resource":["`+apObjects("ap-open")+`"]}]}`)
	carol, carolClients := ramUserStyles(t, env, "carol", "")

	// Resource policies: ap-guarded allows alice data/* only. The Object FC
	// Access Point allows her GetObject and denies her PutObject. The bucket
	// policy allows carol bp/* everywhere and delegated/* only through
	// ap-open, and it denies alice secret/*.
	guarded := `{"Version":"1","Statement":[
		{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject"],"Principal":["` + alice.UserID + `"],"Resource":["` + strings.TrimSuffix(apObjects("ap-guarded"), "*") + `data/*"]}]}`
	fcPolicy := `{"Version":"1","Statement":[
		{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + alice.UserID + `"],"Resource":["` + fcObjects + `"]},
		{"Effect":"Deny","Action":["oss:PutObject"],"Principal":["` + alice.UserID + `"],"Resource":["` + fcObjects + `"]}]}`
	bucketPolicy := `{"Version":"1","Statement":[
		{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + carol.UserID + `"],"Resource":["acs:oss:*:` + uid + `:ram-bucket/bp/*"]},
		{"Effect":"Allow","Action":["oss:GetObject"],"Principal":["` + carol.UserID + `"],"Resource":["acs:oss:*:` + uid + `:ram-bucket/delegated/*"],
		 "Condition":{"StringEquals":{"oss:DataAccessPointArn":["acs:oss:` + region + `:` + uid + `:accesspoint/ap-open"]}}},
		{"Effect":"Deny","Action":["oss:GetObject"],"Principal":["` + alice.UserID + `"],"Resource":["acs:oss:*:` + uid + `:ram-bucket/secret/*"]}]}`
	if _, err := root.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("ram-bucket"), AccessPointName: oss.Ptr("ap-guarded"), Body: strings.NewReader(guarded)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{Bucket: oss.Ptr("ram-bucket"),
		AccessPointForObjectProcessName: oss.Ptr("fc-ap-01"), Body: strings.NewReader(fcPolicy)}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("ram-bucket"), Body: strings.NewReader(bucketPolicy)}); err != nil {
		t.Fatal(err)
	}

	get := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			if err == nil {
				res.Body.Close()
			}
			return err
		}
	}
	put := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: strings.NewReader("x")})
			return err
		}
	}
	head := func(bucket, key string) func(c *oss.Client) error {
		return func(c *oss.Client) error {
			_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			return err
		}
	}
	tests := []struct {
		what    string
		clients map[string]*oss.Client
		call    func(c *oss.Client) error
		allow   bool
		layer   string // the layer a denial names
	}{
		// Identity allows, no access point policy: allowed.
		{"alice get through ap-open", aliceClients, get(apAlias, "data/a"), true, ""},
		{"alice put through ap-open", aliceClients, put(apAlias, "data/new"), true, ""},
		// Identity allows, access point policy allows: allowed.
		{"alice get data through ap-guarded", aliceClients, get(guardedAlias, "data/a"), true, ""},
		// Identity allows, access point policy does not match: denied.
		{"alice put bp through ap-guarded", aliceClients, put(guardedAlias, "bp/new"), false, "access point policy"},
		// Identity allows, bucket policy denies: denied wherever she comes from.
		{"alice get secret through ap-open", aliceClients, get(apAlias, "secret/a"), false, "bucket policy"},
		{"alice get secret from the bucket", aliceClients, get("ram-bucket", "secret/a"), false, "bucket policy"},
		// Identity allows, Object FC Access Point policy denies: denied
		// through it only.
		{"alice put through the Object FC Access Point", aliceClients, put(fcAlias, "data/fc"), false, "Object FC Access Point policy"},
		{"alice head through the Object FC Access Point", aliceClients, head(fcAlias, "data/a"), true, ""},
		// Identity allows the access point resource form only.
		{"bob get through ap-open", bobClients, get(apAlias, "data/a"), true, ""},
		{"bob get from the bucket", bobClients, get("ram-bucket", "data/a"), false, ""},
		{"bob get through ap-guarded", bobClients, get(guardedAlias, "data/a"), false, ""},
		{"bob head through the Object FC Access Point", bobClients, head(fcAlias, "data/a"), false, "Object FC Access Point policy"},
		// Only the bucket policy allows: allowed through an access point
		// without a policy, not through one whose policy does not allow.
		{"carol get bp through ap-open", carolClients, get(apAlias, "bp/a"), true, ""},
		{"carol get bp from the bucket", carolClients, get("ram-bucket", "bp/a"), true, ""},
		{"carol get data through ap-open", carolClients, get(apAlias, "data/a"), false, ""},
		{"carol get bp through ap-guarded", carolClients, get(guardedAlias, "bp/a"), false, ""},
		// The bucket policy delegates to one access point by its ARN.
		{"carol get delegated through ap-open", carolClients, get(apAlias, "delegated/a"), true, ""},
		{"carol get delegated from the bucket", carolClients, get("ram-bucket", "delegated/a"), false, ""},
		{"carol get delegated through the Object FC Access Point", carolClients, get(fcAlias, "delegated/a"), false, ""},
		// Nothing allows: the access point policy alone grants nothing.
		{"carol get data through ap-guarded", carolClients, get(guardedAlias, "data/a"), false, ""},
	}
	for _, style := range []string{"path-v4", "path-v1", "virtual-v4", "virtual-v1"} {
		for _, tc := range tests {
			what := style + ", " + tc.what
			err := tc.call(tc.clients[style])
			if tc.allow {
				if err != nil {
					t.Errorf("%s: %v; want allowed", what, err)
				}
				continue
			}
			se := wantServiceError(t, what, err, 403, "AccessDenied")
			if tc.layer != "" && !strings.Contains(se.Message, tc.layer) {
				t.Errorf("%s: message %q does not name the %s", what, se.Message, tc.layer)
			}
		}
	}
}
