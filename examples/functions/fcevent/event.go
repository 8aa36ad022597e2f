package fcevent

import (
	"net/http"
	"net/url"
)

// Event is the JSON document that OSS sends to the function for one
// GetObject through an Object FC Access Point.
type Event struct {
	Version string `json:"version"`

	// RequestID is the x-oss-request-id of the caller's GetObject; error
	// bodies carry it so the caller can quote it.
	RequestID string `json:"xOssRequestId"`

	GetObjectContext GetObjectContext `json:"getObjectContext"`
	Configuration    Configuration    `json:"configuration"`
	UserRequest      UserRequest      `json:"userRequest"`
	UserIdentity     UserIdentity     `json:"userIdentity"`
}

// GetObjectContext contains where the function reads the original object
// and where it sends the result.
type GetObjectContext struct {
	// InputOssURL is a presigned GET of the requested object; any HTTP
	// client can read it, with a Range header if needed.
	InputOssURL string `json:"inputOssUrl"`

	// OutputRoute and OutputToken identify the waiting GetObject. They go
	// into WriteGetObjectResponse as x-oss-request-route and
	// x-oss-request-token, and OutputRoute is also the SDK endpoint.
	OutputRoute string `json:"outputRoute"`
	OutputToken string `json:"outputToken"`
}

// Configuration describes the Object FC Access Point that invoked the
// function.
type Configuration struct {
	AccessPointForObjectProcessArn string   `json:"accessPointForObjectProcessArn"`
	SupportingAccessPointArn       string   `json:"supportingAccessPointArn"`
	FunctionArn                    string   `json:"functionArn"`
	AllowedFeatures                []string `json:"allowedFeatures"`
	Payload                        string   `json:"payload"`
}

// UserRequest is the caller's GetObject without its credentials.
type UserRequest struct {
	// URL is the URL the caller requested, with its query (for example
	// x-oss-process=image/resize,w_200) but without signature parameters.
	URL string `json:"url"`

	// Headers are the caller's request headers, such as Range and
	// If-None-Match, without Authorization and the security token.
	Headers map[string]string `json:"headers"`
}

// UserIdentity is the principal that sent the GetObject.
type UserIdentity struct {
	Type        string `json:"type"` // Account, RAMUser or AssumedRole
	PrincipalID string `json:"principalId"`
	AccountID   string `json:"accountId"`
	AccessKeyID string `json:"accessKeyId"`
}

// Header returns the caller's request header name, matched without regard
// to case, or "" when the caller did not send it.
func (e *Event) Header(name string) string {
	if v, ok := e.UserRequest.Headers[name]; ok {
		return v
	}
	canonical := http.CanonicalHeaderKey(name)
	for k, v := range e.UserRequest.Headers {
		if http.CanonicalHeaderKey(k) == canonical {
			return v
		}
	}
	return ""
}

// Query returns the query parameters of the caller's URL. A URL that does
// not parse gives an empty set.
func (e *Event) Query() url.Values {
	u, err := url.Parse(e.UserRequest.URL)
	if err != nil {
		return url.Values{}
	}
	return u.Query()
}
