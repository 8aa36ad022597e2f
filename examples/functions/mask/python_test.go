package mask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
)

// The Python version of this function, in ../mask-python, must mask exactly
// as this one does. These tests run it with the machine's Python 3.

const pythonCodeDir = "../mask-python"

func python(t *testing.T) string {
	t.Helper()
	const path = "/usr/bin/python3"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is needed to test the Python mask function: %v", path, err)
	}
	return path
}

// runPython runs script with the Python function's directory as its first
// argument, feeding stdin, and returns its standard output.
func runPython(t *testing.T, script string, stdin []byte, env ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "script.py")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	code, err := filepath.Abs(pythonCodeDir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python(t), file, code)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "PYTHONDONTWRITEBYTECODE=1"}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return out
}

// TestPythonMaskVectors runs the shared vectors through the Python rules,
// masking each whole and streamed.
func TestPythonMaskVectors(t *testing.T) {
	script := `
import json, sys
sys.path.insert(0, sys.argv[1])
import index
vectors = json.load(sys.stdin)["vectors"]
results = []
for v in vectors:
    src = v["input"].encode()
    pos = [0]
    def read(n, src=src, pos=pos):
        chunk = src[pos[0]:pos[0] + min(n, 3)]
        pos[0] += len(chunk)
        return chunk
    results.append({
        "block": index.mask_block(src, v["json"]).decode(),
        "stream": b"".join(index.mask_stream(read, v["json"])).decode(),
    })
json.dump(results, sys.stdout)
`
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var results []struct{ Block, Stream string }
	if err := json.Unmarshal(runPython(t, script, data), &results); err != nil {
		t.Fatal(err)
	}
	vectors := loadVectors(t)
	if len(results) != len(vectors) {
		t.Fatalf("%d results for %d vectors", len(results), len(vectors))
	}
	for i, v := range vectors {
		if results[i].Block != v.Output {
			t.Errorf("%s: Python mask_block\n got %q\nwant %q", v.Name, results[i].Block, v.Output)
		}
		if results[i].Stream != v.Output {
			t.Errorf("%s: Python mask_stream\n got %q\nwant %q", v.Name, results[i].Stream, v.Output)
		}
	}
}

// TestPythonMatchesGo masks a corpus of several blocks with both versions.
func TestPythonMatchesGo(t *testing.T) {
	script := `
import sys
sys.path.insert(0, sys.argv[1])
import index
src = sys.stdin.buffer.read()
whole = index.mask_block(src, False)
pos = [0]
def read(n):
    chunk = src[pos[0]:pos[0] + n]
    pos[0] += len(chunk)
    return chunk
streamed = b"".join(index.mask_stream(read, False))
assert streamed == whole, "mask_stream differs from mask_block"
sys.stdout.buffer.write(whole)
`
	src := corpus(3*blockSize+500, 11)
	got := runPython(t, script, src)
	want := maskAll(src, false)
	if len(got) != len(want) {
		t.Fatalf("Python output has %d bytes, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("byte %d: Python %q, Go %q (near %q)", i, got[i], want[i], src[max(0, i-30):min(len(src), i+30)])
		}
	}
}

// invokePython runs the Python handler on event as the python3.10 runtime
// does, with the test's function credentials in context.credentials, and
// returns the peak resident set size of the Python process in bytes.
func invokePython(t *testing.T, event *fcevent.Event) int64 {
	t.Helper()
	script := `
import os, sys
sys.path.insert(0, sys.argv[1])
import index
class Credentials:
    access_key_id = os.environ["FC_KEY_ID"]
    access_key_secret = os.environ["FC_KEY_SECRET"]
    security_token = os.environ["FC_TOKEN"]
class Context:
    credentials = Credentials()
    region = os.environ["FC_REGION"]
    request_id = "python-test"
index.handler(sys.stdin.buffer.read(), Context())
# The peak resident set size of this process since it started Python.
# (getrusage is no help: after a vfork, Linux carries the parent's peak
# into the child's.)
with open("/proc/self/status") as status:
    print("".join(line for line in status if line.startswith("VmHWM:")), end="")
`
	body, err := json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	out := runPython(t, script, body, "FC_KEY_ID="+fntest.FunctionKeyID, "FC_KEY_SECRET="+fntest.FunctionSecret,
		"FC_TOKEN="+fntest.FunctionToken, "FC_REGION=cn-hangzhou")
	var kib int64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "VmHWM: %d kB", &kib); err != nil {
		t.Fatalf("the handler script printed %q, want its VmHWM line: %v", out, err)
	}
	return kib << 10
}

