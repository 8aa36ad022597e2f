package bench

import (
	"os/exec"
	"syscall"
	"time"
)

// setParentDeathSignal makes the kernel kill the server if the benchmark
// dies, so no server outlives a run.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// settle writes dirty pages to disk and pauses, so that the write-back of
// an earlier upload does not compete with the phase that follows.
func settle() {
	syscall.Sync()
	time.Sleep(time.Second)
}
