package fc

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one running function process and the capture of its output.
type process struct {
	cmd    *exec.Cmd
	pid    int
	output *outputCapture

	exited  chan struct{} // closed once the process is reaped and its output read
	exitErr error         // valid after exited is closed
}

// processSpec is what startProcess needs to run a function.
type processSpec struct {
	path   string
	args   []string
	env    []string
	dir    string
	logger *slog.Logger // carries the function name and instance id
}

// startProcess starts a function process with stdout and stderr merged into
// one pipe that the output capture reads. onExit runs once the process has
// exited, its process group has been killed and its output has been read.
func (s *Service) startProcess(spec processSpec, startupID string, onExit func()) (*process, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	newCmd := func(pidNamespace bool) *exec.Cmd {
		return &exec.Cmd{
			Path:        spec.path,
			Args:        append([]string{spec.path}, spec.args...),
			Env:         spec.env,
			Dir:         spec.dir,
			Stdout:      w,
			Stderr:      w,
			SysProcAttr: s.isolation.sysProcAttr(pidNamespace),
		}
	}
	cmd := newCmd(s.isolation.usePIDNamespace())
	err = s.spawner.start(cmd)
	if err != nil && s.isolation.usePIDNamespace() && namespaceRefused(err) {
		// Without a PID namespace the direct child still dies with the
		// server, but a descendant that left its process group may not.
		nsErr := err
		cmd = newCmd(false)
		if err = s.spawner.start(cmd); err == nil && s.isolation.noPIDNamespace.CompareAndSwap(false, true) {
			s.logger.Warn("function processes run without a PID namespace, so a process a function starts in a new session can outlive the server",
				"reason", nsErr.Error())
		}
	}
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}

	p := &process{cmd: cmd, pid: cmd.Process.Pid, exited: make(chan struct{})}
	p.output = newOutputCapture(r, w, spec.logger, s.cfg.MaxLogBytes)
	p.output.beginActive(startupID)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		p.exitErr = cmd.Wait()

		// Kill whatever the function left in its process group, then close
		// our copy of the pipe's write end so the reader sees end of file.
		syscall.Kill(-p.pid, syscall.SIGKILL)
		p.output.closeWriter()
		<-p.output.readerDone
		close(p.exited)
		onExit()
	}()
	return p, nil
}

// stop asks the process group to exit with SIGTERM and kills it with SIGKILL
// after grace. The first process of a PID namespace receives SIGTERM only
// if it has a handler for it (Go programs do), so a function without one
// is stopped by the SIGKILL.
func (p *process) stop(grace time.Duration) {
	syscall.Kill(-p.pid, syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.exited:
	case <-t.C:
		p.kill()
		<-p.exited
	}
}

// kill kills the whole process group at once.
func (p *process) kill() { syscall.Kill(-p.pid, syscall.SIGKILL) }

// exitReason describes how the process ended, for error messages.
func (p *process) exitReason() string {
	select {
	case <-p.exited:
	case <-time.After(time.Second):
		return "still running"
	}
	if p.exitErr == nil {
		return "exit status 0"
	}
	return strings.TrimPrefix(p.exitErr.Error(), "exit ")
}

// resolveCommand finds the executable of a function command: a name with a
// slash is relative to the code directory (or absolute), a bare name is
// looked up in the code directory and then in the function's PATH.
func resolveCommand(command []string, codeDir string) (string, []string, error) {
	if len(command) == 0 || command[0] == "" {
		return "", nil, fmt.Errorf("no command")
	}
	name, args := command[0], command[1:]
	if filepath.IsAbs(name) {
		return name, args, nil
	}
	if strings.Contains(name, "/") {
		return filepath.Join(codeDir, name), args, nil
	}
	candidates := []string{filepath.Join(codeDir, name)}
	for _, dir := range strings.Split(functionPath, ":") {
		candidates = append(candidates, filepath.Join(dir, name))
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			return c, args, nil
		}
	}
	return "", nil, fmt.Errorf("command %q not found in the code directory or in %s", name, functionPath)
}

// functionPath is the PATH of every function process.
const functionPath = "/usr/local/bin:/usr/bin:/bin"

// outputCapture reads a function's merged stdout and stderr line by line,
// re-logs every line with the function name, and attributes lines to the
// invocations running at the time.
//
// To attribute lines exactly, the server keeps its own copy of the pipe's
// write end and writes a marker line, with a nonce the function never sees,
// before sending an invocation and after receiving its reply. The pipe is
// FIFO, so every line the function wrote before replying is read before the
// end marker. With an instance concurrency above 1, lines of overlapping
// invocations are given to all of them.
type outputCapture struct {
	logger   *slog.Logger
	marker   []byte
	maxBytes int

	mu          sync.Mutex
	w           *os.File // nil once closed
	invocations map[string]*capturedLog

	readerDone chan struct{}
}

