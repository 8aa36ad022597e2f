package demo

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// report prints one aligned line per read as soon as the read is done, so
// a slow step shows where it is. Reads through the same alias are grouped
// under a line that names the alias.
type report struct {
	out                 io.Writer
	whatWidth           int
	aliases             map[string]string
	group               string // the function of the current group; "" for direct reads
	started             bool
	ok, failed, skipped int
}

// newReport prints the table head, with a column wide enough for cases.
func newReport(out io.Writer, cases []readCase, aliases map[string]string) *report {
	r := &report{out: out, whatWidth: len("read"), aliases: aliases}
	for _, c := range cases {
		r.whatWidth = max(r.whatWidth, len(c.what()))
	}
	fmt.Fprintf(out, "  %-*s  %8s  %8s  %s\n", r.whatWidth, "read", "bytes", "time", "result")
	return r
}

func (r *report) add(w row) {
	if !r.started || w.c.function != r.group {
		r.started, r.group = true, w.c.function
		if w.c.function == "" {
			fmt.Fprintf(r.out, "directly from bucket %s\n", bucketName)
		} else {
			fmt.Fprintf(r.out, "through %s (function %s)\n", w.alias, w.c.function)
		}
	}
	elapsed := "-"
	if w.status != "SKIP" {
		elapsed = formatDuration(w.elapsed)
	}
	fmt.Fprintf(r.out, "  %-*s  %8d  %8s  %-4s  %s\n", r.whatWidth, w.c.what(), w.bytes, elapsed, w.status, oneLine(w.detail))
	switch w.status {
	case "OK":
		r.ok++
	case "SKIP":
		r.skipped++
	default:
		r.failed++
	}
}

// finish prints the totals and reports whether no read failed.
func (r *report) finish(total time.Duration) bool {
	verdict := "PASS"
	if r.failed > 0 {
		verdict = "FAIL"
	}
	fmt.Fprintf(r.out, "\n%s: %d OK, %d failed, %d skipped; %s in all.\n", verdict, r.ok, r.failed, r.skipped, total.Round(100*time.Millisecond))
	fmt.Fprintf(r.out, "The first read through each alias includes the start of a function instance.\n")
	return r.failed == 0
}

func formatDuration(d time.Duration) string {
	if d < 10*time.Millisecond {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// oneLine keeps an error message on the report's line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
