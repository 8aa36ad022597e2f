package ossapi

import (
	"net/http"
	"strconv"
)

// Bounds of x-oss-traffic-limit in bit/s, as the OSS Go SDK v2 documents
// them: 30 KiB/s to 100 MiB/s.
const (
	minTrafficLimit = 245760
	maxTrafficLimit = 838860800
)

// checkTrafficLimit validates x-oss-traffic-limit, which uploads, downloads
// and copies may carry.
//
// NOTE: the limit is accepted and checked but not enforced; ossfc serves
// every request at full speed.
func checkTrafficLimit(r *http.Request) error {
	v := r.Header.Get("x-oss-traffic-limit")
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < minTrafficLimit || n > maxTrafficLimit {
		return invalidArgument("x-oss-traffic-limit", v,
			"must be a speed in bit/s from "+strconv.Itoa(minTrafficLimit)+" to "+strconv.Itoa(maxTrafficLimit))
	}
	return nil
}
