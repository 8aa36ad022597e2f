// Package blobtest is the conformance suite every blob.Store implementation
// runs.
package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"sort"
	"sync"
	"testing"

	"github.com/ossfc/ossfc/internal/blob"
)

// Run runs the suite against stores from open; each subtest gets a new store.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	ctx := context.Background()

	write := func(t *testing.T, s blob.Store, data []byte) string {
		t.Helper()
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
		id, err := w.Commit()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	read := func(t *testing.T, s blob.Store, id string, off, n int64) []byte {
		t.Helper()
		r, err := s.Open(ctx, id, off, n)
		if err != nil {
			t.Fatalf("open %s: %v", id, err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	t.Run("RoundTripAndRanges", func(t *testing.T) {
		s := open(t)
		data := make([]byte, 1<<20+17)
		rand.Read(data)
		id := write(t, s, data)

		for _, r := range []struct{ off, n int64 }{{0, int64(len(data))}, {0, 0}, {5, 10}, {int64(len(data)) - 1, 1}, {1 << 19, 1 << 19}} {
			if got := read(t, s, id, r.off, r.n); !bytes.Equal(got, data[r.off:r.off+r.n]) {
				t.Errorf("range %d+%d: got %d bytes that differ", r.off, r.n, len(got))
			}
		}

		var buf bytes.Buffer
		rc, _ := s.Open(ctx, id, 3, 100)
		if _, err := io.Copy(&buf, rc); err != nil || !bytes.Equal(buf.Bytes(), data[3:103]) {
			t.Errorf("io.Copy of a range: %v", err)
		}
		rc.Close()
	})

	t.Run("EmptyBlob", func(t *testing.T) {
		s := open(t)
		id := write(t, s, nil)
		if got := read(t, s, id, 0, 0); len(got) != 0 {
			t.Errorf("empty blob read %d bytes", len(got))
		}
	})

	t.Run("AbortLeavesNothing", func(t *testing.T) {
		s := open(t)
		w, err := s.Create(ctx)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("discarded"))
		if err := w.Abort(); err != nil {
			t.Fatal(err)
		}
		n := 0
		s.Walk(ctx, func(string) error { n++; return nil })
		if n != 0 {
			t.Errorf("walk after abort found %d blobs", n)
		}
	})

	t.Run("DeleteAndMissing", func(t *testing.T) {
		s := open(t)
		id := write(t, s, []byte("data"))
		r, err := s.Open(ctx, id, 0, 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(r); err != nil || string(b) != "data" {
			t.Errorf("reader opened before delete: %q, %v", b, err)
		}
		r.Close()

		if _, err := s.Open(ctx, id, 0, 4); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("open deleted: got %v, want ErrNotFound", err)
		}
		if err := s.Delete(ctx, id); err != nil {
			t.Errorf("second delete: %v", err)
		}
		for _, bad := range []string{"", "../../etc/passwd", "ZZ", "0123456789abcdef0123456789abcdeg"} {
			if _, err := s.Open(ctx, bad, 0, 0); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("open %q: got %v, want ErrNotFound", bad, err)
			}
		}
	})

	t.Run("WalkListsCommitted", func(t *testing.T) {
		s := open(t)
		var want []string
		for i := 0; i < 5; i++ {
			want = append(want, write(t, s, []byte{byte(i)}))
		}
		pending, _ := s.Create(ctx)
		pending.Write([]byte("pending"))
		defer pending.Abort()

		var got []string
		if err := s.Walk(ctx, func(id string) error { got = append(got, id); return nil }); err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		sort.Strings(want)
		if len(got) != len(want) {
			t.Fatalf("walk = %v, want %v", got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("walk[%d] = %s, want %s", i, got[i], want[i])
			}
		}
	})

	t.Run("ConcurrentWriters", func(t *testing.T) {
		s := open(t)
		var wg sync.WaitGroup
		ids := make([]string, 16)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w, err := s.Create(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				w.Write(bytes.Repeat([]byte{byte(i)}, 1000))
				ids[i], err = w.Commit()
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		for i, id := range ids {
			if got := read(t, s, id, 0, 1000); !bytes.Equal(got, bytes.Repeat([]byte{byte(i)}, 1000)) {
				t.Errorf("blob %d holds other data", i)
			}
		}
	})
}
