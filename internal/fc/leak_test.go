package fc

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNoLeaksAfterManyInvocations runs 5,000 invocations, a third of them
// failing (reported errors, plus a few crashes that restart the instance).
// It checks that no more processes than the function's instances run and
// none is left unreaped while the service runs, and that closing the
// service leaves no process, goroutine or file descriptor behind.
func TestNoLeaksAfterManyInvocations(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	goroutines, fds := runtime.NumGoroutine(), countFDs(t)

	ts := newTestService(t, Config{})
	ts.create(t, customSpec("many", 4, 2))
	const total, workers = 5000, 4
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures int
		next     int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= total {
					return
				}
				action := "echo"
				switch {
				case i%1000 == 999:
					action = "crash"
				case i%3 == 0:
					action = "fail"
				}
				_, err := ts.invoke(t, "many", eventWith(testEvent{Action: action, Data: `"x"`}))
				// A crash also fails the invocations sharing its instance.
				crashed := err != nil && strings.Contains(err.Error(), "exited during the invocation")
				switch {
				case err != nil && !errors.Is(err, ErrFunctionFailed):
					t.Errorf("invocation %d (%s): %v", i, action, err)
				case action == "fail" && err == nil:
					t.Errorf("invocation %d (%s) succeeded", i, action)
				case action == "echo" && err != nil && !crashed:
					t.Errorf("invocation %d (%s): %v", i, action, err)
				}
				if err != nil {
					mu.Lock()
					failures++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if failures < total/3 {
		t.Errorf("%d failures, want at least %d", failures, total/3)
	}
	if n := len(ts.InvocationLogs(testAccount, "many", "", 0)); n != ts.cfg.LogInvocations {
		t.Errorf("kept %d invocation logs, want the ring size %d", n, ts.cfg.LogInvocations)
	}

	// While the service runs, crashed instances are reaped and replaced,
	// not added: at most the function's two instances live.
	deadline := time.Now().Add(10 * time.Second)
	live, zombies := countChildStates(t)
	for (live > 2 || zombies > 0) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		live, zombies = countChildStates(t)
	}
	if live > 2 {
		t.Errorf("%d function processes run after the invocations, want at most the 2 instances", live)
	}
	if zombies > 0 {
		t.Errorf("%d exited function processes were not reaped", zombies)
	}

	ts.closeAll(t)
	if n := countChildren(t); n != 0 {
		t.Errorf("%d child processes remain after Close", n)
	}
	// Goroutines of closed connections end shortly after Close returns.
	deadline = time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, goroutines, buf[:runtime.Stack(buf, true)])
	}
	if n := countFDs(t); n > fds {
		t.Errorf("%d open file descriptors after Close, %d before", n, fds)
	}
}

func countFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// countChildren counts live processes whose parent is this process.
func countChildren(t *testing.T) int {
	live, _ := countChildStates(t)
	return live
}

// countChildStates counts the processes whose parent is this process:
// those still running and those exited but not yet reaped (zombies).
func countChildStates(t *testing.T) (live, zombies int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	self := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) < 2 || fields[1] != self {
			continue
		}
		if fields[0] == "Z" {
			zombies++
		} else {
			live++
		}
	}
	return live, zombies
}
