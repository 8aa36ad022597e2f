package ossapi_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// randomBytes returns n bytes from a fixed seed, so failures repeat.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// multipartETag is the ETag OSS gives an object joined from parts.
func multipartETag(parts ...[]byte) string {
	h := md5.New()
	for _, p := range parts {
		sum := md5.Sum(p)
		h.Write(sum[:])
	}
	return fmt.Sprintf(`"%s-%d"`, strings.ToUpper(hex.EncodeToString(h.Sum(nil))), len(parts))
}

// wantCode fails the test unless err is the OSS error status and code.
func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got success, want %d %s", status, code)
	}
	serviceError(t, err, status, code)
}

func getBody(t *testing.T, c *oss.Client, bucket, key string) ([]byte, *oss.GetObjectResult) {
	t.Helper()
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Fatalf("GetObject %s: %v", key, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b, res
}

func initiate(t *testing.T, c *oss.Client, bucket, key string) string {
	t.Helper()
	res, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		t.Fatalf("InitiateMultipartUpload %s: %v", key, err)
	}
	return *res.UploadId
}

func uploadPart(t *testing.T, c *oss.Client, bucket, key, id string, n int32, data []byte) string {
	t.Helper()
	res, err := c.UploadPart(ctx, &oss.UploadPartRequest{
		Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), UploadId: oss.Ptr(id), PartNumber: n, Body: bytes.NewReader(data),
	})
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	return *res.ETag
}

func TestMultipartUploadAndList(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "mpart")

	parts := [][]byte{randomBytes(100<<10, 1), randomBytes(150<<10, 2), randomBytes(7, 3)}
	key := "dir/big file+1.bin"
	init, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), ContentType: oss.Ptr("text/csv"),
		Metadata: map[string]string{"team": "storage"}, StorageClass: oss.StorageClassIA,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := *init.UploadId
	if *init.Key != key || *init.Bucket != "mpart" || len(id) != 32 {
		t.Errorf("initiate result = bucket %q key %q upload id %q", *init.Bucket, *init.Key, id)
	}

	var etags []string
	for i, p := range parts {
		etag := uploadPart(t, c, "mpart", key, id, int32(i+1), p)
		if etag != `"`+md5Hex(p)+`"` {
			t.Errorf("part %d ETag = %s, want the quoted MD5", i+1, etag)
		}
		etags = append(etags, etag)
	}

	// ListParts, two pages.
	page1, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), UploadId: oss.Ptr(id), MaxParts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page1.Parts) != 2 || !page1.IsTruncated || page1.NextPartNumberMarker != 2 || *page1.StorageClass != "IA" || *page1.Key != key {
		t.Fatalf("ListParts page 1 = %d parts, truncated %v, next %d, class %v, key %q",
			len(page1.Parts), page1.IsTruncated, page1.NextPartNumberMarker, *page1.StorageClass, *page1.Key)
	}
	if p := page1.Parts[1]; p.Size != 150<<10 || *p.ETag != etags[1] || *p.HashCRC64 != crcOf(parts[1]) || p.LastModified == nil {
		t.Errorf("part 2 listed as %+v", p)
	}
	page2, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), UploadId: oss.Ptr(id), PartNumberMarker: 2})
	if err != nil || len(page2.Parts) != 1 || page2.Parts[0].PartNumber != 3 || page2.IsTruncated {
		t.Fatalf("ListParts page 2 = %+v, %v", page2, err)
	}

	uploads, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr("mpart")})
	if err != nil || len(uploads.Uploads) != 1 || *uploads.Uploads[0].Key != key || *uploads.Uploads[0].UploadId != id {
		t.Fatalf("ListMultipartUploads = %+v, %v", uploads, err)
	}

	stat, err := c.GetBucketStat(ctx, &oss.GetBucketStatRequest{Bucket: oss.Ptr("mpart")})
	if err != nil {
		t.Fatal(err)
	}
	if stat.MultipartUploadCount != 1 {
		t.Errorf("GetBucketStat MultipartUploadCount = %d, want 1", stat.MultipartUploadCount)
	}
	if stat.MultipartPartCount != 3 {
		t.Errorf("GetBucketStat MultipartPartCount = %d, want 3", stat.MultipartPartCount)
	}

	// A bucket with an upload in progress is not empty.
	_, err = c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("mpart")})
	wantCode(t, err, 409, "BucketNotEmpty")

	var list []oss.UploadPart
	for i, e := range etags {
		list = append(list, oss.UploadPart{PartNumber: int32(i + 1), ETag: oss.Ptr(e)})
	}
	done, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), UploadId: oss.Ptr(id),
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: list},
	})
	if err != nil {
		t.Fatal(err)
	}
	whole := bytes.Join(parts, nil)
	if *done.ETag != multipartETag(parts...) || *done.HashCRC64 != crcOf(whole) || *done.Key != key {
		t.Errorf("complete result: ETag %s CRC %s key %q; want %s %s", *done.ETag, *done.HashCRC64, *done.Key, multipartETag(parts...), crcOf(whole))
	}
	if !strings.HasSuffix(*done.Location, "/mpart/dir/big%20file+1.bin") {
		t.Errorf("Location = %s", *done.Location)
	}

	got, res := getBody(t, c, "mpart", key)
	if !bytes.Equal(got, whole) {
		t.Fatalf("GetObject returned %d bytes that differ from the %d uploaded", len(got), len(whole))
	}
	if *res.ObjectType != "Multipart" || *res.ContentType != "text/csv" || res.Metadata["team"] != "storage" || *res.StorageClass != "IA" {
		t.Errorf("object headers: type %s content type %s meta %v class %s", *res.ObjectType, *res.ContentType, res.Metadata, *res.StorageClass)
	}

	// A range across the part boundary.
	rr, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), Range: oss.Ptr(fmt.Sprintf("bytes=%d-%d", 100<<10-3, 100<<10+2))})
	if err != nil {
		t.Fatal(err)
	}
	span, _ := io.ReadAll(rr.Body)
	rr.Body.Close()
	if !bytes.Equal(span, whole[100<<10-3:100<<10+3]) {
		t.Errorf("range across parts = %x", span)
	}

	if _, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("mpart"), Key: oss.Ptr(key), UploadId: oss.Ptr(id)}); err == nil {
		t.Error("ListParts after complete succeeded")
	} else {
		wantCode(t, err, 404, "NoSuchUpload")
	}
}

