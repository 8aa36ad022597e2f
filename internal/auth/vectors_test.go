package auth

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// The test vectors of the OSS Go SDK v2 1.6.1 signer tests: access key "ak",
// secret "sk", region cn-hangzhou.

func TestV1SignatureVectors(t *testing.T) {
	tests := []struct {
		name         string
		stringToSign string
		signature    string
	}{
		{"header", "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson", "kSHKmLxlyEAKtZPkJhG9bZb5k7M="},
		{"presigned", "GET\n\n\n1699807420\n/bucket/key?versionId=versionId", "dcLTea+Yh9ApirQ8o8dOPqtvJXQ="},
		{"presigned with token", "GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId", "jzKYRrM5y6Br0dRFPaTGOsbrDhY="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := signV1("sk", tc.stringToSign); got != tc.signature {
				t.Errorf("signV1 = %s, want %s", got, tc.signature)
			}
		})
	}
}

func TestV1HeaderVectors(t *testing.T) {
	const date = "Wed, 28 Dec 2022 10:27:41 GMT"
	common := []string{
		"Content-MD5: eB5eJF1ptWaXm4bijSPyxw==",
		"Content-Type: text/html",
		"x-oss-meta-author: alice",
		"x-oss-meta-magic: abracadabra",
		"x-oss-date: " + date,
		"Date: " + date,
	}
	tests := []struct {
		name         string
		method, uri  string
		target       Target
		headers      []string
		stringToSign string
		signature    string
	}{
		{
			"object", "PUT", "/nelson", Target{"examplebucket", "nelson"}, common,
			"PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n" + date + "\nx-oss-date:" + date + "\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson",
			"kSHKmLxlyEAKtZPkJhG9bZb5k7M=",
		},
		{
			"acl sub-resource", "PUT", "/nelson?acl", Target{"examplebucket", "nelson"}, common,
			"PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n" + date + "\nx-oss-date:" + date + "\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson?acl",
			"/afkugFbmWDQ967j1vr6zygBLQk=",
		},
		{
			"unsigned parameter left out", "GET", "/?resourceGroup&non-resousce=null", Target{"examplebucket", ""},
			[]string{"x-oss-date: " + date, "Date: " + date},
			"GET\n\n\n" + date + "\nx-oss-date:" + date + "\n/examplebucket/?resourceGroup",
			"vkQmfuUDyi1uDi3bKt67oemssIs=",
		},
		{
			"sub-resources sorted", "GET", "/?resourceGroup&acl", Target{"examplebucket", ""},
			[]string{"x-oss-date: " + date, "Date: " + date},
			"GET\n\n\n" + date + "\nx-oss-date:" + date + "\n/examplebucket/?acl&resourceGroup",
			"x3E5TgOvl/i7PN618s5mEvpJDYk=",
		},
	}
	signed, _ := http.ParseTime(date)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := append([]string{"Authorization: OSS ak:" + tc.signature}, tc.headers...)
			r := wireRequest(t, tc.method, tc.uri, tc.target.Bucket+".oss-cn-hangzhou.aliyuncs.com", headers...)
			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := s.stringsToSignV1(r, tc.target, parseQuery(r.URL.RawQuery), false)[0]; got != tc.stringToSign {
				t.Errorf("string to sign:\n%q\nwant\n%q", got, tc.stringToSign)
			}
			if err := s.Verify(r, tc.target, "sk", "cn-hangzhou", signed.Add(time.Minute)); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if err := s.Verify(r, tc.target, "sk2", "cn-hangzhou", signed.Add(time.Minute)); err == nil {
				t.Errorf("Verify with the wrong secret succeeded")
			}
		})
	}
}

