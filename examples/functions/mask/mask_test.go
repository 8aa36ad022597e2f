package mask

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
)

func startInProcess(t *testing.T) string {
	t.Helper()
	server := httptest.NewServer(fcevent.NewHTTPHandler(Handle, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(server.Close)
	return server.URL
}

func TestMaskFunction(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)

	csvText := []byte("name,phone,email,card,id\n" +
		"Alice,13800138000,alice@example.com,4111 1111 1111 1111,11010519491231002X\n" +
		"\"Bob, Jr.\",\"+86 139-0013-9000\",bob.jr@example.org,5555555555554444,440102199003071236\n")
	jsonText := []byte(`{"name":"Alice","phone":13800138000,"cards":["4111111111111111"],"email":"alice@example.com"}` + "\n")
	h.PutBytes(t, "people.csv", csvText, "text/csv")
	h.PutBytes(t, "people.json", jsonText, "application/json")

	t.Run("csv", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "people.csv", "", nil))
		if w.Status != http.StatusOK {
			t.Fatalf("status = %d, want 200", w.Status)
		}
		want := "name,phone,email,card,id\n" +
			"Alice,138****8000,a****@example.com,**** **** **** 1111,110***********002X\n" +
			"\"Bob, Jr.\",\"+86 139-****-9000\",b*****@example.org,************4444,440***********1236\n"
		if string(w.Body) != want {
			t.Errorf("body\n got %q\nwant %q", w.Body, want)
		}
		records, err := csv.NewReader(bytes.NewReader(w.Body)).ReadAll()
		if err != nil || len(records) != 3 {
			t.Errorf("masked CSV parses into %d records, error %v; want 3 records", len(records), err)
		}
		if got := w.Header.Get("Content-Type"); got != "text/csv" {
			t.Errorf("Content-Type = %q, want text/csv", got)
		}
		if w.ContentLength != int64(len(csvText)) {
			t.Errorf("Content-Length = %d, want %d", w.ContentLength, len(csvText))
		}
	})

	t.Run("json", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "people.json", "", nil))
		want := `{"name":"Alice","phone":13800008000,"cards":["************1111"],"email":"a****@example.com"}` + "\n"
		if string(w.Body) != want {
			t.Errorf("body\n got %q\nwant %q", w.Body, want)
		}
		if !json.Valid(w.Body) {
			t.Errorf("masked JSON is invalid: %s", w.Body)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "missing.csv", "", map[string]string{"Range": "bytes=0-9"}))
		if w.Status != http.StatusNotFound || !strings.Contains(string(w.Body), "NoSuchKey") {
			t.Errorf("status = %d, body %s; want 404 NoSuchKey", w.Status, w.Body)
		}
	})
}

// TestMaskFunctionRanges checks masked(range) == range(masked(whole)) for
// ranges that start or end inside values, through the function.
func TestMaskFunctionRanges(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)
	src := corpus(6000, 3)
	h.PutBytes(t, "corpus.txt", src, "text/plain")
	whole := maskAll(src, false)

	w := h.Run(t, fn, h.Event(t, "corpus.txt", "", nil))
	if !bytes.Equal(w.Body, whole) {
		t.Fatal("whole object through the function differs from maskBlock")
	}

	// Ranges whose ends fall inside the first phone numbers, e-mail
	// addresses and card numbers, plus random ones.
	var headers []string
	for _, value := range []string{"13800138000", "alice.smith@example.com", "4111 1111 1111 1111", "11010519491231002X"} {
		at := bytes.Index(src, []byte(value))
		if at < 0 {
			continue
		}
		mid := at + len(value)/2
		headers = append(headers,
			fmt.Sprintf("bytes=%d-%d", mid, mid+100), fmt.Sprintf("bytes=%d-%d", max(0, mid-100), mid),
			fmt.Sprintf("bytes=%d-%d", mid, mid), fmt.Sprintf("bytes=%d-%d", at+1, at+len(value)-2))
	}
	r := rand.New(rand.NewPCG(5, 5))
	for i := 0; i < 20; i++ {
		first := r.IntN(len(src))
		headers = append(headers, fmt.Sprintf("bytes=%d-%d", first, first+r.IntN(3000)))
	}
	headers = append(headers, fmt.Sprintf("bytes=%d-", len(src)-100), "bytes=-37", "bytes=0-0", "bytes=-100000")

	for _, header := range headers {
		rng, _ := parseRange(header)
		first, last, _ := rng.resolve(int64(len(src)))
		w := h.Run(t, fn, h.Event(t, "corpus.txt", "", map[string]string{"Range": header}))
		if w.Status != http.StatusPartialContent {
			t.Errorf("%s: status = %d, want 206", header, w.Status)
			continue
		}
		if got, want := w.Header.Get("Content-Range"), fmt.Sprintf("bytes %d-%d/%d", first, last, len(src)); got != want {
			t.Errorf("%s: Content-Range = %q, want %q", header, got, want)
		}
		if want := whole[first : last+1]; !bytes.Equal(w.Body, want) {
			t.Errorf("%s: masked range differs from the range of the masked object\n got %q\nwant %q", header, w.Body, want)
		}
	}

	t.Run("unsatisfiable", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "corpus.txt", "", map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", len(src), len(src)+100)}))
		if w.Status != http.StatusRequestedRangeNotSatisfiable || !strings.Contains(string(w.Body), "InvalidRange") {
			t.Errorf("status = %d, body %s; want 416 InvalidRange", w.Status, w.Body)
		}
	})

	t.Run("unusable range is ignored", func(t *testing.T) {
		w := h.Run(t, fn, h.Event(t, "corpus.txt", "", map[string]string{"Range": "bytes=0-1,5-6"}))
		if w.Status != http.StatusOK || !bytes.Equal(w.Body, whole) {
			t.Errorf("status = %d, %d bytes; want 200 with the whole masked object", w.Status, len(w.Body))
		}
	})
}

// TestMaskLargeObject streams a text object four times larger than the
// memory the built program may use.
func TestMaskLargeObject(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB")
	}
	const size = 64 << 20
	const memoryLimit = 16 << 20

	// Each line masks on its own, so the masked object is the masked line
	// repeated. The line length does not divide the size: the last line is
	// cut, which the check accounts for by masking the same cut.
	line := []byte("Alice,13800138000,alice@example.com,4111 1111 1111 1111,11010519491231002X\n")
	maskedLine := maskAll(line, false)
	cut := size % len(line)
	wantHash := fntest.SHA256Reader(io.MultiReader(
		fntest.RepeatReader(maskedLine, int64(size-cut)),
		bytes.NewReader(maskAll(line[:cut], false))))

	h := fntest.New(t)
	proc := fntest.StartFunction(t, fntest.BuildFunction(t, "./cmd/mask"))
	h.Put(t, "large.csv", fntest.RepeatReader(line, size), "text/csv")

	w := h.Run(t, proc.URL, h.Event(t, "large.csv", "", nil))
	if w.Status != http.StatusOK || w.BodyErr != nil {
		t.Fatalf("status = %d, body error %v", w.Status, w.BodyErr)
	}
	if w.BodyLen != size {
		t.Errorf("body length = %d, want %d", w.BodyLen, size)
	}
	if w.BodySHA256 != wantHash {
		t.Error("masked body differs from the masked lines")
	}
	rss := proc.PeakRSS(t)
	t.Logf("function peak RSS: %.1f MiB", float64(rss)/(1<<20))
	if rss > memoryLimit {
		t.Errorf("function peak RSS = %d MiB, want at most %d MiB", rss>>20, memoryLimit>>20)
	}
}
