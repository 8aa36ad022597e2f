package scenario

import "testing"

// conditionsPolicy is the identity policy of user conditions: each
// statement tests one condition key on its own prefix of bucket cond.
var conditionsPolicy = policyDoc(
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/ip-loopback/*","Condition":{"IpAddress":{"acs:SourceIp":["127.0.0.1/8"]}}}`,
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/ip-other/*","Condition":{"IpAddress":{"acs:SourceIp":["192.0.2.0/24","10.0.0.0/8"]}}}`,
	`{"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/ip-loopback/deny/*","Condition":{"NotIpAddress":{"acs:SourceIp":"192.0.2.0/24"}}}`,
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/before-2000/*","Condition":{"DateLessThan":{"acs:CurrentTime":"2000-01-01T00:00:00Z"}}}`,
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/after-2000/*","Condition":{"DateGreaterThan":{"acs:CurrentTime":"2000-01-01T00:00:00Z"}}}`,
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/tls/*","Condition":{"Bool":{"acs:SecureTransport":"true"}}}`,
	`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/plain/*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}`,
	`{"Effect":"Deny","Action":"oss:GetObject","Resource":"acs:oss:*:*:cond/plain/deny/*","Condition":{"Bool":{"acs:SecureTransport":"false"}}}`,
	`{"Effect":"Allow","Action":"oss:ListObjects","Resource":"acs:oss:*:*:cond","Condition":{"StringLike":{"oss:Prefix":"home/*"},"StringEquals":{"oss:Delimiter":"/"}}}`,
)

// conditionKeys checks acs:SourceIp, acs:CurrentTime, acs:SecureTransport,
// oss:Prefix and oss:Delimiter with user conditions. Every request comes
// from 127.0.0.1 over plain HTTP after 2000.
func (s *suite) conditionKeys(t *testing.T) {
	s.putBucket(t, "cond", "ip-loopback/o.txt", "ip-loopback/deny/o.txt", "ip-other/o.txt",
		"before-2000/o.txt", "after-2000/o.txt", "tls/o.txt", "plain/o.txt", "plain/deny/o.txt",
		"home/alice/notes.txt", "etc/passwd")

	s.run(t, []check{
		{"conditions", getObject, "cond", "ip-loopback/o.txt", allowed},
		{"conditions", getObject, "cond", "ip-other/o.txt", denied(notAllowed)},
		{"conditions", getObject, "cond", "ip-loopback/deny/o.txt", denied(identityDenies)},

		{"conditions", getObject, "cond", "after-2000/o.txt", allowed},
		{"conditions", getObject, "cond", "before-2000/o.txt", denied(notAllowed)},

		{"conditions", getObject, "cond", "plain/o.txt", allowed},
		{"conditions", getObject, "cond", "tls/o.txt", denied(notAllowed)},
		{"conditions", getObject, "cond", "plain/deny/o.txt", denied(identityDenies)},

		{"conditions", listObjects("home/", "/"), "cond", "", allowed},
		{"conditions", listObjectsV2("home/alice/", "/"), "cond", "", allowed},
		{"conditions", listObjects("home/", ""), "cond", "", denied(notAllowed)},
		{"conditions", listObjects("home/", "#"), "cond", "", denied(notAllowed)},
		{"conditions", listObjects("etc/", "/"), "cond", "", denied(notAllowed)},
		{"conditions", listObjects("", "/"), "cond", "", denied(notAllowed)},
		{"conditions", listObjectsV2("", ""), "cond", "", denied(notAllowed)},
	})
}
