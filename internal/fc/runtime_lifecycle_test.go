package fc

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lifecycleRuntimes are the runtimes whose instances the test binary or
// pythonHandlerCode can drive through the pid, sleep and crash actions.
// Each spec builds a function of that runtime with the given name.
var lifecycleRuntimes = []struct {
	name string
	spec func(t *testing.T, name string) FunctionSpec
}{
	{"custom", func(t *testing.T, name string) FunctionSpec {
		return testBinarySpec(name, RuntimeCustom, "custom", 1, 1)
	}},
	{"provided-lambda", func(t *testing.T, name string) FunctionSpec {
		return testBinarySpec(name, RuntimeProvided, "lambda", 1, 1)
	}},
	{"provided-fcapi", func(t *testing.T, name string) FunctionSpec {
		return testBinarySpec(name, RuntimeProvided, "fcapi", 1, 1)
	}},
	{"go1-fcapi", func(t *testing.T, name string) FunctionSpec {
		return testBinarySpec(name, RuntimeGo1, "fcapi", 1, 1)
	}},
	{"python3.10", func(t *testing.T, name string) FunctionSpec {
		if _, err := os.Stat("/usr/bin/python3"); err != nil {
			t.Skip("no /usr/bin/python3")
		}
		code := t.TempDir()
		if err := os.WriteFile(filepath.Join(code, "index.py"), []byte(pythonHandlerCode), 0o644); err != nil {
			t.Fatal(err)
		}
		return FunctionSpec{Name: name, Runtime: RuntimePython, Handler: "index.handler",
			InstanceConcurrency: 1, MaxInstances: 1,
			Role: "acs:ram::" + testAccount + ":role/aliyunfcdefaultrole", Code: &Code{Dir: code}}
	}},
}

// waitProcessGone waits until the process pid has exited, for at most ten
// seconds, and reports whether it did. A killed process may still be
// running for a moment after the invocation that killed it returns.
func waitProcessGone(pid string) bool {
	deadline := time.Now().Add(10 * time.Second)
	for processAlive(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// TestRuntimeInstanceLifecycle checks, on every runtime, that a function's
// first invocation starts an instance, the second reuses it, and an
// invocation that times out or crashes ends the instance so that the next
// invocation starts a new one.
func TestRuntimeInstanceLifecycle(t *testing.T) {
	for _, rt := range lifecycleRuntimes {
		t.Run(rt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestService(t, Config{})
			spec := rt.spec(t, "life")
			spec.TimeoutSeconds = 1
			ts.create(t, spec)

			// Cold start, then a warm invocation on the same process.
			first := ts.mustInvoke(t, "life", event("pid"))
			if !first.ColdStart {
				t.Errorf("first invocation was not a cold start")
			}
			if pid, err := strconv.Atoi(string(first.Payload)); err != nil || pid <= 1 {
				t.Fatalf("pid action returned %q, want the process id in the server's PID namespace", first.Payload)
			}
			warm := ts.mustInvoke(t, "life", event("pid"))
			if warm.ColdStart || warm.InstanceID != first.InstanceID {
				t.Errorf("second invocation: cold %v on instance %s; want warm on %s", warm.ColdStart, warm.InstanceID, first.InstanceID)
			}
			if string(warm.Payload) != string(first.Payload) {
				t.Errorf("second invocation ran in process %s, want the first one's %s", warm.Payload, first.Payload)
			}

			// An invocation past the 1 s timeout fails and kills the
			// instance.
			res, err := ts.invoke(t, "life", event("sleep"))
			if !errors.Is(err, ErrTimeout) {
				t.Fatalf("sleeping invocation: got %v, want ErrTimeout", err)
			}
			if res == nil || res.ErrorType != "FunctionTimeout" {
				t.Errorf("sleeping invocation result %+v; want error type FunctionTimeout", res)
			}
			if !waitProcessGone(string(first.Payload)) {
				t.Errorf("timed-out instance process %s is still running", first.Payload)
			}
			afterTimeout := ts.mustInvoke(t, "life", event("pid"))
			if !afterTimeout.ColdStart || afterTimeout.InstanceID == first.InstanceID {
				t.Errorf("after the timeout: cold %v on instance %s; want a cold start on a new instance", afterTimeout.ColdStart, afterTimeout.InstanceID)
			}
			if string(afterTimeout.Payload) == string(first.Payload) {
				t.Errorf("after the timeout the function still runs in process %s", first.Payload)
			}

			// A crash fails the invocation, and the next one starts a new
			// instance.
			res, err = ts.invoke(t, "life", event("crash"))
			if !errors.Is(err, ErrFunctionFailed) {
				t.Fatalf("crashing invocation: got %v, want ErrFunctionFailed", err)
			}
			if !strings.Contains(err.Error(), "exited during the invocation: status 2") {
				t.Errorf("crash error %q does not give the exit status 2", err)
			}
			if res == nil || res.ErrorType != "InstanceCrashed" || res.InstanceID != afterTimeout.InstanceID {
				t.Errorf("crashing invocation result %+v; want error type InstanceCrashed on instance %s", res, afterTimeout.InstanceID)
			}
			if res != nil && !contains(res.Logs, "crashing now") {
				t.Errorf("crash logs %q lack the function's last output", res.Logs)
			}
			if !waitProcessGone(string(afterTimeout.Payload)) {
				t.Errorf("crashed instance process %s is still running", afterTimeout.Payload)
			}
			afterCrash := ts.mustInvoke(t, "life", event("pid"))
			if !afterCrash.ColdStart || afterCrash.InstanceID == afterTimeout.InstanceID || afterCrash.InstanceID == first.InstanceID {
				t.Errorf("after the crash: cold %v on instance %s; want a cold start on a new instance", afterCrash.ColdStart, afterCrash.InstanceID)
			}
		})
	}
}
