package ossapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Limits of upload callbacks, as OSS documents them.
const (
	callbackTimeout     = 5 * time.Second
	maxCallbackURLs     = 5
	maxCallbackResponse = 3 << 20
)

// uploadCallback is a decoded x-oss-callback header with its
// x-oss-callback-var custom variables.
type uploadCallback struct {
	URLs     []*url.URL
	Host     string // Host header of the callback request; "" for the URL's
	Body     string // template with ${...} variables
	BodyType string // application/x-www-form-urlencoded or application/json
	Vars     map[string]string
}

// callbackConfig is the JSON document inside x-oss-callback.
type callbackConfig struct {
	URL      string `json:"callbackUrl"`
	Host     string `json:"callbackHost"`
	Body     string `json:"callbackBody"`
	BodyType string `json:"callbackBodyType"`
	SNI      bool   `json:"callbackSNI"`
}

func invalidCallback(format string, args ...any) error {
	return osserr.Newf(osserr.InvalidArgument, format, args...).With("ArgumentName", "x-oss-callback")
}

// parseCallback decodes x-oss-callback and x-oss-callback-var, or returns
// nil when the request has no callback. It runs before the upload is
// stored, so an invalid callback fails the request and stores nothing.
func (s *Server) parseCallback(r *http.Request) (*uploadCallback, error) {
	raw := r.Header.Get("x-oss-callback")
	if raw == "" {
		return nil, nil
	}
	doc, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return nil, invalidCallback("The x-oss-callback header is not valid base64.")
	}
	var conf callbackConfig
	if err := json.Unmarshal(doc, &conf); err != nil {
		return nil, invalidCallback("The callback configuration is not json format.")
	}
	if strings.TrimSpace(conf.URL) == "" {
		return nil, invalidCallback("The callback configuration has no callbackUrl.")
	}
	if conf.Body == "" {
		return nil, invalidCallback("The callback configuration has no callbackBody.")
	}

	cb := &uploadCallback{Host: conf.Host, Body: conf.Body, BodyType: conf.BodyType, Vars: map[string]string{}}
	switch cb.BodyType {
	case "":
		cb.BodyType = "application/x-www-form-urlencoded"
	case "application/x-www-form-urlencoded", "application/json":
	default:
		return nil, invalidCallback("The callbackBodyType %q must be application/x-www-form-urlencoded or application/json.", conf.BodyType)
	}
	for _, text := range strings.Split(conf.URL, ";") {
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if !strings.Contains(text, "://") {
			text = "http://" + text
		}
		u, err := url.Parse(text)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, invalidCallback("The callbackUrl %q is not an http or https URL.", text)
		}
		cb.URLs = append(cb.URLs, u)
	}
	if len(cb.URLs) == 0 || len(cb.URLs) > maxCallbackURLs {
		return nil, invalidCallback("The callbackUrl must list 1 to %d URLs separated by ';'.", maxCallbackURLs)
	}

	if rawVars := r.Header.Get("x-oss-callback-var"); rawVars != "" {
		varsDoc, err := base64.StdEncoding.DecodeString(rawVars)
		if err != nil {
			return nil, invalidCallback("The x-oss-callback-var header is not valid base64.")
		}
		if err := json.Unmarshal(varsDoc, &cb.Vars); err != nil {
			return nil, invalidCallback("The x-oss-callback-var header is not a JSON object of strings.")
		}
		for name := range cb.Vars {
			if !strings.HasPrefix(name, "x:") {
				return nil, invalidCallback("The custom callback variable %q must start with x:.", name)
			}
		}
	}

	// A JSON body must stay valid JSON once its variables are replaced.
	if cb.BodyType == "application/json" {
		probe := cb.render(map[string]any{"bucket": "b", "object": "k", "etag": "E", "size": int64(0), "mimeType": "t"})
		if !json.Valid([]byte(probe)) {
			return nil, invalidCallback("The callback configuration is not json format: callbackBody is not JSON once its variables are replaced.")
		}
	}
	return cb, nil
}

// callbackVariable matches ${name} in a callback body.
var callbackVariable = regexp.MustCompile(`\$\{([^}]*)\}`)

