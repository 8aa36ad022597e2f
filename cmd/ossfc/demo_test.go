package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDemo builds ossfc and runs "ossfc demo" in an empty directory with
// an environment that has no Go toolchain, as a user who downloaded the
// binary would.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ossfc and runs the whole demo")
	}
	binary := filepath.Join(t.TempDir(), "ossfc")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// The working directory, an empty PATH directory, and the demo's data
	// directory, which the function user must be able to reach.
	work, emptyPath := t.TempDir(), t.TempDir()
	data := searchableTempDir(t)
	if _, err := exec.LookPath(filepath.Join(emptyPath, "go")); err == nil {
		t.Fatal("the empty PATH directory holds a go command")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "demo", "--data", data)
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + emptyPath, "HOME=" + work}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	report := stdout.String()
	t.Logf("report:\n%s", report)
	if err != nil {
		t.Fatalf("ossfc demo: %v\nstderr:\n%s\nserver log:\n%s", err, stderr.String(), readFile(t, filepath.Join(data, "ossfc.log")))
	}

	// Every read is OK, or SKIP for the Python function on a machine
	// without Python.
	readLine := regexp.MustCompile(`(?m)^  (\S+.*?)\s+(\d+)\s+(\S+ ms|-)\s+(OK|FAIL|SKIP)\s+(.*)$`)
	rows := readLine.FindAllStringSubmatch(report, -1)
	if len(rows) != 12 {
		t.Fatalf("%d read lines in the report, want 12", len(rows))
	}
	for _, r := range rows {
		if r[4] != "OK" && !(r[4] == "SKIP" && strings.Contains(r[5], "python")) {
			t.Errorf("read %s: %s %s", r[1], r[4], r[5])
		}
	}
	if !regexp.MustCompile(`(?m)^PASS: \d+ OK, 0 failed`).MatchString(report) {
		t.Error("the report does not end with PASS")
	}
	for _, alias := range []string{"identity", "mask", "csv2json", "image"} {
		if !regexp.MustCompile(`(?m)^through ` + alias + `-[0-9a-f]{30}-opapalias \(function ` + alias + `\)$`).MatchString(report) {
			t.Errorf("no reads through the alias of %s", alias)
		}
	}

	// The demo keeps its files in --data and leaves the working directory
	// empty.
	if entries, err := os.ReadDir(work); err != nil || len(entries) != 0 {
		t.Errorf("working directory holds %d entries (%v), want none", len(entries), err)
	}
	for _, name := range []string{"data/credentials", "functions", "ossfc.log"} {
		if _, err := os.Stat(filepath.Join(data, name)); err != nil {
			t.Errorf("--data lacks %s: %v", name, err)
		}
	}
}

// searchableTempDir returns a new directory that other users can search,
// so that functions started as nobody reach their code when the test runs
// as root. It is removed when the test ends.
func searchableTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ossfc-demo-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Logf("read %s: %v", path, err)
	}
	return string(data)
}
