package demo

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// The whole demo runs in cmd/ossfc's TestDemo, which needs the built
// binary. These tests cover the parts that can go wrong without it.

func TestPrepareDir(t *testing.T) {
	parent := t.TempDir()

	t.Run("missing", func(t *testing.T) {
		dir, remove, err := prepareDir(filepath.Join(parent, "new"))
		if err != nil || remove {
			t.Fatalf("prepareDir = %q, %v, %v", dir, remove, err)
		}
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			t.Errorf("no marker: %v", err)
		}
	})

	t.Run("earlier run", func(t *testing.T) {
		dir := filepath.Join(parent, "new")
		os.WriteFile(filepath.Join(dir, "ossfc.log"), []byte("old"), 0o600)
		if _, _, err := prepareDir(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "ossfc.log")); !os.IsNotExist(err) {
			t.Errorf("the earlier run's log is still there: %v", err)
		}
	})

	t.Run("foreign files", func(t *testing.T) {
		dir := filepath.Join(parent, "foreign")
		os.Mkdir(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "thesis.tex"), []byte("keep me"), 0o600)
		_, _, err := prepareDir(dir)
		if err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("err = %v, want a refusal of a non-empty directory", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "thesis.tex")); err != nil {
			t.Errorf("the foreign file is gone: %v", err)
		}
	})

	t.Run("temporary", func(t *testing.T) {
		dir, remove, err := prepareDir("")
		if err != nil || !remove {
			t.Fatalf("prepareDir = %q, %v, %v", dir, remove, err)
		}
		os.RemoveAll(dir)
	})
}

// TestChecksRejectWrongResults feeds each check a result the function must
// not return and expects a failure.
func TestChecksRejectWrongResults(t *testing.T) {
	in := newInputs(64<<10, 16<<10)
	cases := readCases(in)
	find := func(function, key string, ranged bool) readCase {
		for _, c := range cases {
			if c.function == function && c.key == key && (c.rng[1] > 0) == ranged {
				return c
			}
		}
		t.Fatalf("no read of %s through %s", key, function)
		return readCase{}
	}
	ok := result(http.StatusOK, "")

	tests := []struct {
		name string
		c    readCase
		body []byte
	}{
		{"identity truncated", find("identity", keyCSV, false), in.csv[:len(in.csv)-1]},
		{"mask unchanged CSV", find("mask", keyCSV, false), in.csv},
		{"mask shorter CSV", find("mask", keyCSV, false), in.csv[10:]},
		{"mask unchanged log", find("mask", keyLog, false), in.log},
		{"csv2json the CSV itself", find("csv2json", keyCSV, false), in.csv},
		{"image not an image", find("image", "photos/talk.jpg", false), in.csv},
		{"image unresized", find("image", "photos/talk.jpg", false), in.photos["photos/talk.jpg"].Data},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if detail, err := tt.c.check(ok, tt.body); err == nil {
				t.Errorf("check passed with %q", detail)
			}
		})
	}

	// The Python comparison and the range checks fail without the Go mask
	// function's output to compare with.
	fresh := readCases(in)
	for _, c := range fresh {
		if c.function == PythonMask || c.rng[1] > 0 {
			if _, err := c.check(result(http.StatusPartialContent, ""), nil); err == nil {
				t.Errorf("%s through %s passed with nothing to compare", c.what(), c.function)
			}
		}
	}
}

// TestRangeCheck checks the comparison of a range with the whole masked
// object, status and Content-Range included.
func TestRangeCheck(t *testing.T) {
	masked := bytes.Repeat([]byte("0123456789"), 10)
	rng := [2]int{15, 24}
	good := result(http.StatusPartialContent, "bytes 15-24/100")
	if _, err := checkMaskedRange(good, masked[15:25], masked, rng, 100); err != nil {
		t.Errorf("the right range failed: %v", err)
	}
	for name, tc := range map[string]struct {
		res  *oss.GetObjectResult
		body []byte
	}{
		"status 200":          {result(http.StatusOK, "bytes 15-24/100"), masked[15:25]},
		"wrong Content-Range": {result(http.StatusPartialContent, "bytes 15-24/99"), masked[15:25]},
		"shifted bytes":       {good, masked[16:26]},
	} {
		if _, err := checkMaskedRange(tc.res, tc.body, masked, rng, 100); err == nil {
			t.Errorf("%s passed", name)
		}
	}
}

// result returns a GetObject result with status and, unless empty,
// contentRange.
func result(status int, contentRange string) *oss.GetObjectResult {
	res := &oss.GetObjectResult{}
	res.StatusCode = status
	if contentRange != "" {
		res.ContentRange = oss.Ptr(contentRange)
	}
	return res
}
