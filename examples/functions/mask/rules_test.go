package mask

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// vector is one case of testdata/vectors.json, which the Python mask
// function's test reads too.
type vector struct {
	Name   string `json:"name"`
	JSON   bool   `json:"json"`
	Input  string `json:"input"`
	Output string `json:"output"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Vectors []vector }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("testdata/vectors.json: %v", err)
	}
	return doc.Vectors
}

func maskAll(src []byte, jsonMode bool) []byte {
	dst := make([]byte, len(src))
	maskBlock(dst, src, jsonMode)
	return dst
}

func TestMaskVectors(t *testing.T) {
	for _, v := range loadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			if got := string(maskAll([]byte(v.Input), v.JSON)); got != v.Output {
				t.Errorf("mask(%q)\n got %q\nwant %q", v.Input, got, v.Output)
			}

			// The streaming reader, read one byte at a time, agrees.
			streamed, err := io.ReadAll(iotest.OneByteReader(newMaskReader(iotest.HalfReader(strings.NewReader(v.Input)), v.JSON)))
			if err != nil {
				t.Fatal(err)
			}
			if string(streamed) != v.Output {
				t.Errorf("streamed mask(%q)\n got %q\nwant %q", v.Input, streamed, v.Output)
			}
		})
	}
}

func TestMaskJSONStaysValid(t *testing.T) {
	doc := []byte(`{"users":[{"name":"Alice","phone":13800138000,"tel":"+86 138 0013 8000","id":"11010519491231002X",` +
		`"cards":[4111111111111111, 5555555555554444],"email":"alice@example.com"}],"total": 378282246310005}`)
	masked := maskAll(doc, true)
	if !json.Valid(masked) {
		t.Fatalf("masked JSON is invalid: %s", masked)
	}
	for _, secret := range []string{"13800138000", "0013", "19491231", "4111111111111111", "5555555555554444", "alice@", "378282246310005"} {
		if bytes.Contains(masked, []byte(secret)) {
			t.Errorf("masked JSON still contains %q: %s", secret, masked)
		}
	}
}

// corpus returns text of about size bytes with every kind of value at
// random places, separated by words, digits and punctuation that touch
// them, so that ranges cut values in many ways.
func corpus(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	pieces := []string{
		"13800138000", "138 0013 8000", "+86 138-0013-8000", "+44 20 7946 0958", "11010519491231002X",
		"4111 1111 1111 1111", "6222021234567890128", "378282246310005", "alice.smith@example.com",
		"b@mail.example.org", "12345678901234", "3.14159", "born 1990", "x", ",", "\"", ":", " ", "\n",
		"电话", "abc", "-", "+", ".", "@", "2024-01-02", "{\"n\": 13800138000}",
	}
	var b bytes.Buffer
	for b.Len() < size {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.Bytes()
}

// maskWindow masks the bytes [first, last] of src as the function does for
// a Range: it masks the window of Context bytes around them and trims.
func maskWindow(t *testing.T, src []byte, first, last int) []byte {
	t.Helper()
	start := max(0, first-Context)
	end := min(len(src)-1, last+Context)
	masked, err := io.ReadAll(newMaskReader(bytes.NewReader(src[start:end+1]), false))
	if err != nil {
		t.Fatal(err)
	}
	return masked[first-start : last-start+1]
}

func TestMaskRangeEqualsRangeOfMasked(t *testing.T) {
	src := corpus(200_000, 1)
	whole := maskAll(src, false)
	if bytes.Equal(whole, src) {
		t.Fatal("the corpus has nothing to mask")
	}

	// Every range edge at each byte of the first values, then random
	// ranges of every size.
	r := rand.New(rand.NewPCG(7, 7))
	var ranges [][2]int
	for i := 0; i < 300; i++ {
		ranges = append(ranges, [2]int{i, i + r.IntN(50)}, [2]int{r.IntN(100), i})
	}
	for i := 0; i < 500; i++ {
		first := r.IntN(len(src))
		last := min(len(src)-1, first+r.IntN(1<<uint(r.IntN(18))))
		ranges = append(ranges, [2]int{first, last})
	}
	for _, rg := range ranges {
		first, last := min(rg[0], rg[1]), max(rg[0], rg[1])
		got := maskWindow(t, src, first, last)
		if want := whole[first : last+1]; !bytes.Equal(got, want) {
			t.Fatalf("bytes %d-%d: masked range differs from the range of the masked object\n got %q\nwant %q", first, last, got, want)
		}
	}
}

func TestMaskStreamMatchesWhole(t *testing.T) {
	// Several blocks, so values straddle block boundaries.
	src := corpus(5*blockSize+777, 2)
	want := maskAll(src, true)
	got, err := io.ReadAll(newMaskReader(iotest.HalfReader(bytes.NewReader(src)), true))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(src) {
		t.Fatalf("length = %d, want %d", len(got), len(src))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("byte %d = %q, want %q (near %q)", i, got[i], want[i], src[max(0, i-20):min(len(src), i+20)])
		}
	}
}

func TestMaskReaderSourceError(t *testing.T) {
	failing := io.MultiReader(strings.NewReader("13800138000 "), iotest.ErrReader(fmt.Errorf("connection reset")))
	_, err := io.ReadAll(newMaskReader(failing, false))
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("error = %v, want the source's error", err)
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		header      string
		ok          bool
		first, last int64 // resolved in an object of 1000 bytes
		satisfiable bool
	}{
		{"bytes=0-99", true, 0, 99, true},
		{"bytes=900-2000", true, 900, 999, true},
		{"bytes=990-", true, 990, 999, true},
		{"bytes=-10", true, 990, 999, true},
		{"bytes=-5000", true, 0, 999, true},
		{"bytes=1000-1001", true, 0, 0, false},
		{"bytes=5-4", false, 0, 0, false},
		{"bytes=0-1,5-6", false, 0, 0, false},
		{"bytes=-0", false, 0, 0, false},
		{"items=0-1", false, 0, 0, false},
		{"bytes=a-b", false, 0, 0, false},
		{"", false, 0, 0, false},
	}
	for _, tt := range tests {
		r, ok := parseRange(tt.header)
		if ok != tt.ok {
			t.Errorf("parseRange(%q) ok = %v, want %v", tt.header, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		first, last, satisfiable := r.resolve(1000)
		if satisfiable != tt.satisfiable || satisfiable && (first != tt.first || last != tt.last) {
			t.Errorf("%q in 1000 bytes = %d-%d (%v), want %d-%d (%v)", tt.header, first, last, satisfiable, tt.first, tt.last, tt.satisfiable)
		}
	}
}
