package fc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestEnvironmentIsClean(t *testing.T) {
	t.Setenv("OSSFC_ROOT_ACCESS_KEY_SECRET", "server-secret")
	ts := newTestService(t, Config{})
	spec := customSpec("env", 1, 1)
	spec.Environment["GREETING"] = "hello"
	ts.create(t, spec)

	res := ts.mustInvoke(t, "env", event("env"))
	var env []string
	if err := json.Unmarshal(res.Payload, &env); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
		if strings.Contains(v, "server-secret") {
			t.Errorf("function environment has the server secret in %s", k)
		}
	}
	for k, want := range map[string]string{"GREETING": "hello", "FC_FUNCTION_NAME": "env", "FC_REGION": "cn-hangzhou", "PATH": functionPath} {
		if vars[k] != want {
			t.Errorf("%s = %q, want %q", k, vars[k], want)
		}
	}
	if _, ok := vars["OSSFC_ROOT_ACCESS_KEY_SECRET"]; ok {
		t.Errorf("function environment has OSSFC_ROOT_ACCESS_KEY_SECRET")
	}
	if !strings.HasPrefix(vars["HOME"], filepath.Join(ts.dir, "run", "instances")) {
		t.Errorf("HOME = %q, want a private instance directory", vars["HOME"])
	}
}

func TestFileSystemIsolation(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("functions run as the server's user unless ossfc runs as root")
	}
	ts := newTestService(t, Config{})
	ts.create(t, customSpec("fs", 1, 1))

	res := ts.mustInvoke(t, "fs", event("whoami"))
	if res.Payload == nil || string(res.Payload) == "0" {
		t.Errorf("function runs as uid %s, want an unprivileged user", res.Payload)
	}
	home := filepath.Join(ts.dir, "run", "instances", res.InstanceID)
	f, _ := ts.GetFunction(context.Background(), testAccount, "fs")
	codeFile := filepath.Join(ts.dir, "code", f.Config.CodeID, "README")

	tests := []struct {
		action, path, want string
	}{
		{"read", filepath.Join(ts.data, "credentials"), "denied"},
		{"read", filepath.Join(ts.data, "meta.db"), "denied"},
		{"write", filepath.Join(ts.data, "planted"), "denied"},
		{"write", codeFile, "denied"},
		{"write", filepath.Join(filepath.Dir(codeFile), "new"), "denied"},
		{"read", codeFile, "read"},
		{"write", filepath.Join(home, "scratch"), "written"},
	}
	for _, tc := range tests {
		res := ts.mustInvoke(t, "fs", eventWith(testEvent{Action: tc.action, Path: tc.path}))
		if string(res.Payload) != tc.want {
			t.Errorf("%s %s: got %q, want %q", tc.action, tc.path, res.Payload, tc.want)
		}
	}
}

// TestNoOrphansAfterServerKill runs the test binary as a server that starts
// a function, which starts a process of its own in a new session. It then
// kills the server with SIGKILL and checks that the function and its
// process die with it.
func TestNoOrphansAfterServerKill(t *testing.T) {
	dir := testDir(t)
	mark := randomID(12)
	cmd := exec.Command(functionBinary)
	cmd.Env = append(os.Environ(), roleVar+"=server", "OSSFC_FCTEST_DIR="+dir, orphanMarkVar+"="+mark)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "pid: ") {
		t.Fatalf("server said %q, %v", line, err)
	}
	pid := strings.TrimSpace(strings.TrimPrefix(line, "pid: "))
	if !processAlive(pid) {
		t.Fatalf("function process %s is not running", pid)
	}
	spawned := markedProcesses(t, mark, cmd.Process.Pid)
	if len(spawned) != 1 {
		t.Fatalf("found %d processes started by the function, want 1", len(spawned))
	}
	t.Cleanup(func() {
		for _, p := range markedProcesses(t, mark, cmd.Process.Pid) {
			syscall.Kill(mustAtoi(p), syscall.SIGKILL)
		}
	})

	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for (processAlive(pid) || processAlive(spawned[0])) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if processAlive(pid) {
		syscall.Kill(mustAtoi(pid), syscall.SIGKILL)
		t.Fatalf("function process %s outlived the server", pid)
	}
	if processAlive(spawned[0]) {
		t.Fatalf("process %s, started by the function in a new session, outlived the server", spawned[0])
	}
}

// markedProcesses returns the pids of live processes other than except
// whose environment holds orphanMarkVar=mark.
func markedProcesses(t *testing.T, mark string, except int) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	want := []byte(orphanMarkVar + "=" + mark + "\x00")
	var pids []string
	for _, e := range entries {
		if e.Name() == strconv.Itoa(except) {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err == nil && bytes.Contains(env, want) && processAlive(e.Name()) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// processAlive reports whether pid names a running process that is not a
// zombie.
func processAlive(pid string) bool {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || len(b) < i+3 || b[i+2] != 'Z'
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
