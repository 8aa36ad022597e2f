package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/console"
	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/meta/metacache"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/objectfc"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/ram"
	"github.com/ossfc/ossfc/internal/ram/ramfc"
	"github.com/ossfc/ossfc/internal/store"
)

// Server is a running ossfc server.
type Server struct {
	cfg      config.Config
	logger   *slog.Logger
	creds    Credentials
	meta     *sqlite.Store
	store    *store.Store
	ram      *ram.Service
	fc       *fc.Service
	objectfc *objectfc.Service
	authn    *authenticator
	api      *ossapi.Server
	metrics  *prometheus.Registry

	// tlsConfig is the server side of --tls-cert and --tls-key; nil when
	// the listeners serve plain HTTP.
	tlsConfig *tls.Config

	listeners []*listener
	ready     chan struct{}
	closeOnce sync.Once
}

// listener is one bound HTTP listener.
type listener struct {
	name string // "api", "internal" or "console"
	ln   net.Listener
	srv  *http.Server
}

// New binds every listener, so that the bound addresses (and the advertise
// URL built from them) are known, then opens the data directory and the
// services. Serve starts serving. The configuration must have passed
// Validate.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, logger: logger, ready: make(chan struct{})}
	if err := s.loadTLS(); err != nil {
		return nil, err
	}
	if err := s.bind(); err != nil {
		s.closeListeners()
		return nil, err
	}
	if err := s.open(ctx); err != nil {
		s.closeListeners()
		s.closeServices(ctx)
		return nil, err
	}
	s.attachHandlers()
	return s, nil
}