func TestCompleteETagForms(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "etags")
	data := randomBytes(1000, 4)
	bare := md5Hex(data)

	tests := []struct {
		name string
		etag string
		code string // "" for success
	}{
		{"quoted", `"` + bare + `"`, ""},
		{"unquoted", bare, ""},
		{"lower case", strings.ToLower(bare), ""},
		{"wrong", `"` + strings.Repeat("0", 32) + `"`, "InvalidPart"},
		{"empty", `""`, "InvalidPart"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := initiate(t, c, "etags", tc.name)
			uploadPart(t, c, "etags", tc.name, id, 1, data)
			_, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
				Bucket: oss.Ptr("etags"), Key: oss.Ptr(tc.name), UploadId: oss.Ptr(id),
				CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: []oss.UploadPart{{PartNumber: 1, ETag: oss.Ptr(tc.etag)}}},
			})
			if tc.code == "" {
				if err != nil {
					t.Fatalf("complete: %v", err)
				}
				got, _ := getBody(t, c, "etags", tc.name)
				if !bytes.Equal(got, data) {
					t.Error("object data differs")
				}
				return
			}
			wantCode(t, err, 400, tc.code)
			// The upload survives a rejected completion.
			if _, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("etags"), Key: oss.Ptr(tc.name), UploadId: oss.Ptr(id)}); err != nil {
				t.Errorf("ListParts after a rejected complete: %v", err)
			}
		})
	}
}

