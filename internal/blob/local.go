package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Local keeps blobs as files under a root directory:
//
//	<root>/tmp/            blobs being written; emptied by OpenLocal
//	<root>/ab/cd/<id>      committed blobs, sharded by the first four hex digits
//
// A blob is written to tmp, synced, renamed into place and its directory
// synced, so a committed id always names complete data, even after a crash.
type Local struct {
	root string
}

var _ Store = (*Local)(nil)

// OpenLocal uses root (created with mode 0700 if missing) and removes any
// temporary files a previous process left behind.
func OpenLocal(root string) (*Local, error) {
	tmp := filepath.Join(root, "tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return nil, fmt.Errorf("clear blob temporary directory: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("create blob directory: %w", err)
	}
	return &Local{root: root}, nil
}

func (l *Local) path(id string) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("blob id %q: %w", id, ErrNotFound)
	}
	return filepath.Join(l.root, id[0:2], id[2:4], id), nil
}

// validID reports whether id has the form newID produces: 32 lower-case hex
// digits. It keeps ids from reaching outside the root.
func validID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Create implements Store.
func (l *Local) Create(ctx context.Context) (Writer, error) {
	f, err := os.CreateTemp(filepath.Join(l.root, "tmp"), "blob-*")
	if err != nil {
		return nil, fmt.Errorf("create blob: %w", err)
	}
	return &localWriter{l: l, f: f}, nil
}

type localWriter struct {
	l    *Local
	f    *os.File
	done bool
}

func (w *localWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

// ReadFrom lets io.Copy move data into the file without an extra buffer.
func (w *localWriter) ReadFrom(r io.Reader) (int64, error) { return io.Copy(w.f, r) }

func (w *localWriter) Commit() (string, error) {
	if w.done {
		return "", errors.New("blob: writer already finished")
	}
	w.done = true

	tmp := w.f.Name()
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		os.Remove(tmp)
		return "", fmt.Errorf("sync blob: %w", err)
	}
	if err := w.f.Close(); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("close blob: %w", err)
	}

	id := newID()
	final, _ := w.l.path(id)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("create blob directory: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("commit blob: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return "", fmt.Errorf("sync blob directory: %w", err)
	}
	return id, nil
}

func (w *localWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Open implements Store.
func (l *Local) Open(ctx context.Context, id string, offset, length int64) (io.ReadCloser, error) {
	p, err := l.path(id)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("blob %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if offset < 0 || length < 0 {
		f.Close()
		return nil, fmt.Errorf("blob %s: invalid range %d+%d", id, offset, length)
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return &fileReader{f: f, r: io.LimitedReader{R: f, N: length}}, nil
}

// fileReader reads a section of a blob file. Its WriteTo hands the
// *io.LimitedReader of the *os.File to the destination, so a TCP connection
// can send the data with sendfile(2).
type fileReader struct {
	f *os.File
	r io.LimitedReader
}

func (r *fileReader) Read(p []byte) (int, error) { return r.r.Read(p) }

func (r *fileReader) WriteTo(w io.Writer) (int64, error) {
	if rf, ok := w.(io.ReaderFrom); ok {
		return rf.ReadFrom(&r.r)
	}
	return io.Copy(w, struct{ io.Reader }{&r.r})
}

func (r *fileReader) Close() error { return r.f.Close() }

// Delete implements Store.
func (l *Local) Delete(ctx context.Context, id string) error {
	p, err := l.path(id)
	if err != nil {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Walk implements Store.
func (l *Local) Walk(ctx context.Context, fn func(id string) error) error {
	return filepath.WalkDir(l.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != l.root && d.Name() == "tmp" && filepath.Dir(path) == l.root {
				return filepath.SkipDir
			}
			return ctx.Err()
		}
		if validID(d.Name()) {
			return fn(d.Name())
		}
		return nil
	})
}
