package ossapi

import (
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
)

// byteRange is a satisfiable range of an object.
type byteRange struct {
	start, length int64
}

// parseRange interprets a Range header for an object of size bytes, the way
// OSS does. It returns nil for "send the whole object".
//
// OSS serves one range of the form bytes=a-b, bytes=a- or bytes=-n; of
// several comma-separated ranges only the first counts. By default a range
// it cannot satisfy exactly (a syntax error, a start or end past the last
// byte) is ignored and the whole object is sent with 200. With x-oss-range-behavior: standard it follows RFC 9110: an end
// past the last byte is clipped, and a range that selects no byte fails with
// 416 InvalidRange.
func parseRange(header string, size int64, standard bool) (*byteRange, error) {
	if header == "" {
		return nil, nil
	}
	unsatisfiable := func() (*byteRange, error) {
		if !standard {
			return nil, nil
		}
		return nil, osserr.Newf(osserr.InvalidRange, "The range %q cannot be satisfied for an object of %d bytes.", header, size).
			WithHeader("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
	}

	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok {
		return unsatisfiable()
	}
	spec, _, _ = strings.Cut(spec, ",")
	first, last, ok := strings.Cut(strings.TrimSpace(spec), "-")
	if !ok {
		return unsatisfiable()
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)

	if first == "" {
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n <= 0 || size == 0 {
			return unsatisfiable()
		}
		if n > size {
			if !standard {
				return nil, nil
			}
			n = size
		}
		return &byteRange{size - n, n}, nil
	}

	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil || start < 0 || start >= size {
		return unsatisfiable()
	}
	end := size - 1
	if last != "" {
		end, err = strconv.ParseInt(last, 10, 64)
		if err != nil || end < start {
			return unsatisfiable()
		}
		if end >= size {
			if !standard {
				return nil, nil
			}
			end = size - 1
		}
	}
	return &byteRange{start, end - start + 1}, nil
}
