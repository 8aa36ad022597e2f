package fc

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// gate is a loopback server whose requests block until release, so a test
// function can be held inside an invocation without timing assumptions.
type gate struct {
	srv     *httptest.Server
	arrived chan struct{}
	release chan struct{}
	once    sync.Once
}

func newGate(t *testing.T) *gate {
	g := &gate{arrived: make(chan struct{}, 16), release: make(chan struct{})}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.arrived <- struct{}{}
		<-g.release
	}))
	t.Cleanup(func() {
		g.open()
		g.srv.Close()
	})
	return g
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

func TestConcurrencyAndThrottling(t *testing.T) {
	ts := newTestService(t, Config{ThrottleWait: 200 * time.Millisecond})
	ts.create(t, customSpec("busy", 2, 1)) // one instance, two invocations at once
	g := newGate(t)

	// Warm the instance so both held invocations find it.
	warm := ts.mustInvoke(t, "busy", eventWith(testEvent{Action: "echo"}))

	var wg sync.WaitGroup
	results := make([]*InvokeResult, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = ts.invoke(t, "busy", eventWith(testEvent{Action: "wait", URL: g.srv.URL}))
		}()
	}
	<-g.arrived
	<-g.arrived

	// Both slots are taken and the pool may not grow: the third waits the
	// throttle wait and fails.
	_, err := ts.invoke(t, "busy", eventWith(testEvent{Action: "echo"}))
	if !errors.Is(err, ErrThrottled) {
		t.Errorf("third invocation: got %v, want ErrThrottled", err)
	}

	g.open()
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("held invocation %d: %v", i, errs[i])
		}
		if results[i].InstanceID != warm.InstanceID || results[i].ColdStart {
			t.Errorf("held invocation %d ran on instance %s (cold %v), want the one instance %s",
				i, results[i].InstanceID, results[i].ColdStart, warm.InstanceID)
		}
	}
}

func TestMaxInstancesBoundsGrowth(t *testing.T) {
	ts := newTestService(t, Config{ThrottleWait: time.Minute})
	ts.create(t, customSpec("grow", 1, 2))
	g := newGate(t)

	var wg sync.WaitGroup
	results := make(chan *InvokeResult, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := ts.invoke(t, "grow", eventWith(testEvent{Action: "wait", URL: g.srv.URL}))
			if err != nil {
				t.Errorf("invoke: %v", err)
				return
			}
			results <- res
		}()
	}
	// Two run; the third waits for a slot rather than starting a third
	// instance.
	<-g.arrived
	<-g.arrived
	g.open()
	wg.Wait()
	close(results)
	instances := map[string]bool{}
	for res := range results {
		instances[res.InstanceID] = true
	}
	if len(instances) != 2 {
		t.Errorf("invocations ran on %d instances, want 2", len(instances))
	}
}

func TestTimeoutKillsInstance(t *testing.T) {
	ts := newTestService(t, Config{})
	spec := customSpec("slow", 1, 1)
	spec.TimeoutSeconds = 1
	ts.create(t, spec)

	first := ts.mustInvoke(t, "slow", event("pid"))
	res, err := ts.invoke(t, "slow", event("sleep"))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("got %v, want ErrTimeout", err)
	}
	if res == nil || res.ErrorType != "FunctionTimeout" {
		t.Errorf("result %+v", res)
	}

	next := ts.mustInvoke(t, "slow", event("pid"))
	if !next.ColdStart || next.InstanceID == first.InstanceID {
		t.Errorf("after a timeout: cold %v on instance %s; want a new instance", next.ColdStart, next.InstanceID)
	}
	if processAlive(string(first.Payload)) {
		t.Errorf("timed-out instance process %s is still running", first.Payload)
	}
}

func TestCrashDuringInvocation(t *testing.T) {
	for _, tc := range []struct{ runtime, role string }{
		{RuntimeCustom, "custom"}, {RuntimeProvided, "lambda"}, {RuntimeGo1, "fcapi"},
	} {
		t.Run(tc.role, func(t *testing.T) {
			ts := newTestService(t, Config{})
			ts.create(t, testBinarySpec("crash", tc.runtime, tc.role, 1, 1))

			res, err := ts.invoke(t, "crash", event("crash"))
			if !errors.Is(err, ErrFunctionFailed) {
				t.Fatalf("got %v, want ErrFunctionFailed", err)
			}
			if !strings.Contains(err.Error(), "exited during the invocation: status 2") {
				t.Errorf("error %q does not give the exit status", err)
			}
			if res == nil || !contains(res.Logs, "crashing now") {
				t.Errorf("crash logs: %+v", res)
			}

			// The next invocation restarts the function.
			next := ts.mustInvoke(t, "crash", eventWith(testEvent{Action: "echo", Data: `"back"`}))
			if !next.ColdStart || string(next.Payload) != `"back"` {
				t.Errorf("after the crash: cold %v payload %q", next.ColdStart, next.Payload)
			}
		})
	}
}

func TestStartFailures(t *testing.T) {
	tests := []struct {
		name, role, runtime string
		wantReason          string
	}{
		{"exits", "exit", RuntimeCustom, "exited before it was ready: status 3"},
		{"exits-pull", "exit", RuntimeGo1, "exited before it was ready: status 3"},
		{"never-ready", "never-ready", RuntimeCustom, "not ready within"},
		{"never-ready-pull", "never-ready", RuntimeProvided, "not ready within"},
	}
	ts := newTestService(t, Config{StartTimeout: 500 * time.Millisecond})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts.create(t, testBinarySpec(tc.name, tc.runtime, tc.role, 1, 1))
			res, err := ts.invoke(t, tc.name, event("echo"))
			if !errors.Is(err, ErrStartFailed) {
				t.Fatalf("got %v, want ErrStartFailed", err)
			}
			if !strings.Contains(err.Error(), tc.wantReason) {
				t.Errorf("error %q, want a reason containing %q", err, tc.wantReason)
			}
			if tc.role == "exit" && (res == nil || !contains(res.Logs, "giving up before listening")) {
				t.Errorf("start-up output not returned: %+v", res)
			}
		})
	}
}

func TestIdleInstanceStops(t *testing.T) {
	ts := newTestService(t, Config{IdleTimeout: 50 * time.Millisecond})
	ts.create(t, customSpec("idle", 1, 1))
	first := ts.mustInvoke(t, "idle", event("pid"))

	deadline := time.Now().Add(10 * time.Second)
	for processAlive(string(first.Payload)) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if processAlive(string(first.Payload)) {
		t.Fatalf("idle instance %s still runs", first.Payload)
	}
	next := ts.mustInvoke(t, "idle", event("pid"))
	if !next.ColdStart {
		t.Errorf("invocation after the idle timeout was warm")
	}
}

func TestCloseRejectsInvocations(t *testing.T) {
	ts := newTestService(t, Config{})
	ts.create(t, customSpec("closing", 1, 1))
	ts.mustInvoke(t, "closing", event("pid"))
	if err := ts.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.invoke(t, "closing", event("pid")); !errors.Is(err, ErrClosed) {
		t.Errorf("after close: got %v, want ErrClosed", err)
	}
}

func contains(lines []string, s string) bool {
	for _, l := range lines {
		if l == s {
			return true
		}
	}
	return false
}