func TestCompleteErrors(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "mperr")
	small, big := randomBytes(1000, 5), randomBytes(100<<10, 6)

	id := initiate(t, c, "mperr", "k")
	e1 := uploadPart(t, c, "mperr", "k", id, 1, big)
	e2 := uploadPart(t, c, "mperr", "k", id, 2, small)
	e3 := uploadPart(t, c, "mperr", "k", id, 3, small)

	complete := func(key, upload string, parts ...oss.UploadPart) error {
		req := &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr(key), UploadId: oss.Ptr(upload),
			CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}}
		_, err := c.CompleteMultipartUpload(ctx, req)
		return err
	}
	part := func(n int32, etag string) oss.UploadPart { return oss.UploadPart{PartNumber: n, ETag: oss.Ptr(etag)} }

	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"part too small", complete("k", id, part(1, e1), part(2, e2), part(3, e3)), 400, "EntityTooSmall"},
		{"part not uploaded", complete("k", id, part(1, e1), part(4, e3)), 400, "InvalidPart"},
		{"unknown upload", complete("k", strings.Repeat("A", 32), part(1, e1)), 404, "NoSuchUpload"},
		{"upload of another key", complete("other", id, part(1, e1)), 404, "NoSuchUpload"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.err, tc.status, tc.code) })
	}

	// The SDK sorts part lists, so a descending list is sent as raw XML.
	t.Run("descending order", func(t *testing.T) {
		body := fmt.Sprintf(`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>%s</ETag></Part>`+
			`<Part><PartNumber>1</PartNumber><ETag>%s</ETag></Part></CompleteMultipartUpload>`, e2, e1)
		_, err := c.InvokeOperation(ctx, &oss.OperationInput{
			OpName: "CompleteMultipartUpload", Method: "POST", Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"),
			Parameters: map[string]string{"uploadId": id}, Body: strings.NewReader(body),
		})
		wantCode(t, err, 400, "InvalidPartOrder")
	})

	t.Run("part number out of range", func(t *testing.T) {
		for _, n := range []int32{10001, -1} {
			_, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id),
				PartNumber: n, Body: bytes.NewReader(small)})
			wantCode(t, err, 400, "InvalidArgument")
		}
	})

	t.Run("upload part to unknown upload", func(t *testing.T) {
		_, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"),
			UploadId: oss.Ptr("nope"), PartNumber: 1, Body: bytes.NewReader(small)})
		wantCode(t, err, 404, "NoSuchUpload")
	})

	t.Run("complete all with a body", func(t *testing.T) {
		_, err := c.InvokeOperation(ctx, &oss.OperationInput{
			OpName: "CompleteMultipartUpload", Method: "POST", Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"),
			Headers:    map[string]string{"x-oss-complete-all": "yes"},
			Parameters: map[string]string{"uploadId": id},
			Body:       strings.NewReader("<CompleteMultipartUpload/>"),
		})
		wantCode(t, err, 400, "InvalidArgument")
	})

	t.Run("abort then use", func(t *testing.T) {
		if _, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id)}); err != nil {
			t.Fatal(err)
		}
		_, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id)})
		wantCode(t, err, 404, "NoSuchUpload")
		wantCode(t, complete("k", id, part(1, e1)), 404, "NoSuchUpload")
		_, err = c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("mperr"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id),
			PartNumber: 1, Body: bytes.NewReader(small)})
		wantCode(t, err, 404, "NoSuchUpload")
	})

	// Aborting removed the part data: only the directory skeleton is left.
	if n := countBlobs(t, env); n != 0 {
		t.Errorf("%d blobs remain after abort", n)
	}
}

// countBlobs counts committed blob files in the server's data directory.
func countBlobs(t *testing.T, env *testenv.Env) int {
	t.Helper()
	n := 0
	root := filepath.Join(env.Config.DataDir, "objects")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && len(d.Name()) == 32 {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCompleteAllAndReplacedPart(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "mpall")
	first, second, last := randomBytes(100<<10, 7), randomBytes(100<<10, 8), randomBytes(10, 9)

	id := initiate(t, c, "mpall", "k")
	uploadPart(t, c, "mpall", "k", id, 1, randomBytes(200<<10, 10)) // replaced below
	uploadPart(t, c, "mpall", "k", id, 1, first)
	uploadPart(t, c, "mpall", "k", id, 2, second)
	uploadPart(t, c, "mpall", "k", id, 5, last)
	if n := countBlobs(t, env); n != 3 {
		t.Errorf("%d blobs after replacing part 1, want 3", n)
	}

	res, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("mpall"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes"),
	})
	if err != nil {
		t.Fatal(err)
	}
	whole := bytes.Join([][]byte{first, second, last}, nil)
	if *res.ETag != multipartETag(first, second, last) || *res.HashCRC64 != crcOf(whole) {
		t.Errorf("complete-all ETag %s CRC %s", *res.ETag, *res.HashCRC64)
	}
	if got, _ := getBody(t, c, "mpall", "k"); !bytes.Equal(got, whole) {
		t.Error("complete-all object data differs")
	}
	if n := countBlobs(t, env); n != 3 {
		t.Errorf("%d blobs after completion, want the 3 parts reused as segments", n)
	}
}

