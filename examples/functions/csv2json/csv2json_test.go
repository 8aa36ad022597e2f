package csv2json

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
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

func TestCSV2JSON(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)

	tests := []struct {
		name  string
		input string
		want  string
	}{
		{
			name:  "quoted fields, byte order mark and unicode",
			input: "\xEF\xBB\xBFid,name,note\r\n1,Alice,\"says \"\"hi\"\", <b>\"\r\n2,王五,\"two\nlines\"\r\n\n3,,\r\n",
			want: `{"id":"1","name":"Alice","note":"says \"hi\", <b>"}` + "\n" +
				`{"id":"2","name":"王五","note":"two\nlines"}` + "\n" +
				`{"id":"3","name":"","note":""}` + "\n",
		},
		{name: "header only", input: "a,b\n", want: ""},
		{name: "empty object", input: "", want: ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprintf("table%d.csv", i)
			h.PutBytes(t, key, []byte(tt.input), "text/csv")
			w := h.Run(t, fn, h.Event(t, key, "", nil))
			if w.Status != http.StatusOK {
				t.Fatalf("status = %d, body %s; want 200", w.Status, w.Body)
			}
			if string(w.Body) != tt.want {
				t.Errorf("body\n got %q\nwant %q", w.Body, tt.want)
			}
			if got := w.Header.Get("Content-Type"); got != "application/x-ndjson" {
				t.Errorf("Content-Type = %q, want application/x-ndjson", got)
			}
			// An empty body goes out chunked: the SDK always attaches a
			// request body, and Go sends an empty POST body of unknown
			// length as chunked.
			if tt.want != "" && w.ContentLength != int64(len(tt.want)) {
				t.Errorf("Content-Length = %d, want %d", w.ContentLength, len(tt.want))
			}
		})
	}
}

// TestCSV2JSONBadInput pins what a caller gets for broken CSV found before
// the response starts: 400 InvalidArgument naming the line.
func TestCSV2JSONBadInput(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)

	tests := []struct {
		name    string
		input   string
		message string
	}{
		{"too few fields", "a,b,c\n1,2,3\n4,5\n", "The CSV row on line 3 has 2 fields, but the header has 3."},
		{"too many fields", "a,b\n1,2\n3,4\n5,6,7\n", "The CSV row on line 4 has 3 fields, but the header has 2."},
		{"stray quote", "a,b\n1,x\"y\n", "The CSV is malformed on line 2, column 4: bare \" in non-quoted-field."},
		{"duplicate column", "id,name,id\n1,2,3\n", `The CSV header on line 1 names the column "id" twice; JSON keys must be unique.`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprintf("bad%d.csv", i)
			h.PutBytes(t, key, []byte(tt.input), "text/csv")
			w := h.Run(t, fn, h.Event(t, key, "", nil))
			if w.Status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", w.Status)
			}
			if !strings.Contains(string(w.Body), "<Code>InvalidArgument</Code>") {
				t.Errorf("body %s lacks InvalidArgument", w.Body)
			}
			if !strings.Contains(string(w.Body), "<Message>"+xmlEscape(tt.message)+"</Message>") {
				t.Errorf("body %s lacks the message %q", w.Body, tt.message)
			}
		})
	}
}

// TestCSV2JSONLateRaggedRow pins what a caller gets for a ragged row after
// the response has started: the rows before it, then a broken body.
func TestCSV2JSONLateRaggedRow(t *testing.T) {
	h := fntest.New(t)
	fn := startInProcess(t)

	var input bytes.Buffer
	input.WriteString("n,square\n")
	const goodRows = 20000 // about 500 KiB of JSON, well past the prefetch
	for i := 0; i < goodRows; i++ {
		fmt.Fprintf(&input, "%d,%d\n", i, i*i)
	}
	input.WriteString("oops\n")
	for i := 0; i < 100; i++ {
		input.WriteString("1,1\n")
	}
	h.PutBytes(t, "ragged.csv", input.Bytes(), "text/csv")

	event := h.Event(t, "ragged.csv", "", nil)
	if status := h.Invoke(t, fn, event); status < 400 {
		t.Errorf("function status = %d, want a function error (400 or more)", status)
	}
	w := h.Recorder.Wait(t, event.GetObjectContext.OutputToken)
	if w.Status != http.StatusOK {
		t.Errorf("status = %d, want 200 (sent before the error)", w.Status)
	}
	if w.ContentLength != -1 {
		t.Errorf("Content-Length = %d, want chunked", w.ContentLength)
	}
	if w.BodyErr == nil {
		t.Fatal("the body ended cleanly; want it aborted so the caller sees the error")
	}

	// What arrived is whole rows, in order, and none after the ragged one.
	scanner := bufio.NewScanner(bytes.NewReader(w.Body))
	rows := 0
	for scanner.Scan() {
		var row map[string]string
		if err := json.Unmarshal(scanner.Bytes(), &row); err != nil {
			break // the last line may be cut
		}
		if want := fmt.Sprint(rows); row["n"] != want {
			t.Fatalf("row %d has n = %q", rows, row["n"])
		}
		rows++
	}
	if rows < prefetchSize/30 || rows > goodRows {
		t.Errorf("%d rows arrived, want between %d and %d", rows, prefetchSize/30, goodRows)
	}
}

// TestCSV2JSONLargeObject converts a CSV object four times larger than the
// memory the built program may use.
func TestCSV2JSONLargeObject(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 64 MiB")
	}
	const size = 64 << 20
	const memoryLimit = 16 << 20

	header := "id,name,email,city\n"
	row := "42,Alice Smith,alice@example.com,\"Hangzhou, Zhejiang\"\n"
	jsonRow := `{"id":"42","name":"Alice Smith","email":"alice@example.com","city":"Hangzhou, Zhejiang"}` + "\n"
	rows := int64(size / len(row))

	h := fntest.New(t)
	proc := fntest.StartFunction(t, fntest.BuildFunction(t, "./cmd/csv2json"))
	h.Put(t, "large.csv", io.MultiReader(strings.NewReader(header), fntest.RepeatReader([]byte(row), rows*int64(len(row)))), "text/csv")

	w := h.Run(t, proc.URL, h.Event(t, "large.csv", "", nil))
	if w.Status != http.StatusOK || w.BodyErr != nil {
		t.Fatalf("status = %d, body error %v", w.Status, w.BodyErr)
	}
	if want := rows * int64(len(jsonRow)); w.BodyLen != want {
		t.Errorf("body length = %d, want %d", w.BodyLen, want)
	}
	if want := fntest.SHA256Reader(fntest.RepeatReader([]byte(jsonRow), rows*int64(len(jsonRow)))); w.BodySHA256 != want {
		t.Error("body differs from the converted rows")
	}
	rss := proc.PeakRSS(t)
	t.Logf("function peak RSS: %.1f MiB", float64(rss)/(1<<20))
	if rss > memoryLimit {
		t.Errorf("function peak RSS = %d MiB, want at most %d MiB", rss>>20, memoryLimit>>20)
	}
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
