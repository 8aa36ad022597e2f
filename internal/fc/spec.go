package fc

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
)

// Runtime names. Aliases that Function Compute also accepts map to these in
// canonicalRuntime.
const (
	RuntimeCustom   = "custom"
	RuntimeProvided = "provided"
	RuntimeGo1      = "go1"
	RuntimePython   = "python3.10"
	RuntimeHTTP     = "http"
)

// canonicalRuntime maps the accepted runtime names to the runtime ossfc runs.
var canonicalRuntime = map[string]string{
	"custom":          RuntimeCustom,
	"custom.debian10": RuntimeCustom,
	"custom.debian11": RuntimeCustom,
	"custom.debian12": RuntimeCustom,
	"provided":        RuntimeProvided,
	"provided.al2":    RuntimeProvided,
	"provided.al2023": RuntimeProvided,
	"go1":             RuntimeGo1,
	"python3":         RuntimePython,
	"python3.9":       RuntimePython,
	"python3.10":      RuntimePython,
	"python3.12":      RuntimePython,
	"http":            RuntimeHTTP,
}

// Limits of function settings, following Function Compute 3.0 where it has
// one. Memory is a hint passed to the function; ossfc does not enforce it.
const (
	DefaultTimeoutSeconds      = 60
	MaxTimeoutSeconds          = 86400
	DefaultMemorySizeMB        = 512
	MinMemorySizeMB            = 64
	MaxMemorySizeMB            = 32768
	DefaultInstanceConcurrency = 1
	MaxInstanceConcurrency     = 200
	DefaultMaxInstances        = 10
	MaxMaxInstances            = 1000
	maxEnvironmentBytes        = 4096
	maxDescriptionBytes        = 256
)

// Code is the code of a function: a zip file's bytes or a local directory.
// Exactly one is set.
type Code struct {
	ZipFile []byte
	Dir     string
}

// FunctionSpec is the full definition of a function, as CreateFunction takes
// it. Zero numeric fields take their defaults.
type FunctionSpec struct {
	Name        string
	Description string
	Runtime     string
	Handler     string

	// Command and Args start a custom, provided or go1 function (FC's
	// customRuntimeConfig). Port is recorded but not used: each instance
	// gets its own port in FC_SERVER_PORT.
	Command []string
	Args    []string
	Port    int

	// HTTPURL and HTTPToken configure the http runtime: every invocation is
	// a POST to HTTPURL with the bearer token.
	HTTPURL   string
	HTTPToken string

	TimeoutSeconds      int
	MemorySizeMB        int
	InstanceConcurrency int
	MaxInstances        int
	Environment         map[string]string
	Role                string

	Code *Code
}

// FunctionUpdate changes some settings of a function; nil fields keep their
// value. A new Code replaces the code.
type FunctionUpdate struct {
	Description         *string
	Runtime             *string
	Handler             *string
	Command             *[]string
	Args                *[]string
	Port                *int
	HTTPURL             *string
	HTTPToken           *string
	TimeoutSeconds      *int
	MemorySizeMB        *int
	InstanceConcurrency *int
	MaxInstances        *int
	Environment         *map[string]string
	Role                *string
	Code                *Code
}

// apply copies the set fields of u onto c.
func (u *FunctionUpdate) apply(c *meta.FunctionConfig) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	setInt := func(dst *int, src *int) {
		if src != nil {
			*dst = *src
		}
	}
	set(&c.Description, u.Description)
	set(&c.Runtime, u.Runtime)
	set(&c.Handler, u.Handler)
	set(&c.HTTPURL, u.HTTPURL)
	set(&c.HTTPToken, u.HTTPToken)
	set(&c.Role, u.Role)
	setInt(&c.Port, u.Port)
	setInt(&c.TimeoutSeconds, u.TimeoutSeconds)
	setInt(&c.MemorySizeMB, u.MemorySizeMB)
	setInt(&c.InstanceConcurrency, u.InstanceConcurrency)
	setInt(&c.MaxInstances, u.MaxInstances)
	if u.Command != nil {
		c.Command = *u.Command
	}
	if u.Args != nil {
		c.Args = *u.Args
	}
	if u.Environment != nil {
		c.Environment = *u.Environment
	}
}

// configFromSpec returns the stored settings of s, without code.
func configFromSpec(s *FunctionSpec) meta.FunctionConfig {
	return meta.FunctionConfig{
		Description: s.Description, Runtime: s.Runtime, Handler: s.Handler,
		Command: s.Command, Args: s.Args, Port: s.Port,
		HTTPURL: s.HTTPURL, HTTPToken: s.HTTPToken,
		TimeoutSeconds: s.TimeoutSeconds, MemorySizeMB: s.MemorySizeMB,
		InstanceConcurrency: s.InstanceConcurrency, MaxInstances: s.MaxInstances,
		Environment: s.Environment, Role: s.Role,
	}
}

