// Command ossfc is a self-hosted object store that speaks the Alibaba Cloud
// OSS protocol and runs functions on read through Object FC Access Points.
//
// Usage:
//
//	ossfc server [flags]     start the server (flags also read OSSFC_* variables)
//	ossfc help               show this help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/server"
)

const usage = `ossfc: an OSS-compatible object store with Object FC Access Points

Usage:
  ossfc server [flags]   start the server; "ossfc server -h" lists the flags
  ossfc help             show this help
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "server":
		return serverCommand(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "ossfc: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// serverCommand parses the server configuration and runs the server until
// SIGINT or SIGTERM.
func serverCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ossfc server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Default()
	cfg.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(stderr, "ossfc server: invalid configuration:\n%v\n", err)
		return 2
	}

	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx, cfg, logger, stdout); err != nil {
		logger.Error("server failed", "err", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	lv.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
