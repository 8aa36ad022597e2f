package ossapi_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

func TestCopyObjectDirectives(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			src, dst := "copy-src-"+sc.name, "copy-dst-"+sc.name
			createBucket(t, c, src)
			createBucket(t, c, dst)
			body := pattern(70000)
			srcKey := "dir/源 file+1.txt"
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(src), Key: oss.Ptr(srcKey),
				Body: bytes.NewReader(body), ContentType: oss.Ptr("text/plain"),
				Metadata: map[string]string{"origin": "source"}, Tagging: oss.Ptr("a=1&b=2")})
			if err != nil {
				t.Fatalf("PutObject: %v", err)
			}

			// COPY keeps the source's attributes and ignores new ones.
			res, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr(dst), Key: oss.Ptr("copy//of 源"),
				SourceBucket: oss.Ptr(src), SourceKey: oss.Ptr(srcKey),
				Metadata: map[string]string{"origin": "ignored"}, ContentType: oss.Ptr("image/png")})
			if err != nil {
				t.Fatalf("CopyObject COPY: %v", err)
			}
			if oss.ToString(res.ETag) != etagOf(body) || oss.ToString(res.HashCRC64) != crcOf(body) {
				t.Errorf("CopyObject ETag %s CRC %s; want %s %s", oss.ToString(res.ETag), oss.ToString(res.HashCRC64), etagOf(body), crcOf(body))
			}
			if res.LastModified == nil {
				t.Errorf("CopyObject LastModified missing")
			}
			got, data := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(dst), Key: oss.Ptr("copy//of 源")})
			if !bytes.Equal(data, body) {
				t.Errorf("copy data differs from the source")
			}
			if got.Metadata["origin"] != "source" || oss.ToString(got.ContentType) != "text/plain" {
				t.Errorf("COPY attributes: meta %v type %s; want source, text/plain", got.Metadata, oss.ToString(got.ContentType))
			}
			if got.TaggingCount != 2 {
				t.Errorf("COPY tag count = %d, want 2", got.TaggingCount)
			}

			// REPLACE takes the attributes of the request.
			_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr(src), Key: oss.Ptr(srcKey),
				SourceKey: oss.Ptr(srcKey), MetadataDirective: oss.Ptr("REPLACE"),
				Metadata: map[string]string{"origin": "replaced"}, ContentType: oss.Ptr("image/png")})
			if err != nil {
				t.Fatalf("CopyObject REPLACE onto itself: %v", err)
			}
			got, data = getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(src), Key: oss.Ptr(srcKey)})
			if !bytes.Equal(data, body) {
				t.Errorf("data changed by a metadata REPLACE")
			}
			if got.Metadata["origin"] != "replaced" || oss.ToString(got.ContentType) != "image/png" {
				t.Errorf("REPLACE attributes: meta %v type %s; want replaced, image/png", got.Metadata, oss.ToString(got.ContentType))
			}
		})
	}
}

func TestCopyObjectConditionsAndErrors(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "copy-cond")
	body := []byte("source")
	putObject(t, c, "copy-cond", "src", body)
	etag := etagOf(body)
	head, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("copy-cond"), Key: oss.Ptr("src")})
	if err != nil {
		t.Fatal(err)
	}
	before := head.LastModified.Add(-time.Hour).UTC().Format(http.TimeFormat)
	after := head.LastModified.Add(time.Hour).UTC().Format(http.TimeFormat)

	tests := []struct {
		name   string
		req    oss.CopyObjectRequest
		status int
		code   string
	}{
		{"if-match hit", oss.CopyObjectRequest{IfMatch: oss.Ptr(etag)}, 200, ""},
		{"if-match miss", oss.CopyObjectRequest{IfMatch: oss.Ptr(`"0000"`)}, 412, "PreconditionFailed"},
		{"if-none-match hit", oss.CopyObjectRequest{IfNoneMatch: oss.Ptr(etag)}, 304, "BadErrorResponse"},
		{"if-none-match miss", oss.CopyObjectRequest{IfNoneMatch: oss.Ptr(`"0000"`)}, 200, ""},
		{"if-modified-since after", oss.CopyObjectRequest{IfModifiedSince: oss.Ptr(after)}, 304, "BadErrorResponse"},
		{"if-modified-since before", oss.CopyObjectRequest{IfModifiedSince: oss.Ptr(before)}, 200, ""},
		{"if-unmodified-since before", oss.CopyObjectRequest{IfUnmodifiedSince: oss.Ptr(before)}, 412, "PreconditionFailed"},
		{"if-unmodified-since after", oss.CopyObjectRequest{IfUnmodifiedSince: oss.Ptr(after)}, 200, ""},
		{"missing source", oss.CopyObjectRequest{SourceKey: oss.Ptr("missing")}, 404, "NoSuchKey"},
		{"missing source bucket", oss.CopyObjectRequest{SourceBucket: oss.Ptr("no-such-bucket")}, 404, "NoSuchBucket"},
		{"bad directive", oss.CopyObjectRequest{MetadataDirective: oss.Ptr("MERGE")}, 400, "InvalidArgument"},
	}
	for _, tc := range tests {
		req := tc.req
		req.Bucket, req.Key = oss.Ptr("copy-cond"), oss.Ptr("dst-"+strings.ReplaceAll(tc.name, " ", "-"))
		if req.SourceKey == nil {
			req.SourceKey = oss.Ptr("src")
		}
		_, err := c.CopyObject(ctx, &req)
		if tc.status == 200 {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: copy succeeded; want %d %s", tc.name, tc.status, tc.code)
			continue
		}
		serviceError(t, err, tc.status, tc.code)
		if exists, _ := c.IsObjectExist(ctx, "copy-cond", *req.Key); exists {
			t.Errorf("%s: failed copy created the destination", tc.name)
		}
	}

	_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("copy-cond"), Key: oss.Ptr("src"),
		SourceKey: oss.Ptr("src"), ForbidOverwrite: oss.Ptr("true")})
	serviceError(t, err, 409, "FileAlreadyExists")
}

