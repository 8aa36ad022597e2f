package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// crashBody returns the deterministic content of crash-test object key: its
// size and bytes follow from the key, so a reader can check any object it
// finds without knowing whether the upload was acknowledged.
func crashBody(key string) []byte {
	seed := sha256.Sum256([]byte(key))
	size := 1 + int(binary.BigEndian.Uint32(seed[:4])%(384<<10))
	out := make([]byte, 0, size+sha256.Size)
	block := seed
	for len(out) < size {
		out = append(out, block[:]...)
		block = sha256.Sum256(block[:])
	}
	return out[:size]
}

func TestCrashDuringUploads(t *testing.T) {
	const keyID, secret = "LTAIcrashtestkey00001", "crash-test-secret-0123456789"
	dir := t.TempDir()
	env := []string{"OSSFC_ROOT_ACCESS_KEY_ID=" + keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET=" + secret}
	p := startServer(t, env, "--data", dir, "--console-addr", "")
	c := p.client(keyID, secret, "cn-hangzhou")
	if _, err := c.PutBucket(bg, &oss.PutBucketRequest{Bucket: oss.Ptr("crash")}); err != nil {
		t.Fatal(err)
	}

	// Uploaders write unique keys and record each acknowledged one. After
	// enough acknowledgements the server is killed with SIGKILL while
	// uploads are still in flight.
	const uploaders, killAfter = 8, 60
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		sent  = map[string]bool{}
		kill  = make(chan struct{})
		once  sync.Once
		wg    sync.WaitGroup
	)
	for u := range uploaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				key := fmt.Sprintf("u%d/%05d", u, i)
				mu.Lock()
				sent[key] = true
				mu.Unlock()
				_, err := c.PutObject(bg, &oss.PutObjectRequest{Bucket: oss.Ptr("crash"), Key: oss.Ptr(key),
					Body: bytes.NewReader(crashBody(key))})
				if err != nil {
					return // the server is gone
				}
				mu.Lock()
				acked[key] = true
				n := len(acked)
				mu.Unlock()
				if n >= killAfter {
					once.Do(func() { close(kill) })
				}
			}
		}()
	}
	<-kill
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	wg.Wait()
	t.Logf("%d uploads acknowledged of %d started before SIGKILL", len(acked), len(sent))

	// After a restart every acknowledged object reads back intact, and
	// every object that is visible at all is complete.
	p = startServer(t, env, "--data", dir, "--console-addr", "")
	c = p.client(keyID, secret, "cn-hangzhou")
	listed := map[string]bool{}
	pager := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr("crash"), MaxKeys: 1000})
	for pager.HasNext() {
		page, err := pager.NextPage(bg)
		if err != nil {
			t.Fatalf("list after restart: %v", err)
		}
		for _, o := range page.Contents {
			listed[oss.ToString(o.Key)] = true
		}
	}
	for key := range acked {
		if !listed[key] {
			t.Errorf("acknowledged object %s is missing after the restart", key)
		}
	}
	for key := range listed {
		if !sent[key] {
			t.Errorf("object %s was never uploaded", key)
			continue
		}
		res, err := c.GetObject(bg, &oss.GetObjectRequest{Bucket: oss.Ptr("crash"), Key: oss.Ptr(key)})
		if err != nil {
			t.Errorf("read %s after restart: %v", key, err)
			continue
		}
		data, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || !bytes.Equal(data, crashBody(key)) {
			t.Errorf("object %s reads back %d bytes (%v) that differ from the %d uploaded", key, len(data), err, len(crashBody(key)))
		}
	}

	// The start-up sweep leaves exactly one blob per object and no
	// temporary file.
	blobs, temps := 0, 0
	filepath.WalkDir(filepath.Join(dir, "objects"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if filepath.Base(filepath.Dir(path)) == "tmp" {
			temps++
		} else {
			blobs++
		}
		return nil
	})
	if blobs != len(listed) || temps != 0 {
		t.Errorf("%d blobs and %d temporary files for %d objects; want one blob per object", blobs, temps, len(listed))
	}
	if code := p.stop(syscall.SIGTERM); code != 0 {
		t.Errorf("exit code %d", code)
	}
}
