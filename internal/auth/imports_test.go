package auth

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports enforces the rule of the package documentation: auth imports
// only the standard library and internal/osserr.
func TestImports(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			first, _, _ := strings.Cut(path, "/")
			if path != "github.com/ossfc/ossfc/internal/osserr" && strings.Contains(first, ".") {
				t.Errorf("%s imports %s; auth may import only the standard library and internal/osserr", name, path)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("found no package files to check")
	}
}
