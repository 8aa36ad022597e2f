package ossapi_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// oddKeys are object keys that stress path encoding and both signature
// canonicalizations.
var oddKeys = map[string]string{
	"plus":         "a+b",
	"equals":       "a=b==",
	"space":        "a b  c",
	"tilde":        "~user/file~",
	"percent":      "100%/%41%2F",
	"unicode":      "目录/ファイル/😀.txt",
	"double-slash": "a//b///c",
	"trailing":     "dir/",
	"dots":         "a/../b/./c",
	"dot-dot":      "..",
	"query-chars":  "a?b&c=d#e;f",
	"specials":     "!$'()*,:@[]",
	"max-length":   strings.Repeat("k", 1023),
	"max-unicode":  strings.Repeat("键", 341),
}

func TestObjectOddKeysRoundTrip(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "odd-" + sc.name
			createBucket(t, c, bucket)
			for name, key := range oddKeys {
				body := []byte("body of " + name)
				put := putObject(t, c, bucket, key, body)
				if got := oss.ToString(put.ETag); got != etagOf(body) {
					t.Errorf("%s: PutObject ETag = %s, want %s", name, got, etagOf(body))
				}

				res, got := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
				if !bytes.Equal(got, body) {
					t.Errorf("%s: GetObject body = %q, want %q", name, got, body)
				}
				if oss.ToString(res.HashCRC64) != crcOf(body) {
					t.Errorf("%s: GetObject CRC = %s, want %s", name, oss.ToString(res.HashCRC64), crcOf(body))
				}

				exists, err := c.IsObjectExist(ctx, bucket, key)
				if err != nil || !exists {
					t.Errorf("%s: IsObjectExist = %v, %v; want true", name, exists, err)
				}
				head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
				if err != nil {
					t.Errorf("%s: HeadObject: %v", name, err)
				} else if head.ContentLength != int64(len(body)) {
					t.Errorf("%s: HeadObject Content-Length = %d, want %d", name, head.ContentLength, len(body))
				}
			}

			list, err := c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket), MaxKeys: 1000})
			if err != nil {
				t.Fatalf("ListObjectsV2: %v", err)
			}
			listed := map[string]bool{}
			for _, o := range list.Contents {
				listed[oss.ToString(o.Key)] = true
			}
			for name, key := range oddKeys {
				if !listed[key] {
					t.Errorf("%s: key %q missing from the listing", name, key)
				}
			}

			for name, key := range oddKeys {
				if _, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}); err != nil {
					t.Errorf("%s: DeleteObject: %v", name, err)
				}
				exists, err := c.IsObjectExist(ctx, bucket, key)
				if err != nil || exists {
					t.Errorf("%s: IsObjectExist after delete = %v, %v; want false", name, exists, err)
				}
			}
		})
	}
}

func TestObjectInvalidKeys(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "invalid-keys")

	for name, key := range map[string]string{
		"too long":     strings.Repeat("k", 1024),
		"leading back": `\key`,
	} {
		_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("invalid-keys"), Key: oss.Ptr(key), Body: strings.NewReader("x")})
		se := serviceError(t, err, 400, "InvalidObjectName")
		if se.EC == "" {
			t.Errorf("%s: InvalidObjectName without EC", name)
		}
	}
}

func TestObjectZeroLength(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "zero-" + sc.name
			createBucket(t, c, bucket)
			put := putObject(t, c, bucket, "empty", nil)
			if got := oss.ToString(put.ETag); got != `"D41D8CD98F00B204E9800998ECF8427E"` {
				t.Errorf("ETag of empty object = %s", got)
			}
			if got := oss.ToString(put.HashCRC64); got != "0" {
				t.Errorf("CRC-64 of empty object = %s, want 0", got)
			}

			res, body := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("empty")})
			if len(body) != 0 || res.ContentLength != 0 {
				t.Errorf("empty object: body %d bytes, Content-Length %d", len(body), res.ContentLength)
			}

			// A range on an empty object is ignored by default and fails
			// in standard mode.
			res, body = getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("empty"), Range: oss.Ptr("bytes=0-")})
			if res.StatusCode != 200 || len(body) != 0 {
				t.Errorf("range on empty object: status %d, %d bytes; want 200, 0", res.StatusCode, len(body))
			}
			_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("empty"),
				Range: oss.Ptr("bytes=0-"), RangeBehavior: oss.Ptr("standard")})
			serviceError(t, err, 416, "InvalidRange")

			dir := t.TempDir()
			if _, err := c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("empty")}, filepath.Join(dir, "f")); err != nil {
				t.Errorf("GetObjectToFile of empty object: %v", err)
			}
			d := c.NewDownloader()
			if _, err := d.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("empty")}, filepath.Join(dir, "d")); err != nil {
				t.Errorf("Downloader of empty object: %v", err)
			}
		})
	}
}

