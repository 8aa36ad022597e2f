//go:build !linux

package bench

import (
	"os/exec"
	"time"
)

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal; stop still ends the server on a normal exit.
func setParentDeathSignal(cmd *exec.Cmd) {}

// settle pauses, so that an earlier phase's work winds down before the
// next is timed.
func settle() {
	time.Sleep(time.Second)
}
