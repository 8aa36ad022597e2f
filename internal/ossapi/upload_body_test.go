package ossapi

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/store"
)

// trustingAuth takes every request as the account's own and allows it.
type trustingAuth struct{}

func (trustingAuth) Authenticate(r *http.Request, bucket, key string) (*Caller, error) {
	return &Caller{AccountID: "1234567890123456", AccessKeyID: "test"}, nil
}

func (trustingAuth) Authorize(ctx context.Context, a *Access) error { return nil }

func TestUploadIdleTimeout(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	m, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	blobs, err := blob.OpenLocal(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(m, blobs, store.Options{Region: "cn-hangzhou"})
	if err := st.CreateBucket(ctx, &meta.Bucket{Name: "idle", AccountID: "1234567890123456", ACL: "private"}); err != nil {
		t.Fatal(err)
	}
	api := New(Options{Store: st, Region: "cn-hangzhou", Authenticator: trustingAuth{}, Authorizer: trustingAuth{},
		UploadIdleTimeout: 200 * time.Millisecond})
	srv := httptest.NewServer(api.Handler(false))
	defer srv.Close()

	for _, path := range []string{"/idle/put", "/idle/append?append&position=0"} {
		method := "PUT"
		if strings.Contains(path, "append") {
			method = "POST"
		}
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(time.Minute))

		// Five of ten announced bytes, then silence: the server gives up
		// after the idle timeout without the client closing anything.
		io.WriteString(conn, method+" "+path+" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nhello")
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no response to a stalled body: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		var doc struct{ Code string }
		xml.Unmarshal(body, &doc)
		if res.StatusCode != 400 || doc.Code != "RequestTimeout" {
			t.Errorf("%s: stalled body answered %d %s, want 400 RequestTimeout", path, res.StatusCode, doc.Code)
		}
		if _, err := st.HeadObject(ctx, "idle", strings.TrimPrefix(strings.Split(path, "?")[0], "/idle/"), ""); err == nil {
			t.Errorf("%s: the stalled upload left an object", path)
		}
	}

	// A body that keeps arriving, slower than the timeout in total, is fine.
	pr, pw := io.Pipe()
	go func() {
		for range 4 {
			pw.Write([]byte("abc"))
			time.Sleep(80 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("PUT", srv.URL+"/idle/slow", pr)
	req.ContentLength = 12
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("slow but steady upload: status %d", res.StatusCode)
	}
}
