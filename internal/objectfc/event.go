package objectfc

import (
	"net/http"
	"net/url"
	"strings"
)

// Event is the JSON document a function receives for one transformed
// GetObject. Official examples read only getObjectContext; the other parts
// describe the request, the caller and the configuration.
type Event struct {
	Version          string           `json:"version"`
	RequestID        string           `json:"xOssRequestId"`
	GetObjectContext GetObjectContext `json:"getObjectContext"`
	Configuration    Configuration    `json:"configuration"`
	UserRequest      UserRequest      `json:"userRequest"`
	UserIdentity     UserIdentity     `json:"userIdentity"`
}

// GetObjectContext tells the function where to read the object and where to
// send the result.
type GetObjectContext struct {
	// InputOssURL is a presigned GET of exactly the requested object through
	// the supporting access point.
	InputOssURL string `json:"inputOssUrl"`

	// OutputRoute and OutputToken go into the WriteGetObjectResponse as
	// x-oss-request-route and x-oss-request-token.
	OutputRoute string `json:"outputRoute"`
	OutputToken string `json:"outputToken"`
}

// Configuration describes the Object FC Access Point that was used.
type Configuration struct {
	AccessPointForObjectProcessArn string   `json:"accessPointForObjectProcessArn"`
	SupportingAccessPointArn       string   `json:"supportingAccessPointArn"`
	FunctionArn                    string   `json:"functionArn"`
	AllowedFeatures                []string `json:"allowedFeatures"`
	Payload                        string   `json:"payload"`
}

// UserRequest is the caller's request without its authentication.
type UserRequest struct {
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// UserIdentity is who called GetObject.
type UserIdentity struct {
	Type        string `json:"type"` // Account, RAMUser or AssumedRole
	PrincipalID string `json:"principalId"`
	AccountID   string `json:"accountId"`
	AccessKeyID string `json:"accessKeyId"`
}

// authQueryParams are the query parameters that authenticate a presigned URL;
// they never reach the function.
var authQueryParams = map[string]bool{
	"ossaccesskeyid": true, "expires": true, "signature": true, "security-token": true,
	"x-oss-signature": true, "x-oss-signature-version": true, "x-oss-credential": true,
	"x-oss-date": true, "x-oss-expires": true, "x-oss-additional-headers": true,
	"x-oss-security-token": true,
}

// withheldHeaders are request headers that carry credentials or belong to the
// connection, not to the object request.
var withheldHeaders = map[string]bool{
	"authorization": true, "x-oss-security-token": true, "cookie": true, "proxy-authorization": true,
	"x-oss-date": true, "x-oss-content-sha256": true, "connection": true, "content-length": true,
	"transfer-encoding": true,
}

// callerURL rebuilds the URL the caller requested, without authentication
// parameters.
func callerURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath}

	var kept []string
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		if part == "" {
			continue
		}
		name, _, _ := strings.Cut(part, "=")
		if decoded, err := url.QueryUnescape(name); err == nil {
			name = decoded
		}
		if !authQueryParams[strings.ToLower(name)] {
			kept = append(kept, part)
		}
	}
	u.RawQuery = strings.Join(kept, "&")
	return u.String()
}

// callerHeaders returns the caller's request headers that a function may
// see: everything but credentials and connection headers, plus Host. Names
// in forward (CustomForwardHeaders) are included even when withheld by
// default, except the credential headers, which are never forwarded.
func callerHeaders(r *http.Request, forward []string) map[string]string {
	out := map[string]string{"Host": r.Host}
	for name, values := range r.Header {
		if withheldHeaders[strings.ToLower(name)] {
			continue
		}
		out[name] = strings.Join(values, ",")
	}
	for _, name := range forward {
		lower := strings.ToLower(name)
		if lower == "authorization" || lower == "x-oss-security-token" || lower == "cookie" {
			continue
		}
		if v := r.Header.Values(name); len(v) > 0 {
			out[http.CanonicalHeaderKey(name)] = strings.Join(v, ",")
		}
	}
	return out
}
