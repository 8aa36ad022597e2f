package fc

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseARN checks that ParseARN never panics, that every error it
// returns is ErrInvalidArgument, and that a parsed ARN prints (in the FC 3.0
// form, without a service) as an ARN that parses to the same function.
func FuzzParseARN(f *testing.F) {
	for _, s := range []string{
		"acs:fc:cn-hangzhou:1234567890123456:functions/f",
		"acs:fc:cn-hangzhou:1234567890123456:functions/f:LATEST",
		"acs:fc:cn-hangzhou:1234567890123456:functions/f:3",
		"acs:fc:cn-hangzhou:1234567890123456:services/svc.LATEST/functions/f",
		"acs:fc:cn-hangzhou:1234567890123456:services/svc.prod/functions/f",
		"acs:fc::1:functions/",
		"acs:fc:cn-hangzhou:1234567890123456:services/.x/functions/f",
		"f:alias",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseARN(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("ParseARN(%q) error %v does not wrap ErrInvalidArgument", s, err)
			}
			return
		}
		again, err := ParseARN(a.String())
		if err != nil {
			t.Fatalf("ParseARN(%q).String() = %q does not parse: %v", s, a.String(), err)
		}
		if again.String() != a.String() || again.Name != a.Name || again.Qualifier != a.Qualifier {
			t.Fatalf("round trip of %q: %+v, then %+v", s, a, again)
		}
	})
}

// FuzzUnzip feeds arbitrary bytes, seeded with real and hostile archives, to
// the code unpacker: it must never panic or write outside its tree, and it
// must respect its caps.
func FuzzUnzip(f *testing.F) {
	archive := func(files map[string]string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, body := range files {
			w, _ := zw.Create(name)
			w.Write([]byte(body))
		}
		zw.Close()
		return buf.Bytes()
	}
	f.Add(archive(map[string]string{"index.py": "def handler(e, c): return e\n"}))
	f.Add(archive(map[string]string{"../escape": "x"}))
	f.Add(archive(map[string]string{"/abs": "x", "a/../../b": "y"}))
	f.Add(archive(map[string]string{"dir/": "", "dir/file": strings.Repeat("z", 5000)}))
	f.Add([]byte("PK\x03\x04 not really a zip"))

	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		tree := filepath.Join(parent, "tree")
		if err := os.Mkdir(tree, 0o755); err != nil {
			t.Fatal(err)
		}
		root, err := os.OpenRoot(tree)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()

		u := &unpacker{root: root, maxBytes: 4096, maxFiles: 8}
		err = u.unzip(data)
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("unzip error %v does not wrap ErrInvalidArgument", err)
		}
		// On error the caller discards the staging tree, so only an
		// accepted archive must fit the caps.
		if err == nil && (u.bytes > u.maxBytes || u.files > u.maxFiles) {
			t.Fatalf("unzip accepted %d bytes in %d files, past the caps", u.bytes, u.files)
		}
		entries, _ := os.ReadDir(parent)
		if len(entries) != 1 {
			t.Fatalf("unzip wrote beside its tree: %v", entries)
		}
	})
}
