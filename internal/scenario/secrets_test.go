package scenario

import (
	"strconv"
	"strings"
	"testing"
)

// redactions are the spellings of the placeholder that error documents
// show in place of a security token (plain, XML-escaped, URL-escaped).
var redactions = []string{"<redacted>", "&lt;redacted&gt;", "%3credacted%3e"}

// presignedMarkers are the query parameters of presigned URLs that carry a
// signature or a security token, as they appear in a URL, longest first so
// that a hit names the full parameter.
var presignedMarkers = []string{"x-oss-security-token=", "x-oss-signature=", "security-token=", "signature="}

// noSecretsInLogsOrErrorBodies scans every server log line and every error
// body of the run for each secret, security token and signature the run
// produced, and for presigned query parameters that carry a value.
func (s *suite) noSecretsInLogsOrErrorBodies(t *testing.T) {
	type source struct {
		name, text string
	}
	var sources []source
	for i, line := range strings.Split(s.env.Logs.String(), "\n") {
		sources = append(sources, source{"server log line " + strconv.Itoa(i+1), line})
	}
	s.notes.mu.Lock()
	for _, e := range s.notes.errorBodies {
		sources = append(sources, source{"error body of " + e.request, string(e.body)})
	}
	secrets := make(map[string]string, len(s.notes.secrets))
	for value, what := range s.notes.secrets {
		secrets[value] = what
	}
	errorBodies := len(s.notes.errorBodies)
	s.notes.mu.Unlock()

	// The scan is only as good as what it looks for: the run must have
	// produced errors, logs and the function's credentials. A presigned
	// security token is noted as the token of its session.
	kinds := map[string]bool{}
	for _, what := range secrets {
		kinds[strings.SplitN(what, " of ", 2)[0]] = true
	}
	for _, kind := range []string{"AccessKeySecret", "SecurityToken", "V4 signature", "V1 signature", "outputToken", "x-oss-signature", "Signature"} {
		if !kinds[kind] {
			t.Errorf("the run noted no %s to scan for", kind)
		}
	}
	if errorBodies < 50 || len(sources)-errorBodies < 100 {
		t.Errorf("the run produced %d error bodies and %d log lines; the scenarios did not run", errorBodies, len(sources)-errorBodies)
	}

	// The admin API's access records are part of the scan: the operations
	// that return a secret, and a rejected signature, must have been logged.
	adminOps := map[string]bool{}
	for _, src := range sources {
		if strings.Contains(src.text, " log=access ") && strings.Contains(src.text, " path=/admin/") {
			adminOps[adminOperation(src.text)] = true
		}
	}
	for _, op := range []string{"op=CreateAccessKey status=200", "op=AssumeRole status=200", "error_code=SignatureDoesNotMatch"} {
		if !adminOps[op] {
			t.Errorf("the log has no admin access record with %s to scan", op)
		}
	}

	for _, src := range sources {
		for value, what := range secrets {
			if strings.Contains(src.text, value) {
				t.Errorf("%s contains the %s: %s", src.name, what, src.text)
			}
		}
		if marker, ok := presignedValue(src.text); ok {
			t.Errorf("%s contains a presigned %s with a value: %s", src.name, marker, src.text)
		}
	}
	t.Logf("scanned %d log lines and %d error bodies for %d secrets", len(sources)-errorBodies, errorBodies, len(secrets))
}

// presignedValue reports whether text holds a presigned marker followed by
// a value other than the redaction placeholder, and which marker.
func presignedValue(text string) (string, bool) {
	lower := strings.ToLower(text)
	for _, marker := range presignedMarkers {
		rest := lower
		for {
			i := strings.Index(rest, marker)
			if i < 0 {
				break
			}
			rest = rest[i+len(marker):]
			if redacted(rest) || rest == "" || strings.ContainsRune("&\"' \t<", rune(rest[0])) {
				continue
			}
			return marker, true
		}
	}
	return "", false
}

// redacted reports whether rest starts with the redaction placeholder.
func redacted(rest string) bool {
	for _, r := range redactions {
		if strings.HasPrefix(rest, r) {
			return true
		}
	}
	return false
}

// adminOperation returns the part of an admin access record that names its
// outcome: "op=<name> status=<code>" for a success and
// "error_code=<code>" for a failure.
func adminOperation(record string) string {
	fields := map[string]string{}
	for _, field := range strings.Fields(record) {
		if name, value, ok := strings.Cut(field, "="); ok {
			fields[name] = value
		}
	}
	if code := fields["error_code"]; code != `""` && code != "" {
		return "error_code=" + code
	}
	return "op=" + fields["op"] + " status=" + fields["status"]
}
