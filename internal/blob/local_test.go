package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/blob/blobtest"
)

func TestLocalConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		s, err := blob.OpenLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestOpenLocalRemovesTemporaryFiles(t *testing.T) {
	root := t.TempDir()
	s, err := blob.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Create(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("left behind by a crash"))

	if _, err := blob.OpenLocal(root); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(root, "tmp"))
	if err != nil || len(entries) != 0 {
		t.Errorf("tmp after reopen holds %d entries, %v", len(entries), err)
	}
}