func TestAppendObject(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env, testenv.NoRetry) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "append-" + sc.name
			createBucket(t, c, bucket)
			key := "log/app end+1.log"
			parts := [][]byte{[]byte("first line\n"), pattern(100000), {}, []byte("last")}

			var all []byte
			var crc *string
			for i, p := range parts {
				res, err := c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
					Position: oss.Ptr(int64(len(all))), Body: bytes.NewReader(p), InitHashCRC64: crc,
					ContentType: oss.Ptr("text/plain")})
				if err != nil {
					t.Fatalf("append %d: %v", i, err)
				}
				all = append(all, p...)
				if res.NextPosition != int64(len(all)) {
					t.Errorf("append %d: next position %d, want %d", i, res.NextPosition, len(all))
				}
				if oss.ToString(res.HashCRC64) != crcOf(all) {
					t.Errorf("append %d: CRC %s, want %s", i, oss.ToString(res.HashCRC64), crcOf(all))
				}
				crc = res.HashCRC64
			}

			res, data := getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
			if !bytes.Equal(data, all) {
				t.Errorf("appendable object read back %d bytes, want %d", len(data), len(all))
			}
			if oss.ToString(res.ObjectType) != "Appendable" || oss.ToString(res.ContentType) != "text/plain" {
				t.Errorf("type %s content type %s; want Appendable text/plain", oss.ToString(res.ObjectType), oss.ToString(res.ContentType))
			}
			if got := res.Headers.Get("x-oss-next-append-position"); got != itoa(len(all)) {
				t.Errorf("GetObject x-oss-next-append-position = %s, want %d", got, len(all))
			}

			// A range that spans segments.
			_, data = getObject(t, c, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Range: oss.Ptr("bytes=5-100012")})
			if !bytes.Equal(data, all[5:100013]) {
				t.Errorf("range across appends differs")
			}

			_, err := c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
				Position: oss.Ptr(int64(3)), Body: strings.NewReader("x")})
			se := serviceError(t, err, 409, "PositionNotEqualToLength")
			if se.EC != "0026-00000016" || se.Headers.Get("x-oss-next-append-position") != itoa(len(all)) {
				t.Errorf("position error EC %s next %s; want 0026-00000016, %d", se.EC, se.Headers.Get("x-oss-next-append-position"), len(all))
			}

			putObject(t, c, bucket, "normal", []byte("n"))
			_, err = c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("normal"),
				Position: oss.Ptr(int64(1)), Body: strings.NewReader("x")})
			serviceError(t, err, 409, "ObjectNotAppendable")

			_, err = c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("new"),
				Position: oss.Ptr(int64(5)), Body: strings.NewReader("x")})
			serviceError(t, err, 409, "PositionNotEqualToLength")

			_, err = c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr("md5"),
				Position: oss.Ptr(int64(0)), Body: strings.NewReader("x"), ContentMD5: oss.Ptr(contentMD5([]byte("y")))})
			serviceError(t, err, 400, "InvalidDigest")
		})
	}
}

func TestDeleteMultipleObjects(t *testing.T) {
	env := testenv.Start(t)
	for _, sc := range allClients(env) {
		t.Run(sc.name, func(t *testing.T) {
			c := sc.c
			bucket := "multi-" + sc.name
			createBucket(t, c, bucket)
			keys := []string{"a", "b c", "d+e", "<xml&>", "目录/文件", "x//y", strings.Repeat("z", 1023)}
			for _, k := range keys {
				putObject(t, c, bucket, k, []byte(k))
			}

			var objs []oss.DeleteObject
			for _, k := range append(keys[:4:4], "never-existed") {
				objs = append(objs, oss.DeleteObject{Key: oss.Ptr(k)})
			}
			res, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr(bucket), Objects: objs})
			if err != nil {
				t.Fatalf("DeleteMultipleObjects: %v", err)
			}
			deleted := map[string]bool{}
			for _, d := range res.DeletedObjects {
				deleted[oss.ToString(d.Key)] = true
			}
			for _, k := range append(keys[:4:4], "never-existed") {
				if !deleted[k] {
					t.Errorf("key %q missing from the Deleted list %v", k, deleted)
				}
			}

			objs = nil
			for _, k := range keys[4:] {
				objs = append(objs, oss.DeleteObject{Key: oss.Ptr(k)})
			}
			res, err = c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr(bucket), Objects: objs, Quiet: true})
			if err != nil {
				t.Fatalf("quiet DeleteMultipleObjects: %v", err)
			}
			if len(res.DeletedObjects) != 0 {
				t.Errorf("quiet delete listed %d keys", len(res.DeletedObjects))
			}

			list, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr(bucket)})
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Contents) != 0 {
				t.Errorf("%d objects left after deleting all", len(list.Contents))
			}
		})
	}
}

func TestDeleteMultipleObjectsLimits(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "multi-limit")
	objs := make([]oss.DeleteObject, 1001)
	for i := range objs {
		objs[i] = oss.DeleteObject{Key: oss.Ptr("k" + itoa(i))}
	}
	_, err := c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr("multi-limit"), Objects: objs})
	serviceError(t, err, 400, "MalformedXML")
}
