package accesspoint

import (
	"encoding/base64"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Status values of access points and Object FC Access Points, spelled as
// OSS spells them.
const (
	StatusCreating = "creating"
	StatusEnable   = "enable"
)

// Network origins of plain access points.
const (
	NetworkInternet = "internet"
	NetworkVPC      = "vpc"
)

// Default quotas, used for zero Config fields.
const (
	DefaultAccessPointsPerAccount         = 1000
	DefaultAccessPointsPerBucket          = 100
	DefaultObjectFCAccessPointsPerAccount = 1000
	DefaultObjectFCAccessPointsPerBucket  = 100
)

// Config configures a Service.
type Config struct {
	// Region is the region the server serves; every access point lives in it.
	Region string

	// ProvisioningDelay is how long a new access point or Object FC Access
	// Point reports the creating status before it turns enable.
	ProvisioningDelay time.Duration

	// Quotas. Zero means the default.
	AccessPointsPerAccount         int
	AccessPointsPerBucket          int
	ObjectFCAccessPointsPerAccount int
	ObjectFCAccessPointsPerBucket  int

	// VPCCIDRs are client address ranges that count as the VPC network for
	// access points whose NetworkOrigin is vpc, besides the internal listener.
	VPCCIDRs []netip.Prefix

	// Endpoints returns the host[:port] at which clients reach the public and
	// the internal OSS API listeners. It is called per request, so it may
	// read addresses bound after New. nil reports no endpoints.
	Endpoints func() (public, internal string)

	// Now returns the current time; time.Now when nil. Tests pass a fake.
	Now func() time.Time
}

// Service manages the access points and Object FC Access Points of a
// deployment.
type Service struct {
	meta meta.Store
	cfg  Config
}

// New returns a Service over m.
func New(m meta.Store, cfg Config) *Service {
	if cfg.AccessPointsPerAccount <= 0 {
		cfg.AccessPointsPerAccount = DefaultAccessPointsPerAccount
	}
	if cfg.AccessPointsPerBucket <= 0 {
		cfg.AccessPointsPerBucket = DefaultAccessPointsPerBucket
	}
	if cfg.ObjectFCAccessPointsPerAccount <= 0 {
		cfg.ObjectFCAccessPointsPerAccount = DefaultObjectFCAccessPointsPerAccount
	}
	if cfg.ObjectFCAccessPointsPerBucket <= 0 {
		cfg.ObjectFCAccessPointsPerBucket = DefaultObjectFCAccessPointsPerBucket
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Service{meta: m, cfg: cfg}
}

// Region returns the region the service's access points live in.
func (s *Service) Region() string { return s.cfg.Region }

// status returns creating until readyAt, then enable.
func (s *Service) status(readyAt time.Time) string {
	if s.cfg.Now().Before(readyAt) {
		return StatusCreating
	}
	return StatusEnable
}

// Status returns the status of a plain access point.
func (s *Service) Status(ap *meta.AccessPoint) string { return s.status(ap.ReadyAt) }

// ObjectFCStatus returns the status of an Object FC Access Point.
func (s *Service) ObjectFCStatus(ap *meta.ObjectFCAccessPoint) string { return s.status(ap.ReadyAt) }

// Endpoints returns the public and internal endpoints reported for alias:
// <alias>.<host>[:port] when the listener is reached by a host name, which
// virtual-hosted style can address, or the listener's IP address and port,
// where clients use path style with the alias as the bucket name.
func (s *Service) Endpoints(alias string) (public, internal string) {
	if s.cfg.Endpoints == nil {
		return "", ""
	}
	public, internal = s.cfg.Endpoints()
	return endpointFor(alias, public), endpointFor(alias, internal)
}

func endpointFor(alias, hostport string) string {
	if hostport == "" {
		return ""
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return hostport
	}
	return alias + "." + hostport
}

// List limits of max-keys.
const (
	maxBucketListKeys  = 100
	maxAccountListKeys = 1000
)

// encodeToken and decodeToken make continuation tokens: the name the
// previous page ended with, base64url-encoded. The token does not record its
// scope, so a token from a bucket-level list also works on the account
// level, as in OSS.
func encodeToken(name string) string { return base64.RawURLEncoding.EncodeToString([]byte(name)) }

func decodeToken(token string) (string, error) {
	if token == "" {
		return "", nil
	}
	name, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || !validLabel(string(name), 1, MaxObjectFCNameLength) {
		return "", osserr.Newf(osserr.InvalidArgument, "The continuation-token %q is invalid: pass the NextContinuationToken of the previous page.", token).
			With("ArgumentName", "continuation-token").With("ArgumentValue", token)
	}
	return string(name), nil
}

// checkMaxKeys returns max, or def when it is 0, unless it lies outside 1
// to limit.
func checkMaxKeys(max, def, limit int) (int, error) {
	if max == 0 {
		return def, nil
	}
	if max < 0 || max > limit {
		return 0, osserr.Newf(osserr.InvalidArgument, "The max-keys value %d is invalid: it must be from 1 to %d.", max, limit).
			With("ArgumentName", "max-keys")
	}
	return max, nil
}
