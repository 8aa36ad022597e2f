package policy

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		doc  string
	}{
		{"identity minimal", Identity, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`},
		{"single statement object", Identity, `{"Version":"1","Statement":{"Effect":"Deny","Action":["oss:*"],"Resource":["acs:oss:*:*:b/*"]}}`},
		{"sid and empty condition", Identity, `{"Version":"1","Statement":[{"Sid":"s1","Effect":"Allow","Action":"*","Resource":"*","Condition":{}}]}`},
		{"not elements", Identity, `{"Version":"1","Statement":[{"Effect":"Allow","NotAction":"ram:*","NotResource":"acs:oss:*:*:secret/*"}]}`},
		{"bucket policy from the docs", Resource, `{"Version":"1","Statement":[{"Action":["oss:PutObject","oss:GetObject"],"Effect":"Deny","Principal":["1234567890123456"],"Resource":["acs:oss:cn-hangzhou:1234567890123456:accesspoint/ap-01","acs:oss:cn-hangzhou:1234567890123456:accesspoint/ap-01/object/*"]}]}`},
		{"empty principal list", Resource, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":[],"Resource":"*"}]}`},
		{"principal object", Resource, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"kms:*","Principal":{"RAM":["acs:ram::1234567890123456:user/ramuser1"]},"Resource":"*"}]}`},
		{"unknown principal id", Resource, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":"9999999999999999","Resource":"*"}]}`},
		{"sts principal", Resource, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":["arn:sts::*:*/*/*"],"Resource":"*"}]}`},
		{"trust for services", Trust, `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["fc.aliyuncs.com"]}}],"Version":"1"}`},
		{"trust for accounts", Trust, `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"RAM":"acs:ram::123456789012:root"}}],"Version":"1"}`},
		{"trust for an idp", Trust, `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Federated":["acs:ram::123456789012:saml-provider/idp"]}}],"Version":"1"}`},
		{"unknown condition key", Identity, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"acs:SourceVpc":"vpc-1"}}}]}`},
		{"typed condition values", Identity, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
			"Bool":{"acs:SecureTransport":true},
			"NumericLessThan":{"oss:MaxKeys":[100, "200", 1.5e3]},
			"DateLessThan":{"acs:CurrentTime":["2019-08-12T17:00:00+08:00","2019-08-12T09:00Z","2030-01-01",1700000000]},
			"IpAddress":{"acs:SourceIp":["192.168.0.0/16","10.0.0.1","2001:db8::/32","::ffff:10.1.0.0/112"]}}}]}`},
		{"max size", Identity, padTo(MaxSize, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), tt.kind)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Kind() != tt.kind {
				t.Errorf("Kind() = %v, want %v", p.Kind(), tt.kind)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	const (
		head = `{"Version":"1","Statement":[`
		tail = `]}`
	)
	tests := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		{"empty", Identity, ``, `the policy document is empty`},
		{"too large", Identity, padTo(MaxSize+1, `{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), `the policy document is 16385 bytes, over the limit of 16384 bytes`},
		{"truncated", Identity, `{"Version":"1",`, `invalid JSON: the document ends before it is complete`},
		{"syntax", Identity, `{"Version" "1"}`, `invalid JSON at byte 11: invalid character '"' after object key`},
		{"trailing data", Identity, `{"Version":"1"} {}`, `unexpected data after the policy document at byte 17`},
		{"root array", Identity, `[]`, `the policy document is an array, not a JSON object`},
		{"duplicate element", Identity, head + `{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}` + tail, `Statement[0].Effect: duplicate element`},
		{"unknown top element", Identity, `{"Id":"x","Version":"1","Statement":[]}`, `Id: unknown element; a policy has only Version and Statement`},
		{"version missing", Identity, `{"Statement":[]}`, `Version: missing; it must be "1"`},
		{"version number", Resource, `{"Version":1,"Statement":[]}`, `Version: 1 is not "1"`},
		{"version other", Identity, `{"Version":"2012-10-17","Statement":[]}`, `Version: "2012-10-17" is not "1"`},
		{"statement missing", Identity, `{"Version":"1"}`, `Statement: missing; a policy needs at least one statement`},
		{"statement empty", Identity, `{"Version":"1","Statement":[]}`, `Statement: empty; a policy needs at least one statement`},
		{"statement string", Identity, `{"Version":"1","Statement":"Allow"}`, `Statement: "Allow" is not an array of statements`},
		{"statement item", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*"},5` + tail, `Statement[1]: 5 is not a statement object`},
		{"unknown statement element", Identity, head + `{"Efect":"Allow"}` + tail, `Statement[0].Efect: unknown element; a statement has Sid, Effect, Action, NotAction, Resource, NotResource, Principal and Condition`},
		{"not principal", Resource, head + `{"Effect":"Allow","Action":"*","Resource":"*","NotPrincipal":"*"}` + tail, `Statement[0].NotPrincipal: unknown element; a statement has Sid, Effect, Action, NotAction, Resource, NotResource, Principal and Condition`},
		{"sid number", Identity, head + `{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}` + tail, `Statement[0].Sid: 1 is not a string`},
		{"effect missing", Identity, head + `{"Action":"*","Resource":"*"}` + tail, `Statement[0].Effect: missing; it must be Allow or Deny`},
		{"effect misspelt", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Alow","Action":"*","Resource":"*"}` + tail, `Statement[1].Effect: "Alow" is not Allow or Deny`},
		{"effect lower case", Identity, head + `{"Effect":"allow","Action":"*","Resource":"*"}` + tail, `Statement[0].Effect: "allow" is not Allow or Deny`},
		{"effect bool", Identity, head + `{"Effect":true,"Action":"*","Resource":"*"}` + tail, `Statement[0].Effect: true is not Allow or Deny`},
		{"action and not action", Identity, head + `{"Effect":"Allow","Action":"*","NotAction":"ram:*","Resource":"*"}` + tail, `Statement[0]: has both Action and NotAction; use one`},
		{"action missing", Identity, head + `{"Effect":"Allow","Resource":"*"}` + tail, `Statement[0]: missing Action or NotAction`},
		{"action empty list", Identity, head + `{"Effect":"Allow","Action":[],"Resource":"*"}` + tail, `Statement[0].Action: empty list`},
		{"action number", Identity, head + `{"Effect":"Allow","Action":["oss:GetObject",5],"Resource":"*"}` + tail, `Statement[0].Action[1]: 5 is not a string`},
		{"action object", Identity, head + `{"Effect":"Allow","Action":{},"Resource":"*"}` + tail, `Statement[0].Action: an object is not a string or an array of strings`},
		{"action no service", Identity, head + `{"Effect":"Allow","Action":["oss:GetObject","GetObject"],"Resource":"*"}` + tail, `Statement[0].Action[1]: "GetObject" is not "*" or <service>:<action>, such as oss:GetObject`},
		{"not action empty name", Identity, head + `{"Effect":"Allow","NotAction":"oss:","Resource":"*"}` + tail, `Statement[0].NotAction: "oss:" is not "*" or <service>:<action>, such as oss:GetObject`},
		{"resource missing", Identity, head + `{"Effect":"Allow","Action":"*"}` + tail, `Statement[0]: missing Resource or NotResource`},
		{"resource and not resource", Resource, head + `{"Effect":"Allow","Action":"*","Principal":"*","Resource":"*","NotResource":"*"}` + tail, `Statement[0]: has both Resource and NotResource; use one`},
		{"resource not an arn", Resource, head + `{"Effect":"Allow","Action":"*","Principal":"*","Resource":["mybucket/*"]}` + tail, `Statement[0].Resource[0]: "mybucket/*" is not "*" or an ARN such as acs:oss:*:*:mybucket/*`},
		{"resource in trust", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"fc.aliyuncs.com"},"Resource":"*"}` + tail, `Statement[0].Resource: not allowed in a trust policy, whose resource is the role itself`},
		{"not resource in trust", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"fc.aliyuncs.com"},"NotResource":"*"}` + tail, `Statement[0].NotResource: not allowed in a trust policy, whose resource is the role itself`},
		{"principal in identity", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}` + tail, `Statement[0].Principal: not allowed in an identity policy; the identity it is attached to is the principal`},
		{"principal missing", Resource, head + `{"Effect":"Allow","Action":"*","Resource":"*"}` + tail, `Statement[0].Principal: missing; every statement of a resource policy needs one`},
		{"trust principal missing", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole"}` + tail, `Statement[0].Principal: missing; every statement of a trust policy needs one`},
		{"trust principal empty", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":[]}` + tail, `Statement[0].Principal: empty; name the principals that may assume the role`},
		{"principal empty object", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{}}` + tail, `Statement[0].Principal: empty object; use the RAM, Service or Federated list`},
		{"principal type", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"*"}}` + tail, `Statement[0].Principal.AWS: unknown principal type; use RAM, Service or Federated`},
		{"principal number", Resource, head + `{"Effect":"Allow","Action":"*","Resource":"*","Principal":1234}` + tail, `Statement[0].Principal: 1234 is not a string or an array of strings`},
		{"principal foreign arn", Resource, head + `{"Effect":"Allow","Action":"*","Resource":"*","Principal":["1","acs:oss:*:*:b"]}` + tail, `Statement[0].Principal[1]: "acs:oss:*:*:b" is not an account or user id, an acs:ram ARN or an arn:sts assumed-role ARN`},
		{"principal ram list", Trust, head + `{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":[null]}}` + tail, `Statement[0].Principal.RAM[0]: null is not a string`},
		{"condition string", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":"x"}` + tail, `Statement[0].Condition: "x" is not an object such as {"StringLike": {"oss:Prefix": "dir/*"}}`},
		{"condition operator", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"oss:Prefix":"a"}}}` + tail, `Statement[0].Condition.StringEqual: unknown condition operator`},
		{"condition operator case", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"stringequals":{"oss:Prefix":"a"}}}` + tail, `Statement[0].Condition.stringequals: unknown condition operator`},
		{"condition keys array", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":["oss:Prefix"]}}` + tail, `Statement[0].Condition.StringEquals: an array is not an object of condition keys`},
		{"condition empty key", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"":"a"}}}` + tail, `Statement[0].Condition.StringEquals: empty condition key`},
		{"condition empty values", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"oss:Prefix":[]}}}` + tail, `Statement[0].Condition.StringLike.oss:Prefix: empty list`},
		{"condition null", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"oss:Prefix":null}}}` + tail, `Statement[0].Condition.StringLike.oss:Prefix: null is not a string, number, boolean or an array of them`},
		{"condition nested", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"oss:Prefix":["a",{}]}}}` + tail, `Statement[0].Condition.StringLike.oss:Prefix[1]: an object is not a string, number or boolean`},
		{"numeric value", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"oss:MaxKeys":["10","ten"]}}}` + tail, `Statement[0].Condition.NumericLessThan.oss:MaxKeys[1]: "ten" is not a number`},
		{"numeric nan", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericEquals":{"oss:MaxKeys":"NaN"}}}` + tail, `Statement[0].Condition.NumericEquals.oss:MaxKeys: "NaN" is not a number`},
		{"date value", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"acs:CurrentTime":"yesterday"}}}` + tail, `Statement[0].Condition.DateLessThan.acs:CurrentTime: "yesterday" is not a date such as 2019-08-12T17:00:00+08:00`},
		{"bool value", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"yes"}}}` + tail, `Statement[0].Condition.Bool.acs:SecureTransport: "yes" is not true or false`},
		{"ip value", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","300.1.1.1"]}}}` + tail, `Statement[0].Condition.IpAddress.acs:SourceIp[1]: "300.1.1.1" is not an IP address or CIDR block`},
		{"ip prefix length", Identity, head + `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/33"}}}` + tail, `Statement[0].Condition.NotIpAddress.acs:SourceIp: "10.0.0.0/33" is not an IP address or CIDR block`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.doc), tt.kind)
			if err == nil {
				t.Fatalf("Parse accepted the document, want %q", tt.want)
			}
			if p != nil {
				t.Errorf("Parse returned a policy with its error")
			}
			var e *osserr.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not an *osserr.Error", err, err)
			}
			if e.Code != osserr.MalformedPolicy {
				t.Errorf("code = %s, want MalformedPolicy", e.Code)
			}
			if e.HTTPStatus() != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", e.HTTPStatus())
			}
			if e.Message != tt.want {
				t.Errorf("message:\n got %s\nwant %s", e.Message, tt.want)
			}
		})
	}
}

func TestParseInvalidKind(t *testing.T) {
	_, err := Parse([]byte(`{"Version":"1","Statement":[]}`), Kind(0))
	if !osserr.Is(err, osserr.InternalError) {
		t.Errorf("err = %v, want InternalError", err)
	}
}

// padTo appends spaces inside the closing brace of doc until it is n bytes
// long; JSON ignores them.
func padTo(n int, doc string) string {
	body := strings.TrimSuffix(doc, "}")
	return body + strings.Repeat(" ", n-len(doc)) + "}"
}
