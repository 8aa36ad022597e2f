package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/sampledata"
)

// Keys of the generated objects.
const (
	keyCSV = "data/people.csv"
	keyLog = "logs/access.jsonl"
)

// readCase is one GetObject and the check of its result.
type readCase struct {
	key      string
	function string // the Object FC Access Point's function; "" reads the bucket directly
	process  string // x-oss-process, or ""
	rng      [2]int // an inclusive byte range when rng[1] > 0

	// check inspects the body and returns a short description of what it
	// found, or an error naming what is wrong.
	check func(res *oss.GetObjectResult, body []byte) (string, error)
}

// what describes the request in the report.
func (c readCase) what() string {
	switch {
	case c.process != "":
		return c.key + " " + c.process
	case c.rng[1] > 0:
		return fmt.Sprintf("%s bytes=%d-%d", c.key, c.rng[0], c.rng[1])
	}
	return c.key
}

// readCases lists the reads in the order they run. Later checks compare
// with results of earlier ones, which they find in results.
func readCases(in *inputs) []readCase {
	r := &results{}
	// A range of up to 200,000 bytes that starts a third into the CSV,
	// inside a row.
	csvRange := [2]int{len(in.csv)/3 + 7, min(len(in.csv)/3+7+200_000, len(in.csv)-1)}
	return []readCase{
		{key: keyCSV, check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			return "stored object", sameBytes(body, in.csv)
		}},
		{key: keyCSV, function: "identity", check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			return "identical to the stored object", sameBytes(body, in.csv)
		}},
		{key: keyCSV, function: "mask", check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			r.maskedCSV = body
			return checkMaskedCSV(body, in)
		}},
		{key: keyCSV, function: "mask", rng: csvRange, check: func(res *oss.GetObjectResult, body []byte) (string, error) {
			return checkMaskedRange(res, body, r.maskedCSV, csvRange, len(in.csv))
		}},
		{key: keyLog, function: "mask", check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			r.maskedLog = body
			return checkMaskedLog(body, in)
		}},
		{key: keyLog, function: PythonMask, check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			if r.maskedLog == nil {
				return "", fmt.Errorf("no output of the Go mask function to compare with")
			}
			return "identical to the Go mask function's output", sameBytes(body, r.maskedLog)
		}},
		{key: keyCSV, function: PythonMask, rng: csvRange, check: func(res *oss.GetObjectResult, body []byte) (string, error) {
			return checkMaskedRange(res, body, r.maskedCSV, csvRange, len(in.csv))
		}},
		{key: keyCSV, function: "csv2json", check: func(_ *oss.GetObjectResult, body []byte) (string, error) {
			return checkJSONLines(body, in.people)
		}},
		imageCase(in, "photos/talk.jpg", "image/resize,w_100", "jpeg", 100, 69),
		imageCase(in, "photos/talk-q50.jpg", "image/resize,w_60/format,png", "png", 60, 41),
		imageCase(in, "photos/talk.png", "image/resize,m_fixed,w_120,h_80/format,jpg", "jpeg", 120, 80),
		imageCase(in, "photos/workshop-gray.png", "image/resize,p_50/format,gif", "gif", 75, 52),
	}
}

// results holds outputs that later checks compare with.
type results struct {
	maskedCSV []byte
	maskedLog []byte
}

// row is the outcome of one read.
type row struct {
	c       readCase
	alias   string
	bytes   int
	elapsed time.Duration
	status  string // OK, FAIL or SKIP
	detail  string
}

// read runs c through its function's alias, or directly on the bucket, and
// checks the result. The time covers the request and reading the body.
func (w *world) read(ctx context.Context, c readCase) row {
	bucket := bucketName
	if c.function != "" {
		bucket = w.aliases[c.function]
	}
	out := row{c: c, alias: bucket}
	if c.function == PythonMask && !w.python {
		out.status, out.detail = "SKIP", "no "+pythonInterpreter
		return out
	}

	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(c.key)}
	if c.process != "" {
		req.Process = oss.Ptr(c.process)
	}
	if c.rng[1] > 0 {
		req.Range = oss.Ptr(fmt.Sprintf("bytes=%d-%d", c.rng[0], c.rng[1]))
	}
	start := time.Now()
	res, err := w.client.GetObject(ctx, req)
	var body []byte
	if err == nil {
		body, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	out.elapsed, out.bytes = time.Since(start), len(body)
	if err != nil {
		out.status, out.detail = "FAIL", err.Error()
		return out
	}

	detail, err := c.check(res, body)
	if err != nil {
		out.status, out.detail = "FAIL", err.Error()
		return out
	}
	out.status, out.detail = "OK", detail
	return out
}

func sameBytes(got, want []byte) error {
	if bytes.Equal(got, want) {
		return nil
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d bytes, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("differs from byte %d on", i)
		}
	}
	return nil
}

