package auth

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

const (
	v4Credential = "ak/20231216/cn-hangzhou/oss/aliyun_v4_request"
	v4Signature  = "e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe"
	v4Date       = "x-oss-date: 20231216T162057Z"
	v1Date       = "Date: Wed, 28 Dec 2022 10:27:41 GMT"
)

func TestParseRejectsMalformedInput(t *testing.T) {
	v4Query := func(drop string, set ...string) string {
		params := map[string]string{
			"x-oss-signature-version": "OSS4-HMAC-SHA256",
			"x-oss-credential":        "ak%2F20231216%2Fcn-hangzhou%2Foss%2Faliyun_v4_request",
			"x-oss-date":              "20231216T162057Z",
			"x-oss-expires":           "600",
			"x-oss-signature":         v4Signature,
		}
		for i := 0; i+1 < len(set); i += 2 {
			params[set[i]] = set[i+1]
		}
		var parts []string
		for _, k := range []string{"x-oss-signature-version", "x-oss-credential", "x-oss-date", "x-oss-expires", "x-oss-signature", "x-oss-additional-headers"} {
			if v, ok := params[k]; ok && k != drop {
				parts = append(parts, k+"="+v)
			}
		}
		return "/key?" + strings.Join(parts, "&")
	}
	tests := []struct {
		name    string
		uri     string
		headers []string
		code    osserr.Code
		ec      string
	}{
		{"unknown scheme", "/", []string{"Authorization: Basic YWxhZGRpbjpvcGVu"}, osserr.InvalidArgument, "0002-00000061"},
		{"empty authorization", "/", []string{"Authorization: "}, osserr.InvalidArgument, "0002-00000061"},
		{"v2 scheme", "/", []string{"Authorization: OSS2 AccessKeyId:ak,Signature:abc", v1Date}, osserr.InvalidArgument, "0002-00000061"},
		{"two authorization headers", "/", []string{"Authorization: OSS ak:sig", "Authorization: OSS ak:sig", v1Date}, osserr.InvalidArgument, "0002-00000061"},
		{"v1 without colon", "/", []string{"Authorization: OSS aksig", v1Date}, osserr.InvalidArgument, "0002-00000061"},
		{"v1 empty access key id", "/", []string{"Authorization: OSS :sig", v1Date}, osserr.InvalidArgument, "0002-00000064"},
		{"v1 non-ascii access key id", "/", []string{"Authorization: OSS äk:sig", v1Date}, osserr.InvalidArgument, "0002-00000064"},
		{"v1 empty signature", "/", []string{"Authorization: OSS ak:", v1Date}, osserr.InvalidArgument, "0002-00000065"},
		{"v1 no date", "/", []string{"Authorization: OSS ak:sig"}, osserr.AccessDenied, "0002-00000503"},
		{"v1 bad date", "/", []string{"Authorization: OSS ak:sig", "Date: yesterday"}, osserr.AccessDenied, "0002-00000503"},
		{"v1 bad x-oss-date", "/", []string{"Authorization: OSS ak:sig", v1Date, "x-oss-date: soon"}, osserr.AccessDenied, "0002-00000503"},
		{"v4 no credential", "/", []string{"Authorization: OSS4-HMAC-SHA256 Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 no signature", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential, v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 unknown field", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",SignedHeaders=host,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 repeated field", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Credential=" + v4Credential + ",Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 field without value", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature", v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 trailing comma", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature + ",", v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 short signature", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=abc", v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 empty additional header", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",AdditionalHeaders=host;;abc,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000202"},
		{"v4 credential too short", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 credential s3 product", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/s3/aliyun_v4_request,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 credential bad terminator", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/abc,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 credential bad date", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=ak/2023-12-16/cn-hangzhou/oss/aliyun_v4_request,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 credential empty region", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=ak/20231216//oss/aliyun_v4_request,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 credential bad access key id", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=äk/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=" + v4Signature, v4Date}, osserr.InvalidArgument, "0002-00000206"},
		{"v4 no x-oss-date", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature, v1Date}, osserr.AccessDenied, "0002-00000503"},
		{"v4 rfc1123 x-oss-date", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature, "x-oss-date: Sat, 16 Dec 2023 16:20:57 GMT"}, osserr.AccessDenied, "0002-00000503"},
		{"v4 scope date differs", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature, "x-oss-date: 20231217T002057Z"}, osserr.InvalidArgument, "0002-00000213"},
		{"v4 bad content sha256", "/", []string{"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature, v4Date, "x-oss-content-sha256: 78a0df"}, osserr.InvalidArgument, "0002-00000214"},
		{"v1 url without expires", "/key?OSSAccessKeyId=ak&Signature=abc", nil, osserr.AccessDenied, "0002-00000067"},
		{"v1 url empty expires", "/key?OSSAccessKeyId=ak&Signature=abc&Expires=", nil, osserr.AccessDenied, "0002-00000068"},
		{"v1 url invalid expires", "/key?OSSAccessKeyId=ak&Signature=abc&Expires=tomorrow", nil, osserr.AccessDenied, "0002-00000070"},
		{"v1 url without access key id", "/key?Signature=abc&Expires=1699807420", nil, osserr.InvalidArgument, "0002-00000064"},
		{"v1 url without signature", "/key?OSSAccessKeyId=ak&Expires=1699807420", nil, osserr.InvalidArgument, "0002-00000065"},
		{"v4 url unknown version", v4Query("", "x-oss-signature-version", "OSS2"), nil, osserr.InvalidArgument, "0002-00000202"},
		{"v4 url without version", v4Query("x-oss-signature-version"), nil, osserr.InvalidArgument, "0002-00000202"},
		{"v4 url without credential", v4Query("x-oss-credential"), nil, osserr.InvalidArgument, "0002-00000213"},
		{"v4 url without signature", v4Query("x-oss-signature"), nil, osserr.InvalidArgument, "0002-00000202"},
		{"v4 url without date", v4Query("x-oss-date"), nil, osserr.AccessDenied, "0002-00000503"},
		{"v4 url without expires", v4Query("x-oss-expires"), nil, osserr.AccessDenied, "0002-00000067"},
		{"v4 url empty expires", v4Query("", "x-oss-expires", ""), nil, osserr.AccessDenied, "0002-00000068"},
		{"v4 url invalid expires", v4Query("", "x-oss-expires", "1h"), nil, osserr.AccessDenied, "0002-00000070"},
		{"v4 url zero expires", v4Query("", "x-oss-expires", "0"), nil, osserr.AccessDenied, "0002-00000232"},
		{"v4 url expires over seven days", v4Query("", "x-oss-expires", "604801"), nil, osserr.AccessDenied, "0002-00000232"},
		{"v4 url bad additional headers", v4Query("", "x-oss-additional-headers", "host%3B%3B"), nil, osserr.InvalidArgument, "0002-00000202"},
		{"header and v1 query", "/key?OSSAccessKeyId=ak&Signature=abc&Expires=1", []string{"Authorization: OSS ak:sig", v1Date}, osserr.InvalidArgument, ""},
		{"v1 and v4 query", v4Query("") + "&OSSAccessKeyId=ak&Signature=abc&Expires=1", nil, osserr.InvalidArgument, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := wireRequest(t, "GET", tc.uri, "bucket.oss-cn-hangzhou.aliyuncs.com", tc.headers...)
			s, err := Parse(r)
			if s != nil {
				t.Errorf("Parse returned a signature with error %v", err)
			}
			e := wantOSSError(t, err, tc.code, tc.ec)
			if strings.Contains(e.Message, v4Signature) || strings.Contains(e.Message, ":sig") {
				t.Errorf("message contains the signature: %q", e.Message)
			}
		})
	}
}

func TestParseAnonymous(t *testing.T) {
	for _, uri := range []string{"/", "/key", "/key?Expires=1699807420", "/key?response-expires=1&versionId=v", "/?acl"} {
		r := wireRequest(t, "GET", uri, "bucket.oss-cn-hangzhou.aliyuncs.com", v1Date)
		s, err := Parse(r)
		if s != nil || err != nil {
			t.Errorf("Parse(%s) = %+v, %v; want nil, nil", uri, s, err)
		}
	}
}

func TestParseV4SeparatorsWithSpaces(t *testing.T) {
	target := Target{"bucket", "1234+-/123/1.txt"}
	for _, sep := range []string{",", ", ", " , ", ",  "} {
		authorization := "OSS4-HMAC-SHA256 Credential=" + v4Credential + sep + "Signature=" + v4Signature
		r := wireRequest(t, "PUT", "/1234%2B-/123/1.txt?"+vectorQuery().Encode(), "bucket.oss-cn-hangzhou.aliyuncs.com",
			"Authorization: "+authorization,
			"x-oss-head1: value", "content-type: text/plain", "x-oss-content-sha256: UNSIGNED-PAYLOAD", v4Date)
		s, err := Parse(r)
		if err != nil {
			t.Fatalf("separator %q: Parse: %v", sep, err)
		}
		if err := s.Verify(r, target, "sk", "cn-hangzhou", time.Unix(1702743657, 0)); err != nil {
			t.Errorf("separator %q: Verify: %v", sep, err)
		}
	}
}

// TestV4QueryEncodingVariants checks that a V4 signature verifies whatever
// equivalent percent-encoding the client used for the query.
func TestV4QueryEncodingVariants(t *testing.T) {
	target := Target{"bucket", "1234+-/123/1.txt"}
	base := "/1234%2B-/123/1.txt?"
	variants := []string{
		"%2Bparam1=value3&%2Bparam2=&%7Cparam1=value4&%7Cparam2=&param1=value1&param2=",
		"param2&param1=value1&%7cparam2&%7cparam1=value4&%2bparam2&%2bparam1=value3",
		"%2Bparam1=%76alue3&%2Bparam2&|param1=value4&|param2&%70aram1=value1&param2=",
	}
	for _, q := range variants {
		r := wireRequest(t, "PUT", base+q, "bucket.oss-cn-hangzhou.aliyuncs.com",
			"Authorization: OSS4-HMAC-SHA256 Credential="+v4Credential+",Signature="+v4Signature,
			"x-oss-head1: value", "content-type: text/plain", "x-oss-content-sha256: UNSIGNED-PAYLOAD", v4Date)
		s, err := Parse(r)
		if err != nil {
			t.Fatalf("query %q: Parse: %v", q, err)
		}
		if err := s.Verify(r, target, "sk", "cn-hangzhou", time.Unix(1702743657, 0)); err != nil {
			t.Errorf("query %q: Verify: %v", q, err)
		}
	}
}

// TestV1WithoutDateHeader checks a V1 request that carries only x-oss-date,
// signed with the x-oss-date value on the Date line.
func TestV1WithoutDateHeader(t *testing.T) {
	const ossDate = "Wed, 28 Dec 2022 10:27:41 GMT"
	stringToSign := "GET\n\n\n" + ossDate + "\nx-oss-date:" + ossDate + "\n/bucket/key"
	r := wireRequest(t, "GET", "/key", "bucket.oss-cn-hangzhou.aliyuncs.com",
		"Authorization: OSS ak:"+signV1("sk", stringToSign), "x-oss-date: "+ossDate)
	s, err := Parse(r)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	signed, _ := http.ParseTime(ossDate)
	if !s.Time.Equal(signed) {
		t.Errorf("Time = %v, want %v", s.Time, signed)
	}
	if err := s.Verify(r, Target{"bucket", "key"}, "sk", "cn-hangzhou", signed); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

// TestV1FallbackSignsUnknownSubresource checks the retry that signs every
// parameter except the known unsigned ones, for a client whose sub-resource
// list is longer than the union.
func TestV1FallbackSignsUnknownSubresource(t *testing.T) {
	const date = "Wed, 28 Dec 2022 10:27:41 GMT"
	stringToSign := "GET\n\n\n" + date + "\n/bucket/?newFeature=on"
	r := wireRequest(t, "GET", "/?newFeature=on&max-keys=10", "bucket.oss-cn-hangzhou.aliyuncs.com",
		"Authorization: OSS ak:"+signV1("sk", stringToSign), "Date: "+date)
	s, err := Parse(r)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	signed, _ := http.ParseTime(date)
	if err := s.Verify(r, Target{"bucket", ""}, "sk", "cn-hangzhou", signed); err != nil {
		t.Errorf("Verify: %v", err)
	}
}
