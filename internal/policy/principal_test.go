package policy

import (
	"testing"

	"github.com/ossfc/ossfc/internal/arn"
)

// bucketDoc is a bucket policy with one statement that grants (or denies)
// GetObject on the photos bucket to principal, a JSON value.
func bucketDoc(effect, principal, condition string) string {
	st := `{"Effect":"` + effect + `","Action":"oss:GetObject","Principal":` + principal +
		`,"Resource":["acs:oss:*:1111111111111111:photos/*"]`
	if condition != "" {
		st += `,"Condition":` + condition
	}
	return `{"Version":"1","Statement":[` + st + `}]}`
}

func getPhoto(p Principal) Request {
	return Request{Action: "oss:GetObject", Resource: photosObject, Principal: p}
}

func TestEvaluateResourcePrincipals(t *testing.T) {
	session := func(role, name string) string { return `["` + arn.STSAssumedRole(owner, role, name) + `"]` }
	tests := []evalCase{
		{"star matches anonymous", bucketDoc("Allow", `"*"`, ""), getPhoto(anonymous), Allow},
		{"star list matches anonymous", bucketDoc("Allow", `["*"]`, ""), getPhoto(anonymous), Allow},
		{"star matches other accounts", bucketDoc("Allow", `"*"`, ""), getPhoto(otherBob), Allow},
		{"empty list is star", bucketDoc("Allow", `[]`, ""), getPhoto(anonymous), Allow},
		{"uid matches root", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(otherRoot), Allow},
		{"uid misses its users", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(otherBob), NoMatch},
		{"uid misses anonymous", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(anonymous), NoMatch},
		{"uid misses other account", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(ownerRoot), NoMatch},
		{"user id", bucketDoc("Allow", `["2033333333333333"]`, ""), getPhoto(alice), Allow},
		{"user id misses root", bucketDoc("Allow", `["2033333333333333"]`, ""), getPhoto(ownerRoot), NoMatch},
		{"role id misses session", bucketDoc("Allow", `["3044444444444444"]`, ""), getPhoto(fcSession), NoMatch},
		{"unknown uid", bucketDoc("Allow", `["9999999999999999"]`, ""), getPhoto(alice), NoMatch},
		{"root without arn", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(Principal{AccountID: other, ID: other}), Allow},
		{"root arn without id", bucketDoc("Allow", `["2222222222222222"]`, ""), getPhoto(Principal{AccountID: other, ARN: arn.Root(other)}), Allow},
		{"root id without arn by arn pattern", bucketDoc("Allow", `["acs:ram::*:*"]`, ""), getPhoto(Principal{AccountID: other, ID: other}), Allow},
		{"user without arn", bucketDoc("Allow", `["2033333333333333"]`, ""), getPhoto(Principal{AccountID: owner, ID: aliceID}), Allow},
		{"sts session", bucketDoc("Allow", session("AliyunFCDefaultRole", "fc-session"), ""), getPhoto(fcSession), Allow},
		{"sts session role case", bucketDoc("Allow", session("aliyunfcdefaultrole", "fc-session"), ""), getPhoto(fcSession), Allow},
		{"sts other session", bucketDoc("Allow", session("AliyunFCDefaultRole", "other"), ""), getPhoto(fcSession), NoMatch},
		{"sts session wildcard", bucketDoc("Allow", session("AliyunFCDefaultRole", "*"), ""), getPhoto(fcSession), Allow},
		{"sts every role", bucketDoc("Allow", `["arn:sts::*:*/*/*"]`, ""), getPhoto(fcSession), Allow},
		{"sts every role misses users", bucketDoc("Allow", `["arn:sts::*:*/*/*"]`, ""), getPhoto(alice), NoMatch},
		{"sts every role misses root", bucketDoc("Allow", `["arn:sts::*:*/*/*"]`, ""), getPhoto(ownerRoot), NoMatch},
		{"sts wrong account", bucketDoc("Allow", `["arn:sts::2222222222222222:assumed-role/AliyunFCDefaultRole/*"]`, ""), getPhoto(fcSession), NoMatch},
		{"acs session", bucketDoc("Allow", `["acs:ram::1111111111111111:assumed-role/AliyunFCDefaultRole/fc-session"]`, ""), getPhoto(fcSession), Allow},
		{"session given in sts form", bucketDoc("Allow", session("AliyunFCDefaultRole", "fc-session"), ""),
			getPhoto(Principal{AccountID: owner, ARN: arn.STSAssumedRole(owner, "AliyunFCDefaultRole", "fc-session")}), Allow},
		{"role arn covers sessions", bucketDoc("Allow", `["acs:ram::1111111111111111:role/aliyunfcdefaultrole"]`, ""), getPhoto(fcSession), Allow},
		{"user arn", bucketDoc("Allow", `["acs:ram::1111111111111111:user/alice"]`, ""), getPhoto(alice), Allow},
		{"user arn misses other user", bucketDoc("Allow", `["acs:ram::1111111111111111:user/bob"]`, ""), getPhoto(alice), NoMatch},
		{"root arn covers users", bucketDoc("Allow", `["acs:ram::1111111111111111:root"]`, ""), getPhoto(alice), Allow},
		{"root arn covers sessions", bucketDoc("Allow", `["acs:ram::1111111111111111:root"]`, ""), getPhoto(fcSession), Allow},
		{"root arn misses other account", bucketDoc("Allow", `["acs:ram::1111111111111111:root"]`, ""), getPhoto(otherBob), NoMatch},
		{"root arn misses anonymous", bucketDoc("Allow", `["acs:ram::*:root"]`, ""), getPhoto(anonymous), NoMatch},
		{"ram object form", bucketDoc("Allow", `{"RAM":["2033333333333333"]}`, ""), getPhoto(alice), Allow},
		{"service misses ram", bucketDoc("Allow", `{"Service":["fc.aliyuncs.com"]}`, ""), getPhoto(alice), NoMatch},
		{"deny by uid", bucketDoc("Deny", `["2033333333333333"]`, ""), getPhoto(alice), Deny},
		{"deny other principal", bucketDoc("Deny", `["2033333333333333"]`, ""), getPhoto(otherBob), NoMatch},
	}
	runEvalCases(t, Resource, tests)
}

