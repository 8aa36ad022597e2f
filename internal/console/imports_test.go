package console

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports enforces the rule in doc.go: the console reaches data only
// through the APIs, never through the stores or the server's internals.
func TestImports(t *testing.T) {
	forbidden := []string{
		"github.com/ossfc/ossfc/internal/meta",
		"github.com/ossfc/ossfc/internal/blob",
		"github.com/ossfc/ossfc/internal/store",
		"github.com/ossfc/ossfc/internal/server",
		"github.com/ossfc/ossfc/internal/ram",
		"github.com/ossfc/ossfc/internal/accesspoint",
		"github.com/ossfc/ossfc/internal/objectfc",
		"github.com/ossfc/ossfc/internal/fc",
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			for _, bad := range forbidden {
				if path == bad || strings.HasPrefix(path, bad+"/") && !allowedClient(path) {
					t.Errorf("%s imports %s; the console may call the APIs only", name, path)
				}
			}
		}
	}
}

// allowedClient reports whether path is an admin API client or its types,
// which the console may use.
func allowedClient(path string) bool {
	for _, suffix := range []string{"/ramclient", "/ramapi", "/fcclient", "/fcapi"} {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}
