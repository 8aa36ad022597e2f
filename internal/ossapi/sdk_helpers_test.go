package ossapi_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"errors"
	"hash/crc64"
	"io"
	"strconv"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

var ctx = context.Background()

// styledClient is an SDK client with the name of its addressing style and
// signature version, for subtests.
type styledClient struct {
	name string
	c    *oss.Client
}

// allClients returns root clients in both addressing styles and both
// signature versions.
func allClients(env *testenv.Env, opts ...testenv.ClientOption) []styledClient {
	v1 := append([]testenv.ClientOption{testenv.V1}, opts...)
	return []styledClient{
		{"path-v4", env.Client(opts...)},
		{"path-v1", env.Client(v1...)},
		{"virtual-v4", env.VirtualHostedClient(opts...)},
		{"virtual-v1", env.VirtualHostedClient(v1...)},
	}
}

func createBucket(t *testing.T, c *oss.Client, name string) {
	t.Helper()
	if _, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(name)}); err != nil {
		t.Fatalf("PutBucket %s: %v", name, err)
	}
}

func putObject(t *testing.T, c *oss.Client, bucket, key string, body []byte) *oss.PutObjectResult {
	t.Helper()
	res, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("PutObject %s/%q: %v", bucket, key, err)
	}
	return res
}

func getObject(t *testing.T, c *oss.Client, req *oss.GetObjectRequest) (*oss.GetObjectResult, []byte) {
	t.Helper()
	res, err := c.GetObject(ctx, req)
	if err != nil {
		t.Fatalf("GetObject %s/%q: %v", oss.ToString(req.Bucket), oss.ToString(req.Key), err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read GetObject body: %v", err)
	}
	return res, body
}

// serviceError returns err as an *oss.ServiceError after checking its
// status and code.
func serviceError(t *testing.T, err error, status int, code string) *oss.ServiceError {
	t.Helper()
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v; want a service error %d %s", err, status, code)
	}
	if se.StatusCode != status || se.Code != code {
		t.Fatalf("error = %d %s (%s); want %d %s", se.StatusCode, se.Code, se.Message, status, code)
	}
	if len(se.RequestID) != 24 {
		t.Errorf("error request id %q is not 24 characters", se.RequestID)
	}
	return se
}

func etagOf(b []byte) string {
	sum := md5.Sum(b)
	return `"` + upperHex(sum[:]) + `"`
}

func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func crcOf(b []byte) string {
	return strconv.FormatUint(crc64.Checksum(b, crc64.MakeTable(crc64.ECMA)), 10)
}

func upperHex(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// pattern returns n bytes that differ at every offset modulo 251, so a
// misplaced range shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