func TestV1PresignedVectors(t *testing.T) {
	tests := []struct {
		name, uri string
		target    Target
		expires   int64
		token     string
	}{
		{"plain", "/key?Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId", Target{"bucket", "key"}, 1699807420, ""},
		{"security token", "/key%2B123?Expires=1699808204&OSSAccessKeyId=ak&Signature=jzKYRrM5y6Br0dRFPaTGOsbrDhY%3D&security-token=token&versionId=versionId", Target{"bucket", "key+123"}, 1699808204, "token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := wireRequest(t, "GET", tc.uri, "bucket.oss-cn-hangzhou.aliyuncs.com")
			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Version != V1 || !s.Presigned || s.AccessKeyID != "ak" || s.SecurityToken != tc.token {
				t.Errorf("Parse = %+v", s)
			}
			if s.Expires.Unix() != tc.expires {
				t.Errorf("Expires = %v, want %d", s.Expires, tc.expires)
			}
			before := time.Unix(tc.expires-60, 0)
			if err := s.Verify(r, tc.target, "sk", "cn-hangzhou", before); err != nil {
				t.Errorf("Verify: %v", err)
			}
			after := time.Unix(tc.expires+1, 0)
			wantOSSError(t, s.Verify(r, tc.target, "sk", "cn-hangzhou", after), "AccessDenied", "0002-00000069")
		})
	}
}

// vectorQuery is the query of the SDK's V4 test vectors, encoded as
// url.Values.Encode writes it.
func vectorQuery() url.Values {
	v := url.Values{}
	v.Add("param1", "value1")
	v.Add("+param1", "value3")
	v.Add("|param1", "value4")
	v.Add("+param2", "")
	v.Add("|param2", "")
	v.Add("param2", "")
	return v
}