// open prepares the data directory, the stores and the services.
func (s *Server) open(ctx context.Context) error {
	// 1. The data directory and its parts, private to this user.
	for _, dir := range []string{s.cfg.DataDir, filepath.Join(s.cfg.DataDir, "meta"), filepath.Join(s.cfg.DataDir, "objects")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create data directory: %w", err)
		}
	}
	if err := os.Chmod(s.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("restrict data directory: %w", err)
	}

	// 2. Metadata and object data, then the orphan sweep before any write.
	var err error
	s.meta, err = sqlite.Open(ctx, filepath.Join(s.cfg.DataDir, "meta", "ossfc.db"))
	if err != nil {
		return err
	}
	// Every service reads and writes buckets, access points and functions
	// through the one cache, because a write that bypassed it would leave
	// stale records in it.
	cached := metacache.New(s.meta)
	blobs, err := blob.OpenLocal(filepath.Join(s.cfg.DataDir, "objects"))
	if err != nil {
		return err
	}
	s.store = store.New(cached, blobs, store.Options{Region: s.cfg.Region, Logger: s.logger})
	removed, err := s.store.Sweep(ctx)
	if err != nil {
		return fmt.Errorf("sweep orphan blobs: %w", err)
	}
	if removed > 0 {
		s.logger.Info("removed orphan blobs left by an earlier run", "count", removed)
	}

	// 3. Identities: the first account and its root key, and the key that
	// signs upload callbacks.
	creds, generated, err := loadOrCreateCredentials(s.cfg.DataDir, s.cfg.AccountID, s.cfg.RootAccessKeyID, s.cfg.RootAccessKeySecret)
	if err != nil {
		return err
	}
	s.creds = creds
	if generated {
		s.logger.Info("generated root credentials", "path", filepath.Join(s.cfg.DataDir, credentialsFile),
			"account_id", creds.AccountID, "access_key_id", creds.AccessKeyID)
	}
	now := s.cfg.Now
	if now == nil {
		now = time.Now
	}
	s.ram, err = ram.New(ram.Config{Store: s.meta.IAM(), Dir: s.cfg.DataDir, Now: now, Logger: s.logger})
	if err != nil {
		return err
	}
	if err := s.ram.Bootstrap(ctx, creds.AccountID, creds.AccessKeyID, creds.AccessKeySecret); err != nil {
		return fmt.Errorf("bootstrap the first account: %w", err)
	}
	callbackKey, err := s.callbackKeyLoader()
	if err != nil {
		return err
	}

	// 4. Functions, outside the data directory.
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	functionsDir := s.cfg.FunctionsRoot()
	s.fc, err = fc.New(fc.Config{
		Region:     s.cfg.Region,
		CodeRoot:   filepath.Join(functionsDir, "code"),
		RuntimeDir: filepath.Join(functionsDir, "run"),
		Metrics:    s.metrics,
		Secrets:    s.ram,
	}, cached.Functions(), ramfc.Issuer{Service: s.ram}, s.logger)
	if err != nil {
		return fmt.Errorf("start the function service: %w", err)
	}
	if os.Geteuid() != 0 {
		// Only root can start functions as another user.
		s.logger.Warn("ossfc is not running as root, so functions run as its own user and can read the data directory, root credentials included. Run ossfc as root to run functions as an unprivileged user.",
			"data", s.cfg.DataDir)
	}

	// 5. The transformed GetObject and the OSS API.
	s.objectfc = objectfc.New(objectfc.Options{
		Runtime:      functionRuntime{s.fc},
		Identity:     objectFCIdentity{s.ram},
		AdvertiseURL: s.AdvertiseURL(),
		Metrics:      objectfc.NewMetrics(s.metrics),
		Logger:       s.logger,
	})
	s.authn = newAuthenticator(s.cfg.Region, ramKeys{s.ram})
	s.authn.now = now
	s.api = ossapi.New(ossapi.Options{
		Store:         s.store,
		Region:        s.cfg.Region,
		Domains:       s.cfg.Domains,
		Authenticator: s.authn,
		Authorizer:    &authorizer{ram: s.ram, store: s.store, region: s.cfg.Region, now: now},
		ObjectFC:      s.objectfc,
		AccessPoints: accesspoint.New(cached, accesspoint.Config{
			Region:                         s.cfg.Region,
			ProvisioningDelay:              s.cfg.ProvisioningDelay,
			AccessPointsPerAccount:         s.cfg.AccessPointsPerAccount,
			AccessPointsPerBucket:          s.cfg.AccessPointsPerBucket,
			ObjectFCAccessPointsPerAccount: s.cfg.ObjectFCAccessPointsPerAccount,
			ObjectFCAccessPointsPerBucket:  s.cfg.ObjectFCAccessPointsPerBucket,
			VPCCIDRs:                       s.cfg.VPCCIDRs,
			Endpoints:                      s.endpoints,
		}),
		Logger:        s.logger,
		AccessLog:     s.logger.With("log", "access"),
		Metrics:       ossapi.NewMetrics(s.metrics),
		CallbackAllow: s.cfg.CallbackAllow,
		CallbackKey:   callbackKey,
		Now:           now,

		CallbackPublicKeyURL: strings.TrimSuffix(s.AdvertiseURL(), "/") + ossapi.CallbackPublicKeyPath,
	})
	return nil
}

// listenerFlags names the flag that sets each listener's address.
var listenerFlags = map[string]string{"api": "--addr", "internal": "--internal-addr", "console": "--console-addr"}

// bind opens the configured listeners, with TLS when it is configured. A
// port of 0 binds a free port.
func (s *Server) bind() error {
	add := func(name, addr string) error {
		if addr == "" {
			return nil
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen on %s address %s: %w; choose another address with %s, or port 0 for a free one",
				name, addr, err, listenerFlags[name])
		}
		if s.tlsConfig != nil {
			ln = tls.NewListener(ln, s.tlsConfig)
		}
		srv := &http.Server{
			ReadHeaderTimeout: 30 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
		}
		s.listeners = append(s.listeners, &listener{name: name, ln: ln, srv: srv})
		return nil
	}
	if err := add("api", s.cfg.Addr); err != nil {
		return err
	}
	if err := add("internal", s.cfg.InternalAddr); err != nil {
		return err
	}
	return add("console", s.cfg.ConsoleAddr)
}

