// Package fcclient is a Go client of the embedded Function Compute's admin
// API (package fcapi). Requests are signed by a hook, so the same client
// serves the CLI, tests and any caller with its own credentials.
//
// fcclient imports only fcapi's JSON types and the standard library.
package fcclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/ossfc/ossfc/internal/fc/fcapi"
)

// Client calls the admin API at a base URL.
type Client struct {
	base string
	http *http.Client
	sign func(*http.Request) error
}

// New returns a client for the API at baseURL (the prefix under which the
// server mounts fcapi, such as http://127.0.0.1:9001/admin/fc). httpClient
// nil means http.DefaultClient; sign, when set, is called on every request
// just before it is sent.
func New(baseURL string, httpClient *http.Client, sign func(*http.Request) error) *Client {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), http: httpClient, sign: sign}
}

// Error is an error response of the API.
type Error struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s [request %s]", e.Code, e.StatusCode, e.Message, e.RequestID)
}

func (c *Client) functionsPath(elems ...string) string {
	p := c.base + "/" + fcapi.APIVersion + "/functions"
	for _, e := range elems {
		p += "/" + url.PathEscape(e)
	}
	return p
}

// do sends a request and decodes the JSON response into out when out is not nil.
func (c *Client) do(ctx context.Context, method, u string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.send(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s %s response: %w", method, u, err)
	}
	return nil
}