func TestV4HeaderVectors(t *testing.T) {
	const canonicalQuery = "%2Bparam1=value3&%2Bparam2&%7Cparam1=value4&%7Cparam2&param1=value1&param2"
	target := Target{"bucket", "1234+-/123/1.txt"}
	tests := []struct {
		name       string
		signTime   int64
		token      string
		additional string // AdditionalHeaders field, "" for none
		canonical  string // "" to skip the canonical request check
		signature  string
	}{
		{
			name:     "plain",
			signTime: 1702743657,
			canonical: "PUT\n/bucket/1234%2B-/123/1.txt\n" + canonicalQuery + "\n" +
				"content-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T162057Z\nx-oss-head1:value\n\n\nUNSIGNED-PAYLOAD",
			signature: "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe",
		},
		{
			name:       "additional headers",
			signTime:   1702747512,
			additional: "abc;zabc",
			canonical: "PUT\n/bucket/1234%2B-/123/1.txt\n" + canonicalQuery + "\n" +
				"abc:value\ncontent-type:text/plain\nx-oss-content-sha256:UNSIGNED-PAYLOAD\nx-oss-date:20231216T172512Z\nx-oss-head1:value\nzabc:value\n\nabc;zabc\nUNSIGNED-PAYLOAD",
			signature: "4a4183c187c07c8947db7620deb0a6b38d9fbdd34187b6dbaccb316fa251212f",
		},
		{
			name:      "security token",
			signTime:  1702784856,
			token:     "token",
			signature: "b94a3f999cf85bcdc00d332fbd3734ba03e48382c36fa4d5af5df817395bd9ea",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			signed := time.Unix(tc.signTime, 0).UTC()
			authorization := "OSS4-HMAC-SHA256 Credential=ak/" + signed.Format("20060102") + "/cn-hangzhou/oss/aliyun_v4_request"
			if tc.additional != "" {
				authorization += ",AdditionalHeaders=" + tc.additional
			}
			authorization += ",Signature=" + tc.signature
			headers := []string{
				"Authorization: " + authorization,
				"x-oss-head1: value", "abc: value", "ZAbc: value", "XYZ: value",
				"content-type: text/plain",
				"x-oss-content-sha256: UNSIGNED-PAYLOAD",
				"x-oss-date: " + signed.Format(iso8601Basic),
				"Date: " + signed.Format(http.TimeFormat),
			}
			if tc.token != "" {
				headers = append(headers, "x-oss-security-token: "+tc.token)
			}
			r := wireRequest(t, "PUT", "/1234%2B-/123/1.txt?"+vectorQuery().Encode(), "bucket.oss-cn-hangzhou.aliyuncs.com", headers...)

			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.SecurityToken != tc.token || s.Region != "cn-hangzhou" || !s.Time.Equal(signed) {
				t.Errorf("Parse = %+v", s)
			}
			if tc.canonical != "" {
				requests, missing := s.canonicalRequestsV4(r, target, parseQuery(r.URL.RawQuery), false)
				if requests[0] != tc.canonical || len(missing) != 0 {
					t.Errorf("canonical request:\n%q\nwant\n%q (missing %v)", requests[0], tc.canonical, missing)
				}
				key := signingKeyV4("sk", signed.Format("20060102"), "cn-hangzhou", "oss")
				if got := signV4(key, s.stringToSignV4(tc.canonical)); got != tc.signature {
					t.Errorf("signature of the golden canonical request = %s, want %s", got, tc.signature)
				}
			}
			if err := s.Verify(r, target, "sk", "cn-hangzhou", signed.Add(time.Minute)); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestV4PresignedVectors(t *testing.T) {
	target := Target{"bucket", "1234+-/123/1.txt"}
	tests := []struct {
		name       string
		signTime   int64
		token      string
		additional string
		signature  string
	}{
		{"plain", 1702781677, "", "", "a39966c61718be0d5b14e668088b3fa07601033f6518ac7b523100014269c0fe"},
		{"security token", 1702785388, "token", "", "3817ac9d206cd6dfc90f1c09c00be45005602e55898f26f5ddb06d7892e1f8b5"},
		{"additional headers", 1702783809, "", "abc;zabc", "6bd984bfe531afb6db1f7550983a741b103a8c58e5e14f83ea474c2322dfa2b7"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			signed := time.Unix(tc.signTime, 0).UTC()
			q := vectorQuery()
			if tc.token != "" {
				q.Add("x-oss-security-token", tc.token)
			}
			q.Add("x-oss-signature-version", "OSS4-HMAC-SHA256")
			q.Add("x-oss-date", signed.Format(iso8601Basic))
			q.Add("x-oss-expires", "599")
			q.Add("x-oss-credential", "ak/"+signed.Format("20060102")+"/cn-hangzhou/oss/aliyun_v4_request")
			if tc.additional != "" {
				q.Add("x-oss-additional-headers", tc.additional)
			}
			q.Add("x-oss-signature", tc.signature)
			r := wireRequest(t, "PUT", "/1234%2B-/123/1.txt?"+q.Encode(), "bucket.oss-cn-hangzhou.aliyuncs.com",
				"x-oss-head1: value", "abc: value", "ZAbc: value", "XYZ: value",
				"content-type: application/octet-stream")

			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !s.Presigned || s.Version != V4 || s.SecurityToken != tc.token {
				t.Errorf("Parse = %+v", s)
			}
			if got := s.Expires.Sub(s.Time); got != 599*time.Second {
				t.Errorf("Expires - Time = %v, want 599s", got)
			}
			if err := s.Verify(r, target, "sk", "cn-hangzhou", signed.Add(time.Minute)); err != nil {
				t.Errorf("Verify: %v", err)
			}
			late := signed.Add(600 * time.Second)
			e := wantOSSError(t, s.Verify(r, target, "sk", "cn-hangzhou", late), "AccessDenied", "0002-00000069")
			if e.Message != "Request has expired." {
				t.Errorf("message = %q", e.Message)
			}
			if got := e.Header.Get("Date"); got != late.Format(http.TimeFormat) {
				t.Errorf("Date header = %q, want %q", got, late.Format(http.TimeFormat))
			}
		})
	}
}
