package ossapi_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// listingKeys exercise delimiters, unicode and characters XML and URL
// encoding treat specially.
var listingKeys = []string{
	"a",
	"a/",
	"a/b",
	"a/b/c",
	"a/b/d",
	"a//x",
	"a+b/c",
	"a b/c",
	"a%2F/c",
	"b/é/1",
	"b/é/2",
	"b/日本/語",
	"c<&>/\"q'",
	"d",
	"d-",
	"d--/x",
	"z😀/1",
}

// listing is what a sequence of listing pages returned.
type listing struct {
	keys     []string
	prefixes []string
	pages    int
}

// listV1 pages through ListObjects and collects everything.
func listV1(t *testing.T, c *oss.Client, bucket, prefix, delimiter string, maxKeys int32) listing {
	t.Helper()
	var out listing
	var marker *string
	for out.pages < 100 {
		res, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr(bucket), Prefix: oss.Ptr(prefix),
			Delimiter: oss.Ptr(delimiter), Marker: marker, MaxKeys: maxKeys})
		if err != nil {
			t.Fatalf("ListObjects: %v", err)
		}
		out.pages++
		if n := len(res.Contents) + len(res.CommonPrefixes); n > int(maxKeys) && maxKeys > 0 {
			t.Errorf("page of %d entries with max-keys %d", n, maxKeys)
		}
		for _, o := range res.Contents {
			out.keys = append(out.keys, oss.ToString(o.Key))
		}
		for _, p := range res.CommonPrefixes {
			out.prefixes = append(out.prefixes, oss.ToString(p.Prefix))
		}
		if !res.IsTruncated {
			return out
		}
		if res.NextMarker == nil || *res.NextMarker == "" {
			t.Fatalf("truncated page without NextMarker")
		}
		marker = res.NextMarker
	}
	t.Fatalf("listing did not end after 100 pages")
	return out
}

// listV2 pages through ListObjectsV2 with continuation tokens.
func listV2(t *testing.T, c *oss.Client, bucket, prefix, delimiter, startAfter string, maxKeys int32) listing {
	t.Helper()
	var out listing
	var token *string
	for out.pages < 100 {
		req := &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Prefix: oss.Ptr(prefix),
			Delimiter: oss.Ptr(delimiter), ContinuationToken: token, MaxKeys: maxKeys}
		if startAfter != "" {
			req.StartAfter = oss.Ptr(startAfter)
		}
		res, err := c.ListObjectsV2(ctx, req)
		if err != nil {
			t.Fatalf("ListObjectsV2: %v", err)
		}
		out.pages++
		if int(res.KeyCount) != len(res.Contents)+len(res.CommonPrefixes) {
			t.Errorf("KeyCount %d, page holds %d entries", res.KeyCount, len(res.Contents)+len(res.CommonPrefixes))
		}
		if token != nil && oss.ToString(res.ContinuationToken) != *token {
			t.Errorf("ContinuationToken echoed as %q, sent %q", oss.ToString(res.ContinuationToken), *token)
		}
		for _, o := range res.Contents {
			out.keys = append(out.keys, oss.ToString(o.Key))
		}
		for _, p := range res.CommonPrefixes {
			out.prefixes = append(out.prefixes, oss.ToString(p.Prefix))
		}
		if !res.IsTruncated {
			return out
		}
		if oss.ToString(res.NextContinuationToken) == "" {
			t.Fatalf("truncated page without NextContinuationToken")
		}
		token = res.NextContinuationToken
	}
	t.Fatalf("listing did not end after 100 pages")
	return out
}

// expectListing computes the listing that keys should give.
func expectListing(keys []string, prefix, delimiter, after string) listing {
	var out listing
	seen := map[string]bool{}
	sorted := append([]string(nil), keys...)
	sort.Strings(sorted)
	for _, k := range sorted {
		if !strings.HasPrefix(k, prefix) || k <= after {
			continue
		}
		if delimiter != "" {
			if i := strings.Index(k[len(prefix):], delimiter); i >= 0 {
				cp := k[:len(prefix)+i+len(delimiter)]
				if cp <= after {
					continue
				}
				if !seen[cp] {
					seen[cp] = true
					out.prefixes = append(out.prefixes, cp)
				}
				continue
			}
		}
		out.keys = append(out.keys, k)
	}
	return out
}

