package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ossfc/ossfc/internal/blob"
	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/store"
)

// Server is a running ossfc server.
type Server struct {
	cfg     config.Config
	logger  *slog.Logger
	creds   Credentials
	meta    *sqlite.Store
	store   *store.Store
	api     *ossapi.Server
	metrics *prometheus.Registry

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

// New opens the data directory and the stores and binds every listener, so
// that the bound addresses are known when it returns. Serve starts serving.
// The configuration must have passed Validate.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger) (*Server, error) {
	s := &Server{cfg: cfg, logger: logger, ready: make(chan struct{})}
	if err := s.open(ctx); err != nil {
		s.closeStores()
		return nil, err
	}
	if err := s.bind(); err != nil {
		s.closeListeners()
		s.closeStores()
		return nil, err
	}
	return s, nil
}

// open prepares the data directory, the stores and the API handler.
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

	// 2. Credentials of the first account.
	creds, generated, err := loadOrCreateCredentials(s.cfg.DataDir, s.cfg.AccountID, s.cfg.RootAccessKeyID, s.cfg.RootAccessKeySecret)
	if err != nil {
		return err
	}
	s.creds = creds
	if generated {
		s.logger.Info("generated root credentials", "path", filepath.Join(s.cfg.DataDir, credentialsFile),
			"account_id", creds.AccountID, "access_key_id", creds.AccessKeyID)
	}

	// 3. Metadata and object data, then the orphan sweep before any write.
	s.meta, err = sqlite.Open(ctx, filepath.Join(s.cfg.DataDir, "meta", "ossfc.db"))
	if err != nil {
		return err
	}
	blobs, err := blob.OpenLocal(filepath.Join(s.cfg.DataDir, "objects"))
	if err != nil {
		return err
	}
	s.store = store.New(s.meta, blobs, store.Options{Region: s.cfg.Region, Logger: s.logger})
	removed, err := s.store.Sweep(ctx)
	if err != nil {
		return fmt.Errorf("sweep orphan blobs: %w", err)
	}
	if removed > 0 {
		s.logger.Info("removed orphan blobs left by an earlier run", "count", removed)
	}

	// 4. Metrics and the OSS API.
	s.metrics = prometheus.NewRegistry()
	s.metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.api = ossapi.New(ossapi.Options{
		Store:         s.store,
		Region:        s.cfg.Region,
		Domains:       s.cfg.Domains,
		Authenticator: newAuthenticator(s.cfg.Region, rootKey{s.creds}),
		Authorizer:    ownerAuthorizer{},
		Logger:        s.logger,
		AccessLog:     s.logger.With("log", "access"),
		Metrics:       ossapi.NewMetrics(s.metrics),
		CallbackAllow: s.cfg.CallbackAllow,
	})
	return nil
}

// bind opens the configured listeners. A port of 0 binds a free port.
func (s *Server) bind() error {
	add := func(name, addr string, h http.Handler) error {
		if addr == "" {
			return nil
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("listen on %s address %s: %w", name, addr, err)
		}
		srv := &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 30 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
		}
		s.listeners = append(s.listeners, &listener{name: name, ln: ln, srv: srv})
		return nil
	}
	if err := add("api", s.cfg.Addr, s.api.Handler(false)); err != nil {
		return err
	}
	if err := add("internal", s.cfg.InternalAddr, s.api.Handler(true)); err != nil {
		return err
	}
	return add("console", s.cfg.ConsoleAddr, s.consoleHandler())
}

// consoleHandler serves health, readiness and metrics.
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
	return "http://" + s.Addr("api")
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
		errs = append(errs, s.closeStores())
		err = errors.Join(errs...)
	})
	return err
}

func (s *Server) closeListeners() {
	for _, l := range s.listeners {
		l.ln.Close()
	}
}

func (s *Server) closeStores() error {
	if s.meta != nil {
		return s.meta.Close()
	}
	return nil
}