func TestObjectMetadataAndHeaders(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "meta")
	body := []byte("<html></html>")
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("meta"), Key: oss.Ptr("page.html"), Body: bytes.NewReader(body),
		CacheControl: oss.Ptr("no-cache"), ContentDisposition: oss.Ptr("attachment; filename=p.html"),
		ContentEncoding: oss.Ptr("identity"), Expires: oss.Ptr("Wed, 21 Oct 2015 07:28:00 GMT"),
		Metadata: map[string]string{"Author": "Ada Lovelace", "x": "1"},
	})
	if err != nil {
		t.Fatalf("PutObject: %v", err)
	}

	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("meta"), Key: oss.Ptr("page.html")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	checks := map[string][2]string{
		"Content-Type":        {oss.ToString(head.ContentType), "text/html"},
		"Cache-Control":       {oss.ToString(head.CacheControl), "no-cache"},
		"Content-Disposition": {oss.ToString(head.ContentDisposition), "attachment; filename=p.html"},
		"Content-Encoding":    {oss.ToString(head.ContentEncoding), "identity"},
		"Expires":             {oss.ToString(head.Expires), "Wed, 21 Oct 2015 07:28:00 GMT"},
		"ETag":                {oss.ToString(head.ETag), etagOf(body)},
		"x-oss-object-type":   {oss.ToString(head.ObjectType), "Normal"},
		"x-oss-storage-class": {oss.ToString(head.StorageClass), "Standard"},
		"x-oss-hash-crc64":    {oss.ToString(head.HashCRC64), crcOf(body)},
		"meta author":         {head.Metadata["author"], "Ada Lovelace"},
		"meta x":              {head.Metadata["x"], "1"},
		"Content-MD5":         {oss.ToString(head.ContentMD5), contentMD5(body)},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("HeadObject %s = %q, want %q", name, c[0], c[1])
		}
	}
	if head.LastModified == nil || head.LastModified.IsZero() {
		t.Errorf("HeadObject Last-Modified missing")
	}

	meta, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("meta"), Key: oss.Ptr("page.html")})
	if err != nil {
		t.Fatalf("GetObjectMeta: %v", err)
	}
	if meta.ContentLength != int64(len(body)) || oss.ToString(meta.ETag) != etagOf(body) || oss.ToString(meta.HashCRC64) != crcOf(body) {
		t.Errorf("GetObjectMeta = %d %s %s; want %d %s %s", meta.ContentLength, oss.ToString(meta.ETag),
			oss.ToString(meta.HashCRC64), len(body), etagOf(body), crcOf(body))
	}
	if meta.LastAccessTime == nil {
		t.Errorf("GetObjectMeta x-oss-last-access-time missing")
	}

	_, err = c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("meta"), Key: oss.Ptr("missing")})
	serviceError(t, err, 404, "NoSuchKey")
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("no-such-bucket"), Key: oss.Ptr("k")})
	serviceError(t, err, 404, "NoSuchBucket")
}

func TestObjectMetadataTooLarge(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "meta-limit")
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("meta-limit"), Key: oss.Ptr("k"), Body: strings.NewReader("x"),
		Metadata: map[string]string{"big": strings.Repeat("v", 8<<10)},
	})
	serviceError(t, err, 400, "MetadataTooLarge")
}

func TestObjectForbidOverwrite(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "forbid")
	putObject(t, c, "forbid", "k", []byte("first"))
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k"),
		Body: strings.NewReader("second"), ForbidOverwrite: oss.Ptr("true")})
	serviceError(t, err, 409, "FileAlreadyExists")
	_, body := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("k")})
	if string(body) != "first" {
		t.Errorf("object after refused overwrite = %q, want first", body)
	}
	if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("forbid"), Key: oss.Ptr("new"),
		Body: strings.NewReader("x"), ForbidOverwrite: oss.Ptr("true")}); err != nil {
		t.Errorf("forbid-overwrite on a new key: %v", err)
	}
}

