package fc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestCustomRuntimeColdThenWarm(t *testing.T) {
	ts := newTestService(t, Config{})
	ts.create(t, customSpec("echo", 1, 2))

	first := ts.mustInvoke(t, "echo", eventWith(testEvent{Action: "echo", Data: "hello"}))
	if string(first.Payload) != "hello" || first.StatusCode != 200 {
		t.Errorf("payload %q status %d; want hello 200", first.Payload, first.StatusCode)
	}
	if !first.ColdStart {
		t.Errorf("first invocation was not a cold start")
	}

	second := ts.mustInvoke(t, "echo", eventWith(testEvent{Action: "echo", Data: "again"}))
	if second.ColdStart || second.InstanceID != first.InstanceID {
		t.Errorf("second invocation: cold %v instance %s; want the warm instance %s", second.ColdStart, second.InstanceID, first.InstanceID)
	}
}

func TestCustomRuntimeHeadersAndLogs(t *testing.T) {
	ts := newTestService(t, Config{})
	ts.create(t, customSpec("headers", 1, 1))

	res := ts.mustInvoke(t, "acs:fc:cn-hangzhou:"+testAccount+":functions/headers", event("creds"))
	var got map[string]string
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatalf("payload %q: %v", res.Payload, err)
	}
	want := map[string]string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.test-key", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "test-secret",
		"ALIBABA_CLOUD_SECURITY_TOKEN": "test-token", "requestId": res.RequestID, "functionName": "headers",
		"qualifier": "LATEST", "region": "cn-hangzhou", "accountId": testAccount,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("function saw %s = %q, want %q", k, got[k], v)
		}
	}
	if n := len(ts.issuer.calls); n != 1 || ts.issuer.calls[0] != "acs:ram::"+testAccount+":role/aliyunfcdefaultrole" {
		t.Errorf("issuer calls: %v", ts.issuer.calls)
	}

	// Credentials given by the caller reach the function unchanged, and
	// none are minted.
	own := &Credentials{AccessKeyID: "STS.caller", AccessKeySecret: "s", SecurityToken: "t"}
	res, err := ts.Invoke(context.Background(), InvokeRequest{AccountID: testAccount, Function: "headers", Payload: event("creds"), Credentials: own})
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(res.Payload, &got)
	if got["ALIBABA_CLOUD_ACCESS_KEY_ID"] != "STS.caller" || len(ts.issuer.calls) != 1 {
		t.Errorf("caller credentials: function saw %q, issuer calls %d", got["ALIBABA_CLOUD_ACCESS_KEY_ID"], len(ts.issuer.calls))
	}

	res = ts.mustInvoke(t, "headers", eventWith(testEvent{Action: "print", Lines: 3}))
	wantLogs := []string{"FC Invoke Start RequestId: " + res.RequestID}
	for i := range 3 {
		wantLogs = append(wantLogs, "out "+string(rune('0'+i)), "err "+string(rune('0'+i)))
	}
	wantLogs = append(wantLogs, "FC Invoke End RequestId: "+res.RequestID)
	if !slices.Equal(res.Logs, wantLogs) {
		t.Errorf("logs:\n got %q\nwant %q", res.Logs, wantLogs)
	}
	logs := ts.InvocationLogs(testAccount, "headers", res.RequestID, 0)
	if len(logs) != 1 || !slices.Equal(logs[0].Lines, wantLogs) {
		t.Errorf("kept logs: %+v", logs)
	}

	// Each line is also re-logged by the service with the function's name.
	serviceLog := ts.logs.String()
	for _, line := range []string{"out 2", "err 2"} {
		if !strings.Contains(serviceLog, `msg="function output" function=headers`) || !strings.Contains(serviceLog, `line="`+line+`"`) {
			t.Errorf("service log lacks the function's line %q with function=headers:\n%s", line, serviceLog)
		}
	}
}

