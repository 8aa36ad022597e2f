package bench

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal makes the kernel kill the server if the benchmark
// dies, so no server outlives a run.
func setParentDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
