package ossapi

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
)

func TestResolve(t *testing.T) {
	rv := resolver{domains: []string{"oss-cn-hangzhou.example.test", "oss.internal"}}
	tests := []struct {
		host, path string
		want       Target
		err        osserr.Code
	}{
		// Path style: IP hosts, localhost, a service domain, unknown names.
		{"127.0.0.1:9000", "/", Target{Style: PathStyle}, ""},
		{"127.0.0.1:9000", "/bucket", Target{Style: PathStyle, Bucket: "bucket"}, ""},
		{"127.0.0.1:9000", "/bucket/", Target{Style: PathStyle, Bucket: "bucket"}, ""},
		{"127.0.0.1:9000", "/bucket/key", Target{Style: PathStyle, Bucket: "bucket", Key: "key", HasKey: true}, ""},
		{"127.0.0.1", "/bucket/a//b/", Target{Style: PathStyle, Bucket: "bucket", Key: "a//b/", HasKey: true}, ""},
		{"[::1]:9000", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"localhost:9000", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"oss-cn-hangzhou.example.test", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"OSS-CN-HANGZHOU.example.test.", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"unknown.example.org", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"bucket.127.0.0.1", "/other/k", Target{Style: PathStyle, Bucket: "other", Key: "k", HasKey: true}, ""},

		// Percent-encoding is decoded once; "+" stays a plus.
		{"127.0.0.1", "/bucket/a%2Fb%20c+d%25", Target{Style: PathStyle, Bucket: "bucket", Key: "a/b c+d%", HasKey: true}, ""},
		{"127.0.0.1", "/bucket/%E6%97%A5", Target{Style: PathStyle, Bucket: "bucket", Key: "日", HasKey: true}, ""},

		// Virtual-hosted style under a configured domain or localhost.
		{"bucket.oss-cn-hangzhou.example.test:9000", "/", Target{Style: VirtualHostedStyle, Bucket: "bucket"}, ""},
		{"bucket.oss-cn-hangzhou.example.test", "/k/", Target{Style: VirtualHostedStyle, Bucket: "bucket", Key: "k/", HasKey: true}, ""},
		{"Bucket.OSS.internal", "/a%3Fb", Target{Style: VirtualHostedStyle, Bucket: "bucket", Key: "a?b", HasKey: true}, ""},
		{"bucket.localhost:9000", "/k", Target{Style: VirtualHostedStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},
		{"bucket.oss-cn-hangzhou.example.test", "//k", Target{Style: VirtualHostedStyle, Bucket: "bucket", Key: "/k", HasKey: true}, ""},
		{"my-ap-1234567890abcdef-opapalias.oss.internal", "/k", Target{Style: VirtualHostedStyle, Bucket: "my-ap-1234567890abcdef-opapalias", Key: "k", HasKey: true}, ""},

		// A label with a dot is not a bucket label: path style.
		{"a.b.oss.internal", "/bucket/k", Target{Style: PathStyle, Bucket: "bucket", Key: "k", HasKey: true}, ""},

		// Errors.
		{"127.0.0.1", "//k", Target{}, osserr.InvalidBucketName},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "http://placeholder"+tc.path, nil)
		r.Host = tc.host
		got, err := rv.resolve(r)
		if tc.err != "" {
			if !osserr.Is(err, tc.err) {
				t.Errorf("resolve(%s, %s) error = %v, want %s", tc.host, tc.path, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("resolve(%s, %s) = %+v, %v; want %+v", tc.host, tc.path, got, err, tc.want)
		}
	}
}

func TestFindOperation(t *testing.T) {
	bucket := Target{Bucket: "b"}
	object := Target{Bucket: "b", Key: "k", HasKey: true}
	tests := []struct {
		method, query string
		target        Target
		want          string      // operation name
		err           osserr.Code // when no operation matches
	}{
		{"GET", "", Target{}, "ListBuckets", ""},
		{"GET", "prefix=a&max-keys=5", Target{}, "ListBuckets", ""},
		{"PUT", "", Target{}, "", osserr.MethodNotAllowed},

		{"PUT", "", bucket, "PutBucket", ""},
		{"DELETE", "", bucket, "DeleteBucket", ""},
		{"GET", "", bucket, "ListObjects", ""},
		{"GET", "prefix=a&delimiter=/&encoding-type=url", bucket, "ListObjects", ""},
		{"GET", "list-type=2", bucket, "ListObjectsV2", ""},
		{"GET", "list-type=2&continuation-token=x&start-after=y", bucket, "ListObjectsV2", ""},
		{"GET", "bucketInfo", bucket, "GetBucketInfo", ""},
		{"GET", "location", bucket, "GetBucketLocation", ""},
		{"GET", "stat", bucket, "GetBucketStat", ""},
		{"POST", "delete", bucket, "DeleteMultipleObjects", ""},
		{"POST", "delete&encoding-type=url", bucket, "DeleteMultipleObjects", ""},
		{"GET", "cors", bucket, "", osserr.NotImplemented},
		{"PUT", "lifecycle", bucket, "", osserr.NotImplemented},
		{"POST", "", bucket, "", osserr.MethodNotAllowed},
		{"PATCH", "", bucket, "", osserr.MethodNotAllowed},

		{"PUT", "", object, "PutObject", ""},
		{"GET", "", object, "GetObject", ""},
		{"GET", "response-content-type=text/plain&versionId=v", object, "GetObject", ""},
		{"HEAD", "", object, "HeadObject", ""},
		{"HEAD", "objectMeta", object, "GetObjectMeta", ""},
		{"DELETE", "", object, "DeleteObject", ""},
		{"POST", "append&position=0", object, "AppendObject", ""},
		{"GET", "symlink", object, "", osserr.NotImplemented},
		{"POST", "restore", object, "", osserr.NotImplemented},
		{"POST", "", object, "", osserr.MethodNotAllowed},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, "http://127.0.0.1/b/k?"+tc.query, nil)
		op, err := findOperation(r, tc.target)
		name := tc.method + " " + tc.query
		if tc.err != "" {
			if !osserr.Is(err, tc.err) {
				t.Errorf("%s: error %v, want %s", name, err, tc.err)
			}
			continue
		}
		if err != nil || op.Name != tc.want {
			t.Errorf("%s: operation %v, %v; want %s", name, op, err, tc.want)
		}
	}

	// CopyObject is a PutObject with x-oss-copy-source.
	r := httptest.NewRequest("PUT", "http://127.0.0.1/b/k", nil)
	r.Header.Set("x-oss-copy-source", "/b/src")
	if op, err := findOperation(r, object); err != nil || op.Name != "CopyObject" {
		t.Errorf("PUT with x-oss-copy-source: %v, %v; want CopyObject", op, err)
	}
}

func TestRoutesAreReachable(t *testing.T) {
	// Every route must be the first match for some request, or an earlier
	// route shadows it.
	for i, rt := range routes {
		for _, earlier := range routes[:i] {
			if earlier.level == rt.level && earlier.method == rt.method && earlier.sub == rt.sub && earlier.when == nil {
				t.Errorf("route %s %s ?%s is shadowed by %s", rt.method, rt.op.Name, rt.sub, earlier.op.Name)
			}
		}
		if rt.op.handler == nil || rt.op.Action == "" || !strings.HasPrefix(rt.op.Action, "oss:") {
			t.Errorf("operation %s lacks a handler or an oss: action", rt.op.Name)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		header   string
		size     int64
		standard bool
		want     *byteRange
		err      bool
	}{
		{"", 10, false, nil, false},
		{"bytes=0-4", 10, false, &byteRange{0, 5}, false},
		{"bytes=5-", 10, false, &byteRange{5, 5}, false},
		{"bytes=-3", 10, false, &byteRange{7, 3}, false},
		{"bytes= 2 - 3 ", 10, false, &byteRange{2, 2}, false},
		{"bytes=0-0,5-6", 10, false, &byteRange{0, 1}, false},
		{"bytes=0-10", 10, false, nil, false},
		{"bytes=0-10", 10, true, &byteRange{0, 10}, false},
		{"bytes=-11", 10, false, nil, false},
		{"bytes=-11", 10, true, &byteRange{0, 10}, false},
		{"bytes=10-", 10, false, nil, false},
		{"bytes=10-", 10, true, nil, true},
		{"bytes=0-", 0, false, nil, false},
		{"bytes=0-", 0, true, nil, true},
		{"bytes=-1", 0, true, nil, true},
		{"bytes=3-2", 10, true, nil, true},
		{"items=0-1", 10, false, nil, false},
		{"bytes=1-2-3", 10, false, nil, false},
		{"bytes=9223372036854775807-", 10, true, nil, true},
		{"bytes=0-9223372036854775808", 10, true, nil, true},
	}
	for _, tc := range tests {
		got, err := parseRange(tc.header, tc.size, tc.standard)
		if tc.err {
			if !osserr.Is(err, osserr.InvalidRange) {
				t.Errorf("parseRange(%q, %d, %v) error = %v, want InvalidRange", tc.header, tc.size, tc.standard, err)
			}
			continue
		}
		if err != nil || (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
			t.Errorf("parseRange(%q, %d, %v) = %+v, %v; want %+v", tc.header, tc.size, tc.standard, got, err, tc.want)
		}
	}
}

func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-1", "bytes=-5", "bytes=5-", "bytes=0-1,2-3", "bytes=", "bytes=--1", "bytes=1-0"} {
		f.Add(s, int64(10), false)
		f.Add(s, int64(0), true)
	}
	f.Fuzz(func(t *testing.T, header string, size int64, standard bool) {
		if size < 0 {
			size = -size
			if size < 0 {
				size = 0
			}
		}
		rng, err := parseRange(header, size, standard)
		if err != nil {
			if !standard || !osserr.Is(err, osserr.InvalidRange) {
				t.Fatalf("parseRange(%q, %d, %v) error %v", header, size, standard, err)
			}
			return
		}
		if rng == nil {
			return
		}
		if rng.start < 0 || rng.length < 1 || rng.start > size-rng.length {
			t.Fatalf("parseRange(%q, %d, %v) = %+v lies outside the object", header, size, standard, rng)
		}
	})
}

