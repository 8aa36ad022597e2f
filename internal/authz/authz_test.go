package authz

import (
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

const (
	owner      = "1111111111111111"
	otherAcct  = "2222222222222222"
	aliceID    = "3000000000000001"
	malloryID  = "3000000000000002"
	roleID     = "400000000000000001"
	bucketObj  = "acs:oss:*:" + owner + ":bucket-a/key.txt"
	apObj      = "acs:oss:cn-hangzhou:" + owner + ":accesspoint/ap-1/object/key.txt"
	fcapObj    = "acs:oss:cn-hangzhou:" + owner + ":accesspointforobjectprocess/fcap-1/object/key.txt"
	apARN      = "acs:oss:cn-hangzhou:" + owner + ":accesspoint/ap-1"
	getObject  = "oss:GetObject"
	putObject  = "oss:PutObject"
	listAction = "oss:ListObjects"
)

var (
	ownerRoot = policy.Principal{AccountID: owner, ID: owner, ARN: "acs:ram::" + owner + ":root"}
	alice     = policy.Principal{AccountID: owner, ID: aliceID, ARN: "acs:ram::" + owner + ":user/alice"}
	mallory   = policy.Principal{AccountID: otherAcct, ID: malloryID, ARN: "acs:ram::" + otherAcct + ":user/mallory"}
	otherRoot = policy.Principal{AccountID: otherAcct, ID: otherAcct, ARN: "acs:ram::" + otherAcct + ":root"}
	session   = policy.Principal{AccountID: owner, ID: roleID, ARN: "acs:ram::" + owner + ":assumed-role/Reader/s1"}
	anonymous = policy.Principal{Anonymous: true}
)

func mustParse(t *testing.T, kind policy.Kind, doc string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse([]byte(doc), kind)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return p
}

// identityDoc returns an identity policy with one statement.
func identityDoc(effect, action, resource string) string {
	return `{"Version":"1","Statement":[{"Effect":"` + effect + `","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

// resourceDoc returns a resource policy with one statement for principal.
func resourceDoc(effect, principal, action, resource string) string {
	return `{"Version":"1","Statement":[{"Effect":"` + effect + `","Principal":["` + principal + `"],"Action":"` +
		action + `","Resource":"` + resource + `"}]}`
}

func TestDecideDirect(t *testing.T) {
	allowAll := mustParse(t, policy.Identity, identityDoc("Allow", "oss:*", "*"))
	denyGet := mustParse(t, policy.Identity, identityDoc("Deny", getObject, "*"))
	bucketAllowAlice := mustParse(t, policy.Resource, resourceDoc("Allow", aliceID, getObject, bucketObj))
	bucketAllowMallory := mustParse(t, policy.Resource, resourceDoc("Allow", malloryID, getObject, bucketObj))
	bucketDenyAlice := mustParse(t, policy.Resource, resourceDoc("Deny", aliceID, getObject, bucketObj))
	bucketDenyOwner := mustParse(t, policy.Resource, resourceDoc("Deny", owner, getObject, bucketObj))
	bucketDenyEveryone := mustParse(t, policy.Resource, resourceDoc("Deny", "*", getObject, bucketObj))
	bucketPublic := mustParse(t, policy.Resource, resourceDoc("Allow", "*", getObject, bucketObj))
	sessionGet := mustParse(t, policy.Identity, identityDoc("Allow", getObject, bucketObj))
	sessionOther := mustParse(t, policy.Identity, identityDoc("Allow", getObject, "acs:oss:*:"+owner+":bucket-b/*"))
	sessionDeny := mustParse(t, policy.Identity, identityDoc("Deny", getObject, "*"))

	tests := []struct {
		name   string
		who    policy.Principal
		action string
		in     Input
		reason Reason
		layer  Layer
	}{
		{"owner with no policy", ownerRoot, putObject, Input{}, Allowed, LayerNone},
		{"owner denied by name in the bucket policy", ownerRoot, getObject, Input{BucketPolicy: bucketDenyOwner}, ExplicitDeny, LayerBucketPolicy},
		{"owner not locked out by an unconditional deny to everyone", ownerRoot, getObject, Input{BucketPolicy: bucketDenyEveryone}, Allowed, LayerNone},
		{"user with no policy", alice, getObject, Input{}, NotAllowed, LayerNone},
		{"user allowed by identity policy", alice, getObject, Input{Identity: []*policy.Policy{allowAll}}, Allowed, LayerNone},
		{"identity deny beats identity allow", alice, getObject, Input{Identity: []*policy.Policy{allowAll, denyGet}}, ExplicitDeny, LayerIdentity},
		{"user allowed by bucket policy", alice, getObject, Input{BucketPolicy: bucketAllowAlice}, Allowed, LayerNone},
		{"bucket deny beats identity allow", alice, getObject, Input{Identity: []*policy.Policy{allowAll}, BucketPolicy: bucketDenyAlice}, ExplicitDeny, LayerBucketPolicy},
		{"identity deny beats bucket allow", alice, getObject, Input{Identity: []*policy.Policy{denyGet}, BucketPolicy: bucketAllowAlice}, ExplicitDeny, LayerIdentity},
		{"user allowed by public-read", alice, getObject, Input{BucketACL: ACLPublicRead}, Allowed, LayerNone},
		{"public-read does not grant writes", alice, putObject, Input{BucketACL: ACLPublicRead}, NotAllowed, LayerNone},
		{"public-read-write grants writes", alice, putObject, Input{BucketACL: ACLPublicReadWrite}, Allowed, LayerNone},
		{"public ACL does not override an explicit deny", alice, getObject, Input{BucketACL: ACLPublicRead, Identity: []*policy.Policy{denyGet}}, ExplicitDeny, LayerIdentity},
		{"other account's identity policy grants nothing here", mallory, getObject, Input{Identity: []*policy.Policy{allowAll}}, NotAllowed, LayerNone},
		{"other account's root gets nothing implicit", otherRoot, getObject, Input{}, NotAllowed, LayerNone},
		{"other account's user allowed by bucket policy", mallory, getObject, Input{BucketPolicy: bucketAllowMallory}, Allowed, LayerNone},
		{"anonymous on a private bucket", anonymous, getObject, Input{}, NotAllowed, LayerNone},
		{"anonymous allowed by public-read", anonymous, getObject, Input{BucketACL: ACLPublicRead}, Allowed, LayerNone},
		{"anonymous allowed by a policy for everyone", anonymous, getObject, Input{BucketPolicy: bucketPublic}, Allowed, LayerNone},
		{"anonymous not allowed by a policy naming a user", anonymous, getObject, Input{BucketPolicy: bucketAllowAlice}, NotAllowed, LayerNone},
		{"anonymous identity policies are ignored", anonymous, getObject, Input{Identity: []*policy.Policy{allowAll}}, NotAllowed, LayerNone},
		{"object ACL private overrides public bucket", anonymous, getObject, Input{BucketACL: ACLPublicRead, ObjectACL: ACLPrivate}, NotAllowed, LayerNone},
		{"object ACL public-read in a private bucket", anonymous, getObject, Input{BucketACL: ACLPrivate, ObjectACL: ACLPublicRead}, Allowed, LayerNone},
		{"object ACL default follows the bucket", anonymous, getObject, Input{BucketACL: ACLPublicRead, ObjectACL: ACLDefault}, Allowed, LayerNone},
		{"listing follows the bucket ACL only", anonymous, listAction, Input{BucketACL: ACLPrivate, ObjectACL: ACLPublicRead}, NotAllowed, LayerNone},
		{"public-read bucket allows listing", anonymous, listAction, Input{BucketACL: ACLPublicRead}, Allowed, LayerNone},
		{"ACL never grants configuration actions", anonymous, "oss:PutBucketAcl", Input{BucketACL: ACLPublicReadWrite}, NotAllowed, LayerNone},
		{"bucket block public access turns the ACL off", anonymous, getObject, Input{BucketACL: ACLPublicRead, BlockPublicAccess: BlockPublicAccess{Bucket: true}}, PublicAccessBlocked, LayerNone},
		{"account block public access turns the ACL off", alice, getObject, Input{BucketACL: ACLPublicRead, BlockPublicAccess: BlockPublicAccess{Account: true}}, PublicAccessBlocked, LayerNone},
		{"block public access turns a public policy off", anonymous, getObject, Input{BucketPolicy: bucketPublic, BlockPublicAccess: BlockPublicAccess{Bucket: true}}, PublicAccessBlocked, LayerNone},
		{"block public access keeps identity grants", alice, getObject, Input{Identity: []*policy.Policy{allowAll}, BucketACL: ACLPublicRead, BlockPublicAccess: BlockPublicAccess{Bucket: true}}, Allowed, LayerNone},
		{"block public access keeps denies of a public policy", alice, getObject, Input{Identity: []*policy.Policy{allowAll}, BucketPolicy: bucketDenyEveryone, BlockPublicAccess: BlockPublicAccess{Bucket: true}}, ExplicitDeny, LayerBucketPolicy},
		{"session allows within the role's grant", session, getObject, Input{Identity: []*policy.Policy{allowAll}, Session: sessionGet}, Allowed, LayerNone},
		{"session narrows the role's grant", session, putObject, Input{Identity: []*policy.Policy{allowAll}, Session: sessionGet}, NotAllowed, LayerSession},
		{"session for another resource", session, getObject, Input{Identity: []*policy.Policy{allowAll}, Session: sessionOther}, NotAllowed, LayerSession},
		{"session deny", session, getObject, Input{Identity: []*policy.Policy{allowAll}, Session: sessionDeny}, ExplicitDeny, LayerSession},
		{"session alone grants nothing", session, getObject, Input{Session: sessionGet}, NotAllowed, LayerNone},
		{"session narrows a public ACL too", session, putObject, Input{BucketACL: ACLPublicReadWrite, Session: sessionGet}, NotAllowed, LayerSession},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Request = policy.Request{Action: tc.action, Principal: tc.who}
			in.ResourceOwner = owner
			in.Resource = bucketObj
			d := Decide(&in)
			if d.Reason != tc.reason || d.Layer != tc.layer {
				t.Errorf("got %+v, want reason %d layer %v", d, tc.reason, tc.layer)
			}
		})
	}
}

// apTruthTable is the truth table of access point authorization: the
// combined identity and bucket policy decision against the access point
// policy's decision. "absent" means the access point has no policy.
var apTruthTable = []struct {
	left, point string
	reason      Reason
}{
	{"Allow", "Allow", Allowed},
	{"Allow", "Deny", ExplicitDeny},
	{"Allow", "Ignore", AccessPointNotAllowed},
	{"Allow", "absent", Allowed},
	{"Deny", "Allow", ExplicitDeny},
	{"Deny", "Deny", ExplicitDeny},
	{"Deny", "Ignore", ExplicitDeny},
	{"Deny", "absent", ExplicitDeny},
	{"Ignore", "Allow", NotAllowed},
	{"Ignore", "Deny", ExplicitDeny},
	{"Ignore", "Ignore", NotAllowed},
	{"Ignore", "absent", NotAllowed},
}

// leftLayers returns identity and bucket policies whose combination is
// want for alice: Allow from the identity policy, Deny from the bucket
// policy, or nothing.
func leftLayers(t *testing.T, want string) ([]*policy.Policy, *policy.Policy) {
	switch want {
	case "Allow":
		return []*policy.Policy{mustParse(t, policy.Identity, identityDoc("Allow", "oss:*", "*"))}, nil
	case "Deny":
		return []*policy.Policy{mustParse(t, policy.Identity, identityDoc("Allow", "oss:*", "*"))},
			mustParse(t, policy.Resource, resourceDoc("Deny", aliceID, getObject, bucketObj))
	}
	return nil, nil
}

// pointPolicy returns an access point policy over resource whose decision
// for alice is want.
func pointPolicy(t *testing.T, want, resource string) *policy.Policy {
	switch want {
	case "Allow":
		return mustParse(t, policy.Resource, resourceDoc("Allow", aliceID, getObject, resource))
	case "Deny":
		return mustParse(t, policy.Resource, resourceDoc("Deny", aliceID, getObject, resource))
	case "Ignore":
		return mustParse(t, policy.Resource, resourceDoc("Allow", malloryID, getObject, resource))
	}
	return nil
}

func TestDecideAccessPointTruthTable(t *testing.T) {
	for _, row := range apTruthTable {
		t.Run(row.left+"/"+row.point, func(t *testing.T) {
			identity, bucket := leftLayers(t, row.left)
			in := &Input{
				Request:             policy.Request{Action: getObject, Principal: alice},
				ResourceOwner:       owner,
				Resource:            bucketObj,
				AccessPointResource: apObj,
				Path:                ViaAccessPoint,
				Identity:            identity,
				BucketPolicy:        bucket,
				AccessPointPolicy:   pointPolicy(t, row.point, apObj),
			}
			d := Decide(in)
			if d.Reason != row.reason {
				t.Errorf("got %+v, want reason %d", d, row.reason)
			}
			if row.reason == ExplicitDeny && row.left != "Deny" && d.Layer != LayerAccessPointPolicy {
				t.Errorf("deny came from %v, want the access point policy", d.Layer)
			}
			if row.reason == AccessPointNotAllowed && d.Layer != LayerAccessPointPolicy {
				t.Errorf("layer %v, want the access point policy", d.Layer)
			}
		})
	}
}

func TestDecideFCAccessPointTruthTable(t *testing.T) {
	for _, row := range apTruthTable {
		t.Run(row.left+"/"+row.point, func(t *testing.T) {
			identity, bucket := leftLayers(t, row.left)
			in := &Input{
				Request:               policy.Request{Action: getObject, Principal: alice},
				ResourceOwner:         owner,
				Resource:              bucketObj,
				FCAccessPointResource: fcapObj,
				Path:                  ViaFCAccessPoint,
				Identity:              identity,
				BucketPolicy:          bucket,
				FCAccessPointPolicy:   pointPolicy(t, row.point, fcapObj),
			}
			d := Decide(in)
			if d.Reason != row.reason {
				t.Errorf("got %+v, want reason %d", d, row.reason)
			}
			if row.reason == AccessPointNotAllowed && d.Layer != LayerFCAccessPointPolicy {
				t.Errorf("layer %v, want the Object FC Access Point policy", d.Layer)
			}
		})
	}
}

func TestDecideFCAccessPointWithSupportingPolicy(t *testing.T) {
	allowAll := []*policy.Policy{mustParse(t, policy.Identity, identityDoc("Allow", "oss:*", "*"))}
	tests := []struct {
		name, point, fc string
		reason          Reason
		layer           Layer
	}{
		{"both allow", "Allow", "Allow", Allowed, LayerNone},
		{"supporting policy ignores", "Ignore", "Allow", AccessPointNotAllowed, LayerAccessPointPolicy},
		{"FC policy ignores", "Allow", "Ignore", AccessPointNotAllowed, LayerFCAccessPointPolicy},
		{"supporting policy denies", "Deny", "Allow", ExplicitDeny, LayerAccessPointPolicy},
		{"FC policy denies", "Allow", "Deny", ExplicitDeny, LayerFCAccessPointPolicy},
		{"neither exists", "absent", "absent", Allowed, LayerNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Decide(&Input{
				Request:               policy.Request{Action: getObject, Principal: alice},
				ResourceOwner:         owner,
				Resource:              bucketObj,
				AccessPointResource:   apObj,
				FCAccessPointResource: fcapObj,
				Path:                  ViaFCAccessPoint,
				Identity:              allowAll,
				AccessPointPolicy:     pointPolicy(t, tc.point, apObj),
				FCAccessPointPolicy:   pointPolicy(t, tc.fc, fcapObj),
			})
			if d.Reason != tc.reason || d.Layer != tc.layer {
				t.Errorf("got %+v, want reason %d layer %v", d, tc.reason, tc.layer)
			}
		})
	}
}

func TestDecideOwnerThroughAccessPoints(t *testing.T) {
	for _, point := range []string{"Allow", "Ignore", "absent", "Deny"} {
		for _, path := range []Path{ViaAccessPoint, ViaFCAccessPoint} {
			in := &Input{
				Request:               policy.Request{Action: getObject, Principal: ownerRoot},
				ResourceOwner:         owner,
				Resource:              bucketObj,
				AccessPointResource:   apObj,
				FCAccessPointResource: fcapObj,
				Path:                  path,
			}
			if path == ViaAccessPoint {
				in.AccessPointPolicy = pointPolicyFor(t, point, owner, apObj)
			} else {
				in.FCAccessPointPolicy = pointPolicyFor(t, point, owner, fcapObj)
			}
			d := Decide(in)
			want := point != "Deny"
			if d.Allowed() != want {
				t.Errorf("owner, path %d, point policy %s: got %+v, want allowed %v", path, point, d, want)
			}
		}
	}
}

func pointPolicyFor(t *testing.T, want, principal, resource string) *policy.Policy {
	switch want {
	case "Allow":
		return mustParse(t, policy.Resource, resourceDoc("Allow", principal, getObject, resource))
	case "Deny":
		return mustParse(t, policy.Resource, resourceDoc("Deny", principal, getObject, resource))
	case "Ignore":
		return mustParse(t, policy.Resource, resourceDoc("Allow", malloryID, getObject, resource))
	}
	return nil
}

func TestDecideAnonymousThroughAccessPoints(t *testing.T) {
	public := mustParse(t, policy.Resource, resourceDoc("Allow", "*", getObject, apObj))
	for _, path := range []Path{ViaAccessPoint, ViaFCAccessPoint} {
		d := Decide(&Input{
			Request:             policy.Request{Action: getObject, Principal: anonymous},
			ResourceOwner:       owner,
			Resource:            bucketObj,
			AccessPointResource: apObj,
			Path:                path,
			BucketACL:           ACLPublicReadWrite,
			AccessPointPolicy:   public,
		})
		if d.Reason != AnonymousThroughAccessPoint {
			t.Errorf("path %d: got %+v, want AnonymousThroughAccessPoint", path, d)
		}
		code, ec := d.Error(getObject).Code, d.Error(getObject).EC
		if code != osserr.AccessDenied || ec != "0003-00001201" {
			t.Errorf("path %d: error %s EC %s, want AccessDenied EC 0003-00001201", path, code, ec)
		}
	}
}

func TestDecideAccessPointBlockPublicAccess(t *testing.T) {
	allowAll := []*policy.Policy{mustParse(t, policy.Identity, identityDoc("Allow", "oss:*", "*"))}
	publicPoint := mustParse(t, policy.Resource, resourceDoc("Allow", "*", getObject, apObj))
	in := Input{
		Request:             policy.Request{Action: getObject, Principal: alice},
		ResourceOwner:       owner,
		Resource:            bucketObj,
		AccessPointResource: apObj,
		Path:                ViaAccessPoint,
		Identity:            allowAll,
		AccessPointPolicy:   publicPoint,
	}
	if d := Decide(&in); !d.Allowed() {
		t.Fatalf("public access point policy without the block: %+v", d)
	}
	in.BlockPublicAccess = BlockPublicAccess{AccessPoint: true}
	if d := Decide(&in); d.Reason != AccessPointNotAllowed || d.Layer != LayerAccessPointPolicy {
		t.Errorf("access point block: got %+v, want AccessPointNotAllowed", d)
	}
	in.BlockPublicAccess = BlockPublicAccess{Bucket: true}
	if d := Decide(&in); !d.Allowed() {
		t.Errorf("the bucket block does not cover access point policies: %+v", d)
	}
}

func TestDecideDelegationConditions(t *testing.T) {
	// A bucket policy that delegates to the owner's access points grants
	// only requests that come through one.
	delegation := mustParse(t, policy.Resource, `{"Version":"1","Statement":[{"Effect":"Allow","Principal":["*"],`+
		`"Action":"oss:*","Resource":["acs:oss:*:`+owner+`:bucket-a","acs:oss:*:`+owner+`:bucket-a/*"],`+
		`"Condition":{"StringEquals":{"oss:DataAccessPointArn":["`+apARN+`"]}}}]}`)
	base := Input{
		Request:       policy.Request{Action: getObject, Principal: alice},
		ResourceOwner: owner,
		Resource:      bucketObj,
		BucketPolicy:  delegation,
	}

	direct := base
	if d := Decide(&direct); d.Allowed() {
		t.Error("a delegation statement allowed a direct request")
	}
	via := base
	via.Path = ViaAccessPoint
	via.AccessPointResource = apObj
	via.Request.Context.Keys = map[string][]string{policy.KeyDataAccessPointArn: {apARN}}
	if d := Decide(&via); !d.Allowed() {
		t.Errorf("request through the delegated access point: %+v", d)
	}
	other := via
	other.Request.Context.Keys = map[string][]string{policy.KeyDataAccessPointArn: {apARN + "-other"}}
	if d := Decide(&other); d.Allowed() {
		t.Error("a request through another access point was allowed by the delegation")
	}
}

func TestDecisionError(t *testing.T) {
	tests := []struct {
		d    Decision
		want []string
	}{
		{Decision{Reason: ExplicitDeny, Layer: LayerBucketPolicy}, []string{"oss:GetObject", "bucket policy denies it explicitly"}},
		{Decision{Reason: NotAllowed}, []string{"oss:GetObject", "no identity policy, bucket policy or ACL allows it"}},
		{Decision{Reason: NotAllowed, Layer: LayerSession}, []string{"session policy"}},
		{Decision{Reason: AccessPointNotAllowed, Layer: LayerFCAccessPointPolicy}, []string{"Object FC Access Point policy does not allow it"}},
	}
	for _, tc := range tests {
		err := tc.d.Error(getObject)
		if err == nil || err.Code != osserr.AccessDenied || err.HTTPStatus() != 403 {
			t.Errorf("%+v: got %v, want a 403 AccessDenied", tc.d, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Message, w) {
				t.Errorf("%+v: message %q lacks %q", tc.d, err.Message, w)
			}
		}
	}
	if err := (Decision{Reason: Allowed}).Error(getObject); err != nil {
		t.Errorf("allowed decision gave error %v", err)
	}
}

func TestACLActionsIgnoreCase(t *testing.T) {
	if !aclAllows("OSS:GETOBJECT", ACLPublicRead, "") {
		t.Error("ACL check is case-sensitive; RAM actions are not")
	}
}