func TestFunctionErrorReported(t *testing.T) {
	tests := []struct {
		runtime, role string
		wantType      string
	}{
		{RuntimeCustom, "custom", "TestError"},
		{RuntimeProvided, "lambda", "errorString"},
		{RuntimeGo1, "fcapi", "TestError"},
	}
	ts := newTestService(t, Config{})
	for _, tc := range tests {
		t.Run(tc.role, func(t *testing.T) {
			ts.create(t, testBinarySpec("fail-"+tc.role, tc.runtime, tc.role, 1, 1))
			res, err := ts.invoke(t, "fail-"+tc.role, event("fail"))
			if !errors.Is(err, ErrFunctionFailed) {
				t.Fatalf("got %v, want ErrFunctionFailed", err)
			}
			if res == nil || res.ErrorType != tc.wantType || res.ErrorMessage != "failed on purpose" {
				t.Errorf("result %+v; want error type %s", res, tc.wantType)
			}
			var ierr *InvokeError
			if !errors.As(err, &ierr) || ierr.RequestID != res.RequestID {
				t.Errorf("error %v does not carry the request id %s", err, res.RequestID)
			}

			// The instance survives a reported error.
			again := ts.mustInvoke(t, "fail-"+tc.role, eventWith(testEvent{Action: "echo", Data: `"ok"`}))
			if again.ColdStart || string(again.Payload) != `"ok"` {
				t.Errorf("after a reported error: cold %v payload %q", again.ColdStart, again.Payload)
			}
		})
	}
}

func TestLambdaRuntime(t *testing.T) {
	ts := newTestService(t, Config{})
	ts.create(t, testBinarySpec("lambda", RuntimeProvided, "lambda", 1, 1))

	res := ts.mustInvoke(t, "lambda", eventWith(testEvent{Action: "echo", Data: `{"a":1}`}))
	if string(res.Payload) != `{"a":1}` {
		t.Errorf("payload %q", res.Payload)
	}
	res = ts.mustInvoke(t, "lambda", event("creds"))
	var creds map[string]string
	json.Unmarshal(res.Payload, &creds)
	if creds["ALIBABA_CLOUD_ACCESS_KEY_ID"] != "STS.test-key" || creds["ALIBABA_CLOUD_SECURITY_TOKEN"] != "test-token" {
		t.Errorf("credentials in the client context: %v", creds)
	}
	if res.ColdStart {
		t.Errorf("second invocation was a cold start")
	}
}

func TestFCRuntimeAPI(t *testing.T) {
	ts := newTestService(t, Config{})
	ts.create(t, testBinarySpec("fcapi", RuntimeGo1, "fcapi", 1, 1))

	res := ts.mustInvoke(t, "fcapi", event("creds"))
	var got map[string]string
	json.Unmarshal(res.Payload, &got)
	if got["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] != "test-secret" || got["functionName"] != "fcapi" || got["deadline"] == "" {
		t.Errorf("function saw %v", got)
	}
	res = ts.mustInvoke(t, "fcapi", eventWith(testEvent{Action: "print", Lines: 1}))
	if !slices.Contains(res.Logs, "out 0") || !slices.Contains(res.Logs, "err 0") {
		t.Errorf("logs %q lack the function's output", res.Logs)
	}
}

// pythonHandlerCode is a python3.10 function that handles the testEvent
// actions fail, pid, sleep and crash as doAction does. Every other action
// returns what the context and the environment carry.
const pythonHandlerCode = `import json, os, sys, time

def handler(event, context):
    ev = json.loads(event)
    if ev["action"] == "fail":
        raise ValueError("failed on purpose")
    if ev["action"] == "pid":
        # The bootstrap is PID 1 of its own PID namespace; /proc/self names
        # it in the namespace of the /proc mount, the server's.
        return os.readlink("/proc/self")
    if ev["action"] == "sleep":
        time.sleep(3600)
    if ev["action"] == "crash":
        print("crashing now")
        sys.stdout.flush()
        os._exit(2)
    print("python saw", context.request_id)
    return {
        "key": context.credentials.access_key_id,
        "secret": context.credentials.access_key_secret,
        "token": context.credentials.security_token,
        "request": context.request_id,
        "function": context.function.name,
        "region": context.region,
        "account": context.account_id,
        "env_key": os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"),
    }
`

