package fc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// Credentials are temporary credentials of a RAM role.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      time.Time
}

// CredentialIssuer mints temporary credentials for the role of a function.
type CredentialIssuer interface {
	AssumeRoleForFunction(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration) (Credentials, error)
}

// Service is the embedded Function Compute: the function registry and the
// instances that run functions. It is safe for concurrent use.
type Service struct {
	cfg    Config
	store  meta.FunctionStore
	creds  CredentialIssuer
	logger *slog.Logger

	code   *codeStore
	codeMu sync.Mutex // orders code installs and removals with the records that name them

	isolation isolation
	spawner   *spawner
	python    string // path of the Python bootstrap
	logs      *logRing
	metrics   *metrics

	mu     sync.Mutex
	pools  map[poolKey]*pool
	closed bool
	wg     sync.WaitGroup // instance goroutines
}

// New returns a Service that keeps its records in store and its code under
// cfg.CodeRoot. creds may be nil, in which case functions get no
// credentials unless the caller of Invoke passes some.
func New(cfg Config, store meta.FunctionStore, creds CredentialIssuer, logger *slog.Logger) (*Service, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		cfg: cfg, store: store, creds: creds, logger: logger,
		code:  &codeStore{root: cfg.CodeRoot, maxZip: cfg.MaxZipBytes, maxBytes: cfg.MaxCodeBytes, maxFiles: cfg.MaxCodeFiles},
		logs:  newLogRing(cfg.LogInvocations),
		pools: map[poolKey]*pool{},
	}

	if s.isolation, err = newIsolation(cfg.FunctionUser); err != nil {
		return nil, err
	}
	if err := s.code.init(); err != nil {
		return nil, err
	}
	if err := s.initRuntimeDir(); err != nil {
		return nil, err
	}
	for _, dir := range []string{cfg.CodeRoot, cfg.RuntimeDir} {
		if err := s.isolation.checkReachable(dir); err != nil {
			return nil, err
		}
	}
	if s.metrics, err = newMetrics(cfg.Metrics); err != nil {
		return nil, err
	}
	s.spawner = startSpawner()
	return s, nil
}

// initRuntimeDir creates the runtime directory, writes the Python bootstrap
// and removes instance directories left by a previous run.
func (s *Service) initRuntimeDir() error {
	dir := s.cfg.RuntimeDir
	for _, d := range []string{dir, filepath.Join(dir, "bootstrap")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("fc: create runtime dir: %w", err)
		}
		if err := os.Chmod(d, 0o755); err != nil {
			return fmt.Errorf("fc: runtime dir: %w", err)
		}
	}
	s.python = filepath.Join(dir, "bootstrap", "ossfc_python_bootstrap.py")
	if err := os.WriteFile(s.python, pythonBootstrap, 0o644); err != nil {
		return fmt.Errorf("fc: write Python bootstrap: %w", err)
	}
	if err := os.Chmod(s.python, 0o644); err != nil {
		return err
	}
	instances := filepath.Join(dir, "instances")
	if err := os.RemoveAll(instances); err != nil {
		return fmt.Errorf("fc: clean instance directories: %w", err)
	}
	if err := os.Mkdir(instances, 0o755); err != nil {
		return err
	}
	return os.Chmod(instances, 0o755)
}

// Close stops every instance and waits for them to exit, or for ctx. The
// service rejects invocations afterwards.
func (s *Service) Close(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	pools := make([]*pool, 0, len(s.pools))
	for _, p := range s.pools {
		pools = append(pools, p)
	}
	s.pools = map[poolKey]*pool{}
	s.mu.Unlock()

	for _, p := range pools {
		p.retire()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("fc: close: instances still stopping: %w", ctx.Err())
	}
	s.spawner.stop()
	s.metrics.unregister()
	return err
}

// Region returns the region in the service's ARNs.
func (s *Service) Region() string { return s.cfg.Region }

// FunctionARN returns the FC 3.0 ARN of a function and qualifier.
func (s *Service) FunctionARN(accountID, name, qualifier string) string {
	if qualifier == "" {
		qualifier = LatestQualifier
	}
	return ARN{Region: s.cfg.Region, AccountID: accountID, Name: name, Qualifier: qualifier}.String()
}

// Resolved is the function version an ARN or name and qualifier named.
type Resolved struct {
	AccountID string
	Name      string
	Qualifier string // as given: LATEST, a version or an alias
	Version   string // LATEST or the version the qualifier resolved to
	ARN       string // FC 3.0 form with the qualifier as given
	Config    meta.FunctionConfig
	Timeout   time.Duration

	// generation distinguishes successive states of LATEST, so instances
	// started from old code or settings are not reused.
	generation int64
}

// Resolve finds the function version that ref names in accountID's
// functions. ref is an ARN in either FC form or "<name>[:<qualifier>]".
// An ARN of another account or region names no function here. A missing
// function, version or alias gives an error wrapping ErrFunctionNotFound.
func (s *Service) Resolve(ctx context.Context, accountID, ref string) (*Resolved, error) {
	a, err := parseReference(ref)
	if err != nil {
		return nil, err
	}
	if a.AccountID != "" && (a.AccountID != accountID || a.Region != s.cfg.Region) {
		return nil, fmt.Errorf("%w: %s is not a function of account %s in region %s", ErrFunctionNotFound, ref, accountID, s.cfg.Region)
	}
	return s.resolve(ctx, accountID, a.Name, a.Qualifier)
}

func (s *Service) resolve(ctx context.Context, accountID, name, qualifier string) (*Resolved, error) {
	if qualifier == "" {
		qualifier = LatestQualifier
	}
	r := &Resolved{AccountID: accountID, Name: name, Qualifier: qualifier, ARN: s.FunctionARN(accountID, name, qualifier)}

	switch {
	case qualifier == LatestQualifier:
		f, err := s.store.Get(ctx, accountID, name)
		if err != nil {
			return nil, notFound(err, ErrFunctionNotFound, "function "+name)
		}
		r.Version, r.Config, r.generation = LatestQualifier, f.Config, f.UpdatedAt.UnixNano()
	case versionRE.MatchString(qualifier):
		v, err := s.store.GetVersion(ctx, accountID, name, qualifier)
		if err != nil {
			return nil, notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", name, qualifier))
		}
		r.Version, r.Config = v.VersionID, v.Config
	default:
		al, err := s.store.GetAlias(ctx, accountID, name, qualifier)
		if err != nil {
			return nil, notFound(err, ErrAliasNotFound, fmt.Sprintf("function %s alias %s", name, qualifier))
		}
		v, err := s.store.GetVersion(ctx, accountID, name, al.VersionID)
		if err != nil {
			return nil, notFound(err, ErrVersionNotFound, fmt.Sprintf("function %s version %s", name, al.VersionID))
		}
		r.Version, r.Config = v.VersionID, v.Config
	}
	r.Timeout = time.Duration(r.Config.TimeoutSeconds) * time.Second
	return r, nil
}

// notFound maps meta.ErrNotFound to kind (which also matches
// ErrFunctionNotFound) and returns other errors unchanged.
func notFound(err, kind error, what string) error {
	if !errors.Is(err, meta.ErrNotFound) {
		return err
	}
	if kind == ErrFunctionNotFound {
		return &missingError{subject: what, kinds: []error{ErrFunctionNotFound}}
	}
	return &missingError{subject: what, kinds: []error{ErrFunctionNotFound, kind}}
}