// checkMaskedCSV checks that every e-mail address, phone, identity card
// and card number is masked, that the other columns are unchanged, and
// that the length is kept.
func checkMaskedCSV(body []byte, in *inputs) (string, error) {
	if len(body) != len(in.csv) {
		return "", fmt.Errorf("%d bytes, but masking keeps the length of %d", len(body), len(in.csv))
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		return "", fmt.Errorf("not valid CSV: %v", err)
	}
	if len(records) != len(in.people)+1 {
		return "", fmt.Errorf("%d records, want %d", len(records), len(in.people)+1)
	}
	for i, p := range in.people {
		got, want := records[i+1], p.Record()
		if len(got) != len(want) {
			return "", fmt.Errorf("row %d has %d fields, want %d", i+1, len(got), len(want))
		}
		for col, name := range sampledata.CSVHeader {
			sensitive := name == "email" || name == "phone" || name == "id_number" || name == "card_number"
			switch {
			case sensitive && (got[col] == want[col] || !strings.Contains(got[col], "*")):
				return "", fmt.Errorf("row %d: %s %q is not masked", i+1, name, got[col])
			case sensitive && len(got[col]) != len(want[col]):
				return "", fmt.Errorf("row %d: masked %s %q has another length than %q", i+1, name, got[col], want[col])
			case !sensitive && got[col] != want[col]:
				return "", fmt.Errorf("row %d: %s changed from %q to %q", i+1, name, want[col], got[col])
			}
		}
		if got[2][0] != want[2][0] || !strings.HasSuffix(got[2], want[2][strings.IndexByte(want[2], '@'):]) {
			return "", fmt.Errorf("row %d: masked e-mail %q does not keep the first character and the domain of %q", i+1, got[2], want[2])
		}
	}
	return fmt.Sprintf("%d rows: e-mail, phone, ID and card masked", len(in.people)), nil
}

// checkMaskedRange checks a 206 response for the inclusive range rng of an
// object of size bytes against the same bytes of the whole masked object.
func checkMaskedRange(res *oss.GetObjectResult, body, masked []byte, rng [2]int, size int) (string, error) {
	if masked == nil {
		return "", fmt.Errorf("no whole masked object to compare with")
	}
	wantRange := fmt.Sprintf("bytes %d-%d/%d", rng[0], rng[1], size)
	if res.StatusCode != 206 || oss.ToString(res.ContentRange) != wantRange {
		return "", fmt.Errorf("status %d with Content-Range %q, want 206 with %q", res.StatusCode, oss.ToString(res.ContentRange), wantRange)
	}
	if err := sameBytes(body, masked[rng[0]:rng[1]+1]); err != nil {
		return "", fmt.Errorf("not the range of the whole masked object: %v", err)
	}
	return "equals that range of the whole masked object", nil
}

// checkMaskedLog checks that each line still parses as JSON, that e-mail,
// card and phone number are masked, and that the phone number is still a
// JSON number.
func checkMaskedLog(body []byte, in *inputs) (string, error) {
	if len(body) != len(in.log) {
		return "", fmt.Errorf("%d bytes, but masking keeps the length of %d", len(body), len(in.log))
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	line := 0
	for ; sc.Scan(); line++ {
		if line >= len(in.entries) {
			return "", fmt.Errorf("more lines than the %d of the log", len(in.entries))
		}
		var got sampledata.LogEntry
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			return "", fmt.Errorf("line %d is not valid JSON any more: %v", line+1, err)
		}
		want := in.entries[line]
		switch {
		case got.User.Email == want.User.Email || len(got.User.Email) != len(want.User.Email):
			return "", fmt.Errorf("line %d: e-mail %q is not masked", line+1, got.User.Email)
		case got.User.PhoneNumber == want.User.PhoneNumber:
			return "", fmt.Errorf("line %d: phone number %d is not masked", line+1, got.User.PhoneNumber)
		case want.User.CardNumber != "" && got.User.CardNumber == want.User.CardNumber:
			return "", fmt.Errorf("line %d: card number %q is not masked", line+1, got.User.CardNumber)
		case got.User.Name != want.User.Name || got.Time != want.Time || got.Client != want.Client:
			return "", fmt.Errorf("line %d: the name, time or client changed, but they hold no personal data", line+1)
		}
	}
	if line != len(in.entries) {
		return "", fmt.Errorf("%d lines, want %d", line, len(in.entries))
	}
	return fmt.Sprintf("%d JSON lines parse; e-mail, phone, card masked", line), nil
}

// checkJSONLines checks that the output has one JSON object per CSV row,
// keyed by the header's names, holding the row's values.
func checkJSONLines(body []byte, people []sampledata.Person) (string, error) {
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if len(lines) != len(people) {
		return "", fmt.Errorf("%d lines for %d rows", len(lines), len(people))
	}
	for i, line := range lines {
		var obj map[string]string
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			return "", fmt.Errorf("line %d is not a JSON object of strings: %v", i+1, err)
		}
		record := people[i].Record()
		if len(obj) != len(record) {
			return "", fmt.Errorf("line %d has %d keys, want %d", i+1, len(obj), len(record))
		}
		for col, name := range sampledata.CSVHeader {
			if obj[name] != record[col] {
				return "", fmt.Errorf("line %d: %s = %q, want %q", i+1, name, obj[name], record[col])
			}
		}
	}
	return fmt.Sprintf("%d JSON objects, one per row", len(lines)), nil
}

// imageCase reads a photograph through the image function with process
// and expects an image of the given format and size.
func imageCase(in *inputs, key, process, format string, width, height int) readCase {
	return readCase{key: key, function: "image", process: process, check: func(res *oss.GetObjectResult, body []byte) (string, error) {
		img, got, err := image.Decode(bytes.NewReader(body))
		if err != nil {
			return "", fmt.Errorf("the result is not an image: %v", err)
		}
		b := img.Bounds()
		if got != format || b.Dx() != width || b.Dy() != height {
			return "", fmt.Errorf("%s %dx%d, want %s %dx%d", got, b.Dx(), b.Dy(), format, width, height)
		}
		if ct := oss.ToString(res.ContentType); ct != "image/"+format {
			return "", fmt.Errorf("Content-Type %q, want image/%s", ct, format)
		}
		p := in.photos[key]
		return fmt.Sprintf("%s %dx%d from %s %dx%d", got, b.Dx(), b.Dy(), p.Format, p.Width, p.Height), nil
	}}
}
