// Command ossfc is a self-hosted object store that speaks the Alibaba Cloud
// OSS protocol and runs functions on read through Object FC Access Points.
//
// Usage:
//
//	ossfc server [flags]     start the server (flags also read OSSFC_* variables)
//	ossfc fn <command>       manage functions through the admin API
//	ossfc admin <command>    manage accounts, RAM users, keys, roles and policies
//	ossfc bench [flags]      measure a server with the OSS Go SDK
//	ossfc demo [--data DIR]  run the example functions end to end and report
//	ossfc help               show this help
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/bench"
	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/demo"
	"github.com/ossfc/ossfc/internal/fc/fccli"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramcli"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/server"
)

const usage = `ossfc: an OSS-compatible object store with Object FC Access Points

Usage:
  ossfc server [flags]   start the server; "ossfc server -h" lists the flags
  ossfc fn <command>     deploy, invoke and manage functions ("ossfc fn -h")
  ossfc admin <command>  manage RAM users, keys, roles, policies ("ossfc admin -h")
  ossfc bench [flags]    measure a server with the OSS Go SDK; "ossfc bench -h" lists the flags
  ossfc demo [--data DIR]
                         start a server, deploy the example functions, read
                         files through Object FC Access Points and check them
  ossfc help             show this help

The fn and admin commands reach the server's console listener at
OSSFC_CONSOLE_URL (default http://127.0.0.1:9001) and sign with
OSSFC_ACCESS_KEY_ID and OSSFC_ACCESS_KEY_SECRET, or with the root key in
$OSSFC_DATA/credentials (default ./data/credentials). OSSFC_REGION sets
the region (default cn-hangzhou).
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
	case "fn":
		return fnCommand(args[1:], stdout, stderr)
	case "admin":
		return adminCommand(args[1:], stdout, stderr)
	case "bench":
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return bench.Main(ctx, args[1:], stdout, stderr)
	case "demo":
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		return demo.Main(ctx, args[1:], stdout, stderr)
	case "function":
		return functionCommand(args[1:], stderr)
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

// fnCommand runs an `ossfc fn` subcommand against the admin API.
func fnCommand(args []string, stdout, stderr io.Writer) int {
	cfg, err := adminclient.FromEnv()
	if err != nil && !wantsHelp(args) {
		fmt.Fprintf(stderr, "ossfc fn: %v\n", err)
		return 2
	}
	client := fcclient.New(cfg.URL+"/admin/fc", &http.Client{}, cfg.Sign)
	return fccli.Main(context.Background(), args, client, stdout, stderr)
}

// adminCommand runs an `ossfc admin` subcommand against the admin API.
func adminCommand(args []string, stdout, stderr io.Writer) int {
	cfg, err := adminclient.FromEnv()
	if err != nil && !wantsHelp(args) {
		fmt.Fprintf(stderr, "ossfc admin: %v\n", err)
		return 2
	}
	client := ramclient.New(cfg.URL+"/admin/ram", &http.Client{}, cfg.Sign)
	return ramcli.Main(context.Background(), args, client, stdout, stderr)
}

// wantsHelp reports whether args ask only for usage text, which needs no
// credentials.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" || a == "help" {
			return true
		}
	}
	return len(args) == 0
}
