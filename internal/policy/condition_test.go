package policy

import (
	"net/netip"
	"testing"
	"time"
)

// conditionDoc is an identity policy that allows everything under condition.
func conditionDoc(condition string) string {
	return identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + condition + `}`)
}

// withKey returns a request whose Context has one key with the given values.
func withKey(key string, values ...string) Request {
	return Request{Action: "oss:ListObjects", Context: Context{Keys: map[string][]string{key: values}}}
}

// noKeys is a request that carries no condition keys beyond the typed ones.
var noKeys = Request{Action: "oss:ListObjects", Context: Context{CurrentTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}}

func TestConditionStringOperators(t *testing.T) {
	tests := []evalCase{
		{"StringEquals match", conditionDoc(`{"StringEquals":{"oss:Prefix":"dir/"}}`), withKey("oss:Prefix", "dir/"), Allow},
		{"StringEquals no match", conditionDoc(`{"StringEquals":{"oss:Prefix":"dir/"}}`), withKey("oss:Prefix", "Dir/"), NoMatch},
		{"StringEquals missing key", conditionDoc(`{"StringEquals":{"oss:Prefix":"dir/"}}`), noKeys, NoMatch},
		{"StringEquals empty values", conditionDoc(`{"StringEquals":{"oss:Prefix":""}}`), withKey("oss:Prefix"), NoMatch},
		{"StringEquals empty string", conditionDoc(`{"StringEquals":{"oss:Prefix":""}}`), withKey("oss:Prefix", ""), Allow},
		{"StringEquals number value", conditionDoc(`{"StringEquals":{"oss:DataAccessPointAccount":1111111111111111}}`), withKey("oss:DataAccessPointAccount", "1111111111111111"), Allow},
		{"StringNotEquals match", conditionDoc(`{"StringNotEquals":{"oss:Prefix":"dir/"}}`), withKey("oss:Prefix", "other/"), Allow},
		{"StringNotEquals no match", conditionDoc(`{"StringNotEquals":{"oss:Prefix":"dir/"}}`), withKey("oss:Prefix", "dir/"), NoMatch},
		{"StringNotEquals missing key", conditionDoc(`{"StringNotEquals":{"oss:Prefix":"dir/"}}`), noKeys, Allow},
		{"StringNotEquals values are NORed", conditionDoc(`{"StringNotEquals":{"oss:Prefix":["a/","b/"]}}`), withKey("oss:Prefix", "b/"), NoMatch},
		{"StringEqualsIgnoreCase match", conditionDoc(`{"StringEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"Internet"}}`), withKey("oss:AccessPointNetworkOrigin", "internet"), Allow},
		{"StringEqualsIgnoreCase no match", conditionDoc(`{"StringEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"vpc"}}`), withKey("oss:AccessPointNetworkOrigin", "internet"), NoMatch},
		{"StringEqualsIgnoreCase missing key", conditionDoc(`{"StringEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"vpc"}}`), noKeys, NoMatch},
		{"StringNotEqualsIgnoreCase match", conditionDoc(`{"StringNotEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"VPC"}}`), withKey("oss:AccessPointNetworkOrigin", "internet"), Allow},
		{"StringNotEqualsIgnoreCase no match", conditionDoc(`{"StringNotEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"VPC"}}`), withKey("oss:AccessPointNetworkOrigin", "vpc"), NoMatch},
		{"StringNotEqualsIgnoreCase missing key", conditionDoc(`{"StringNotEqualsIgnoreCase":{"oss:AccessPointNetworkOrigin":"VPC"}}`), noKeys, Allow},
		{"StringLike match", conditionDoc(`{"StringLike":{"oss:Prefix":"hangzhou/2015/*"}}`), withKey("oss:Prefix", "hangzhou/2015/a"), Allow},
		{"StringLike question mark", conditionDoc(`{"StringLike":{"oss:Prefix":"hangzhou/201?/"}}`), withKey("oss:Prefix", "hangzhou/2016/"), Allow},
		{"StringLike no match", conditionDoc(`{"StringLike":{"oss:Prefix":"hangzhou/2015/*"}}`), withKey("oss:Prefix", "hangzhou/2016/"), NoMatch},
		{"StringLike case sensitive", conditionDoc(`{"StringLike":{"oss:Prefix":"Hangzhou/*"}}`), withKey("oss:Prefix", "hangzhou/"), NoMatch},
		{"StringLike missing key", conditionDoc(`{"StringLike":{"oss:Prefix":"*"}}`), noKeys, NoMatch},
		{"StringLike list from the docs", conditionDoc(`{"StringLike":{"oss:Prefix":["","hangzhou/","hangzhou/2015/*"]}}`), withKey("oss:Prefix", ""), Allow},
		{"StringNotLike match", conditionDoc(`{"StringNotLike":{"oss:Prefix":"secret/*"}}`), withKey("oss:Prefix", "public/"), Allow},
		{"StringNotLike no match", conditionDoc(`{"StringNotLike":{"oss:Prefix":"secret/*"}}`), withKey("oss:Prefix", "secret/x"), NoMatch},
		{"StringNotLike missing key", conditionDoc(`{"StringNotLike":{"oss:Prefix":"secret/*"}}`), noKeys, Allow},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionNumericOperators(t *testing.T) {
	tests := []evalCase{
		{"NumericEquals match", conditionDoc(`{"NumericEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), Allow},
		{"NumericEquals decimal spelling", conditionDoc(`{"NumericEquals":{"oss:MaxKeys":"1e2"}}`), withKey("oss:MaxKeys", "100.0"), Allow},
		{"NumericEquals no match", conditionDoc(`{"NumericEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "101"), NoMatch},
		{"NumericEquals missing key", conditionDoc(`{"NumericEquals":{"oss:MaxKeys":100}}`), noKeys, NoMatch},
		{"NumericEquals bad request value", conditionDoc(`{"NumericEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "lots"), NoMatch},
		{"NumericNotEquals match", conditionDoc(`{"NumericNotEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "5"), Allow},
		{"NumericNotEquals no match", conditionDoc(`{"NumericNotEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), NoMatch},
		{"NumericNotEquals missing key", conditionDoc(`{"NumericNotEquals":{"oss:MaxKeys":100}}`), noKeys, Allow},
		{"NumericNotEquals bad request value", conditionDoc(`{"NumericNotEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "lots"), NoMatch},
		{"NumericLessThan match", conditionDoc(`{"NumericLessThan":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "99"), Allow},
		{"NumericLessThan equal", conditionDoc(`{"NumericLessThan":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), NoMatch},
		{"NumericLessThan missing key", conditionDoc(`{"NumericLessThan":{"oss:MaxKeys":100}}`), noKeys, NoMatch},
		{"NumericLessThanEquals match", conditionDoc(`{"NumericLessThanEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), Allow},
		{"NumericLessThanEquals no match", conditionDoc(`{"NumericLessThanEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100.5"), NoMatch},
		{"NumericLessThanEquals missing key", conditionDoc(`{"NumericLessThanEquals":{"oss:MaxKeys":100}}`), noKeys, NoMatch},
		{"NumericGreaterThan match", conditionDoc(`{"NumericGreaterThan":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "1000"), Allow},
		{"NumericGreaterThan equal", conditionDoc(`{"NumericGreaterThan":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), NoMatch},
		{"NumericGreaterThan missing key", conditionDoc(`{"NumericGreaterThan":{"oss:MaxKeys":100}}`), noKeys, NoMatch},
		{"NumericGreaterThanEquals match", conditionDoc(`{"NumericGreaterThanEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "100"), Allow},
		{"NumericGreaterThanEquals no match", conditionDoc(`{"NumericGreaterThanEquals":{"oss:MaxKeys":100}}`), withKey("oss:MaxKeys", "-3"), NoMatch},
		{"NumericGreaterThanEquals missing key", conditionDoc(`{"NumericGreaterThanEquals":{"oss:MaxKeys":100}}`), noKeys, NoMatch},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionDateOperators(t *testing.T) {
	at := func(s string) Request {
		r := Request{Action: "oss:GetObject"}
		r.Context.CurrentTime = mustTime(t, s)
		return r
	}
	const deadline = `"2019-08-12T17:00:00+08:00"`
	tests := []evalCase{
		{"DateEquals match", conditionDoc(`{"DateEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:00Z"), Allow},
		{"DateEquals no match", conditionDoc(`{"DateEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:01Z"), NoMatch},
		{"DateNotEquals match", conditionDoc(`{"DateNotEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:01Z"), Allow},
		{"DateNotEquals no match", conditionDoc(`{"DateNotEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:00Z"), NoMatch},
		{"DateLessThan match", conditionDoc(`{"DateLessThan":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T08:59:59Z"), Allow},
		{"DateLessThan equal", conditionDoc(`{"DateLessThan":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:00Z"), NoMatch},
		{"DateLessThanEquals match", conditionDoc(`{"DateLessThanEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-12T09:00:00Z"), Allow},
		{"DateLessThanEquals no match", conditionDoc(`{"DateLessThanEquals":{"acs:CurrentTime":` + deadline + `}}`), at("2019-08-13T00:00:00Z"), NoMatch},
		{"DateGreaterThan match", conditionDoc(`{"DateGreaterThan":{"acs:CurrentTime":"2019-08-12"}}`), at("2019-08-12T00:00:01Z"), Allow},
		{"DateGreaterThan no match", conditionDoc(`{"DateGreaterThan":{"acs:CurrentTime":"2019-08-12"}}`), at("2019-08-11T23:59:59Z"), NoMatch},
		{"DateGreaterThanEquals epoch", conditionDoc(`{"DateGreaterThanEquals":{"acs:CurrentTime":1565600400}}`), at("2019-08-12T09:00:00Z"), Allow},
		{"DateGreaterThanEquals no match", conditionDoc(`{"DateGreaterThanEquals":{"acs:CurrentTime":1565600400}}`), at("2019-08-12T08:00:00Z"), NoMatch},
		{"date key from Keys", conditionDoc(`{"DateLessThan":{"oss:ObjectCreatedTime":"2020-01-01T00:00:00Z"}}`), withKey("oss:ObjectCreatedTime", "2019-06-01T00:00:00Z"), Allow},
		{"date missing key", conditionDoc(`{"DateLessThan":{"oss:ObjectCreatedTime":"2020-01-01T00:00:00Z"}}`), noKeys, NoMatch},
		{"date negated missing key", conditionDoc(`{"DateNotEquals":{"oss:ObjectCreatedTime":"2020-01-01T00:00:00Z"}}`), noKeys, Allow},
		{"date bad request value", conditionDoc(`{"DateLessThan":{"oss:ObjectCreatedTime":"2020-01-01T00:00:00Z"}}`), withKey("oss:ObjectCreatedTime", "last year"), NoMatch},
		{"date far future", conditionDoc(`{"DateLessThan":{"acs:CurrentTime":"9999-12-31T00:00:00Z"}}`), at("2019-08-12T09:00:00Z"), Allow},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionBoolOperator(t *testing.T) {
	secure := Request{Action: "oss:GetObject", Context: Context{SecureTransport: true}}
	plain := Request{Action: "oss:GetObject"}
	tests := []evalCase{
		{"true match", conditionDoc(`{"Bool":{"acs:SecureTransport":"true"}}`), secure, Allow},
		{"true no match", conditionDoc(`{"Bool":{"acs:SecureTransport":"true"}}`), plain, NoMatch},
		{"false match", conditionDoc(`{"Bool":{"acs:SecureTransport":false}}`), plain, Allow},
		{"case of value", conditionDoc(`{"Bool":{"acs:SecureTransport":"TRUE"}}`), secure, Allow},
		{"missing key", conditionDoc(`{"Bool":{"acs:MFAPresent":"true"}}`), plain, NoMatch},
		{"key from Keys", conditionDoc(`{"Bool":{"acs:MFAPresent":"true"}}`), withKey("acs:MFAPresent", "true"), Allow},
		{"bad request value", conditionDoc(`{"Bool":{"acs:MFAPresent":"true"}}`), withKey("acs:MFAPresent", "yes"), NoMatch},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionIPOperators(t *testing.T) {
	from := func(addr string) Request {
		return Request{Action: "oss:GetObject", Context: Context{SourceIP: netip.MustParseAddr(addr)}}
	}
	tests := []evalCase{
		{"IpAddress cidr", conditionDoc(`{"IpAddress":{"acs:SourceIp":"192.168.0.0/16"}}`), from("192.168.10.1"), Allow},
		{"IpAddress cidr no match", conditionDoc(`{"IpAddress":{"acs:SourceIp":"192.168.0.0/16"}}`), from("192.169.0.1"), NoMatch},
		{"IpAddress host bits set", conditionDoc(`{"IpAddress":{"acs:SourceIp":"116.62.1.5/24"}}`), from("116.62.1.200"), Allow},
		{"IpAddress single address", conditionDoc(`{"IpAddress":{"acs:SourceIp":"203.0.113.7"}}`), from("203.0.113.7"), Allow},
		{"IpAddress single address no match", conditionDoc(`{"IpAddress":{"acs:SourceIp":"203.0.113.7"}}`), from("203.0.113.8"), NoMatch},
		{"IpAddress list", conditionDoc(`{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","127.0.0.1"]}}`), from("127.0.0.1"), Allow},
		{"IpAddress ipv6", conditionDoc(`{"IpAddress":{"acs:SourceIp":"2001:db8::/32"}}`), from("2001:db8::1"), Allow},
		{"IpAddress ipv6 no match", conditionDoc(`{"IpAddress":{"acs:SourceIp":"2001:db8::/32"}}`), from("2001:db9::1"), NoMatch},
		{"IpAddress mapped request", conditionDoc(`{"IpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`), from("::ffff:10.1.2.3"), Allow},
		{"IpAddress mapped policy", conditionDoc(`{"IpAddress":{"acs:SourceIp":"::ffff:10.0.0.0/104"}}`), from("10.1.2.3"), Allow},
		{"IpAddress ipv4 misses ipv6", conditionDoc(`{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}`), from("::1"), NoMatch},
		{"IpAddress missing key", conditionDoc(`{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}`), noKeys, NoMatch},
		{"IpAddress bad request value", conditionDoc(`{"IpAddress":{"acs:SourceIp":"0.0.0.0/0"}}`), withKey("acs:SourceIp", "localhost"), NoMatch},
		{"NotIpAddress match", conditionDoc(`{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`), from("192.0.2.1"), Allow},
		{"NotIpAddress no match", conditionDoc(`{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`), from("10.0.0.1"), NoMatch},
		{"NotIpAddress missing key", conditionDoc(`{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`), noKeys, Allow},
		{"NotIpAddress bad request value", conditionDoc(`{"NotIpAddress":{"acs:SourceIp":"10.0.0.0/8"}}`), withKey("acs:SourceIp", "localhost"), NoMatch},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionLogic(t *testing.T) {
	twoKeys := conditionDoc(`{"StringEquals":{"oss:Prefix":"a/","oss:Delimiter":"/"}}`)
	twoOps := conditionDoc(`{"StringLike":{"oss:Prefix":"a/*"},"Bool":{"acs:SecureTransport":"true"}}`)
	both := func(prefix, delimiter string) Request {
		return Request{Action: "oss:ListObjects", Context: Context{Keys: map[string][]string{"oss:Prefix": {prefix}, "oss:Delimiter": {delimiter}}}}
	}
	secureWithPrefix := func(secure bool) Request {
		r := withKey("oss:Prefix", "a/b")
		r.Context.SecureTransport = secure
		return r
	}
	tests := []evalCase{
		{"keys are ANDed", twoKeys, both("a/", "/"), Allow},
		{"keys are ANDed, one fails", twoKeys, both("a/", ","), NoMatch},
		{"keys are ANDed, one missing", twoKeys, withKey("oss:Prefix", "a/"), NoMatch},
		{"operators are ANDed", twoOps, secureWithPrefix(true), Allow},
		{"operators are ANDed, one fails", twoOps, secureWithPrefix(false), NoMatch},
		{"values are ORed", conditionDoc(`{"StringEquals":{"oss:Prefix":["a/","b/"]}}`), withKey("oss:Prefix", "b/"), Allow},
		{"request values are ORed", conditionDoc(`{"StringEquals":{"oss:Prefix":"b/"}}`), withKey("oss:Prefix", "a/", "b/"), Allow},
		{"negated with several request values", conditionDoc(`{"StringNotEquals":{"oss:Prefix":"b/"}}`), withKey("oss:Prefix", "a/", "b/"), NoMatch},
		{"key name case in policy", conditionDoc(`{"StringEquals":{"OSS:PREFIX":"a/"}}`), withKey("oss:Prefix", "a/"), Allow},
		{"key name case in request", conditionDoc(`{"StringEquals":{"oss:Prefix":"a/"}}`), withKey("Oss:prefix", "a/"), Allow},
		{"condition on deny", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}`), Request{Action: "oss:GetObject"}, Deny},
		{"condition on deny not met", identityDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}`), Request{Action: "oss:GetObject", Context: Context{SecureTransport: true}}, Allow},
	}
	runEvalCases(t, Identity, tests)
}

func TestConditionDataAccessPointArn(t *testing.T) {
	const canonical = "acs:oss:cn-hangzhou:1111111111111111:accesspoint/ap-01"
	ap := withKey(KeyDataAccessPointArn, canonical)
	tests := []evalCase{
		{"canonical", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"` + canonical + `"}}`), ap, Allow},
		{"oss- region from the delegation example", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"acs:oss:oss-cn-hangzhou:1111111111111111:accesspoint/ap-01"}}`), ap, Allow},
		{"arn prefix", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"arn:acs:oss:cn-hangzhou:1111111111111111:accesspoint/ap-01"}}`), ap, Allow},
		{"joined region", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"arn:acs:oss-cn-hangzhou:1111111111111111:accesspoint/ap-01"}}`), ap, Allow},
		{"request in another spelling", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"` + canonical + `"}}`), withKey(KeyDataAccessPointArn, "arn:acs:oss-cn-hangzhou:1111111111111111:accesspoint/ap-01"), Allow},
		{"like pattern", conditionDoc(`{"StringLike":{"oss:DataAccessPointArn":"acs:oss:oss-*:1111111111111111:accesspoint/ap-*"}}`), ap, Allow},
		{"other access point", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"acs:oss:oss-cn-hangzhou:1111111111111111:accesspoint/ap-02"}}`), ap, NoMatch},
		{"not through an access point", conditionDoc(`{"StringEquals":{"oss:DataAccessPointArn":"` + canonical + `"}}`), noKeys, NoMatch},
		{"other keys are not normalized", conditionDoc(`{"StringEquals":{"oss:Prefix":"arn:acs:oss:x:y:z"}}`), withKey("oss:Prefix", "acs:oss:x:y:z"), NoMatch},
	}
	runEvalCases(t, Identity, tests)
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
