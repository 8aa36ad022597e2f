// Package config holds the one Config struct of an ossfc server, its
// documented defaults, its command-line flags and OSSFC_* environment
// variables, and its validation. Only cmd/ossfc and internal/server import it.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the configuration of one ossfc server process. The zero value is
// not valid; start from Default and validate with Validate.
type Config struct {
	// DataDir holds metadata, object data and keys; created with mode 0700.
	DataDir string

	// FunctionsDir holds function code and the per-instance runtime
	// directories. It lies outside DataDir because functions, which may run
	// as an unprivileged user, must read their code but nothing in DataDir.
	// Empty means DataDir with "-functions" appended.
	FunctionsDir string

	// Addr is the OSS API listener. Port 0 binds a free port.
	Addr string

	// ConsoleAddr is the web console, admin API, /healthz, /readyz and
	// /metrics listener. Empty disables it.
	ConsoleAddr string

	// InternalAddr is a second OSS API listener that counts as the VPC
	// network for access points with NetworkOrigin vpc. Empty disables it.
	InternalAddr string

	// AdvertiseURL is the base URL clients and functions use to reach the
	// OSS API (outputRoute, inputOssUrl, Endpoints). Empty means "http://"
	// (or "https://" with TLS) plus the bound Addr.
	AdvertiseURL string

	// TLSCertFile and TLSKeyFile are PEM files of the certificate chain and
	// its private key. When both are set, every listener (OSS API, internal
	// and console) serves HTTPS only; when both are empty, plain HTTP.
	TLSCertFile string
	TLSKeyFile  string

	// Region is the region id the server serves, e.g. cn-hangzhou. It
	// appears in V4 signing scopes and ARNs.
	Region string

	// Domains are service host names; <bucket>.<domain> is then accepted as
	// virtual-hosted style. IP hosts and localhost are always path style.
	Domains []string

	// AccountID is the UID of the first account (16 digits); generated when
	// empty.
	AccountID string

	// RootAccessKeyID and RootAccessKeySecret are the first account's root
	// key; generated into <DataDir>/credentials when empty. Environment only.
	RootAccessKeyID     string
	RootAccessKeySecret string

	// CallbackAllow lists host[:port] patterns upload callbacks may reach;
	// "*.example.test" matches sub-domains. Empty allows none.
	CallbackAllow []string

	// VPCCIDRs are client address ranges treated as the VPC network.
	VPCCIDRs []netip.Prefix

	// ProvisioningDelay is how long a new access point or Object FC Access
	// Point stays in the creating status.
	ProvisioningDelay time.Duration

	// Quotas of access points and Object FC Access Points.
	AccessPointsPerAccount         int
	AccessPointsPerBucket          int
	ObjectFCAccessPointsPerAccount int
	ObjectFCAccessPointsPerBucket  int

	// LogLevel is debug, info, warn or error; LogFormat is text or json.
	LogLevel  string
	LogFormat string

	// ShutdownTimeout bounds the graceful shutdown on SIGINT or SIGTERM.
	ShutdownTimeout time.Duration

	// Now is the server clock for signature times, credential expiry and
	// acs:CurrentTime. Nil means time.Now. It has no flag: only tests set
	// it, to expire temporary credentials without waiting.
	Now func() time.Time

	// envErrors are OSSFC_* values that could not be parsed; Validate
	// reports them.
	envErrors []error
}

// Default returns the embedded defaults: ./data, 127.0.0.1:9000 for the OSS
// API, 127.0.0.1:9001 for the console, region cn-hangzhou.
func Default() Config {
	return Config{
		DataDir:                        "./data",
		Addr:                           "127.0.0.1:9000",
		ConsoleAddr:                    "127.0.0.1:9001",
		Region:                         "cn-hangzhou",
		AccessPointsPerAccount:         1000,
		AccessPointsPerBucket:          100,
		ObjectFCAccessPointsPerAccount: 1000,
		ObjectFCAccessPointsPerBucket:  100,
		LogLevel:                       "info",
		LogFormat:                      "text",
		ShutdownTimeout:                30 * time.Second,
	}
}

