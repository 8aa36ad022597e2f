package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// page is the data every template receives.
type page struct {
	Title string
	Nav   string // the active navigation entry

	// Set by render for signed-in pages.
	AccessKeyID string
	Identity    string // the principal's ARN, when known
	CSRF        string
	Flash       *flash

	// Error is shown above the page content.
	Error *errorView

	Data any
}

// pageSet holds one parsed template per page, each with the layout.
type pageSet struct {
	pages map[string]*template.Template
}

var templateFuncs = template.FuncMap{
	"bytes":       formatBytes,
	"time":        func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"query":       url.QueryEscape,
	"pathseg":     url.PathEscape,
	"base":        func(key string) string { return path.Base(strings.TrimSuffix(key, "/")) },
	"hasprefix":   strings.HasPrefix,
	"json_indent": indentJSON,
	"epoch":       formatEpoch,
	// dict builds a map from key and value pairs, to pass several values
	// to a shared template.
	"dict": func(pairs ...any) (map[string]any, error) {
		if len(pairs)%2 != 0 {
			return nil, fmt.Errorf("dict needs key and value pairs, got %d arguments", len(pairs))
		}
		m := make(map[string]any, len(pairs)/2)
		for i := 0; i < len(pairs); i += 2 {
			key, ok := pairs[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict key %v is not a string", pairs[i])
			}
			m[key] = pairs[i+1]
		}
		return m, nil
	},
}

// mustParsePages parses every page template together with the layout.
func mustParsePages() *pageSet {
	layout := template.Must(template.New("layout.html").Funcs(templateFuncs).ParseFS(assets, "assets/templates/layout.html"))
	names, err := fs.Glob(assets, "assets/templates/*.html")
	if err != nil {
		panic(err)
	}
	ps := &pageSet{pages: map[string]*template.Template{}}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t := template.Must(template.Must(layout.Clone()).ParseFS(assets, name))
		ps.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return ps
}

// render writes a page with status 200.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, name string, p page) {
	c.renderStatus(w, r, s, http.StatusOK, name, p)
}

// renderStatus executes a page into a buffer first, so a template error
// becomes a clean 500 instead of half a page.
func (c *Console) renderStatus(w http.ResponseWriter, r *http.Request, s *session, status int, name string, p page) {
	if s != nil {
		p.AccessKeyID = s.accessKeyID
		p.Identity = s.identity
		p.CSRF = s.csrf
		if p.Flash == nil {
			p.Flash = s.takeFlash()
		}
	}
	t := c.pages.pages[name]
	if t == nil {
		c.logger.Error("console page template missing", "page", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}

	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		c.logger.Error("console page rendering failed", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderError shows an error: as JSON to the console's scripts, otherwise
// as a page with the error's status.
func (c *Console) renderError(w http.ResponseWriter, r *http.Request, s *session, e *errorView) {
	if wantsJSON(r) {
		writeJSON(w, e.Status, map[string]any{"error": e})
		return
	}
	c.renderStatus(w, r, s, e.Status, "error", page{Title: "Error", Error: e})
}

// writeJSON sends v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// redirect sends the browser to target after an action, with a message to
// show there.
func redirect(w http.ResponseWriter, r *http.Request, s *session, target, message string) {
	if message != "" {
		s.setFlash(&flash{Message: message})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// redirectError sends the browser back to target with an error to show
// there. Actions use it so that a failed form shows its error next to the
// form it came from.
func (c *Console) redirectError(w http.ResponseWriter, r *http.Request, s *session, target string, err error) {
	s.setFlash(&flash{Error: c.explain(r, err)})
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// formatEpoch formats a time given as Unix seconds, as access point
// responses carry CreationDate, and returns any other text unchanged.
func formatEpoch(text string) string {
	seconds, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return text
	}
	return time.Unix(seconds, 0).UTC().Format("2006-01-02 15:04:05 UTC")
}

// formatBytes writes a size in binary units, such as "1.5 MiB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath returns next when it is a path on this console, and "/buckets"
// otherwise, so the sign-in page cannot be used to redirect elsewhere.
func localPath(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/buckets"
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return "/buckets"
	}
	return next
}