type capturedLog struct {
	active  bool
	lines   []string
	bytes   int
	dropped int
	ended   chan struct{}
	closed  bool
}

func newOutputCapture(r, w *os.File, logger *slog.Logger, maxBytes int) *outputCapture {
	c := &outputCapture{
		logger:      logger,
		marker:      []byte("\x00ossfc-" + randomID(12) + " "),
		maxBytes:    maxBytes,
		w:           w,
		invocations: map[string]*capturedLog{},
		readerDone:  make(chan struct{}),
	}
	go c.read(r)
	return c
}

// beginActive starts capturing for id at once, without a marker; it is used
// for the output of a starting instance, before anything else was written.
func (c *outputCapture) beginActive(id string) {
	c.mu.Lock()
	c.invocations[id] = &capturedLog{active: true, ended: make(chan struct{})}
	c.mu.Unlock()
}

// begin starts capturing for an invocation about to be sent.
func (c *outputCapture) begin(id string) {
	c.mu.Lock()
	c.invocations[id] = &capturedLog{ended: make(chan struct{})}
	w := c.w
	c.mu.Unlock()
	if w != nil {
		w.Write(c.markerLine('S', id))
	}
}

// end stops capturing for id and returns its lines, once every line written
// before the call has been read (or the process has exited).
func (c *outputCapture) end(id string) []string {
	c.mu.Lock()
	cl := c.invocations[id]
	w := c.w
	c.mu.Unlock()
	if cl == nil {
		return nil
	}
	if w != nil {
		w.Write(c.markerLine('E', id))
	}
	t := time.NewTimer(2 * time.Second)
	select {
	case <-cl.ended:
	case <-c.readerDone:
	case <-t.C:
	}
	t.Stop()
	return c.take(id)
}

// take removes id's capture and returns its lines.
func (c *outputCapture) take(id string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.invocations[id]
	if cl == nil {
		return nil
	}
	delete(c.invocations, id)
	if cl.dropped > 0 {
		cl.lines = append(cl.lines, fmt.Sprintf("[ossfc: %d more lines dropped]", cl.dropped))
	}
	return cl.lines
}

func (c *outputCapture) markerLine(kind byte, id string) []byte {
	b := make([]byte, 0, len(c.marker)+len(id)+3)
	b = append(b, c.marker...)
	b = append(b, kind, ' ')
	b = append(b, id...)
	return append(b, '\n')
}

// closeWriter closes the server's copy of the write end.
func (c *outputCapture) closeWriter() {
	c.mu.Lock()
	w := c.w
	c.w = nil
	c.mu.Unlock()
	if w != nil {
		w.Close()
	}
}

func (c *outputCapture) read(r *os.File) {
	defer close(c.readerDone)
	defer r.Close()
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			c.handle(bytes.TrimSuffix(line, []byte{'\n'}))
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			break
		}
	}

	c.mu.Lock()
	for _, cl := range c.invocations {
		cl.active = false
		if !cl.closed {
			cl.closed = true
			close(cl.ended)
		}
	}
	c.mu.Unlock()
}

// handle processes one line: a marker, text before a marker, or output.
func (c *outputCapture) handle(line []byte) {
	i := bytes.Index(line, c.marker)
	if i < 0 {
		c.output(string(line))
		return
	}
	if i > 0 {
		c.output(string(line[:i]))
	}
	rest := line[i+len(c.marker):]
	if len(rest) < 3 {
		return
	}
	kind, id := rest[0], string(rest[2:])

	c.mu.Lock()
	defer c.mu.Unlock()
	cl := c.invocations[id]
	if cl == nil {
		return
	}
	switch kind {
	case 'S':
		cl.active = true
		c.appendLocked(cl, "FC Invoke Start RequestId: "+id)
	case 'E':
		c.appendLocked(cl, "FC Invoke End RequestId: "+id)
		cl.active = false
		if !cl.closed {
			cl.closed = true
			close(cl.ended)
		}
	}
}

func (c *outputCapture) output(text string) {
	c.logger.Info("function output", "line", text)
	c.mu.Lock()
	for _, cl := range c.invocations {
		if cl.active {
			c.appendLocked(cl, text)
		}
	}
	c.mu.Unlock()
}

func (c *outputCapture) appendLocked(cl *capturedLog, text string) {
	if cl.bytes+len(text) > c.maxBytes {
		cl.dropped++
		return
	}
	cl.bytes += len(text)
	cl.lines = append(cl.lines, text)
}