// RegisterFlags defines a flag for every setting on fs. Each flag's default is
// the value already in c, overridden by its OSSFC_* environment variable (the
// flag name upper-cased with dashes as underscores, e.g. OSSFC_CONSOLE_ADDR).
// A flag on the command line replaces the variable's value; for a repeatable
// flag it replaces the variable's whole list.
// The root key pair is read from the environment only, so it never shows in
// a process listing.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	str := func(p *string, name, usage string) {
		if v, ok := os.LookupEnv(envName(name)); ok {
			*p = v
		}
		fs.StringVar(p, name, *p, usage+" (env "+envName(name)+")")
	}
	// A repeatable flag replaces its variable's list on first use and
	// accumulates after that, so "--domain a --domain b" gives [a b]
	// whatever OSSFC_DOMAIN contains.
	list := func(p *[]string, name, usage string) {
		if v, ok := os.LookupEnv(envName(name)); ok {
			*p = splitList(v)
		}
		fromFlags := false
		fs.Func(name, usage+"; repeatable (env "+envName(name)+", comma-separated)", func(v string) error {
			if !fromFlags {
				*p, fromFlags = nil, true
			}
			*p = append(*p, splitList(v)...)
			return nil
		})
	}
	integer := func(p *int, name, usage string) {
		if v, ok := os.LookupEnv(envName(name)); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				c.envErrors = append(c.envErrors, fmt.Errorf("%s %q is not an integer", envName(name), v))
			}
			*p = n
		}
		fs.IntVar(p, name, *p, usage+" (env "+envName(name)+")")
	}
	duration := func(p *time.Duration, name, usage string) {
		if v, ok := os.LookupEnv(envName(name)); ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				c.envErrors = append(c.envErrors, fmt.Errorf("%s %q is not a duration such as 30s", envName(name), v))
			}
			*p = d
		}
		fs.DurationVar(p, name, *p, usage+" (env "+envName(name)+")")
	}

	str(&c.DataDir, "data", "data directory for metadata, objects and keys")
	str(&c.FunctionsDir, "functions-dir", "directory for function code and instances, outside --data (default <data>-functions)")
	str(&c.Addr, "addr", "OSS API listen address; port 0 picks a free port")
	str(&c.ConsoleAddr, "console-addr", "console, admin API and metrics listen address; empty disables")
	str(&c.InternalAddr, "internal-addr", "internal (VPC) OSS API listen address; empty disables")
	str(&c.AdvertiseURL, "advertise-url", "base URL given to clients and functions (default http://<bound addr>, https:// with --tls-cert)")
	str(&c.TLSCertFile, "tls-cert", "PEM certificate chain file; with --tls-key, every listener serves HTTPS only")
	str(&c.TLSKeyFile, "tls-key", "PEM private key file of --tls-cert")
	str(&c.Region, "region", "region id served, used in V4 signatures and ARNs")
	list(&c.Domains, "domain", "service host name enabling virtual-hosted style <bucket>.<domain>")
	list(&c.CallbackAllow, "callback-allow", "host[:port] that upload callbacks may reach, *.domain for sub-domains")
	if v, ok := os.LookupEnv("OSSFC_VPC_CIDR"); ok {
		var err error
		if c.VPCCIDRs, err = parsePrefixes(v); err != nil {
			c.envErrors = append(c.envErrors, fmt.Errorf("OSSFC_VPC_CIDR: %w", err))
		}
	}
	vpcFromFlags := false
	fs.Func("vpc-cidr", "client address range treated as VPC network; repeatable (env OSSFC_VPC_CIDR, comma-separated)", func(v string) error {
		if !vpcFromFlags {
			c.VPCCIDRs, vpcFromFlags = nil, true
		}
		prefixes, err := parsePrefixes(v)
		c.VPCCIDRs = append(c.VPCCIDRs, prefixes...)
		return err
	})
	duration(&c.ProvisioningDelay, "provisioning-delay", "time a new access point stays in the creating status")
	integer(&c.AccessPointsPerAccount, "access-points-per-account", "maximum access points per account")
	integer(&c.AccessPointsPerBucket, "access-points-per-bucket", "maximum access points per bucket")
	integer(&c.ObjectFCAccessPointsPerAccount, "fc-access-points-per-account", "maximum Object FC Access Points per account")
	integer(&c.ObjectFCAccessPointsPerBucket, "fc-access-points-per-bucket", "maximum Object FC Access Points per bucket")
	str(&c.LogLevel, "log-level", "log level: debug, info, warn or error")
	str(&c.LogFormat, "log-format", "log format: text or json")
	duration(&c.ShutdownTimeout, "shutdown-timeout", "time allowed for a graceful shutdown")

	c.AccountID = os.Getenv("OSSFC_ACCOUNT_ID")
	c.RootAccessKeyID = os.Getenv("OSSFC_ROOT_ACCESS_KEY_ID")
	c.RootAccessKeySecret = os.Getenv("OSSFC_ROOT_ACCESS_KEY_SECRET")
}