// defaultPythonHandler is the handler of a python3.10 function that names
// none, as in Function Compute: the function handler in index.py.
const defaultPythonHandler = "index.handler"

var (
	envNameRE     = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	pythonHandler = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_.]*\.[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// normalizeConfig fills defaults into c and checks every setting; the error
// wraps ErrInvalidArgument and names the field as the admin API spells it.
func normalizeConfig(c *meta.FunctionConfig, hasCode bool) error {
	invalid := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidArgument, field, fmt.Sprintf(format, args...))
	}

	rt, ok := canonicalRuntime[c.Runtime]
	if !ok {
		return invalid("runtime", "%q is not supported; use custom, provided, go1, python3.10 or http", c.Runtime)
	}
	c.Runtime = rt

	if c.TimeoutSeconds == 0 {
		c.TimeoutSeconds = DefaultTimeoutSeconds
	}
	if c.MemorySizeMB == 0 {
		c.MemorySizeMB = DefaultMemorySizeMB
	}
	if c.InstanceConcurrency == 0 {
		c.InstanceConcurrency = DefaultInstanceConcurrency
	}
	if c.MaxInstances == 0 {
		c.MaxInstances = DefaultMaxInstances
	}
	switch {
	case c.TimeoutSeconds < 1 || c.TimeoutSeconds > MaxTimeoutSeconds:
		return invalid("timeout", "%d is outside 1 to %d seconds", c.TimeoutSeconds, MaxTimeoutSeconds)
	case c.MemorySizeMB < MinMemorySizeMB || c.MemorySizeMB > MaxMemorySizeMB:
		return invalid("memorySize", "%d is outside %d to %d MB", c.MemorySizeMB, MinMemorySizeMB, MaxMemorySizeMB)
	case c.InstanceConcurrency < 1 || c.InstanceConcurrency > MaxInstanceConcurrency:
		return invalid("instanceConcurrency", "%d is outside 1 to %d", c.InstanceConcurrency, MaxInstanceConcurrency)
	case c.InstanceConcurrency > 1 && (c.Runtime == RuntimeProvided || c.Runtime == RuntimeGo1 || c.Runtime == RuntimePython):
		// The runtime API sends an instance one event per "next" call, and
		// these runtimes request the next event only after replying.
		return invalid("instanceConcurrency", "%d is not possible in the %s runtime, whose instances take one invocation at a time; use 1 and raise maxInstances, or the custom runtime",
			c.InstanceConcurrency, c.Runtime)
	case c.MaxInstances < 1 || c.MaxInstances > MaxMaxInstances:
		return invalid("maxInstances", "%d is outside 1 to %d", c.MaxInstances, MaxMaxInstances)
	case c.Port < 0 || c.Port > 65535:
		return invalid("customRuntimeConfig.port", "%d is not a port number", c.Port)
	case len(c.Description) > maxDescriptionBytes:
		return invalid("description", "longer than %d bytes", maxDescriptionBytes)
	}

	size := 0
	for k, v := range c.Environment {
		if !envNameRE.MatchString(k) {
			return invalid("environmentVariables", "%q is not a valid variable name", k)
		}
		if strings.ContainsRune(v, 0) {
			return invalid("environmentVariables", "the value of %s contains a NUL byte", k)
		}
		size += len(k) + len(v)
	}
	if size > maxEnvironmentBytes {
		return invalid("environmentVariables", "%d bytes in total, more than %d", size, maxEnvironmentBytes)
	}

	if c.Role != "" && !strings.HasPrefix(c.Role, "acs:ram::") {
		return invalid("role", "%q is not a RAM role ARN (acs:ram::<uid>:role/<name>)", c.Role)
	}
	for _, a := range append(append([]string{}, c.Command...), c.Args...) {
		if strings.ContainsRune(a, 0) {
			return invalid("customRuntimeConfig", "a command argument contains a NUL byte")
		}
	}

	switch c.Runtime {
	case RuntimeHTTP:
		u, err := url.Parse(c.HTTPURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return invalid("httpConfig.url", "the http runtime needs an http or https URL")
		}
		c.CodeID, c.CodeSize, c.CodeChecksum = "", 0, ""
		return nil
	case RuntimePython:
		if c.Handler == "" {
			c.Handler = defaultPythonHandler
		}
		if !pythonHandler.MatchString(c.Handler) {
			return invalid("handler", "%q is not of the form module.function", c.Handler)
		}
	}
	if !hasCode {
		return invalid("code", "the %s runtime needs code (a zip file or a directory)", c.Runtime)
	}
	return nil
}