func FuzzParseCopySource(f *testing.F) {
	for _, s := range []string{"/b/k", "/b/a%2Fb?versionId=v", "b/k", "/b/", "/b/%zz", "/b/k?versionId=%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		cs, err := parseCopySource(header)
		if err != nil {
			if !osserr.Is(err, osserr.InvalidArgument) {
				t.Fatalf("parseCopySource(%q) error %v, want InvalidArgument", header, err)
			}
			return
		}
		if cs.bucket == "" || cs.key == "" {
			t.Fatalf("parseCopySource(%q) = %+v without bucket or key", header, cs)
		}
	})
}

// FuzzXMLBodies feeds one body to the decoder of every XML request body
// the API accepts. Each must either decode it or fail with MalformedXML or
// InvalidArgument, never panic or fail otherwise.
func FuzzXMLBodies(f *testing.F) {
	seeds := []string{
		`<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>b&amp;c</Key><VersionId>v</VersionId></Object></Delete>`,
		`<CreateBucketConfiguration><StorageClass>IA</StorageClass><DataRedundancyType>LRS</DataRedundancyType></CreateBucketConfiguration>`,
		`<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"A"</ETag></Part></CompleteMultipartUpload>`,
		`<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>`,
		`<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>`,
		`<?xml version="1.0"?><Delete><Object><Key>&#x0;</Key></Object>`,
		`<a><b><c>`, ``, `<!DOCTYPE x [<!ENTITY e "e">]><Delete>&e;</Delete>`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			&deleteRequest{}, &CreateBucketConfiguration{}, &completeRequest{}, &Tagging{}, &VersioningConfiguration{},
		}
		for _, v := range targets {
			r := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/b/?delete", bytes.NewReader(body))
			err := readXML(r, v)
			if err != nil && !osserr.Is(err, osserr.MalformedXML) && !osserr.Is(err, osserr.InvalidArgument) {
				t.Fatalf("readXML into %T: %v", v, err)
			}
		}
		// Whatever decoded into a Delete request must encode again.
		var d deleteRequest
		if xml.Unmarshal(body, &d) == nil {
			if _, err := xml.Marshal(d); err != nil {
				t.Fatalf("decoded Delete request does not encode: %v", err)
			}
		}
	})
}
