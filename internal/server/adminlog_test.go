package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/testenv"
)

// exchange is one admin request as the client saw it.
type exchange struct {
	method, path, requestID string
	status                  int
}

// exchangeRecorder is an http.RoundTripper that remembers the last
// exchange, with the request id from the RAM or Function Compute header.
type exchangeRecorder struct {
	mu   sync.Mutex
	last exchange
	next http.RoundTripper
}

func (e *exchangeRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := e.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	id := res.Header.Get("x-ram-request-id")
	if id == "" {
		id = res.Header.Get("x-fc-request-id")
	}
	e.mu.Lock()
	e.last = exchange{method: req.Method, path: req.URL.Path, requestID: id, status: res.StatusCode}
	e.mu.Unlock()
	return res, nil
}

func (e *exchangeRecorder) lastExchange() exchange {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.last
}

func TestAdminAccessLog(t *testing.T) {
	env := testenv.Start(t)
	ctx := context.Background()
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	recorder := &exchangeRecorder{next: transport}
	httpClient := &http.Client{Transport: recorder}
	signer := func(id, secret, token string) adminclient.Config {
		return adminclient.Config{URL: env.ConsoleURL, Region: env.Region, AccessKeyID: id, AccessKeySecret: secret, SecurityToken: token}
	}
	ramAs := func(id, secret, token string) *ramclient.Client {
		cfg := signer(id, secret, token)
		return ramclient.New(cfg.URL+"/admin/ram", httpClient, cfg.Sign)
	}
	root := ramAs(env.AccessKeyID, env.AccessKeySecret, "")
	rootFC := fcclient.New(env.ConsoleURL+"/admin/fc", httpClient, signer(env.AccessKeyID, env.AccessKeySecret, "").Sign)
	trust := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"RAM":["acs:ram::` + env.AccountID + `:root"]}}]}`

	// secrets collects every secret and security token the calls create or use.
	secrets := []string{env.AccessKeySecret}
	var session ramapi.AssumeRoleOutput

	tests := []struct {
		name        string
		call        func() error
		op          string
		status      int
		errorCode   string
		accessKeyID string // "" for an unauthenticated request; "session" for the role session's key
	}{
		{"success", func() error { _, err := root.GetCallerIdentity(ctx); return err },
			"GetCallerIdentity", 200, "", env.AccessKeyID},
		{"bad signature", func() error { _, err := ramAs(env.AccessKeyID, "wrong-secret", "").ListUsers(ctx); return err },
			"", 403, "SignatureDoesNotMatch", ""},
		{"unsigned", func() error {
			_, err := ramclient.New(env.ConsoleURL+"/admin/ram", httpClient, nil).ListUsers(ctx)
			return err
		}, "", 403, "AccessDenied", ""},
		{"create user", func() error {
			_, err := root.CreateUser(ctx, ramapi.CreateUserInput{UserName: "logged"})
			return err
		}, "CreateUser", 200, "", env.AccessKeyID},
		{"create access key", func() error {
			key, err := root.CreateAccessKey(ctx, "logged")
			if key != nil {
				secrets = append(secrets, key.AccessKeySecret)
			}
			return err
		}, "CreateAccessKey", 200, "", env.AccessKeyID},
		{"list access keys with a query", func() error { _, err := root.ListAccessKeys(ctx, "logged"); return err },
			"ListAccessKeys", 200, "", env.AccessKeyID},
		{"create role", func() error {
			_, err := root.CreateRole(ctx, ramapi.CreateRoleInput{RoleName: "logged-role", AssumeRolePolicyDocument: trust})
			return err
		}, "CreateRole", 200, "", env.AccessKeyID},
		{"assume role", func() error {
			out, err := root.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: "acs:ram::" + env.AccountID + ":role/logged-role", RoleSessionName: "logged"})
			if out != nil {
				session = *out
				secrets = append(secrets, out.Credentials.AccessKeySecret, out.Credentials.SecurityToken)
			}
			return err
		}, "AssumeRole", 200, "", env.AccessKeyID},
		{"role session", func() error {
			c := session.Credentials
			_, err := ramAs(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken).GetCallerIdentity(ctx)
			return err
		}, "GetCallerIdentity", 200, "", "session"},
		{"operation fails", func() error { _, err := root.GetUser(ctx, "missing"); return err },
			"GetUser", 404, "EntityNotExist.User", env.AccessKeyID},
		{"no route", func() error { _, err := root.GetPolicy(ctx, "", ""); return err },
			"", 404, "PathNotSupported", env.AccessKeyID},
		{"function compute", func() error { _, err := rootFC.ListFunctions(ctx, "", "", 0); return err },
			"ListFunctions", 200, "", env.AccessKeyID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if (err == nil) != (tc.status == 200) {
				t.Fatalf("call error %v, want status %d", err, tc.status)
			}
			ex := recorder.lastExchange()
			if ex.status != tc.status {
				t.Errorf("response status %d, want %d", ex.status, tc.status)
			}
			if ex.requestID == "" {
				t.Fatalf("response to %s %s has no request id header", ex.method, ex.path)
			}

			rec := waitAccessRecord(t, env, ex.requestID)
			wantKeyID := tc.accessKeyID
			if wantKeyID == "session" {
				wantKeyID = session.Credentials.AccessKeyID
			}
			for field, want := range map[string]string{
				"method": ex.method, "path": ex.path, "op": tc.op, "status": strconv.Itoa(tc.status),
				"error_code": tc.errorCode, "access_key_id": wantKeyID, "host": strings.TrimPrefix(env.ConsoleURL, "http://"),
			} {
				if rec[field] != want {
					t.Errorf("access record %s = %q, want %q", field, rec[field], want)
				}
			}
			if n, err := strconv.Atoi(rec["bytes_out"]); err != nil || n <= 0 {
				t.Errorf("access record bytes_out = %q, want the body size", rec["bytes_out"])
			}
			if _, err := time.ParseDuration(rec["duration"]); err != nil {
				t.Errorf("access record duration = %q: %v", rec["duration"], err)
			}
		})
	}

	// One record per request, and no line contains a secret, a signature or
	// a query string.
	records := 0
	for _, line := range strings.Split(env.Logs.String(), "\n") {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(line, secret) {
				t.Errorf("log line contains a secret: %s", line)
			}
		}
		for _, marker := range []string{"Signature=", "OSS4-HMAC-SHA256"} {
			if strings.Contains(line, marker) {
				t.Errorf("log line contains %q: %s", marker, line)
			}
		}
		if !strings.Contains(line, " log=access ") || !strings.Contains(line, " path=/admin/") {
			continue
		}
		records++
		for _, marker := range []string{"UserName=", "?"} {
			if strings.Contains(line, marker) {
				t.Errorf("admin access record contains the query string: %s", line)
			}
		}
	}
	if records != len(tests) {
		t.Errorf("%d admin access records, want %d (one per request)", records, len(tests))
	}
}

// waitAccessRecord returns the fields of the access record with requestID.
// The server writes the record when the handler returns, which may be just
// after the client has read the response, so it polls for up to a minute.
func waitAccessRecord(t *testing.T, env *testenv.Env, requestID string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		for _, line := range strings.Split(env.Logs.String(), "\n") {
			if rec := parseTextRecord(line); rec["log"] == "access" && rec["request_id"] == requestID {
				return rec
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no access record with request_id %s in the log:\n%s", requestID, env.Logs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// parseTextRecord splits a log/slog text handler line into its key=value
// attributes, unquoting quoted values.
func parseTextRecord(line string) map[string]string {
	rec := map[string]string{}
	for line != "" {
		key, rest, ok := strings.Cut(line, "=")
		if !ok {
			break
		}
		var value string
		if strings.HasPrefix(rest, `"`) {
			quoted, err := strconv.QuotedPrefix(rest)
			if err != nil {
				break
			}
			value, _ = strconv.Unquote(quoted)
			rest = rest[len(quoted):]
		} else {
			value, rest, _ = strings.Cut(rest, " ")
		}
		rec[key] = value
		line = strings.TrimLeft(rest, " ")
	}
	return rec
}
