package objectfc_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// BenchmarkGetObject4KiB compares a 4 KiB GetObject on the bucket with the
// same read through an Object FC Access Point whose identity function is
// warm. The server runs in this process, so -cpuprofile shows where the
// server spends the transform's overhead; the bench tool measures the same
// path against a separate server process.
func BenchmarkGetObject4KiB(b *testing.B) {
	f := newFixture(b)
	alias := f.accessPoint("fcap-bench", f.deploy(functionSpec{name: "identity", function: "identity", concurrency: 4}), false)
	body := bytes.Repeat([]byte("x"), 4096)
	if _, err := f.root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(f.bucket), Key: oss.Ptr("4k"), Body: bytes.NewReader(body)}); err != nil {
		b.Fatal(err)
	}
	c := f.env.Client(testenv.NoRetry)
	read := func(bucket string) {
		res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("4k")})
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	read(alias)

	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			read(f.bucket)
		}
	})
	b.Run("identity", func(b *testing.B) {
		for b.Loop() {
			read(alias)
		}
	})
}

// BenchmarkGetObject256MiB compares the throughput of a 256 MiB GetObject on
// the bucket with the same read through the identity function.
func BenchmarkGetObject256MiB(b *testing.B) {
	const size = 256 << 20
	f := newFixture(b)
	alias := f.accessPoint("fcap-bench", f.deploy(functionSpec{name: "identity", function: "identity"}), false)
	_, err := f.root.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(f.bucket), Key: oss.Ptr("big"),
		Body: io.LimitReader(&pattern{}, size), ContentLength: oss.Ptr(int64(size))})
	if err != nil {
		b.Fatal(err)
	}
	c := f.env.Client(testenv.NoRetry)
	read := func(bucket string) {
		res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("big")})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, res.Body); err != nil || n != size {
			b.Fatalf("read %d bytes, %v", n, err)
		}
		res.Body.Close()
	}
	b.Run("direct", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			read(f.bucket)
		}
	})
	b.Run("identity", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			read(alias)
		}
	})
}

// pattern yields a repeating, position-dependent byte sequence.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.off*7 + p.off>>11)
		p.off++
	}
	return len(b), nil
}
