package accesspoint

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports enforces the rule in doc.go: accesspoint imports the standard
// library and, from ossfc, only meta, store, arn, policy and osserr.
func TestImports(t *testing.T) {
	allowed := map[string]bool{
		"github.com/ossfc/ossfc/internal/meta":   true,
		"github.com/ossfc/ossfc/internal/store":  true,
		"github.com/ossfc/ossfc/internal/arn":    true,
		"github.com/ossfc/ossfc/internal/policy": true,
		"github.com/ossfc/ossfc/internal/osserr": true,
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
			first, _, _ := strings.Cut(path, "/")
			if strings.Contains(first, ".") && !allowed[path] {
				t.Errorf("%s imports %s; accesspoint may import only the standard library, meta, store, arn, policy and osserr", name, path)
			}
		}
	}
}
