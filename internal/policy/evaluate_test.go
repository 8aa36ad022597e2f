package policy

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
)

const (
	testRegion = "cn-hangzhou"
	owner      = "1111111111111111"
	other      = "2222222222222222"
	aliceID    = "2033333333333333"
)

var (
	ownerRoot = Principal{AccountID: owner, ID: owner, ARN: arn.Root(owner)}
	alice     = Principal{AccountID: owner, ID: aliceID, ARN: arn.User(owner, "alice")}
	fcSession = Principal{AccountID: owner, ID: "3044444444444444", ARN: arn.AssumedRole(owner, "AliyunFCDefaultRole", "fc-session")}
	otherRoot = Principal{AccountID: other, ID: other, ARN: arn.Root(other)}
	otherBob  = Principal{AccountID: other, ID: "2055555555555555", ARN: arn.User(other, "bob")}
	anonymous = Principal{Anonymous: true}
	fcService = Principal{AccountID: owner, Service: "fc.aliyuncs.com"}
	samlUser  = Principal{AccountID: owner, Federated: "acs:ram::" + owner + ":saml-provider/corp-idp"}
)

var (
	photosBucket = arn.Bucket(testRegion, owner, "photos")
	photosObject = arn.Object(testRegion, owner, "photos", "2024/cat.jpg")
)

type evalCase struct {
	name string
	doc  string
	req  Request
	want Decision
}

func runEvalCases(t *testing.T, kind Kind, tests []evalCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), kind)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := p.Evaluate(&tt.req); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

// identityDoc wraps statements in an identity policy document.
func identityDoc(statements string) string {
	return `{"Version":"1","Statement":[` + statements + `]}`
}

