package fc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// poolKey identifies the instances of one function version. generation
// changes with every update of LATEST.
type poolKey struct {
	account, name, version string
	generation             int64
}

// pool runs the instances of one function version: it starts them on
// demand, hands out invocation slots up to the instance concurrency, and
// bounds the number of instances.
type pool struct {
	svc *Service
	key poolKey
	fn  *Resolved

	mu        sync.Mutex
	instances []*instance
	starting  int
	retired   bool
	changed   chan struct{} // closed and replaced whenever a slot may have freed
}

// instance is one running copy of a function.
type instance struct {
	id   string
	drv  driver
	proc *process // nil for the http runtime
	home string   // private directory; "" for the http runtime

	// guarded by pool.mu
	active int
	dead   bool
	idle   *time.Timer
}

var errPoolRetired = errors.New("pool retired")

// poolFor returns the pool of a resolved function version, creating it and
// retiring pools of older generations of the same version.
func (s *Service) poolFor(fn *Resolved) (*pool, error) {
	key := poolKey{fn.AccountID, fn.Name, fn.Version, fn.generation}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if p := s.pools[key]; p != nil {
		return p, nil
	}
	for k, old := range s.pools {
		if k.account == key.account && k.name == key.name && k.version == key.version && k.generation < key.generation {
			delete(s.pools, k)
			old.retire()
		}
	}
	p := &pool{svc: s, key: key, fn: fn, changed: make(chan struct{})}
	s.pools[key] = p
	return p, nil
}

// retirePools retires the pools of a function; version "" means all.
func (s *Service) retirePools(account, name, version string) {
	s.mu.Lock()
	var retired []*pool
	for k, p := range s.pools {
		if k.account == account && k.name == name && (version == "" || k.version == version) {
			delete(s.pools, k)
			retired = append(retired, p)
		}
	}
	s.mu.Unlock()
	for _, p := range retired {
		p.retire()
	}
}

// slots is how many instances the pool may run and how many invocations
// each takes. An http-runtime function has one virtual instance that takes
// every slot.
func (p *pool) slots() (maxInstances, concurrency int) {
	c := &p.fn.Config
	if c.Runtime == RuntimeHTTP {
		return 1, c.MaxInstances * c.InstanceConcurrency
	}
	return c.MaxInstances, c.InstanceConcurrency
}

// signalLocked wakes every invocation waiting for a slot.
func (p *pool) signalLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// acquire returns an instance with a free slot, starting one when the pool
// may grow, or waits up to the throttle wait for a slot to free up. cold
// reports that the instance was started for this invocation; startLogs are
// the output of an instance that failed to start.
func (p *pool) acquire(ctx context.Context, requestID string) (inst *instance, cold bool, startLogs []string, err error) {
	maxInstances, concurrency := p.slots()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()

	for {
		p.mu.Lock()
		if p.retired {
			p.mu.Unlock()
			return nil, false, nil, errPoolRetired
		}
		for _, in := range p.instances {
			if !in.dead && in.active < concurrency {
				in.active++
				if in.idle != nil {
					in.idle.Stop()
				}
				p.mu.Unlock()
				return in, false, nil, nil
			}
		}
		if len(p.instances)+p.starting < maxInstances {
			p.starting++
			p.mu.Unlock()
			in, logs, err := p.start(ctx, requestID)
			p.mu.Lock()
			p.starting--
			p.signalLocked()
			if err != nil {
				p.mu.Unlock()
				return nil, true, logs, err
			}
			if in.dead {
				// The process exited between becoming ready and now.
				p.mu.Unlock()
				return nil, true, nil, &InvokeError{Kind: ErrStartFailed, RequestID: requestID, Function: p.fn.Name,
					Reason: "the instance exited right after it was ready: " + in.proc.exitReason()}
			}
			if p.retired {
				p.mu.Unlock()
				p.svc.stopInstance(in)
				return nil, true, nil, errPoolRetired
			}
			in.active = 1
			p.instances = append(p.instances, in)
			p.mu.Unlock()
			return in, true, nil, nil
		}
		changed := p.changed
		p.mu.Unlock()

		if timer == nil {
			timer = time.NewTimer(p.svc.cfg.ThrottleWait)
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, false, nil, ErrThrottled
		case <-ctx.Done():
			return nil, false, nil, ctx.Err()
		}
	}
}

// release returns an invocation slot. A broken instance is stopped; an idle
// one is stopped after the idle timeout.
func (p *pool) release(in *instance, broken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	in.active--
	p.signalLocked()
	switch {
	case in.dead:
	case broken || (p.retired && in.active == 0):
		p.removeLocked(in)
		go p.svc.stopInstance(in)
	case in.active == 0:
		if in.idle == nil {
			in.idle = time.AfterFunc(p.svc.cfg.IdleTimeout, func() { p.expire(in) })
		} else {
			in.idle.Reset(p.svc.cfg.IdleTimeout)
		}
	}
}