func TestUploadPartCopyRange(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "src")
	createBucket(t, c, "dst")
	source := randomBytes(300<<10, 11)
	if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("s"), Body: bytes.NewReader(source)}); err != nil {
		t.Fatal(err)
	}

	id := initiate(t, c, "dst", "joined")
	copyPart := func(n int32, rng string) (*oss.UploadPartCopyResult, error) {
		req := &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("joined"), UploadId: oss.Ptr(id), PartNumber: n,
			SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("s")}
		if rng != "" {
			req.Range = oss.Ptr(rng)
		}
		return c.UploadPartCopy(ctx, req)
	}
	r1, err := copyPart(1, fmt.Sprintf("bytes=0-%d", 200<<10-1))
	if err != nil {
		t.Fatal(err)
	}
	if *r1.ETag != `"`+md5Hex(source[:200<<10])+`"` {
		t.Errorf("copied part ETag = %s", *r1.ETag)
	}
	if _, err := copyPart(2, fmt.Sprintf("bytes=%d-", 250<<10)); err != nil {
		t.Fatal(err)
	}
	_, err = copyPart(3, "bytes=0-99999999")
	wantCode(t, err, 416, "InvalidRange")
	_, err = copyPart(3, "bytes=9-2")
	wantCode(t, err, 400, "InvalidArgument")

	if _, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("joined"), UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes"),
	}); err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{}, source[:200<<10]...), source[250<<10:]...)
	if got, _ := getBody(t, c, "dst", "joined"); !bytes.Equal(got, want) {
		t.Errorf("joined copy has %d bytes, want %d matching bytes", len(got), len(want))
	}
}

func TestListMultipartUploadsPages(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "lmu")
	ids := map[string]string{}
	for _, k := range []string{"a", "b", "b", "dir/x", "dir/y", "z"} {
		ids[k] = initiate(t, c, "lmu", k)
	}

	var got []string
	var keyMarker, idMarker *string
	for pages := 0; ; pages++ {
		res, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr("lmu"), Delimiter: oss.Ptr("/"),
			MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: idMarker})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range res.Uploads {
			got = append(got, *u.Key)
		}
		if res.NextKeyMarker != nil && *res.NextKeyMarker == "dir/" {
			got = append(got, "prefix:dir/") // the SDK does not parse CommonPrefixes
		}
		if !res.IsTruncated {
			break
		}
		if pages > 5 {
			t.Fatal("listing does not end")
		}
		keyMarker, idMarker = res.NextKeyMarker, res.NextUploadIdMarker
	}
	if fmt.Sprint(got) != "[a b b prefix:dir/ z]" {
		t.Errorf("paged listing = %v", got)
	}

	res, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr("lmu"), Prefix: oss.Ptr("dir/")})
	if err != nil || len(res.Uploads) != 2 || *res.Uploads[1].Key != "dir/y" {
		t.Errorf("prefix listing = %+v, %v", res, err)
	}
}

func TestUploadsSurviveRestart(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "restart")
	p1, p2 := randomBytes(100<<10, 12), randomBytes(33, 13)
	id := initiate(t, c, "restart", "k")
	e1 := uploadPart(t, c, "restart", "k", id, 1, p1)

	env.Stop()
	env = testenv.StartWith(t, env.Config)
	c = env.Client()

	list, err := c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("restart"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id)})
	if err != nil || len(list.Parts) != 1 || *list.Parts[0].ETag != e1 {
		t.Fatalf("ListParts after restart = %+v, %v", list, err)
	}
	e2 := uploadPart(t, c, "restart", "k", id, 2, p2)
	if _, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("restart"), Key: oss.Ptr("k"), UploadId: oss.Ptr(id),
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: []oss.UploadPart{{PartNumber: 1, ETag: oss.Ptr(e1)}, {PartNumber: 2, ETag: oss.Ptr(e2)}}},
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := getBody(t, c, "restart", "k"); !bytes.Equal(got, append(append([]byte{}, p1...), p2...)) {
		t.Error("object completed after a restart has the wrong data")
	}
}

func TestCompleteForbidOverwrite(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "forbid")
	if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k"), Body: strings.NewReader("old")}); err != nil {
		t.Fatal(err)
	}

	_, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k"), ForbidOverwrite: oss.Ptr("true")})
	wantCode(t, err, 409, "FileAlreadyExists")

	id := initiate(t, c, "forbid", "k")
	uploadPart(t, c, "forbid", "k", id, 1, []byte("new"))
	_, err = c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k"),
		UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes"), ForbidOverwrite: oss.Ptr("true")})
	wantCode(t, err, 409, "FileAlreadyExists")
	if got, _ := getBody(t, c, "forbid", "k"); string(got) != "old" {
		t.Errorf("object after a forbidden overwrite = %q", got)
	}

	res, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k"),
		UploadId: oss.Ptr(id), CompleteAll: oss.Ptr("yes"), Acl: oss.ObjectACLPublicRead})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := getBody(t, c, "forbid", "k"); string(got) != "new" {
		t.Errorf("object after overwrite = %q", got)
	}
	acl, err := c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k")})
	if err != nil || *acl.ACL != "public-read" {
		t.Errorf("ACL from x-oss-object-acl on complete = %v, %v (ETag %s)", acl, err, *res.ETag)
	}
}
