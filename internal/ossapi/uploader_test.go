package ossapi_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/testenv"
)

// The SDK's Uploader checks the combined CRC-64 of a multipart upload
// against x-oss-hash-crc64ecma of CompleteMultipartUpload, and its
// Downloader checks the CRC-64 of what it wrote; both checks are on by
// default, so a wrong CRC fails these tests.
func TestUploaderAndDownloader(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client()
	createBucket(t, c, "uploader")
	data := randomBytes(1<<20+17, 20)
	path := filepath.Join(t.TempDir(), "source.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name       string
		parallel   int
		fromFile   bool
		sequential bool // the sequential parameter, which forces one part at a time
	}{
		{"one at a time from reader", 1, false, false},
		{"sequential parameter", 4, false, true},
		{"parallel from reader", 4, false, false},
		{"parallel from file", 3, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := c.NewUploader(func(o *oss.UploaderOptions) {
				o.PartSize = 100 << 10
				o.ParallelNum = tc.parallel
			})
			req := &oss.PutObjectRequest{Bucket: oss.Ptr("uploader"), Key: oss.Ptr(tc.name)}
			if tc.sequential {
				req.Parameters = map[string]string{"sequential": ""}
			}
			var res *oss.UploadResult
			var err error
			if tc.fromFile {
				res, err = u.UploadFile(ctx, req, path)
			} else {
				res, err = u.UploadFrom(ctx, req, bytes.NewReader(data))
			}
			if err != nil {
				t.Fatalf("upload: %v", err)
			}
			if res.UploadId == nil || *res.HashCRC64 != crcOf(data) {
				t.Errorf("upload result: upload id %v, CRC %v, want a multipart upload with CRC %s", res.UploadId, res.HashCRC64, crcOf(data))
			}

			out := filepath.Join(t.TempDir(), "out.bin")
			d := c.NewDownloader(func(o *oss.DownloaderOptions) { o.PartSize = 64 << 10; o.ParallelNum = 3 })
			if _, err := d.DownloadFile(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("uploader"), Key: oss.Ptr(tc.name)}, out); err != nil {
				t.Fatalf("download: %v", err)
			}
			got, err := os.ReadFile(out)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("downloaded %d bytes, %v; want the %d uploaded", len(got), err, len(data))
			}
		})
	}
}

// TestUploaderResumesFromCheckpoint interrupts an upload after a few parts
// and checks that a second upload with the same checkpoint directory
// continues the same multipart upload.
func TestUploaderResumesFromCheckpoint(t *testing.T) {
	env := testenv.Start(t)
	c := env.Client(testenv.NoRetry)
	createBucket(t, c, "resume")
	data := randomBytes(1<<20, 21)
	dir := t.TempDir()
	path := filepath.Join(dir, "source.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	checkpoints := filepath.Join(dir, "checkpoints")
	if err := os.Mkdir(checkpoints, 0o700); err != nil {
		t.Fatal(err)
	}
	u := c.NewUploader(func(o *oss.UploaderOptions) {
		o.PartSize = 100 << 10
		o.ParallelNum = 1
		o.EnableCheckpoint = true
		// The SDK keeps checkpoints in filepath.Dir(CheckpointDir), so the
		// trailing separator selects the directory itself.
		o.CheckpointDir = checkpoints + string(filepath.Separator)
	})

	// The first attempt stops once three parts are stored.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	var sent atomic.Int64
	first := &oss.PutObjectRequest{Bucket: oss.Ptr("resume"), Key: oss.Ptr("k"),
		ProgressFn: func(increment, transferred, total int64) {
			if sent.Add(increment) >= 3*100<<10 {
				stop()
			}
		}}
	_, err := u.UploadFile(stopCtx, first, path)
	var ue *oss.UploadError
	if !errors.As(err, &ue) || ue.UploadId == "" {
		t.Fatalf("interrupted upload returned %v, want an UploadError with the upload id", err)
	}
	entries, _ := os.ReadDir(checkpoints)
	if len(entries) != 1 {
		t.Fatalf("checkpoint directory has %d files after the interruption, want 1", len(entries))
	}

	var resumedFrom atomic.Int64
	resumedFrom.Store(-1)
	second := &oss.PutObjectRequest{Bucket: oss.Ptr("resume"), Key: oss.Ptr("k"),
		ProgressFn: func(increment, transferred, total int64) {
			resumedFrom.CompareAndSwap(-1, transferred)
		}}
	res, err := u.UploadFile(ctx, second, path)
	if err != nil {
		t.Fatalf("resumed upload: %v", err)
	}
	if *res.UploadId != ue.UploadId {
		t.Errorf("resumed upload id %s, want the interrupted %s", *res.UploadId, ue.UploadId)
	}
	if resumedFrom.Load() < 3*100<<10 {
		t.Errorf("resumed upload started at byte %d, want at least the three stored parts", resumedFrom.Load())
	}
	if got, _ := getBody(t, c, "resume", "k"); !bytes.Equal(got, data) {
		t.Error("resumed object data differs")
	}
	if entries, _ := os.ReadDir(checkpoints); len(entries) != 0 {
		t.Errorf("checkpoint directory has %d files after success, want 0", len(entries))
	}
}