// expire stops an instance that stayed idle for the idle timeout.
func (p *pool) expire(in *instance) {
	p.mu.Lock()
	if in.dead || in.active > 0 {
		p.mu.Unlock()
		return
	}
	p.removeLocked(in)
	p.mu.Unlock()
	p.svc.stopInstance(in)
}

// removeLocked marks an instance dead and removes it from the pool.
func (p *pool) removeLocked(in *instance) {
	in.dead = true
	if in.idle != nil {
		in.idle.Stop()
	}
	for i, x := range p.instances {
		if x == in {
			p.instances = append(p.instances[:i], p.instances[i+1:]...)
			break
		}
	}
	p.signalLocked()
}

// retire stops the pool's idle instances now and the busy ones when their
// invocations end; waiting invocations resolve the function again.
func (p *pool) retire() {
	p.mu.Lock()
	p.retired = true
	var idle []*instance
	for _, in := range append([]*instance(nil), p.instances...) {
		if in.active == 0 {
			p.removeLocked(in)
			idle = append(idle, in)
		}
	}
	p.signalLocked()
	p.mu.Unlock()
	for _, in := range idle {
		p.svc.stopInstance(in)
	}
}

// exited handles an instance whose process ended, expectedly or not.
func (p *pool) exited(in *instance) {
	p.mu.Lock()
	if !in.dead {
		p.removeLocked(in)
	}
	p.mu.Unlock()
	in.drv.close()
	if in.home != "" {
		os.RemoveAll(in.home)
	}
	p.svc.metrics.instances.Dec()
}