func envName(flagName string) string {
	return "OSSFC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func parsePrefixes(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitList(v) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return out, fmt.Errorf("invalid CIDR %q: %w", s, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// TLS reports whether the listeners serve HTTPS: both TLS files are set.
func (c *Config) TLS() bool { return c.TLSCertFile != "" && c.TLSKeyFile != "" }

// FunctionsRoot returns FunctionsDir or its default.
func (c *Config) FunctionsRoot() string {
	if c.FunctionsDir != "" {
		return c.FunctionsDir
	}
	return strings.TrimRight(c.DataDir, "/") + "-functions"
}

// Validate reports every invalid setting at once.
func (c *Config) Validate() error {
	errs := append([]error(nil), c.envErrors...)
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.DataDir == "" {
		bad("--data must not be empty")
	}
	for name, addr := range map[string]string{"--addr": c.Addr, "--console-addr": c.ConsoleAddr, "--internal-addr": c.InternalAddr} {
		if addr == "" {
			if name == "--addr" {
				bad("--addr must not be empty")
			}
			continue
		}
		if _, _, err := net.SplitHostPort(addr); err != nil {
			bad("%s %q is not host:port: %v", name, addr, err)
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		bad("set both --tls-cert and --tls-key (OSSFC_TLS_CERT and OSSFC_TLS_KEY) to serve HTTPS, or neither")
	}
	if c.AdvertiseURL != "" {
		u, err := url.Parse(c.AdvertiseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
			bad("--advertise-url %q must be http(s)://host[:port] without a path", c.AdvertiseURL)
		} else if c.TLS() && u.Scheme != "https" {
			bad("--advertise-url %q must start with https:// because --tls-cert makes the listeners serve HTTPS only", c.AdvertiseURL)
		}
	}
	if !validRegion(c.Region) {
		bad("--region %q must be a region id such as cn-hangzhou", c.Region)
	}
	for _, d := range c.Domains {
		if strings.Contains(d, "/") || strings.Contains(d, ":") || strings.HasPrefix(d, ".") || d == "" {
			bad("--domain %q must be a host name without port or scheme", d)
		}
	}
	if c.AccountID != "" && !validAccountID(c.AccountID) {
		bad("OSSFC_ACCOUNT_ID %q must be 16 digits", c.AccountID)
	}
	if (c.RootAccessKeyID == "") != (c.RootAccessKeySecret == "") {
		bad("set both OSSFC_ROOT_ACCESS_KEY_ID and OSSFC_ROOT_ACCESS_KEY_SECRET, or neither")
	}
	if c.ProvisioningDelay < 0 {
		bad("--provisioning-delay %v must not be negative", c.ProvisioningDelay)
	}
	for name, n := range map[string]int{
		"--access-points-per-account": c.AccessPointsPerAccount, "--access-points-per-bucket": c.AccessPointsPerBucket,
		"--fc-access-points-per-account": c.ObjectFCAccessPointsPerAccount, "--fc-access-points-per-bucket": c.ObjectFCAccessPointsPerBucket,
	} {
		if n < 1 {
			bad("%s %d must be at least 1", name, n)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level %q must be debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		bad("--log-format %q must be text or json", c.LogFormat)
	}
	return errors.Join(errs...)
}

func validRegion(r string) bool {
	if r == "" || len(r) > 64 {
		return false
	}
	for _, c := range r {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func validAccountID(id string) bool {
	if len(id) != 16 {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
