//go:build !linux

package bench

import "os/exec"

// setParentDeathSignal does nothing where the kernel offers no parent-death
// signal; stop still ends the server on a normal exit.
func setParentDeathSignal(cmd *exec.Cmd) {}
