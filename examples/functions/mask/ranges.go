package mask

import (
	"fmt"
	"strconv"
	"strings"
)

// byteRange is a single HTTP byte range: "bytes=first-last",
// "bytes=first-" (last < 0) or "bytes=-suffix" (first < 0).
type byteRange struct {
	first, last, suffix int64
}

// parseRange parses the caller's Range header. Like OSS, it ignores a
// header it cannot use (malformed, or several ranges), so the whole object
// is sent; ok is false then.
func parseRange(header string) (r byteRange, ok bool) {
	spec, found := strings.CutPrefix(strings.TrimSpace(header), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return byteRange{}, false
	}
	firstText, lastText, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return byteRange{}, false
	}

	if firstText == "" {
		suffix, err := strconv.ParseInt(lastText, 10, 64)
		if err != nil || suffix <= 0 {
			return byteRange{}, false
		}
		return byteRange{first: -1, last: -1, suffix: suffix}, true
	}
	first, err := strconv.ParseInt(firstText, 10, 64)
	if err != nil || first < 0 {
		return byteRange{}, false
	}
	if lastText == "" {
		return byteRange{first: first, last: -1}, true
	}
	last, err := strconv.ParseInt(lastText, 10, 64)
	if err != nil || last < first {
		return byteRange{}, false
	}
	return byteRange{first: first, last: last}, true
}

func (r byteRange) String() string {
	switch {
	case r.first < 0:
		return fmt.Sprintf("bytes=-%d", r.suffix)
	case r.last < 0:
		return fmt.Sprintf("bytes=%d-", r.first)
	default:
		return fmt.Sprintf("bytes=%d-%d", r.first, r.last)
	}
}

// window returns the Range header that reads r and Context more bytes on
// each side of it from the original object.
func (r byteRange) window() string {
	switch {
	case r.first < 0:
		return fmt.Sprintf("bytes=-%d", r.suffix+Context)
	case r.last < 0:
		return fmt.Sprintf("bytes=%d-", max(0, r.first-Context))
	default:
		return fmt.Sprintf("bytes=%d-%d", max(0, r.first-Context), r.last+Context)
	}
}

// resolve returns the first and last byte of r in an object of size bytes,
// and false when r covers no byte of it.
func (r byteRange) resolve(size int64) (first, last int64, ok bool) {
	switch {
	case size <= 0:
		return 0, 0, false
	case r.first < 0:
		return max(0, size-r.suffix), size - 1, true
	case r.first >= size:
		return 0, 0, false
	case r.last < 0:
		return r.first, size - 1, true
	default:
		return r.first, min(r.last, size-1), true
	}
}

// parseContentRange parses "bytes first-last/size".
func parseContentRange(header string) (first, last, size int64, err error) {
	invalid := fmt.Errorf("the original object returned an invalid Content-Range %q", header)
	spec, found := strings.CutPrefix(header, "bytes ")
	if !found {
		return 0, 0, 0, invalid
	}
	span, sizeText, found := strings.Cut(spec, "/")
	if !found {
		return 0, 0, 0, invalid
	}
	firstText, lastText, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, 0, invalid
	}
	first, err1 := strconv.ParseInt(firstText, 10, 64)
	last, err2 := strconv.ParseInt(lastText, 10, 64)
	size, err3 := strconv.ParseInt(sizeText, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || first > last || last >= size {
		return 0, 0, 0, invalid
	}
	return first, last, size, nil
}