func TestPythonFunction(t *testing.T) {
	python(t)
	h := fntest.New(t)
	src := corpus(150_000, 13)
	whole := maskAll(src, false)
	h.PutBytes(t, "corpus.txt", src, "text/plain")
	jsonDoc := []byte(`{"phone":13800138000,"email":"alice@example.com","card":"4111 1111 1111 1111"}`)
	h.PutBytes(t, "doc.json", jsonDoc, "application/json")

	t.Run("whole object", func(t *testing.T) {
		event := h.Event(t, "corpus.txt", "", nil)
		invokePython(t, event)
		w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
		if w.SignatureVersion != "V1" {
			t.Errorf("signature version = %s, want V1", w.SignatureVersion)
		}
		if w.Status != http.StatusOK || w.BodyErr != nil {
			t.Fatalf("status = %d, body error %v", w.Status, w.BodyErr)
		}
		if !bytes.Equal(w.Body, whole) {
			t.Error("the Python function's output differs from the Go rules")
		}
		if w.ContentLength != int64(len(src)) {
			t.Errorf("Content-Length = %d, want %d", w.ContentLength, len(src))
		}
		if got := w.Header.Get("Content-Type"); got != "text/plain" {
			t.Errorf("Content-Type = %q, want text/plain", got)
		}
	})

	t.Run("json", func(t *testing.T) {
		event := h.Event(t, "doc.json", "", nil)
		invokePython(t, event)
		w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
		if want := maskAll(jsonDoc, true); !bytes.Equal(w.Body, want) {
			t.Errorf("body\n got %s\nwant %s", w.Body, want)
		}
	})

	for _, header := range []string{"bytes=0-99", "bytes=70000-70100", "bytes=1234-", "bytes=-500", "bytes=149990-200000"} {
		t.Run(header, func(t *testing.T) {
			rng, _ := parseRange(header)
			first, last, _ := rng.resolve(int64(len(src)))
			event := h.Event(t, "corpus.txt", "", map[string]string{"Range": header})
			invokePython(t, event)
			w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
			if w.Status != http.StatusPartialContent {
				t.Fatalf("status = %d, want 206", w.Status)
			}
			if got, want := w.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", first, last, len(src)); got != want {
				t.Errorf("Content-Range = %q, want %q", got, want)
			}
			if !bytes.Equal(w.Body, whole[first:last+1]) {
				t.Error("masked range differs from the range of the masked object")
			}
		})
	}

	t.Run("missing object", func(t *testing.T) {
		event := h.Event(t, "missing.txt", "", nil)
		invokePython(t, event)
		w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
		if w.Status != http.StatusNotFound || !strings.Contains(string(w.Body), "<Code>NoSuchKey</Code>") {
			t.Errorf("status = %d, body %s; want 404 NoSuchKey", w.Status, w.Body)
		}
	})
}

// TestPythonLargeObject streams a text object larger than the memory the
// Python process may use, so the handler cannot have buffered it.
func TestPythonLargeObject(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 48 MiB through Python")
	}
	python(t)
	const memoryLimit = 32 << 20

	// A block of plain lines and one line of personal data masks on its
	// own, so the masked object is the masked block repeated.
	var block []byte
	for i := 0; i < 200; i++ {
		block = append(block, fmt.Sprintf("line %03d: the order shipped on time and nothing here is private.\n", i)...)
	}
	block = append(block, "Alice,13800138000,alice@example.com,4111 1111 1111 1111,11010519491231002X\n"...)
	size := int64(48<<20) / int64(len(block)) * int64(len(block))
	wantHash := fntest.SHA256Reader(fntest.RepeatReader(maskAll(block, false), size))

	h := fntest.New(t)
	h.Put(t, "large.txt", fntest.RepeatReader(block, size), "text/plain")
	event := h.Event(t, "large.txt", "", nil)
	peak := invokePython(t, event)
	w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)

	if w.Status != http.StatusOK || w.BodyErr != nil {
		t.Fatalf("status = %d, body error %v", w.Status, w.BodyErr)
	}
	if w.BodyLen != size {
		t.Errorf("body length = %d, want %d", w.BodyLen, size)
	}
	if w.BodySHA256 != wantHash {
		t.Error("masked body differs from the masked blocks")
	}
	t.Logf("Python peak RSS: %.1f MiB for a %d MiB object", float64(peak)/(1<<20), size>>20)
	if peak == 0 || peak > memoryLimit {
		t.Errorf("Python peak RSS = %d MiB, want above 0 and at most %d MiB", peak>>20, memoryLimit>>20)
	}
}
