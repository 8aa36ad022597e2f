package policy

import (
	"net/netip"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/osserr"
)

// FuzzParse checks that Parse never panics, that it rejects only with
// MalformedPolicy, and that an accepted policy evaluates without panicking
// for principals and contexts of every shape.
func FuzzParse(f *testing.F) {
	seeds := []string{
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}`,
		`{"Version":"1","Statement":{"Effect":"Deny","NotAction":["oss:*"],"NotResource":"acs:oss:*:*:b/*"}}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Principal":["*","1","arn:sts::*:*/*/*"],"Resource":"acs:oss:*"}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":"acs:ram::1:root","Service":"1@fc.aliyuncs.com","Federated":["x"]}}]}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":[],"Condition":{
			"StringLike":{"oss:Prefix":["a*?",""]},"NumericLessThan":{"oss:MaxKeys":1e3},
			"DateGreaterThan":{"acs:CurrentTime":"2019-08-12T17:00:00+08:00"},"Bool":{"acs:SecureTransport":true},
			"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8","::1"]},
			"StringEquals":{"oss:DataAccessPointArn":"arn:acs:oss-cn-hangzhou:1:accesspoint/a"}}}]}`,
		`{"Version":1}`,
		`{"Version":"1","Statement":[{"Effect":"Allow","Effect":"Deny"}]}`,
		`[`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(0))
	}

	principals := []Principal{
		{Anonymous: true},
		{AccountID: "1", ID: "1", ARN: arn.Root("1")},
		{AccountID: "1", ID: "2", ARN: arn.User("1", "u")},
		{AccountID: "1", ID: "3", ARN: arn.STSAssumedRole("1", "r", "s")},
		{AccountID: "1", Service: "fc.aliyuncs.com"},
		{Federated: "x"},
		{ARN: "not an arn"},
	}
	contexts := []Context{
		{},
		{
			SourceIP:        netip.MustParseAddr("10.1.2.3"),
			CurrentTime:     time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
			SecureTransport: true,
			Keys: map[string][]string{
				"oss:Prefix":             {"a", "", "b"},
				"oss:MaxKeys":            {"x"},
				"oss:DataAccessPointArn": {"acs:oss:cn-hangzhou:1:accesspoint/a"},
				"acs:SourceIp":           {"::1"},
			},
		},
	}

	f.Fuzz(func(t *testing.T, raw []byte, kindByte uint8) {
		kind := Kind(kindByte%3) + Identity
		p, err := Parse(raw, kind)
		if err != nil {
			if !osserr.Is(err, osserr.MalformedPolicy) {
				t.Fatalf("Parse error %v is not MalformedPolicy", err)
			}
			return
		}

		p.AllowsPublicAccess()
		for _, caller := range principals {
			for _, ctx := range contexts {
				req := &Request{
					Action:        "oss:GetObject",
					Resource:      arn.Object("cn-hangzhou", "1", "b", "k:1/x"),
					Principal:     caller,
					Context:       ctx,
					ResourceOwner: "1",
				}
				if d := p.Evaluate(req); d != NoMatch && d != Allow && d != Deny {
					t.Fatalf("Evaluate returned %v", d)
				}
			}
		}
	})
}

// FuzzMatchWildcard compares matchWildcard with a regular expression built
// from the same pattern.
func FuzzMatchWildcard(f *testing.F) {
	f.Add("a*b?c", "axxbyc")
	f.Add("*", "")
	f.Add("?", "é")
	f.Add("**a", "bba")
	f.Add("a*", "b")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) {
			t.Skip("regexp and matchWildcard disagree on invalid UTF-8 by design")
		}
		var expr strings.Builder
		expr.WriteString(`(?s)\A`)
		for _, r := range pattern {
			switch r {
			case '*':
				expr.WriteString(`.*`)
			case '?':
				expr.WriteString(`.`)
			default:
				expr.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		expr.WriteString(`\z`)
		want := regexp.MustCompile(expr.String()).MatchString(s)
		if got := matchWildcard(pattern, s); got != want {
			t.Fatalf("matchWildcard(%q, %q) = %v, regexp %s says %v", pattern, s, got, expr.String(), want)
		}
	})
}
