package fc

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// codeStore keeps function code as immutable, content-addressed directory
// trees under the code root (layout in doc.go). Trees are written by the
// server's user and only read by functions.
type codeStore struct {
	root     string
	maxZip   int64
	maxBytes int64
	maxFiles int
}

// installedCode describes one tree under the code root.
type installedCode struct {
	ID       string
	Size     int64
	Checksum string
}

const stagingDir = ".staging"

// init creates the code root and removes unpacking left over by a crash.
func (cs *codeStore) init() error {
	if err := os.MkdirAll(cs.root, 0o755); err != nil {
		return fmt.Errorf("fc: create code root: %w", err)
	}
	if err := os.Chmod(cs.root, 0o755); err != nil {
		return fmt.Errorf("fc: code root: %w", err)
	}
	if err := os.RemoveAll(filepath.Join(cs.root, stagingDir)); err != nil {
		return fmt.Errorf("fc: clean code staging: %w", err)
	}
	return os.Mkdir(filepath.Join(cs.root, stagingDir), 0o700)
}

// dir returns the directory of an installed tree.
func (cs *codeStore) dir(id string) string { return filepath.Join(cs.root, id) }

// install unpacks code into a new tree and returns its id. Identical code
// maps to the same id, so reinstalling it is cheap and shares the tree.
func (cs *codeStore) install(code *Code) (installedCode, error) {
	staging, err := os.MkdirTemp(filepath.Join(cs.root, stagingDir), "code-")
	if err != nil {
		return installedCode{}, fmt.Errorf("fc: create staging directory: %w", err)
	}
	defer os.RemoveAll(staging)
	if err := os.Chmod(staging, 0o755); err != nil {
		return installedCode{}, err
	}

	u := &unpacker{maxBytes: cs.maxBytes, maxFiles: cs.maxFiles}
	if u.root, err = os.OpenRoot(staging); err != nil {
		return installedCode{}, err
	}
	defer u.root.Close()
	switch {
	case code == nil || (code.ZipFile == nil && code.Dir == ""):
		return installedCode{}, fmt.Errorf("%w: code: neither zipFile nor a directory is given", ErrInvalidArgument)
	case code.ZipFile != nil && code.Dir != "":
		return installedCode{}, fmt.Errorf("%w: code: give either zipFile or a directory, not both", ErrInvalidArgument)
	case code.ZipFile != nil:
		if int64(len(code.ZipFile)) > cs.maxZip {
			return installedCode{}, fmt.Errorf("%w: code: the zip file has %d bytes, more than %d", ErrInvalidArgument, len(code.ZipFile), cs.maxZip)
		}
		err = u.unzip(code.ZipFile)
	default:
		err = u.copyDir(code.Dir)
	}
	if err != nil {
		return installedCode{}, err
	}

	sum := u.checksum()
	ic := installedCode{ID: sum[:32], Size: u.bytes, Checksum: sum}
	err = os.Rename(staging, cs.dir(ic.ID))
	if err != nil && !dirExists(cs.dir(ic.ID)) {
		return installedCode{}, fmt.Errorf("fc: install code: %w", err)
	}
	return ic, nil
}