// attachHandlers gives every listener its handler.
func (s *Server) attachHandlers() {
	for _, l := range s.listeners {
		switch l.name {
		case "api":
			l.srv.Handler = s.api.Handler(false)
		case "internal":
			l.srv.Handler = s.api.Handler(true)
		case "console":
			l.srv.Handler = s.consoleHandler()
		}
	}
}

// consoleHandler serves health, readiness, metrics, the admin API and the
// web console. It runs after every listener is bound, so the console knows
// the addresses it calls.
func (s *Server) consoleHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-s.ready:
		default:
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		if _, err := s.meta.SchemaVersion(r.Context(), "buckets"); err != nil {
			http.Error(w, "metadata store unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	mux.Handle("/admin/", s.adminHandler())
	mux.Handle("/", console.New(console.Options{
		Endpoint:   s.URL("api"),
		AdminURL:   s.URL("console"),
		Region:     s.cfg.Region,
		HTTPClient: s.selfClient(),
		Logger:     s.logger.With("component", "console"),
	}))
	return mux
}

// Addr returns the bound address of a listener ("api", "internal" or
// "console"), or "" when it is disabled.
func (s *Server) Addr(name string) string {
	for _, l := range s.listeners {
		if l.name == name {
			return l.ln.Addr().String()
		}
	}
	return ""
}

// AdvertiseURL returns the base URL clients and functions are given.
func (s *Server) AdvertiseURL() string {
	if s.cfg.AdvertiseURL != "" {
		return s.cfg.AdvertiseURL
	}
	return s.URL("api")
}

// endpoints returns the host[:port] of the advertised OSS API and of the
// internal listener, the internal one falling back to the advertised one
// when the internal listener is off.
func (s *Server) endpoints() (public, internal string) {
	if u, err := url.Parse(s.AdvertiseURL()); err == nil {
		public = u.Host
	}
	internal = s.Addr("internal")
	if internal == "" {
		internal = public
	}
	return public, internal
}

// Credentials returns the first account's id and root key.
func (s *Server) Credentials() Credentials { return s.creds }

// Serve serves every listener until ctx is cancelled, then shuts down
// gracefully within the configured timeout. It returns the first listener
// error, if any.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, len(s.listeners))
	for _, l := range s.listeners {
		go func() {
			err := l.srv.Serve(l.ln)
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
	}
	close(s.ready)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	s.logger.Info("shutting down; waiting for requests in flight", "timeout", s.cfg.ShutdownTimeout)

	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ShutdownTimeout)
	defer cancel()
	return errors.Join(serveErr, s.Shutdown(shutdownCtx))
}

// Shutdown stops accepting requests, waits for those in flight until ctx
// ends, and closes the stores.
func (s *Server) Shutdown(ctx context.Context) error {
	var err error
	s.closeOnce.Do(func() {
		var errs []error
		for _, l := range s.listeners {
			if e := l.srv.Shutdown(ctx); e != nil {
				errs = append(errs, fmt.Errorf("shut down %s listener: %w", l.name, e))
				l.srv.Close()
			}
		}
		errs = append(errs, s.closeServices(ctx))
		err = errors.Join(errs...)
	})
	return err
}

func (s *Server) closeListeners() {
	for _, l := range s.listeners {
		l.ln.Close()
	}
}

// closeServices stops the function instances and closes the stores.
func (s *Server) closeServices(ctx context.Context) error {
	var errs []error
	if s.fc != nil {
		errs = append(errs, s.fc.Close(ctx))
	}
	if s.meta != nil {
		errs = append(errs, s.meta.Close())
	}
	return errors.Join(errs...)
}

// RAM returns the identity service, for tests and embedders that create
// users and roles without going through the admin API.
func (s *Server) RAM() *ram.Service { return s.ram }

// Functions returns the embedded Function Compute.
func (s *Server) Functions() *fc.Service { return s.fc }

// PendingTransforms returns the number of transformed GetObjects waiting
// for their function, for leak checks.
func (s *Server) PendingTransforms() int { return s.objectfc.Pending() }