// send signs and sends req and turns an error status into *Error.
func (c *Client) send(req *http.Request) (*http.Response, error) {
	if c.sign != nil {
		if err := c.sign(req); err != nil {
			return nil, fmt.Errorf("sign request: %w", err)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, unreachable(err)
	}
	if resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-fc-request-id")}
	var eb fcapi.ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Code != "" {
		e.Code, e.Message, e.RequestID = eb.Code, eb.Message, eb.RequestID
	} else {
		e.Code, e.Message = http.StatusText(resp.StatusCode), strings.TrimSpace(string(body))
	}
	return nil, e
}

// CreateFunction creates a function.
func (c *Client) CreateFunction(ctx context.Context, in *fcapi.CreateFunctionInput) (*fcapi.Function, error) {
	var out fcapi.Function
	return &out, c.do(ctx, http.MethodPost, c.functionsPath(), in, &out)
}

// UpdateFunction changes a function's LATEST state.
func (c *Client) UpdateFunction(ctx context.Context, name string, in *fcapi.UpdateFunctionInput) (*fcapi.Function, error) {
	var out fcapi.Function
	return &out, c.do(ctx, http.MethodPut, c.functionsPath(name), in, &out)
}

// GetFunction returns a function; qualifier "" means LATEST.
func (c *Client) GetFunction(ctx context.Context, name, qualifier string) (*fcapi.Function, error) {
	u := c.functionsPath(name)
	if qualifier != "" {
		u += "?qualifier=" + url.QueryEscape(qualifier)
	}
	var out fcapi.Function
	return &out, c.do(ctx, http.MethodGet, u, nil, &out)
}

// ListFunctions returns one page of functions; pass the returned NextToken
// to get the next page.
func (c *Client) ListFunctions(ctx context.Context, prefix, nextToken string, limit int) (*fcapi.ListFunctionsOutput, error) {
	q := url.Values{}
	if prefix != "" {
		q.Set("prefix", prefix)
	}
	if nextToken != "" {
		q.Set("nextToken", nextToken)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	u := c.functionsPath()
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var out fcapi.ListFunctionsOutput
	return &out, c.do(ctx, http.MethodGet, u, nil, &out)
}

// DeleteFunction deletes a function with its versions and aliases.
func (c *Client) DeleteFunction(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, c.functionsPath(name), nil, nil)
}

// PublishVersion publishes the LATEST state as a new version.
func (c *Client) PublishVersion(ctx context.Context, name, description string) (*fcapi.Version, error) {
	var out fcapi.Version
	return &out, c.do(ctx, http.MethodPost, c.functionsPath(name, "versions"), &fcapi.PublishVersionInput{Description: description}, &out)
}

// ListVersions returns a function's versions, newest first.
func (c *Client) ListVersions(ctx context.Context, name string) (*fcapi.ListVersionsOutput, error) {
	var out fcapi.ListVersionsOutput
	return &out, c.do(ctx, http.MethodGet, c.functionsPath(name, "versions"), nil, &out)
}

// DeleteVersion deletes a version no alias points at.
func (c *Client) DeleteVersion(ctx context.Context, name, versionID string) error {
	return c.do(ctx, http.MethodDelete, c.functionsPath(name, "versions", versionID), nil, nil)
}

// CreateAlias creates an alias of a version.
func (c *Client) CreateAlias(ctx context.Context, name string, in *fcapi.AliasInput) (*fcapi.Alias, error) {
	var out fcapi.Alias
	return &out, c.do(ctx, http.MethodPost, c.functionsPath(name, "aliases"), in, &out)
}

// UpdateAlias points an alias at another version.
func (c *Client) UpdateAlias(ctx context.Context, name, alias string, in *fcapi.AliasInput) (*fcapi.Alias, error) {
	var out fcapi.Alias
	return &out, c.do(ctx, http.MethodPut, c.functionsPath(name, "aliases", alias), in, &out)
}

// GetAlias returns an alias.
func (c *Client) GetAlias(ctx context.Context, name, alias string) (*fcapi.Alias, error) {
	var out fcapi.Alias
	return &out, c.do(ctx, http.MethodGet, c.functionsPath(name, "aliases", alias), nil, &out)
}

// ListAliases returns a function's aliases.
func (c *Client) ListAliases(ctx context.Context, name string) (*fcapi.ListAliasesOutput, error) {
	var out fcapi.ListAliasesOutput
	return &out, c.do(ctx, http.MethodGet, c.functionsPath(name, "aliases"), nil, &out)
}

// DeleteAlias deletes an alias.
func (c *Client) DeleteAlias(ctx context.Context, name, alias string) error {
	return c.do(ctx, http.MethodDelete, c.functionsPath(name, "aliases", alias), nil, nil)
}

// InvokeOutput is the result of a synchronous invocation.
type InvokeOutput struct {
	RequestID string
	VersionID string
	Payload   []byte

	// ErrorType is set when the function failed; Payload then holds the
	// error document ({"errorType", "errorMessage"}).
	ErrorType string

	// Logs is the tail of the invocation's log when it was requested.
	Logs string
}

// Invoke runs a synchronous invocation. qualifier "" means LATEST, and withLogs
// requests the tail of the log.
func (c *Client) Invoke(ctx context.Context, name, qualifier string, event []byte, withLogs bool) (*InvokeOutput, error) {
	u := c.functionsPath(name, "invocations")
	if qualifier != "" {
		u += "?qualifier=" + url.QueryEscape(qualifier)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(event))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("x-fc-invocation-type", "Sync")
	if withLogs {
		req.Header.Set("x-fc-log-type", "Tail")
	}
	resp, err := c.send(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	out := &InvokeOutput{RequestID: resp.Header.Get("x-fc-request-id"), VersionID: resp.Header.Get("x-fc-invocation-service-version"),
		Payload: payload, ErrorType: resp.Header.Get("x-fc-error-type")}
	if l := resp.Header.Get("x-fc-log-result"); l != "" {
		b, err := base64.StdEncoding.DecodeString(l)
		if err != nil {
			return nil, fmt.Errorf("decode x-fc-log-result: %w", err)
		}
		out.Logs = string(b)
	}
	return out, nil
}

// InvocationLogs returns the logs of recent invocations, newest first;
// requestID "" means any, limit 0 the server's default.
func (c *Client) InvocationLogs(ctx context.Context, name, requestID string, limit int) (*fcapi.ListInvocationLogsOutput, error) {
	q := url.Values{}
	if requestID != "" {
		q.Set("requestId", requestID)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	u := c.functionsPath(name, "invocation-logs")
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var out fcapi.ListInvocationLogsOutput
	return &out, c.do(ctx, http.MethodGet, u, nil, &out)
}

// unreachable explains a request that never got an answer: most often the
// server is not running, or OSSFC_CONSOLE_URL names another address.
func unreachable(err error) error {
	return fmt.Errorf("%w (is ossfc server running, and does OSSFC_CONSOLE_URL name its console address?)", err)
}
