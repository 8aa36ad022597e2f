package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// childServer is an "ossfc server" process started for a benchmark run.
type childServer struct {
	cmd    *exec.Cmd
	runDir string // holds the data directory; removed by stop
	url    string
	// consoleURL is the console listener, which serves the admin API.
	consoleURL string
	keyID      string
	secret     string
	exited     chan error
}

// advertisedURL and consoleLine match the lines in which "ossfc server"
// prints its OSS API and console addresses; the console line comes later.
var (
	advertisedURL = regexp.MustCompile(`OSS API:\s+(http://\S+)`)
	consoleLine   = regexp.MustCompile(`console:\s+(http://\S+)`)
)

// startServer runs binary as "ossfc server" on a free loopback port with a
// fresh data directory under tmpDir and waits until it prints its address.
// The server's log goes to logOut.
func startServer(ctx context.Context, binary, tmpDir string, logOut io.Writer) (*childServer, error) {
	// The server keeps state next to its data directory too (functions), so
	// the run gets a parent directory of its own, searchable by the
	// unprivileged user functions run as, and removed whole at the end.
	runDir, err := os.MkdirTemp(tmpDir, "ossfc-bench-")
	if err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if err := os.Chmod(runDir, 0o711); err != nil {
		os.RemoveAll(runDir)
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	dataDir := filepath.Join(runDir, "data")
	var raw [12]byte
	rand.Read(raw[:])
	s := &childServer{runDir: runDir, keyID: "LTAIbench" + hex.EncodeToString(raw[:4]), secret: hex.EncodeToString(raw[4:]),
		exited: make(chan error, 1)}

	s.cmd = exec.Command(binary, "server", "--data", dataDir, "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0", "--log-level", "warn")
	s.cmd.Env = append(os.Environ(),
		"OSSFC_ROOT_ACCESS_KEY_ID="+s.keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET="+s.secret)
	s.cmd.Stderr = logOut
	setParentDeathSignal(s.cmd)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(runDir)
		return nil, fmt.Errorf("start %s server: %w", binary, err)
	}
	go func() { s.exited <- s.cmd.Wait() }()

	// Read stdout until both addresses appear, then keep draining it.
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := advertisedURL.FindStringSubmatch(sc.Text()); m != nil && s.url == "" {
				s.url = m[1]
			}
			if m := consoleLine.FindStringSubmatch(sc.Text()); m != nil && s.consoleURL == "" {
				s.consoleURL = m[1]
				close(found)
			}
		}
	}()
	select {
	case <-found:
		return s, nil
	case err := <-s.exited:
		os.RemoveAll(runDir)
		return nil, fmt.Errorf("server exited before it was ready: %v", err)
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("server did not print its address within 30 s")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop sends SIGTERM, waits up to 10 s, then kills the server, and removes
// its directories.
func (s *childServer) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	os.RemoveAll(s.runDir)
}

// pid returns the server's process id.
func (s *childServer) pid() int { return s.cmd.Process.Pid }

// residentBytes returns the resident set size of process pid, read from
// /proc/<pid>/status (Linux only).
func residentBytes(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) != 2 || fields[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmRSS line %q", sc.Text())
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// rssSampler records the peak resident size of a process while it runs.
type rssSampler struct {
	stop chan struct{}
	done chan struct{}
	peak int64
	n    int
	err  error
}

// sampleRSS samples pid every interval until the returned sampler's finish
// is called.
func sampleRSS(pid int, interval time.Duration) *rssSampler {
	r := &rssSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			rss, err := residentBytes(pid)
			if err != nil {
				r.err = err
				return
			}
			r.peak = max(r.peak, rss)
			r.n++
			select {
			case <-r.stop:
				return
			case <-t.C:
			}
		}
	}()
	return r
}

// finish stops sampling and returns the peak and the number of samples.
func (r *rssSampler) finish() (peak int64, samples int, err error) {
	close(r.stop)
	<-r.done
	return r.peak, r.n, r.err
}
