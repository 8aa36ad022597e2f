package ossapi_test

import (
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestBucketLifecycle(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env, testenv.NoRetry) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			name := "life-" + sc.name
			_, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(name), Acl: oss.BucketACLPublicRead,
				CreateBucketConfiguration: &oss.CreateBucketConfiguration{StorageClass: oss.StorageClassIA}})
			if err != nil {
				t.Fatalf("PutBucket: %v", err)
			}
			_, err = c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(name)})
			se := serviceError(t, err, 409, "BucketAlreadyExists")
			if se.EC != "0015-00000104" {
				t.Errorf("BucketAlreadyExists EC = %s", se.EC)
			}

			list, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{Prefix: oss.Ptr(name)})
			if err != nil {
				t.Fatalf("ListBuckets: %v", err)
			}
			if len(list.Buckets) != 1 || oss.ToString(list.Buckets[0].Name) != name {
				t.Errorf("ListBuckets with prefix %s = %d buckets", name, len(list.Buckets))
			}

			info, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr(name)})
			if err != nil {
				t.Fatalf("GetBucketInfo: %v", err)
			}
			b := info.BucketInfo
			checks := map[string][2]string{
				"Name":               {oss.ToString(b.Name), name},
				"Location":           {oss.ToString(b.Location), "oss-" + env.Region},
				"StorageClass":       {oss.ToString(b.StorageClass), "IA"},
				"ACL":                {oss.ToString(b.ACL), "public-read"},
				"Owner":              {oss.ToString(b.Owner.ID), env.AccountID},
				"DataRedundancyType": {oss.ToString(b.DataRedundancyType), "LRS"},
			}
			for field, c := range checks {
				if c[0] != c[1] {
					t.Errorf("GetBucketInfo %s = %q, want %q", field, c[0], c[1])
				}
			}
			if b.CreationDate == nil || b.CreationDate.IsZero() {
				t.Errorf("GetBucketInfo CreationDate missing")
			}

			loc, err := c.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr(name)})
			if err != nil || oss.ToString(loc.LocationConstraint) != "oss-"+env.Region {
				t.Errorf("GetBucketLocation = %v, %v", oss.ToString(loc.LocationConstraint), err)
			}

			putObject(t, c, name, "a", []byte("123"))
			putObject(t, c, name, "b/c", []byte("4567"))
			stat, err := c.GetBucketStat(ctx, &oss.GetBucketStatRequest{Bucket: oss.Ptr(name)})
			if err != nil {
				t.Fatalf("GetBucketStat: %v", err)
			}
			if stat.ObjectCount != 2 || stat.Storage != 7 || stat.StandardObjectCount+stat.InfrequentAccessObjectCount != 2 {
				t.Errorf("GetBucketStat = %+v; want 2 objects of 7 bytes", stat)
			}

			_, err = c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(name)})
			se = serviceError(t, err, 409, "BucketNotEmpty")
			if se.EC != "0015-00000301" {
				t.Errorf("BucketNotEmpty EC = %s", se.EC)
			}
			for _, k := range []string{"a", "b/c"} {
				if _, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(name), Key: oss.Ptr(k)}); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(name)}); err != nil {
				t.Fatalf("DeleteBucket: %v", err)
			}

			for _, op := range []func() error{
				func() error {
					_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr(name)})
					return err
				},
				func() error {
					_, err := c.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr(name)})
					return err
				},
				func() error {
					_, err := c.GetBucketStat(ctx, &oss.GetBucketStatRequest{Bucket: oss.Ptr(name)})
					return err
				},
				func() error {
					_, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(name)})
					return err
				},
				func() error {
					_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(name), Key: oss.Ptr("k")})
					return err
				},
			} {
				se := serviceError(t, op(), 404, "NoSuchBucket")
				if se.EC != "0015-00000101" {
					t.Errorf("NoSuchBucket EC = %s", se.EC)
				}
			}
		})
	}
}

func TestListBucketsPaging(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	var want []string
	for _, n := range []string{"lb-a", "lb-b", "lb-c", "lb-d", "lb-e", "other"} {
		createBucket(t, c, n)
		if strings.HasPrefix(n, "lb-") {
			want = append(want, n)
		}
	}

	var got []string
	var marker *string
	for pages := 0; pages < 10; pages++ {
		res, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{Prefix: oss.Ptr("lb-"), Marker: marker, MaxKeys: 2})
		if err != nil {
			t.Fatalf("ListBuckets: %v", err)
		}
		if oss.ToString(res.Owner.ID) != env.AccountID {
			t.Errorf("ListBuckets owner %q", oss.ToString(res.Owner.ID))
		}
		for _, b := range res.Buckets {
			got = append(got, oss.ToString(b.Name))
			if oss.ToString(b.Location) != "oss-"+env.Region || oss.ToString(b.Region) != env.Region || b.CreationDate == nil {
				t.Errorf("bucket entry %+v", b)
			}
		}
		if !res.IsTruncated {
			break
		}
		marker = res.NextMarker
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ListBuckets pages = %v, want %v", got, want)
	}

	p := c.NewListBucketsPaginator(&oss.ListBucketsRequest{MaxKeys: 4})
	n := 0
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Buckets)
	}
	if n != 6 {
		t.Errorf("ListBuckets paginator found %d buckets, want 6", n)
	}
}

func TestPutBucketInvalidInput(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	_, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("bad-acl"), Acl: oss.BucketACLType("everyone")})
	serviceError(t, err, 400, "InvalidArgument")
	_, err = c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("bad-class"),
		CreateBucketConfiguration: &oss.CreateBucketConfiguration{StorageClass: oss.StorageClassType("Hot")}})
	serviceError(t, err, 400, "InvalidArgument")
	_, err = c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("reserved-ossalias")})
	serviceError(t, err, 400, "InvalidBucketName")

	// Zone-redundant storage is refused rather than reported falsely.
	_, err = c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("zrs"),
		CreateBucketConfiguration: &oss.CreateBucketConfiguration{DataRedundancyType: oss.DataRedundancyZRS}})
	serviceError(t, err, 501, "NotImplemented")
	if _, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("zrs")}); err == nil {
		t.Error("a bucket was created for the ZRS request")
	}
}

func TestPutBucketNameTakenByAnotherAccount(t *testing.T) {
	env := testenv.Start(t)
	createBucket(t, env.Client(), "taken")
	_, key, err := env.Server.RAM().CreateAccount(ctx, "second")
	if err != nil {
		t.Fatalf("create a second account: %v", err)
	}
	other := env.Client(testenv.NoRetry, testenv.WithKey(key.AccessKeyID, key.AccessKeySecret, ""))
	_, err = other.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("taken")})
	serviceError(t, err, 409, "BucketAlreadyExists")
	_, err = other.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("taken")})
	serviceError(t, err, 403, "AccessDenied")

	createBucket(t, other, "second-own")
	list, err := other.ListBuckets(ctx, &oss.ListBucketsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Buckets) != 1 || oss.ToString(list.Buckets[0].Name) != "second-own" {
		t.Errorf("second account lists %d buckets; want only its own", len(list.Buckets))
	}
}
