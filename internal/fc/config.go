package fc

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config configures a Service. Zero fields take the defaults documented on
// each field; New validates the result once.
type Config struct {
	// Region is the region in function ARNs. Default cn-hangzhou.
	Region string

	// CodeRoot holds the unpacked code of every function (layout in the
	// package documentation). It must lie outside the data directory, and
	// when ossfc runs as root every directory above it must be searchable
	// by FunctionUser. Required.
	CodeRoot string

	// RuntimeDir holds the Python bootstrap and one private home directory
	// per running instance. The same reachability rule as CodeRoot applies.
	// Required.
	RuntimeDir string

	// FunctionUser is the user that function processes run as when ossfc
	// runs as root. Default "nobody". When ossfc does not run as root,
	// functions run as the server's own user and this field is ignored.
	FunctionUser string

	// Python is the interpreter of the python3.10 runtime. Default
	// /usr/bin/python3.
	Python string

	// IdleTimeout is how long an instance with no invocation is kept warm.
	// Default 10 minutes.
	IdleTimeout time.Duration

	// ThrottleWait is how long an invocation waits for a free instance when
	// the function already runs its maximum number of instances, before it
	// fails with ErrThrottled. Default 5 seconds.
	ThrottleWait time.Duration

	// StartTimeout bounds the start of a new instance, from the process
	// start until it is ready (it listens on FC_SERVER_PORT, or it asks the
	// runtime API for its first invocation). Default 10 seconds.
	StartTimeout time.Duration

	// StopGrace is how long a stopping instance has between SIGTERM and
	// SIGKILL. Default 2 seconds.
	StopGrace time.Duration

	// MaxResponseBytes caps the response payload of one invocation; a larger
	// response fails the invocation. Default 32 MiB.
	MaxResponseBytes int64

	// MaxZipBytes caps an uploaded zip file, MaxCodeBytes the unpacked size
	// of a function's code and MaxCodeFiles its number of files. Defaults
	// 100 MiB, 512 MiB and 20,000.
	MaxZipBytes  int64
	MaxCodeBytes int64
	MaxCodeFiles int

	// LogInvocations is the number of recent invocations whose logs are
	// kept, and MaxLogBytes the log bytes kept per invocation (later lines
	// are dropped and counted). Defaults 1,000 and 64 KiB.
	LogInvocations int
	MaxLogBytes    int

	// Secrets seals the bearer tokens of http-runtime functions before they
	// are stored. nil stores them as given.
	Secrets Sealer

	// HTTPClient calls functions of the http runtime. Default: a client with
	// no overall timeout; the function's timeout bounds each call.
	HTTPClient *http.Client

	// Metrics, when set, receives the service's Prometheus collectors.
	Metrics prometheus.Registerer

	// Now returns the current time. Default time.Now.
	Now func() time.Time
}

// withDefaults returns a copy of c with defaults filled in, or an error
// naming the first invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.Region == "" {
		c.Region = "cn-hangzhou"
	}
	if c.CodeRoot == "" || c.RuntimeDir == "" {
		return c, errors.New("fc: CodeRoot and RuntimeDir are required")
	}
	var err error
	if c.CodeRoot, err = filepath.Abs(c.CodeRoot); err != nil {
		return c, fmt.Errorf("fc: code root: %w", err)
	}
	if c.RuntimeDir, err = filepath.Abs(c.RuntimeDir); err != nil {
		return c, fmt.Errorf("fc: runtime dir: %w", err)
	}
	if c.FunctionUser == "" {
		c.FunctionUser = "nobody"
	}
	if c.Python == "" {
		c.Python = "/usr/bin/python3"
	}
	setDuration(&c.IdleTimeout, 10*time.Minute)
	setDuration(&c.ThrottleWait, 5*time.Second)
	setDuration(&c.StartTimeout, 10*time.Second)
	setDuration(&c.StopGrace, 2*time.Second)
	if c.MaxResponseBytes <= 0 {
		c.MaxResponseBytes = 32 << 20
	}
	if c.MaxZipBytes <= 0 {
		c.MaxZipBytes = 100 << 20
	}
	if c.MaxCodeBytes <= 0 {
		c.MaxCodeBytes = 512 << 20
	}
	if c.MaxCodeFiles <= 0 {
		c.MaxCodeFiles = 20000
	}
	if c.LogInvocations <= 0 {
		c.LogInvocations = 1000
	}
	if c.MaxLogBytes <= 0 {
		c.MaxLogBytes = 64 << 10
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

func setDuration(d *time.Duration, def time.Duration) {
	if *d <= 0 {
		*d = def
	}
}