func TestEvaluateOwnerRule(t *testing.T) {
	owned := func(p Principal) Request {
		r := getPhoto(p)
		r.ResourceOwner = owner
		return r
	}
	ipCondition := `{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`
	tests := []evalCase{
		{"star deny skips owner", bucketDoc("Deny", `"*"`, ""), owned(ownerRoot), NoMatch},
		{"star deny applies to owner users", bucketDoc("Deny", `"*"`, ""), owned(alice), Deny},
		{"star deny applies to others", bucketDoc("Deny", `"*"`, ""), owned(otherRoot), Deny},
		{"star allow skips owner", bucketDoc("Allow", `"*"`, ""), owned(ownerRoot), NoMatch},
		{"conditional star deny applies to owner", bucketDoc("Deny", `"*"`, ipCondition), owned(ownerRoot), Deny},
		{"named owner is not skipped", bucketDoc("Deny", `["*","1111111111111111"]`, ""), owned(ownerRoot), Deny},
		{"without owner the rule is off", bucketDoc("Deny", `"*"`, ""), getPhoto(ownerRoot), Deny},
	}
	runEvalCases(t, Resource, tests)
}

func TestEvaluateTrust(t *testing.T) {
	trust := func(principal string) string {
		return `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":` + principal + `}],"Version":"1"}`
	}
	assume := func(p Principal) Request {
		return Request{Action: "sts:AssumeRole", Resource: arn.Role(owner, "AliyunFCDefaultRole"), Principal: p}
	}
	tests := []evalCase{
		{"service", trust(`{"Service":["fc.aliyuncs.com"]}`), assume(fcService), Allow},
		{"service case", trust(`{"Service":"FC.aliyuncs.com"}`), assume(fcService), Allow},
		{"other service", trust(`{"Service":["oss.aliyuncs.com"]}`), assume(fcService), NoMatch},
		{"service of account", trust(`{"Service":["1111111111111111@fc.aliyuncs.com"]}`), assume(fcService), Allow},
		{"service of other account", trust(`{"Service":["2222222222222222@fc.aliyuncs.com"]}`), assume(fcService), NoMatch},
		{"service list misses users", trust(`{"Service":["fc.aliyuncs.com"]}`), assume(alice), NoMatch},
		{"account root covers users", trust(`{"RAM":["acs:ram::1111111111111111:root"]}`), assume(alice), Allow},
		{"account root covers sessions", trust(`{"RAM":["acs:ram::1111111111111111:root"]}`), assume(fcSession), Allow},
		{"account root misses services", trust(`{"RAM":["acs:ram::1111111111111111:root"]}`), assume(fcService), NoMatch},
		{"other account root", trust(`{"RAM":["acs:ram::2222222222222222:root"]}`), assume(alice), NoMatch},
		{"user", trust(`{"RAM":"acs:ram::1111111111111111:user/alice"}`), assume(alice), Allow},
		{"role", trust(`{"RAM":"acs:ram::1111111111111111:role/AliyunFCDefaultRole"}`), assume(fcSession), Allow},
		{"federated", trust(`{"Federated":["acs:ram::1111111111111111:saml-provider/corp-idp"]}`), assume(samlUser), Allow},
		{"federated other idp", trust(`{"Federated":["acs:ram::1111111111111111:saml-provider/other"]}`), assume(samlUser), NoMatch},
		{"mixed lists", trust(`{"RAM":["acs:ram::2222222222222222:root"],"Service":"fc.aliyuncs.com"}`), assume(fcService), Allow},
		{"resource is ignored", trust(`{"Service":"fc.aliyuncs.com"}`), Request{Action: "sts:AssumeRole", Principal: fcService}, Allow},
		{"other action", trust(`{"Service":"fc.aliyuncs.com"}`), Request{Action: "sts:GetCallerIdentity", Principal: fcService}, NoMatch},
	}
	runEvalCases(t, Trust, tests)
}

func TestAllowsPublicAccess(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want bool
	}{
		{"star", bucketDoc("Allow", `"*"`, ""), true},
		{"empty list", bucketDoc("Allow", `[]`, ""), true},
		{"delegation with condition", bucketDoc("Allow", `["*"]`, `{"StringEquals":{"oss:DataAccessPointAccount":"1111111111111111"}}`), true},
		{"named principal", bucketDoc("Allow", `["2033333333333333"]`, ""), false},
		{"deny star", bucketDoc("Deny", `"*"`, ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), Resource)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.AllowsPublicAccess(); got != tt.want {
				t.Errorf("AllowsPublicAccess = %v, want %v", got, tt.want)
			}
		})
	}
}