// remove deletes a tree; the caller has checked that nothing refers to it.
func (cs *codeStore) remove(id string) error {
	if id == "" || strings.ContainsAny(id, `/\.`) {
		return nil
	}
	return os.RemoveAll(cs.dir(id))
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// unpacker writes files into a staging tree through an os.Root, so no entry
// can leave the tree, and enforces the size and file-count caps on the bytes
// actually written (zip headers may lie about sizes).
type unpacker struct {
	root     *os.Root
	maxBytes int64
	maxFiles int

	bytes   int64
	files   int
	entries []string // "path mode sha256" per file, for the checksum
}

// cleanName validates an entry name from a zip file or a directory walk and
// returns it in slash form relative to the tree, or "" for the tree itself.
func cleanName(name string) (string, error) {
	if strings.ContainsRune(name, 0) || strings.Contains(name, `\`) {
		return "", fmt.Errorf("%w: code: entry %q contains a backslash or NUL byte", ErrInvalidArgument, name)
	}
	if strings.HasPrefix(name, "/") || (len(name) > 1 && name[1] == ':') {
		return "", fmt.Errorf("%w: code: entry %q is an absolute path", ErrInvalidArgument, name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: code: entry %q leaves the code directory", ErrInvalidArgument, name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

func (u *unpacker) unzip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w: code: not a valid zip file: %v", ErrInvalidArgument, err)
	}
	for _, f := range zr.File {
		name, err := cleanName(f.Name)
		if err != nil {
			return err
		}
		mode := f.Mode()
		switch {
		case name == "":
			continue
		case mode&fs.ModeSymlink != 0:
			return fmt.Errorf("%w: code: entry %q is a symbolic link, which is not supported", ErrInvalidArgument, f.Name)
		case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
			if err := u.mkdir(name); err != nil {
				return err
			}
			continue
		case !mode.IsRegular():
			return fmt.Errorf("%w: code: entry %q is not a regular file or directory", ErrInvalidArgument, f.Name)
		}

		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%w: code: entry %q: %v", ErrInvalidArgument, f.Name, err)
		}
		err = u.writeFile(name, mode.Perm()&0o111 != 0, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// copyDir copies a local directory tree; symbolic links are rejected so the
// copy never reads outside dir.
func (u *unpacker) copyDir(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%w: code: read directory: %v", ErrInvalidArgument, err)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name, err := cleanName(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		switch {
		case name == "":
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			return fmt.Errorf("%w: code: %s is a symbolic link, which is not supported", ErrInvalidArgument, rel)
		case d.IsDir():
			return u.mkdir(name)
		case !d.Type().IsRegular():
			return fmt.Errorf("%w: code: %s is not a regular file or directory", ErrInvalidArgument, rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return fmt.Errorf("%w: code: %v", ErrInvalidArgument, err)
		}
		defer f.Close()
		return u.writeFile(name, info.Mode().Perm()&0o111 != 0, f)
	})
}

func (u *unpacker) mkdir(name string) error {
	if err := u.root.MkdirAll(name, 0o755); err != nil {
		return fmt.Errorf("%w: code: directory %q: %v", ErrInvalidArgument, name, err)
	}
	u.entries = append(u.entries, name+" dir")
	return u.root.Chmod(name, 0o755)
}

// writeFile creates one file, readable by everyone and executable by
// everyone when executable is set; a name given twice is rejected.
func (u *unpacker) writeFile(name string, executable bool, r io.Reader) error {
	u.files++
	if u.files > u.maxFiles {
		return fmt.Errorf("%w: code: more than %d files", ErrInvalidArgument, u.maxFiles)
	}
	if dir := path.Dir(name); dir != "." {
		if err := u.root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("%w: code: directory of %q: %v", ErrInvalidArgument, name, err)
		}
	}
	perm := os.FileMode(0o644)
	if executable {
		perm = 0o755
	}
	f, err := u.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("%w: code: file %q: %v", ErrInvalidArgument, name, err)
	}

	h := sha256.New()
	limit := u.maxBytes - u.bytes
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, limit+1))
	closeErr := f.Close()
	u.bytes += n
	switch {
	case err != nil:
		return fmt.Errorf("%w: code: file %q: %v", ErrInvalidArgument, name, err)
	case closeErr != nil:
		return closeErr
	case n > limit:
		return fmt.Errorf("%w: code: more than %d bytes unpacked", ErrInvalidArgument, u.maxBytes)
	}
	if err := u.root.Chmod(name, perm); err != nil {
		return err
	}
	u.entries = append(u.entries, fmt.Sprintf("%s %o %x", name, perm, h.Sum(nil)))
	return nil
}

// checksum is the SHA-256 of the sorted entry list, so two uploads with the
// same files, modes and contents have the same checksum whatever their order.
func (u *unpacker) checksum() string {
	sort.Strings(u.entries)
	h := sha256.New()
	for _, e := range u.entries {
		io.WriteString(h, e)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// collectCode removes the trees in ids that no function or version refers
// to any more. Errors are logged by the caller; a tree left behind only
// costs disk space.
func (s *Service) collectCode(ctx context.Context, ids ...string) error {
	s.codeMu.Lock()
	defer s.codeMu.Unlock()
	var errs []error
	for _, id := range ids {
		if id == "" {
			continue
		}
		used, err := s.store.CodeInUse(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !used {
			errs = append(errs, s.code.remove(id))
		}
	}
	return errors.Join(errs...)
}

// randomID returns n random bytes in hex.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
