package console

import (
	"mime"
	"net/http"
	"path"
	"strings"
)

// pagePolicy is the Content-Security-Policy of every console page: scripts,
// styles and images only from the console itself, no inline script, no
// plugins, no framing.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// objectPolicy is the Content-Security-Policy of object previews and
// downloads. "sandbox" gives the document a unique opaque origin with
// scripts disabled, so an uploaded HTML or SVG file opened directly cannot
// act in the console's origin.
const objectPolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"

// securityHeaders sets the headers every response carries. Object handlers
// replace the Content-Security-Policy with objectPolicy.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", pagePolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

// previewKind is the way the console may show an object.
type previewKind int

const (
	previewNone  previewKind = iota // download only
	previewImage                    // <img> from the preview endpoint
	previewText                     // escaped text in the page
)

// safeImageTypes are the image types a browser renders without running
// script. SVG can carry script; it is listed because an <img> never runs it
// and objectPolicy disables it when the preview is opened directly.
var safeImageTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"image/bmp": true, "image/avif": true, "image/svg+xml": true, "image/x-icon": true,
}

// textTypes are non-text/* media types whose content is readable text.
var textTypes = map[string]bool{
	"application/json": true, "application/xml": true, "application/javascript": true,
	"application/x-yaml": true, "application/yaml": true, "application/x-sh": true,
	"application/toml": true, "application/x-ndjson": true,
}

// textExtensions are file name extensions previewed as text whatever the
// stored Content-Type is.
var textExtensions = map[string]bool{
	".txt": true, ".md": true, ".csv": true, ".tsv": true, ".json": true, ".log": true,
	".xml": true, ".yaml": true, ".yml": true, ".html": true, ".htm": true, ".js": true,
	".css": true, ".go": true, ".py": true, ".sh": true, ".toml": true, ".ini": true,
}

// classify decides how to preview an object from its stored Content-Type
// and, when that is missing or generic, its key's extension. It returns the
// Content-Type to serve a preview with.
func classify(key, contentType string) (previewKind, string) {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil || media == "" || media == "application/octet-stream" || media == "binary/octet-stream" {
		media, _, _ = mime.ParseMediaType(mime.TypeByExtension(strings.ToLower(path.Ext(key))))
	}
	switch {
	case safeImageTypes[media]:
		return previewImage, media
	case strings.HasPrefix(media, "text/"), textTypes[media], textExtensions[strings.ToLower(path.Ext(key))]:
		return previewText, "text/plain; charset=utf-8"
	}
	return previewNone, "application/octet-stream"
}