func TestListObjectsDelimiterAndPaging(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "list-" + sc.name
			createBucket(t, c, bucket)
			for _, k := range listingKeys {
				putObject(t, c, bucket, k, []byte(k))
			}

			cases := []struct{ prefix, delimiter string }{
				{"", ""},
				{"", "/"},
				{"a", "/"},
				{"a/", "/"},
				{"a/b", "/"},
				{"a/b/", "/"},
				{"a//", "/"},
				{"b/", "/"},
				{"b/é", "/"},
				{"", "b"},
				{"d", "-"},
				{"", "é"},
				{"", "//"},
				{"nothing", "/"},
				{"c<&>/", ""},
			}
			for _, tc := range cases {
				want := expectListing(listingKeys, tc.prefix, tc.delimiter, "")
				// The store's tests page with every small size; here paging
				// runs once per client, through markers and tokens.
				sizes := []int32{1000}
				if sc.name == "path-v4" {
					sizes = []int32{2, 1000}
				} else if tc.delimiter == "/" {
					sizes = []int32{3}
				}
				for _, maxKeys := range sizes {
					got := listV1(t, c, bucket, tc.prefix, tc.delimiter, maxKeys)
					if !sameListing(got, want) {
						t.Errorf("v1 prefix %q delimiter %q max-keys %d:\n got keys %q prefixes %q\nwant keys %q prefixes %q",
							tc.prefix, tc.delimiter, maxKeys, got.keys, got.prefixes, want.keys, want.prefixes)
					}
					got = listV2(t, c, bucket, tc.prefix, tc.delimiter, "", maxKeys)
					if !sameListing(got, want) {
						t.Errorf("v2 prefix %q delimiter %q max-keys %d:\n got keys %q prefixes %q\nwant keys %q prefixes %q",
							tc.prefix, tc.delimiter, maxKeys, got.keys, got.prefixes, want.keys, want.prefixes)
					}
				}
			}

			afters := []string{"a/", "b/é/"}
			if sc.name == "path-v4" {
				afters = []string{"a", "a/", "a/b/c", "b/é/", "b/", "c", "zzz", ""}
			}
			for _, after := range afters {
				want := expectListing(listingKeys, "", "/", after)
				got := listV2(t, c, bucket, "", "/", after, 2)
				if !sameListing(got, want) {
					t.Errorf("v2 start-after %q:\n got keys %q prefixes %q\nwant keys %q prefixes %q",
						after, got.keys, got.prefixes, want.keys, want.prefixes)
				}
				want = expectListing(listingKeys, "", "", after)
				got = listV2(t, c, bucket, "", "", after, 1000)
				if !sameListing(got, want) {
					t.Errorf("v2 start-after %q without delimiter: got %q, want %q", after, got.keys, want.keys)
				}
			}
		})
	}
}

func sameListing(a, b listing) bool {
	return reflect.DeepEqual(nonNil(a.keys), nonNil(b.keys)) && reflect.DeepEqual(nonNil(a.prefixes), nonNil(b.prefixes))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestListObjectsResultFields(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "fields")
	putObject(t, c, "fields", "dir/k", []byte("12345"))

	res, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr("fields"), Prefix: oss.Ptr("dir/"), MaxKeys: 10})
	if err != nil {
		t.Fatal(err)
	}
	if oss.ToString(res.Name) != "fields" || oss.ToString(res.Prefix) != "dir/" || res.MaxKeys != 10 || res.IsTruncated {
		t.Errorf("ListObjects header fields: name %q prefix %q max %d truncated %v",
			oss.ToString(res.Name), oss.ToString(res.Prefix), res.MaxKeys, res.IsTruncated)
	}
	if len(res.Contents) != 1 {
		t.Fatalf("%d entries, want 1", len(res.Contents))
	}
	o := res.Contents[0]
	if oss.ToString(o.ETag) != etagOf([]byte("12345")) || o.Size != 5 || oss.ToString(o.Type) != "Normal" ||
		oss.ToString(o.StorageClass) != "Standard" || o.LastModified == nil || o.Owner == nil || oss.ToString(o.Owner.ID) != env.AccountID {
		t.Errorf("entry = %+v", o)
	}

	v2, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("fields")})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Contents) != 1 || v2.Contents[0].Owner != nil {
		t.Errorf("ListObjectsV2 without fetch-owner returned an owner")
	}
	v2, err = c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("fields"), FetchOwner: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Contents) != 1 || v2.Contents[0].Owner == nil || oss.ToString(v2.Contents[0].Owner.ID) != env.AccountID {
		t.Errorf("ListObjectsV2 with fetch-owner: owner missing")
	}

	_, err = c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr("fields"), MaxKeys: 1001})
	serviceError(t, err, 400, "InvalidArgument")
	_, err = c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("no-such-bucket")})
	serviceError(t, err, 404, "NoSuchBucket")
	_, err = c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("fields"), ContinuationToken: oss.Ptr("!!not-a-token")})
	serviceError(t, err, 400, "InvalidArgument")
}

func TestListObjectsPaginator(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "paginator")
	var want []string
	for i := range 25 {
		k := "p/" + itoa(1000+i)
		want = append(want, k)
		putObject(t, c, "paginator", k, nil)
	}
	var got []string
	p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr("paginator"), MaxKeys: 7})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			got = append(got, oss.ToString(o.Key))
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paginator listed %q, want %q", got, want)
	}
}
