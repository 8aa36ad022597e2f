package ossapi_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestSmokePutGetListBothStylesBothVersions(t *testing.T) {
	env := testenv.Start(t)

	clients := map[string]*oss.Client{
		"path-v4":    env.Client(),
		"path-v1":    env.Client(testenv.V1),
		"virtual-v4": env.VirtualHostedClient(),
		"virtual-v1": env.VirtualHostedClient(testenv.V1),
	}
	for name, c := range clients {
		t.Run(name, func(t *testing.T) {
			bucket := "smoke-" + name
			if _, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(bucket)}); err != nil {
				t.Fatalf("PutBucket: %v", err)
			}
			key := "dir/a b+c=~%日本/1.txt"
			body := []byte("hello, ossfc")
			if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: bytes.NewReader(body)}); err != nil {
				t.Fatalf("PutObject: %v", err)
			}
			res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			if err != nil {
				t.Fatalf("GetObject: %v", err)
			}
			got, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if !bytes.Equal(got, body) {
				t.Errorf("GetObject body = %q, want %q", got, body)
			}
			list, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), Delimiter: oss.Ptr("/")})
			if err != nil {
				t.Fatalf("ListObjectsV2: %v", err)
			}
			if len(list.CommonPrefixes) != 1 || *list.CommonPrefixes[0].Prefix != "dir/" {
				t.Errorf("common prefixes = %+v, want dir/", list.CommonPrefixes)
			}
			_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("missing")})
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.Code != "NoSuchKey" || se.StatusCode != 404 || !strings.HasPrefix(se.EC, "0026") {
				t.Errorf("missing key: got %v, want NoSuchKey", err)
			}
		})
	}
}