func TestObjectWrongContentMD5(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "md5")
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("md5"), Key: oss.Ptr("k"),
		Body: strings.NewReader("actual"), ContentMD5: oss.Ptr(contentMD5([]byte("other")))})
	se := serviceError(t, err, 400, "InvalidDigest")
	if se.EC == "" {
		t.Errorf("InvalidDigest without EC")
	}
	exists, err := c.IsObjectExist(ctx, "md5", "k")
	if err != nil || exists {
		t.Errorf("object after failed upload: exists = %v, %v; want false", exists, err)
	}

	_, err = c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("md5"), Key: oss.Ptr("k"),
		Body: strings.NewReader("actual"), ContentMD5: oss.Ptr("not-base64!")})
	serviceError(t, err, 400, "InvalidDigest")

	if _, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("md5"), Key: oss.Ptr("k"),
		Body: strings.NewReader("actual"), ContentMD5: oss.Ptr(contentMD5([]byte("actual")))}); err != nil {
		t.Errorf("PutObject with the right Content-MD5: %v", err)
	}
}

func TestObjectDeleteMissingKey(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "del")
	res, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("del"), Key: oss.Ptr("never")})
	if err != nil || res.StatusCode != 204 {
		t.Errorf("DeleteObject of a missing key = %v; want 204", err)
	}
	_, err = env.Client(testenv.NoRetry).DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("nope-bucket"), Key: oss.Ptr("k")})
	serviceError(t, err, 404, "NoSuchBucket")
}

func TestObjectOverwriteReplacesData(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "over")
	putObject(t, c, "over", "k", []byte("a much longer first version"))
	putObject(t, c, "over", "k", []byte("v2"))
	_, body := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr("over"), Key: oss.Ptr("k")})
	if string(body) != "v2" {
		t.Errorf("after overwrite body = %q, want v2", body)
	}
	stat, err := c.GetBucketStat(ctx, &oss.GetBucketStatRequest{Bucket: oss.Ptr("over")})
	if err != nil {
		t.Fatalf("GetBucketStat: %v", err)
	}
	if stat.ObjectCount != 1 || stat.Storage != 2 {
		t.Errorf("GetBucketStat = %d objects, %d bytes; want 1, 2", stat.ObjectCount, stat.Storage)
	}
}

func TestGetObjectToFileAndDownloader(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "dl-" + sc.name
			createBucket(t, c, bucket)
			body := pattern(1<<20 + 12345)
			key := "dir/big file+1.bin"
			putObject(t, c, bucket, key, body)
			dir := t.TempDir()

			path := filepath.Join(dir, "to-file")
			if _, err := c.GetObjectToFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}, path); err != nil {
				t.Fatalf("GetObjectToFile: %v", err)
			}
			checkFile(t, path, body)

			d := c.NewDownloader(func(o *oss.DownloaderOptions) {
				o.PartSize = 200 << 10
				o.ParallelNum = 4
			})
			path = filepath.Join(dir, "downloader")
			if _, err := d.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}, path); err != nil {
				t.Fatalf("Downloader: %v", err)
			}
			checkFile(t, path, body)

			// A ranged download through the Downloader.
			path = filepath.Join(dir, "ranged")
			if _, err := d.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
				Range: oss.Ptr("bytes=1000-500999")}, path); err != nil {
				t.Fatalf("Downloader with range: %v", err)
			}
			checkFile(t, path, body[1000:501000])
		})
	}
}

func checkFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes that differ from the %d bytes uploaded", filepath.Base(path), len(got), len(want))
	}
}

func TestObjectStreamedBodyWithoutLength(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "chunked")
	body := pattern(300 << 10)
	// An io.Reader without a known length makes the SDK send chunked
	// transfer encoding.
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("chunked"), Key: oss.Ptr("k"),
		Body: io.MultiReader(bytes.NewReader(body[:1000]), bytes.NewReader(body[1000:]))})
	if err != nil {
		t.Fatalf("chunked PutObject: %v", err)
	}
	_, got := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr("chunked"), Key: oss.Ptr("k")})
	if !bytes.Equal(got, body) {
		t.Errorf("chunked upload read back %d bytes, want %d", len(got), len(body))
	}
}

func TestServerSideEncryptionNotImplemented(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "sse")
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("sse"), Key: oss.Ptr("k"),
		Body: strings.NewReader("secret"), ServerSideEncryption: oss.Ptr("AES256")})
	serviceError(t, err, 501, "NotImplemented")
	if exists, err := c.IsObjectExist(ctx, "sse", "k"); err != nil || exists {
		t.Errorf("object stored although encryption was refused: %v, %v", exists, err)
	}

	putObject(t, c, "sse", "plain", []byte("x"))
	_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("sse"), Key: oss.Ptr("copy"),
		SourceKey: oss.Ptr("plain"), ServerSideEncryption: oss.Ptr("KMS")})
	serviceError(t, err, 501, "NotImplemented")
	_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("sse"), Key: oss.Ptr("plain"), Process: oss.Ptr("image/resize,w_10")})
	serviceError(t, err, 501, "NotImplemented")
}