func TestPythonRuntime(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	ts := newTestService(t, Config{})
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "index.py"), []byte(pythonHandlerCode), 0o644)
	ts.create(t, FunctionSpec{Name: "py", Runtime: "python3.10", Handler: "index.handler",
		Role: "acs:ram::" + testAccount + ":role/r", Code: &Code{Dir: code}})

	res := ts.mustInvoke(t, "py", event("creds"))
	var got map[string]string
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatalf("payload %q: %v (logs %q)", res.Payload, err, res.Logs)
	}
	want := map[string]string{"key": "STS.test-key", "secret": "test-secret", "token": "test-token",
		"request": res.RequestID, "function": "py", "region": "cn-hangzhou", "account": testAccount, "env_key": "STS.test-key"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("context %s = %q, want %q", k, got[k], v)
		}
	}
	if !slices.Contains(res.Logs, "python saw "+res.RequestID) {
		t.Errorf("logs %q lack the handler's print", res.Logs)
	}

	res, err := ts.invoke(t, "py", event("fail"))
	if !errors.Is(err, ErrFunctionFailed) || res.ErrorType != "ValueError" || res.ErrorMessage != "failed on purpose" {
		t.Errorf("raising handler: err %v, result %+v", err, res)
	}
}

func TestPythonImportError(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	ts := newTestService(t, Config{})
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "index.py"), []byte("import no_such_module\n"), 0o644)
	ts.create(t, FunctionSpec{Name: "broken", Runtime: "python3.10", Handler: "index.handler", Code: &Code{Dir: code}})

	_, err := ts.invoke(t, "broken", event("echo"))
	if !errors.Is(err, ErrStartFailed) {
		t.Fatalf("got %v, want ErrStartFailed", err)
	}
}

func TestHTTPRuntime(t *testing.T) {
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("x-fc-status", "200")
		w.Write([]byte("remote"))
	}))
	defer srv.Close()

	ts := newTestService(t, Config{})
	ts.create(t, FunctionSpec{Name: "remote", Runtime: "http", HTTPURL: srv.URL + "/invoke", HTTPToken: "s3cret",
		Role: "acs:ram::" + testAccount + ":role/r"})

	res := ts.mustInvoke(t, "remote", []byte("{}"))
	if string(res.Payload) != "remote" {
		t.Errorf("payload %q", res.Payload)
	}
	if seen.Get("x-fc-request-id") != res.RequestID || seen.Get("x-fc-access-key-id") != "STS.test-key" {
		t.Errorf("headers seen by the remote function: %v", seen)
	}

	ts.UpdateFunction(context.Background(), testAccount, "remote", FunctionUpdate{HTTPToken: ptr("wrong")})
	if _, err := ts.invoke(t, "remote", []byte("{}")); !errors.Is(err, ErrFunctionFailed) {
		t.Errorf("rejected token: got %v, want ErrFunctionFailed", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestPythonDefaultHandler(t *testing.T) {
	ts := newTestService(t, Config{})
	code := t.TempDir()
	os.WriteFile(filepath.Join(code, "index.py"), []byte(pythonHandlerCode), 0o644)
	fn, err := ts.CreateFunction(context.Background(), testAccount, FunctionSpec{Name: "nohandler", Runtime: "python3.10", Code: &Code{Dir: code}})
	if err != nil {
		t.Fatal(err)
	}
	if fn.Config.Handler != "index.handler" {
		t.Errorf("handler = %q, want the default index.handler", fn.Config.Handler)
	}
}

func TestMissingFunctionMessage(t *testing.T) {
	ts := newTestService(t, Config{})
	err := ts.DeleteFunction(context.Background(), testAccount, "absent")
	if !errors.Is(err, ErrFunctionNotFound) {
		t.Fatalf("delete of a missing function: got %v, want ErrFunctionNotFound", err)
	}
	if got := err.Error(); got != "function absent does not exist" {
		t.Errorf("message = %q, want %q", got, "function absent does not exist")
	}
	_, err = ts.GetVersion(context.Background(), testAccount, "absent", "3")
	if !errors.Is(err, ErrFunctionNotFound) || !errors.Is(err, ErrVersionNotFound) {
		t.Errorf("missing version: got %v, want both ErrFunctionNotFound and ErrVersionNotFound", err)
	}
}
