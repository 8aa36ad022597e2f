package fcevent

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"
)

// Output sends the transformed object to the waiting caller with
// WriteGetObjectResponse.
type Output struct {
	client *oss.Client
	event  *Event
}

// NewOutput returns an Output for event, signing with the invocation's
// temporary credentials. The SDK client's endpoint is the event's
// outputRoute and its region the function's region (x-fc-region), which
// signature V4 needs.
func NewOutput(ctx context.Context, event *Event) (*Output, error) {
	inv, ok := InvocationFrom(ctx)
	if !ok {
		return nil, errors.New("fcevent: NewOutput needs the context of an invocation")
	}
	if event.GetObjectContext.OutputRoute == "" || event.GetObjectContext.OutputToken == "" {
		return nil, errors.New("the event has no getObjectContext.outputRoute or outputToken")
	}
	creds := inv.Credentials
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.AccessKeySecret, creds.SecurityToken)).
		WithRegion(inv.Region).
		WithEndpoint(event.GetObjectContext.OutputRoute).
		WithHttpClient(outputHTTPClient)
	return &Output{client: oss.NewClient(cfg), event: event}, nil
}

// outputHTTPClient is shared by the SDK clients of all invocations, so
// WriteGetObjectResponse calls reuse kept-alive connections to the server
// instead of opening one (and leaving it idle) per invocation. Credentials
// are per client; only connections are shared.
var outputHTTPClient = &http.Client{Transport: &http.Transport{
	Proxy:               nil,
	MaxIdleConnsPerHost: 32,
	IdleConnTimeout:     90 * time.Second,
	WriteBufferSize:     256 << 10, // large bodies go out in fewer, larger writes
}}

// Client returns the SDK client, for calling WriteGetObjectResponse
// directly with a small body held in memory.
func (o *Output) Client() *oss.Client { return o.client }

// Response is what the caller of GetObject receives.
type Response struct {
	// Status is the caller's HTTP status: 200, 206, 304, 4xx or 5xx from the
	// list WriteGetObjectResponse accepts.
	Status int

	// Header holds the response headers for the caller, such as
	// Content-Type, Content-Range, ETag and Last-Modified. Each is sent as
	// x-oss-fwd-header-<Name>.
	Header http.Header

	// Body is the object data; nil means an empty body.
	Body io.Reader

	// ContentLength is the exact length of Body, or -1 when unknown; then
	// the body is sent with chunked transfer encoding.
	ContentLength int64
}

// Write sends resp with WriteGetObjectResponse, streaming the body.
//
// The SDK's WriteGetObjectResponse adds a Content-MD5 header, and to compute
// it reads the whole body into memory when the body is not an
// io.ReadSeeker. A transformed object can be larger than the function's
// memory, so Write sends the same request through Client.InvokeOperation
// without Content-MD5: with a fixed Content-Length when the length is
// known, chunked otherwise. The body is read once and never held whole.
//
// If reading Body fails, the request is aborted, so the caller of GetObject
// gets a broken response instead of a short one that looks complete.
func (o *Output) Write(ctx context.Context, resp *Response) error {
	headers := map[string]string{
		"Content-Type":        "application/octet-stream",
		"x-oss-request-route": o.event.GetObjectContext.OutputRoute,
		"x-oss-request-token": o.event.GetObjectContext.OutputToken,
		"x-oss-fwd-status":    strconv.Itoa(resp.Status),
	}
	for name, values := range resp.Header {
		headers["x-oss-fwd-header-"+http.CanonicalHeaderKey(name)] = strings.Join(values, ",")
	}
	body := resp.Body
	if body == nil {
		body = strings.NewReader("")
		resp.ContentLength = 0
	}
	// NOTE: an empty body still goes out chunked, because the SDK always
	// attaches a request body and Go sends a POST body of length 0 that way.
	if resp.ContentLength >= 0 {
		headers["Content-Length"] = strconv.FormatInt(resp.ContentLength, 10)
	}

	input := &oss.OperationInput{
		OpName:     "WriteGetObjectResponse",
		Method:     http.MethodPost,
		Headers:    headers,
		Parameters: map[string]string{"x-oss-write-get-object-response": ""},
		Body:       body,
	}
	input.OpMetadata.Set(signer.SubResource, []string{"x-oss-write-get-object-response"})

	output, err := o.client.InvokeOperation(ctx, input)
	if err != nil {
		return fmt.Errorf("WriteGetObjectResponse failed: %w", err)
	}
	output.Body.Close()
	return nil
}

// errorBody is the OSS error document.
type errorBody struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	RequestID string   `xml:"RequestId"`
}

// WriteError sends the caller status and an OSS error document with code,
// message and the caller's request id, so SDKs report a service error with
// that code and message.
func (o *Output) WriteError(ctx context.Context, status int, code, message string) error {
	doc, err := xml.Marshal(errorBody{Code: code, Message: message, RequestID: o.event.RequestID})
	if err != nil {
		return err
	}
	doc = append([]byte(xml.Header), doc...)

	// The body is small and in memory, so the SDK's own operation is fine.
	_, err = o.client.WriteGetObjectResponse(ctx, &oss.WriteGetObjectResponseRequest{
		RequestRoute:         oss.Ptr(o.event.GetObjectContext.OutputRoute),
		RequestToken:         oss.Ptr(o.event.GetObjectContext.OutputToken),
		FwdStatus:            oss.Ptr(strconv.Itoa(status)),
		FwdHeaderContentType: oss.Ptr("application/xml"),
		Body:                 strings.NewReader(string(doc)),
	})
	if err != nil {
		return fmt.Errorf("WriteGetObjectResponse with status %d failed: %w", status, err)
	}
	return nil
}

// WriteSourceError sends the caller an error after reading the original
// object failed with err. A *SourceError keeps its status (404 stays 404,
// 416 stays 416, 304 is sent without a body) and its OSS code and message.
// Any other error becomes 500 InternalError.
func (o *Output) WriteSourceError(ctx context.Context, err error) error {
	var serr *SourceError
	if !errors.As(err, &serr) {
		return o.WriteError(ctx, http.StatusInternalServerError, "InternalError", "The function could not read the original object.")
	}
	if serr.StatusCode == http.StatusNotModified {
		return o.Write(ctx, &Response{Status: serr.StatusCode})
	}

	status := serr.StatusCode
	if !forwardableStatus[status] {
		if status >= 500 {
			status = http.StatusServiceUnavailable
		} else {
			status = http.StatusBadRequest
		}
	}
	code, message := serr.Code, serr.Message
	if code == "" {
		code, message = "InvalidRequest", fmt.Sprintf("Reading the original object failed with HTTP status %d.", serr.StatusCode)
	}
	return o.WriteError(ctx, status, code, message)
}

// forwardableStatus are the x-oss-fwd-status values WriteGetObjectResponse
// accepts.
var forwardableStatus = map[int]bool{
	200: true, 206: true, 301: true, 302: true, 303: true, 304: true, 400: true, 401: true, 403: true,
	404: true, 405: true, 409: true, 411: true, 412: true, 416: true, 500: true, 503: true,
}
