package fc

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"syscall"
)

// isolation is how function processes are separated from the server: the
// user they run as and the checks that this user can reach the code.
type isolation struct {
	// switchUser is set when the server runs as root; functions then run
	// as uid:gid with no supplementary groups.
	switchUser bool
	uid, gid   uint32
	username   string

	// noPIDNamespace is set once the kernel refused a PID namespace;
	// later processes then start without one. It is shared by copies.
	noPIDNamespace *atomic.Bool
}

func newIsolation(username string) (isolation, error) {
	if os.Geteuid() != 0 {
		return isolation{noPIDNamespace: new(atomic.Bool)}, nil
	}
	u, err := user.Lookup(username)
	if err != nil {
		return isolation{}, fmt.Errorf("fc: function user %q: %w", username, err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return isolation{}, fmt.Errorf("fc: function user %q has a non-numeric uid or gid", username)
	}
	if uid == 0 {
		return isolation{}, fmt.Errorf("fc: function user %q is root; choose an unprivileged user", username)
	}
	return isolation{switchUser: true, uid: uint32(uid), gid: uint32(gid), username: username,
		noPIDNamespace: new(atomic.Bool)}, nil
}

// checkReachable verifies that the function user can search every directory
// from / down to dir, so a misplaced code root (under a 0700 home or data
// directory) fails at start-up instead of at the first invocation.
func (iso isolation) checkReachable(dir string) error {
	if !iso.switchUser {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("fc: %s: %w", d, err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		mode := fi.Mode().Perm()
		searchable := mode&0o001 != 0 ||
			(ok && st.Uid == iso.uid && mode&0o100 != 0) ||
			(ok && st.Gid == iso.gid && mode&0o010 != 0)
		if !searchable {
			return fmt.Errorf("fc: function user %s cannot reach %s because %s has mode %o; put the directory where other users can search",
				iso.username, dir, d, mode)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// sysProcAttr puts the process in its own process group, kills it when the
// spawning thread dies, and drops to the function user when there is one.
//
// With pidNamespace the process is also the first process (PID 1) of a new
// PID namespace. It dies with the server through the parent-death signal,
// and the kernel then kills every other process in the namespace. So
// nothing the function started outlives it, not even a descendant that
// left the process group with setsid. A root server creates the namespace
// directly. Any other user needs a user namespace around it, which maps
// only the server's own uid and gid.
func (iso isolation) sysProcAttr(pidNamespace bool) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if iso.switchUser {
		attr.Credential = &syscall.Credential{Uid: iso.uid, Gid: iso.gid, Groups: []uint32{}}
	}
	if !pidNamespace {
		return attr
	}
	attr.Cloneflags = syscall.CLONE_NEWPID
	if os.Geteuid() != 0 {
		attr.Cloneflags |= syscall.CLONE_NEWUSER
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: os.Getuid(), HostID: os.Getuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: os.Getgid(), HostID: os.Getgid(), Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	return attr
}

// usePIDNamespace reports whether the next process should get its own PID
// namespace.
func (iso isolation) usePIDNamespace() bool { return !iso.noPIDNamespace.Load() }

// namespaceRefused reports whether a failed start may be the kernel
// refusing the namespaces of sysProcAttr (no privilege, user namespaces
// disabled, a namespace limit reached), so a start without them is worth
// trying.
func namespaceRefused(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	switch errno {
	case syscall.EPERM, syscall.EACCES, syscall.EINVAL, syscall.ENOSPC, syscall.EUSERS, syscall.ENOSYS:
		return true
	}
	return false
}

// chown gives a directory to the function user.
func (iso isolation) chown(path string) error {
	if !iso.switchUser {
		return nil
	}
	return os.Chown(path, int(iso.uid), int(iso.gid))
}

// spawner starts every function process from one goroutine locked to its OS
// thread. Linux sends the parent-death signal when the thread that forked a
// child exits, not when the process does; Go may end any other thread at any
// time, so forking from a thread that lives until Close keeps Pdeathsig
// meaning "the server died".
type spawner struct {
	requests chan spawnRequest
	quit     chan struct{}
	done     chan struct{}
}

type spawnRequest struct {
	cmd *exec.Cmd
	err chan error
}

func startSpawner() *spawner {
	sp := &spawner{requests: make(chan spawnRequest), quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		// The thread is never unlocked, so it exits with this goroutine,
		// after every process it started has been stopped.
		runtime.LockOSThread()
		defer close(sp.done)
		for {
			select {
			case req := <-sp.requests:
				req.err <- req.cmd.Start()
			case <-sp.quit:
				return
			}
		}
	}()
	return sp
}

// start runs cmd.Start on the spawner's thread.
func (sp *spawner) start(cmd *exec.Cmd) error {
	req := spawnRequest{cmd: cmd, err: make(chan error, 1)}
	select {
	case sp.requests <- req:
	case <-sp.done:
		return ErrClosed
	}
	return <-req.err
}

// stop ends the spawner; call it only when no process it started runs.
func (sp *spawner) stop() {
	close(sp.quit)
	<-sp.done
}
