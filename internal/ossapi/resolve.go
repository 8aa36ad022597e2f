package ossapi

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Style is how a request addressed its bucket.
type Style int

const (
	// PathStyle requests name the bucket in the first path segment.
	PathStyle Style = iota

	// VirtualHostedStyle requests name the bucket in the first label of the
	// Host, below a configured service domain.
	VirtualHostedStyle
)

// Target is what a request addressed, before any alias is resolved.
type Target struct {
	Style Style

	// Bucket is the bucket name or alias exactly as the client sent it; ""
	// for service-level requests.
	Bucket string

	// Key is the decoded object key; "" when the request names none.
	Key string

	// HasKey tells a request for key "" apart from a bucket-level request
	// (a path of "/bucket/" with nothing after the slash).
	HasKey bool
}

// Level is the resource level of an operation.
type Level int

const (
	ServiceLevel Level = iota
	BucketLevel
	ObjectLevel
)

// Level returns the resource level t addresses.
func (t Target) Level() Level {
	switch {
	case t.Bucket == "":
		return ServiceLevel
	case t.HasKey:
		return ObjectLevel
	default:
		return BucketLevel
	}
}

// resolver maps a Host header and path to a Target.
type resolver struct {
	// domains are the configured service host names, lower case.
	domains []string
}

// resolve parses r's Host and path:
//   - a Host equal to a service domain, an IP address, localhost, or an
//     unknown name is path style: /<bucket>/<key>;
//   - <label>.<domain> (including <label>.localhost) is virtual-hosted
//     style: the label is the bucket and the whole path is the key.
//
// The key is percent-decoded from the raw path, so "//", "%2F" and "+"
// survive as sent.
func (rv *resolver) resolve(r *http.Request) (Target, error) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")

	rawPath := r.URL.EscapedPath()
	if !strings.HasPrefix(rawPath, "/") {
		return Target{}, osserr.Newf(osserr.InvalidRequest, "The request path %q must start with /.", rawPath)
	}
	path, err := url.PathUnescape(rawPath)
	if err != nil {
		return Target{}, osserr.Newf(osserr.InvalidURI, "The request path is not valid percent-encoding: %v.", err)
	}

	if label, ok := rv.virtualHostLabel(host); ok {
		t := Target{Style: VirtualHostedStyle, Bucket: label}
		if path != "/" {
			t.Key, t.HasKey = path[1:], true
		}
		return t, nil
	}

	rest := path[1:]
	if rest == "" {
		return Target{Style: PathStyle}, nil
	}
	bucket, key, hasSlash := strings.Cut(rest, "/")
	if bucket == "" {
		return Target{}, osserr.Newf(osserr.InvalidBucketName,
			"The path %q names an empty bucket; path-style requests start with /<bucket>/.", rawPath).With("BucketName", "")
	}
	t := Target{Style: PathStyle, Bucket: bucket}
	if hasSlash && key != "" {
		t.Key, t.HasKey = key, true
	}
	return t, nil
}

// virtualHostLabel returns the bucket label of a virtual-hosted host name.
func (rv *resolver) virtualHostLabel(host string) (string, bool) {
	if net.ParseIP(host) != nil {
		return "", false
	}
	for _, d := range append(rv.domains, "localhost") {
		if label, ok := strings.CutSuffix(host, "."+d); ok && label != "" && !strings.Contains(label, ".") {
			return label, true
		}
	}
	return "", false
}