func TestEvaluateActions(t *testing.T) {
	allow := func(action string) string {
		return identityDoc(`{"Effect":"Allow","Action":` + action + `,"Resource":"*"}`)
	}
	get := Request{Action: "oss:GetObject", Resource: photosObject, Principal: alice}
	tests := []evalCase{
		{"exact", allow(`"oss:GetObject"`), get, Allow},
		{"case of policy", allow(`"OSS:getobject"`), get, Allow},
		{"case of request", allow(`"oss:GetObject"`), Request{Action: "OSS:GETOBJECT", Resource: photosObject}, Allow},
		{"other action", allow(`"oss:PutObject"`), get, NoMatch},
		{"star", allow(`"*"`), get, Allow},
		{"service star", allow(`"oss:*"`), get, Allow},
		{"other service star", allow(`"ram:*"`), get, NoMatch},
		{"prefix star", allow(`"oss:Get*"`), get, Allow},
		{"prefix star no match", allow(`"oss:Put*"`), get, NoMatch},
		{"question mark", allow(`"oss:?etObject"`), get, Allow},
		{"question mark needs one", allow(`"oss:?GetObject"`), get, NoMatch},
		{"list", allow(`["oss:PutObject","oss:GetObject"]`), get, Allow},
		{"not action excludes", identityDoc(`{"Effect":"Allow","NotAction":"oss:Delete*","Resource":"*"}`), Request{Action: "oss:DeleteObject", Resource: photosObject}, NoMatch},
		{"not action covers the rest", identityDoc(`{"Effect":"Allow","NotAction":"oss:Delete*","Resource":"*"}`), get, Allow},
		{"not action deny", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":"oss:Get*","Resource":"*"}`), Request{Action: "oss:PutObject", Resource: photosObject}, Deny},
	}
	runEvalCases(t, Identity, tests)
}

func TestEvaluateResources(t *testing.T) {
	allow := func(resource string) string {
		return identityDoc(`{"Effect":"Allow","Action":"oss:*","Resource":` + resource + `}`)
	}
	get := func(resource string) Request {
		return Request{Action: "oss:GetObject", Resource: resource, Principal: alice}
	}
	tests := []evalCase{
		{"star", allow(`"*"`), get(photosObject), Allow},
		{"star matches empty", allow(`"*"`), get(""), Allow},
		{"exact object", allow(`"acs:oss:cn-hangzhou:1111111111111111:photos/2024/cat.jpg"`), get(photosObject), Allow},
		{"bucket pattern from the docs", allow(`["acs:oss:*:*:photos","acs:oss:*:*:photos/*"]`), get(photosObject), Allow},
		{"bucket only", allow(`"acs:oss:*:*:photos"`), get(photosObject), NoMatch},
		{"bucket only matches bucket", allow(`"acs:oss:*:*:photos"`), get(photosBucket), Allow},
		{"object pattern misses bucket", allow(`"acs:oss:*:*:photos/*"`), get(photosBucket), NoMatch},
		{"prefix", allow(`"acs:oss:*:*:photos/2024/*"`), get(photosObject), Allow},
		{"other prefix", allow(`"acs:oss:*:*:photos/2023/*"`), get(photosObject), NoMatch},
		{"case sensitive", allow(`"acs:oss:*:*:Photos/*"`), get(photosObject), NoMatch},
		{"key case sensitive", allow(`"acs:oss:*:*:photos/2024/Cat.jpg"`), get(photosObject), NoMatch},
		{"question mark", allow(`"acs:oss:*:*:photos/202?/*"`), get(photosObject), Allow},
		{"account field", allow(`"acs:oss:*:2222222222222222:photos/*"`), get(photosObject), NoMatch},
		{"region field", allow(`"acs:oss:cn-beijing:*:photos/*"`), get(photosObject), NoMatch},
		{"star stays in its field", allow(`"acs:oss:*:1111111111111111:b*"`), get(arn.Object(testRegion, other, "b", "x:1111111111111111:by")), NoMatch},
		{"relative id keeps colons", allow(`"acs:oss:*:*:b/x:*"`), get(arn.Object(testRegion, other, "b", "x:1:y")), Allow},
		{"short pattern", allow(`"acs:oss:*"`), get(photosObject), Allow},
		{"short pattern other service", allow(`"acs:ram:*"`), get(photosObject), NoMatch},
		{"service arn", allow(`"acs:oss:*:*:*"`), get(arn.Service(testRegion, owner)), Allow},
		{"bucket pattern misses service", allow(`"acs:oss:*:*:photos"`), get(arn.Service(testRegion, owner)), NoMatch},
		{"access point objects", allow(`"acs:oss:*:*:accesspoint/ap-01/object/*"`), get(arn.AccessPointObject(testRegion, owner, "ap-01", "k")), Allow},
		{"access point bucket pattern", allow(`"acs:oss:*:*:photos/*"`), get(arn.AccessPointObject(testRegion, owner, "ap-01", "k")), NoMatch},
		{"fc access point objects", allow(`"acs:oss:cn-hangzhou:1111111111111111:accesspointforobjectprocess/fc-ap-001/object/*"`), get(arn.AccessPointForObjectProcessObject(testRegion, owner, "fc-ap-001", "a.txt")), Allow},
		{"not resource excludes", identityDoc(`{"Effect":"Allow","Action":"oss:*","NotResource":"acs:oss:*:*:secret/*"}`), get(arn.Object(testRegion, owner, "secret", "k")), NoMatch},
		{"not resource covers the rest", identityDoc(`{"Effect":"Allow","Action":"oss:*","NotResource":"acs:oss:*:*:secret/*"}`), get(photosObject), Allow},
	}
	runEvalCases(t, Identity, tests)
}

func TestEvaluateEffects(t *testing.T) {
	get := Request{Action: "oss:GetObject", Resource: photosObject, Principal: alice}
	tests := []evalCase{
		{"allow", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), get, Allow},
		{"deny", identityDoc(`{"Effect":"Deny","Action":"*","Resource":"*"}`), get, Deny},
		{"deny after allow", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:*:photos/*"}`), get, Deny},
		{"deny before allow", identityDoc(`{"Effect":"Deny","Action":"oss:GetObject","Resource":"*"},{"Effect":"Allow","Action":"*","Resource":"*"}`), get, Deny},
		{"deny elsewhere", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"oss:PutObject","Resource":"*"}`), get, Allow},
		{"nothing matches", identityDoc(`{"Effect":"Allow","Action":"oss:PutObject","Resource":"*"}`), get, NoMatch},
	}
	runEvalCases(t, Identity, tests)
}

func TestEvaluateNil(t *testing.T) {
	p, err := Parse([]byte(identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)), Identity)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Evaluate(nil); got != NoMatch {
		t.Errorf("Evaluate(nil) = %v, want NoMatch", got)
	}
	var none *Policy
	if got := none.Evaluate(&Request{Action: "oss:GetObject"}); got != NoMatch {
		t.Errorf("nil policy Evaluate = %v, want NoMatch", got)
	}
}

func TestCombine(t *testing.T) {
	tests := []struct {
		in   []Decision
		want Decision
	}{
		{nil, NoMatch},
		{[]Decision{NoMatch}, NoMatch},
		{[]Decision{Allow}, Allow},
		{[]Decision{NoMatch, Allow, NoMatch}, Allow},
		{[]Decision{Allow, Deny}, Deny},
		{[]Decision{Deny, Allow}, Deny},
		{[]Decision{NoMatch, Deny}, Deny},
	}
	for _, tt := range tests {
		if got := Combine(tt.in...); got != tt.want {
			t.Errorf("Combine(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestDecisionString(t *testing.T) {
	for d, want := range map[Decision]string{NoMatch: "NoMatch", Allow: "Allow", Deny: "Deny", Decision(7): "Decision(7)"} {
		if got := d.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestEvaluateNetworkAndTime(t *testing.T) {
	// The Context fields that are not plain strings: typed values and the
	// default for a zero CurrentTime.
	past := identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"acs:CurrentTime":"2020-01-01T00:00:00Z"}}}`)
	p, err := Parse([]byte(past), Identity)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Evaluate(&Request{Action: "oss:GetObject"}); got != Allow {
		t.Errorf("zero CurrentTime: Evaluate = %v, want Allow (now is after 2020)", got)
	}
	old := Request{Action: "oss:GetObject", Context: Context{CurrentTime: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)}}
	if got := p.Evaluate(&old); got != NoMatch {
		t.Errorf("CurrentTime 2019: Evaluate = %v, want NoMatch", got)
	}

	ip := identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}}`)
	p, err = Parse([]byte(ip), Identity)
	if err != nil {
		t.Fatal(err)
	}
	typed := Request{Action: "oss:GetObject", Context: Context{SourceIP: netip.MustParseAddr("10.1.2.3")}}
	if got := p.Evaluate(&typed); got != Allow {
		t.Errorf("typed SourceIP: Evaluate = %v, want Allow", got)
	}
	fromKeys := Request{Action: "oss:GetObject", Context: Context{Keys: map[string][]string{"acs:sourceip": {"10.9.9.9"}}}}
	if got := p.Evaluate(&fromKeys); got != Allow {
		t.Errorf("SourceIP from Keys: Evaluate = %v, want Allow", got)
	}
}