// stopInstance stops an instance that is no longer in its pool, in the
// background; Close waits for it through the service's wait group. Once
// Close has begun, the wait group may already be waited on, so a late stop
// is not added to it; Close still waits for the process itself, whose exit
// the process goroutine reports through the same wait group.
func (s *Service) stopInstance(in *instance) {
	if in.proc == nil {
		in.drv.close()
		return
	}
	s.mu.Lock()
	closing := s.closed
	if !closing {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if closing {
		go in.proc.stop(s.cfg.StopGrace)
		return
	}
	go func() {
		defer s.wg.Done()
		in.proc.stop(s.cfg.StopGrace)
	}()
}

// start starts a new instance and waits until it is ready.
func (p *pool) start(ctx context.Context, requestID string) (*instance, []string, error) {
	s, fn := p.svc, p.fn
	in := &instance{id: randomID(8)}
	fail := func(reason string) error {
		return &InvokeError{Kind: ErrStartFailed, RequestID: requestID, Function: fn.Name, Reason: reason}
	}

	if fn.Config.Runtime == RuntimeHTTP {
		token, err := s.httpToken(fn.AccountID, fn.Name, fn.Config.HTTPToken)
		if err != nil {
			return nil, nil, fail(err.Error())
		}
		in.drv = &httpDriver{url: fn.Config.HTTPURL, token: token,
			client: s.cfg.HTTPClient, maxResponse: s.cfg.MaxResponseBytes}
		return in, nil, nil
	}

	// A private, writable home for the instance: HOME, TMPDIR and the
	// working files of the runtime. The code directory is read-only.
	in.home = filepath.Join(s.cfg.RuntimeDir, "instances", in.id)
	if err := os.Mkdir(in.home, 0o700); err != nil {
		return nil, nil, fmt.Errorf("fc: create instance directory: %w", err)
	}
	if err := s.isolation.chown(in.home); err != nil {
		os.RemoveAll(in.home)
		return nil, nil, fmt.Errorf("fc: instance directory: %w", err)
	}
	codeDir := s.code.dir(fn.Config.CodeID)
	env := s.instanceEnv(fn, in, codeDir)

	// Choose the runtime: an HTTP server on FC_SERVER_PORT, or a process
	// that pulls work from the runtime API.
	command := fn.Config.Command
	var (
		ready <-chan struct{}
		api   *runtimeAPI
		port  int
	)
	switch fn.Config.Runtime {
	case RuntimeCustom:
		var err error
		if port, err = freePort(); err != nil {
			os.RemoveAll(in.home)
			return nil, nil, err
		}
		env = append(env, "FC_SERVER_PORT="+strconv.Itoa(port), "FC_CUSTOM_LISTEN_PORT="+strconv.Itoa(port))
		in.drv = newLocalHTTPDriver(port, fn.Config.InstanceConcurrency, s.cfg.MaxResponseBytes)
	default:
		var err error
		if api, err = newRuntimeAPI(s.cfg.MaxResponseBytes); err != nil {
			os.RemoveAll(in.home)
			return nil, nil, err
		}
		env = append(env, "FC_RUNTIME_API="+api.addr(), "AWS_LAMBDA_RUNTIME_API="+api.addr())
		in.drv, ready = api, api.ready
		if fn.Config.Runtime == RuntimePython {
			command = []string{s.cfg.Python, s.python}
			env = append(env, "PYTHONUNBUFFERED=1", "PYTHONDONTWRITEBYTECODE=1")
		}
	}
	if len(command) == 0 {
		command = []string{"bootstrap"}
		if fn.Config.Runtime == RuntimeGo1 && fn.Config.Handler != "" {
			command = []string{fn.Config.Handler}
		}
	}
	path, args, err := resolveCommand(command, codeDir)
	if err != nil {
		in.drv.close()
		os.RemoveAll(in.home)
		return nil, nil, fail(err.Error())
	}
	args = append(args, fn.Config.Args...)

	// Start the process and wait until it is ready, exits, or runs out of
	// time.
	logger := s.logger.With(slog.String("function", fn.Name), slog.String("instance", in.id))
	startupID := "startup-" + in.id
	in.proc, err = s.startProcess(processSpec{path: path, args: args, env: env, dir: codeDir, logger: logger},
		startupID, func() { p.exited(in) })
	if err != nil {
		in.drv.close()
		os.RemoveAll(in.home)
		return nil, nil, fail("the process could not be started: " + err.Error())
	}
	s.metrics.instances.Inc()
	logger.Info("function instance started", "pid", in.proc.pid, "runtime", fn.Config.Runtime)

	if api == nil {
		ready = waitListening(port, in.proc.exited)
	}
	timer := time.NewTimer(s.cfg.StartTimeout)
	defer timer.Stop()
	var initFailed <-chan struct{}
	if api != nil {
		initFailed = api.initFailed
	}
	select {
	case <-ready:
		in.proc.output.take(startupID)
		return in, nil, nil
	case <-in.proc.exited:
		return nil, in.proc.output.take(startupID), fail("the instance exited before it was ready: " + in.proc.exitReason())
	case <-initFailed:
		in.proc.kill()
		<-in.proc.exited
		api.mu.Lock()
		reason := api.initError
		api.mu.Unlock()
		return nil, in.proc.output.take(startupID), fail("the function reported an initialization error: " + reason)
	case <-timer.C:
		in.proc.kill()
		<-in.proc.exited
		return nil, in.proc.output.take(startupID), fail(fmt.Sprintf("the instance was not ready within %s", s.cfg.StartTimeout))
	case <-ctx.Done():
		in.proc.kill()
		<-in.proc.exited
		return nil, nil, ctx.Err()
	}
}

// waitListening returns a channel closed once something accepts TCP
// connections on the loopback port; it gives up when stop is closed.
func waitListening(port int, stop <-chan struct{}) <-chan struct{} {
	ready := make(chan struct{})
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	go func() {
		delay := time.Millisecond
		for {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				conn.Close()
				close(ready)
				return
			}
			t := time.NewTimer(delay)
			select {
			case <-stop:
				t.Stop()
				return
			case <-t.C:
			}
			delay = min(delay*2, 20*time.Millisecond)
		}
	}()
	return ready
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// instanceEnv is the whole environment of a function process: the
// function's own variables, then the documented FC_* variables and the
// variables of AWS Lambda's runtime that aws-lambda-go reads. Nothing of
// the server's environment is passed on.
func (s *Service) instanceEnv(fn *Resolved, in *instance, codeDir string) []string {
	var env []string
	for k, v := range fn.Config.Environment {
		env = append(env, k+"="+v)
	}
	mem := strconv.Itoa(fn.Config.MemorySizeMB)
	return append(env,
		"PATH="+functionPath,
		"HOME="+in.home,
		"TMPDIR="+in.home,
		"LANG=C.UTF-8",
		"FC_FUNCTION_NAME="+fn.Name,
		"FC_FUNCTION_HANDLER="+fn.Config.Handler,
		"FC_FUNCTION_MEMORY_SIZE="+mem,
		"FC_FUNCTION_TIMEOUT="+strconv.Itoa(fn.Config.TimeoutSeconds),
		"FC_QUALIFIER="+fn.Qualifier,
		"FC_VERSION_ID="+fn.Version,
		"FC_REGION="+s.cfg.Region,
		"FC_ACCOUNT_ID="+fn.AccountID,
		"FC_INSTANCE_ID="+in.id,
		"FC_FUNC_CODE_PATH="+codeDir,
		"AWS_LAMBDA_FUNCTION_NAME="+fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION="+fn.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+mem,
		"AWS_REGION="+s.cfg.Region,
		"_HANDLER="+fn.Config.Handler,
		"LAMBDA_TASK_ROOT="+codeDir,
	)
}