// render replaces the ${...} variables of the body with system values and
// the custom x: variables. In a form body values are URL-encoded; in a JSON
// body strings become JSON strings and numbers JSON numbers. Unknown
// variables become empty values.
func (cb *uploadCallback) render(system map[string]any) string {
	return callbackVariable.ReplaceAllStringFunc(cb.Body, func(m string) string {
		name := m[2 : len(m)-1]
		var v any = ""
		if custom, ok := cb.Vars[name]; ok {
			v = custom
		} else if sys, ok := system[name]; ok {
			v = sys
		}
		if cb.BodyType == "application/json" {
			b, _ := json.Marshal(v)
			return string(b)
		}
		return url.QueryEscape(fmt.Sprint(v))
	})
}

// callbackAllowed reports whether host[:port] matches a --callback-allow
// pattern: "host" allows every port of host, "host:port" only that port,
// and "*.domain" any sub-domain of domain. Names compare without case.
func callbackAllowed(patterns []string, u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		pHost, pPort := p, ""
		if h, pt, err := net.SplitHostPort(p); err == nil {
			pHost, pPort = h, pt
		}
		pHost = strings.Trim(pHost, "[]")
		if pPort != "" && pPort != port {
			continue
		}
		if suffix, ok := strings.CutPrefix(pHost, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if pHost == host {
			return true
		}
	}
	return false
}

// runCallback sends the callback of a stored object and writes the response:
// the callback server's JSON reply with 200, or 203 CallbackFailed when no
// URL is allowed and answers successfully. The object stays stored either
// way, as in OSS.
func (s *Server) runCallback(w http.ResponseWriter, r *http.Request, req *Request, cb *uploadCallback, o *meta.Object) error {
	clientIP, _, _ := net.SplitHostPort(r.RemoteAddr)
	body := cb.render(map[string]any{
		"bucket": req.Target.Bucket, "object": o.Key, "etag": o.ETag, "size": o.Size,
		"mimeType": o.ContentType, "crc64": strconv.FormatUint(o.CRC64, 10),
		"contentMd5": etagToContentMD5(o.ETag), "clientIp": clientIP, "reqId": req.ID,
		"operation": req.Op.Name, "vpcId": "",
	})

	var failures []string
	for _, u := range cb.URLs {
		if !callbackAllowed(s.callbackAllow, u) {
			failures = append(failures, fmt.Sprintf("the host %s is not allowed by --callback-allow", u.Host))
			continue
		}
		reply, err := s.postCallback(r.Context(), u, cb, body)
		if err != nil {
			s.logger.Info("upload callback failed", "request_id", req.ID, "url", u.Redacted(), "err", err)
			failures = append(failures, fmt.Sprintf("%s: %v", u.Host, err))
			continue
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(reply)))
		w.WriteHeader(http.StatusOK)
		w.Write(reply)
		return nil
	}

	e := osserr.Newf(osserr.CallbackFailed, "The upload callback failed: %s. The object was stored.", strings.Join(failures, "; "))
	return s.writeCallbackFailure(w, r, req, e)
}

// writeCallbackFailure sends the 203 CallbackFailed document; the request
// itself succeeded, so it is not logged as a server error.
func (s *Server) writeCallbackFailure(w http.ResponseWriter, r *http.Request, req *Request, e *osserr.Error) error {
	req.ErrorCode = string(e.Code)
	osserr.Write(w, r, e, req.ID, r.Host)
	return nil
}

// postCallback sends one callback request and returns the reply body, which
// must be JSON from a 200 response.
func (s *Server) postCallback(ctx context.Context, u *url.URL, cb *uploadCallback, body string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callbackTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", cb.BodyType)
	hr.Header.Set("User-Agent", "ossfc-callback")
	hr.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	if cb.Host != "" {
		hr.Host = cb.Host
	}
	if s.callbackSigner != nil {
		if err := s.callbackSigner.sign(hr, body); err != nil {
			return nil, err
		}
	}

	resp, err := s.callbackClient.Do(hr)
	if err != nil {
		return nil, errors.Unwrap(err) // drop the URL, which the message names already
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxCallbackResponse+1))
	if err != nil {
		return nil, fmt.Errorf("reading the response: %w", err)
	}
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	case len(reply) > maxCallbackResponse:
		return nil, fmt.Errorf("response body larger than %d bytes", maxCallbackResponse)
	case !json.Valid(bytes.TrimSpace(reply)):
		return nil, errors.New("response body is not valid JSON")
	}
	return reply, nil
}

// newCallbackClient returns the HTTP client of upload callbacks. It follows
// no redirects, because a redirect could lead to a host --callback-allow
// does not list.
func newCallbackClient() *http.Client {
	return &http.Client{
		Timeout: callbackTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
