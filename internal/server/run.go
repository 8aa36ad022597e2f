package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/ossfc/ossfc/internal/config"
)

// Run starts a server with cfg, prints where it listens to out, and serves
// until ctx is cancelled (the caller cancels it on SIGINT or SIGTERM).
func Run(ctx context.Context, cfg config.Config, logger *slog.Logger, out io.Writer) error {
	s, err := New(ctx, cfg, logger)
	if err != nil {
		return err
	}

	creds := s.Credentials()
	fmt.Fprintf(out, "ossfc server is running\n")
	fmt.Fprintf(out, "  OSS API:       %s  (region %s)\n", s.URL("api"), cfg.Region)
	if cfg.AdvertiseURL != "" {
		fmt.Fprintf(out, "  advertised as: %s\n", cfg.AdvertiseURL)
	}
	if u := s.URL("internal"); u != "" {
		fmt.Fprintf(out, "  internal API:  %s\n", u)
	}
	if u := s.URL("console"); u != "" {
		fmt.Fprintf(out, "  console:       %s\n", u)
	}
	fmt.Fprintf(out, "  account:       %s\n", creds.AccountID)
	secretAt := filepath.Join(cfg.DataDir, credentialsFile)
	if cfg.RootAccessKeyID != "" {
		secretAt = "OSSFC_ROOT_ACCESS_KEY_SECRET"
	}
	fmt.Fprintf(out, "  access key id: %s  (secret in %s)\n", creds.AccessKeyID, secretAt)
	logger.Info("listening", "api", s.Addr("api"), "internal", s.Addr("internal"), "console", s.Addr("console"), "scheme", s.scheme())

	err = s.Serve(ctx)
	logger.Info("stopped")
	return err
}
