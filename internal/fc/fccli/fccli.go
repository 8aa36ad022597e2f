// Package fccli implements the `ossfc fn` commands: deploy, publish, invoke,
// list, logs, delete and alias, on top of fcclient. The ossfc binary calls
// Main with the arguments after "fn".
package fccli

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
)

const usage = `Usage: ossfc fn <command> [arguments]

Manage functions of the embedded Function Compute.

Commands:
  deploy DIR|ZIP --name N --runtime R   create or update a function; prints its ARN
  publish NAME                          publish LATEST as a new version
  invoke NAME                           run a function and print its response
  list                                  list functions
  versions NAME                         list a function's versions
  logs NAME                             show the logs of recent invocations
  delete NAME                           delete a function, its versions and aliases
  alias create|update NAME ALIAS --version V
  alias list NAME
  alias delete NAME ALIAS

Run "ossfc fn <command> -h" for the options of a command.
`

// Main runs one fn command and returns the process exit code: 0 on
// success, 1 when the command failed, 2 for a usage error.
func Main(ctx context.Context, args []string, client *fcclient.Client, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "fn" {
		args = args[1:]
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c := &cli{ctx: ctx, client: client, stdout: stdout, stderr: stderr}
	commands := map[string]func([]string) error{
		"deploy": c.deploy, "publish": c.publish, "invoke": c.invoke, "list": c.list,
		"versions": c.versions, "logs": c.logs, "delete": c.delete, "alias": c.alias,
	}
	run, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ossfc fn: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := run(args[1:])
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "ossfc fn %s: %s\n", args[0], ue)
		return 2
	default:
		fmt.Fprintf(stderr, "ossfc fn %s: %v\n", args[0], err)
		return 1
	}
}

type usageError string

func (e usageError) Error() string { return string(e) }

type cli struct {
	ctx            context.Context
	client         *fcclient.Client
	stdout, stderr io.Writer
}

// parse parses flags that may come before, between or after the positional
// arguments, and checks the number of positional arguments.
func (c *cli) parse(fs *flag.FlagSet, args []string, positional string, count int) ([]string, error) {
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		usage := "Usage: ossfc fn " + fs.Name()
		if positional != "" {
			usage += " " + positional
		}
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if !hasFlags {
			fmt.Fprintln(c.stderr, usage)
			return
		}
		fmt.Fprintf(c.stderr, "%s [options]\n\nOptions:\n", usage)
		fs.PrintDefaults()
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError(err.Error())
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if count >= 0 && len(pos) != count {
		fs.Usage()
		return nil, usageError(fmt.Sprintf("expected %s", positional))
	}
	return pos, nil
}

// envFlags collects repeated --env KEY=VALUE flags.
type envFlags map[string]string

func (e envFlags) String() string { return "" }

func (e envFlags) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", s)
	}
	e[k] = v
	return nil
}

func (c *cli) deploy(args []string) error {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	name := fs.String("name", "", "function `name` (required)")
	runtime := fs.String("runtime", "", "runtime: custom, provided, go1, python3.10 or http (required)")
	handler := fs.String("handler", "", "entry point, such as index.handler for python3.10")
	role := fs.String("role", "", "RAM role `ARN` whose credentials the function receives")
	description := fs.String("description", "", "description")
	timeout := fs.Int("timeout", 0, "timeout in `seconds` (default 60)")
	memory := fs.Int("memory", 0, "memory size hint in `MB` (default 512)")
	concurrency := fs.Int("concurrency", 0, "invocations one instance takes at once (default 1)")
	maxInstances := fs.Int("max-instances", 0, "maximum number of instances (default 10)")
	command := fs.String("command", "", "start `command` of custom, provided and go1 functions, split at spaces (default ./bootstrap)")
	httpURL := fs.String("url", "", "`URL` of a function of the http runtime, which has no code")
	tokenFile := fs.String("bearer-token-file", "", "`file` holding the bearer token ossfc sends to an http runtime URL")
	env := envFlags{}
	fs.Var(env, "env", "environment variable `KEY=VALUE` (repeatable)")
	pos, err := c.parse(fs, args, "DIR|ZIP (none for --runtime http)", -1)
	if err != nil {
		return err
	}
	if *name == "" || *runtime == "" {
		return usageError("--name and --runtime are required")
	}

	in := &fcapi.CreateFunctionInput{
		FunctionName: *name, Description: *description, Runtime: *runtime, Handler: *handler,
		Timeout: *timeout, MemorySize: *memory,
		InstanceConcurrency: *concurrency, MaxInstances: *maxInstances, Role: *role,
	}
	if *runtime == "http" {
		// A function hosted elsewhere: a URL and an optional token, no code.
		if *httpURL == "" {
			return usageError("--runtime http needs --url, the address ossfc POSTs invocations to")
		}
		if len(pos) != 0 {
			return usageError("--runtime http takes no DIR or ZIP: the function runs at --url")
		}
		in.HTTPConfig = &fcapi.HTTPConfig{URL: *httpURL}
		if *tokenFile != "" {
			token, err := os.ReadFile(*tokenFile)
			if err != nil {
				return err
			}
			in.HTTPConfig.BearerToken = strings.TrimSpace(string(token))
		}
	} else {
		if len(pos) != 1 {
			return usageError("expected one DIR or ZIP with the function's code")
		}
		if *httpURL != "" || *tokenFile != "" {
			return usageError("--url and --bearer-token-file are for --runtime http only")
		}
		if err := checkStartCommand(pos[0], *runtime, *command); err != nil {
			return err
		}
		zipped, err := readCode(pos[0])
		if err != nil {
			return err
		}
		in.Code = &fcapi.InputCode{ZipFile: zipped}
	}
	if len(env) > 0 {
		in.EnvironmentVariables = env
	}
	if *command != "" {
		in.CustomRuntimeConfig = &fcapi.CustomRuntimeConfig{Command: strings.Fields(*command)}
	}

	// Deploy creates the function, or updates it when it exists.
	var f *fcapi.Function
	_, err = c.client.GetFunction(c.ctx, *name, "")
	var apiErr *fcclient.Error
	switch {
	case err == nil:
		f, err = c.client.UpdateFunction(c.ctx, *name, updateFrom(fs, in))
	case errors.As(err, &apiErr) && apiErr.Code == "FunctionNotFound":
		f, err = c.client.CreateFunction(c.ctx, in)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, f.FunctionArn)
	return nil
}

// checkStartCommand catches the most common deploy mistake before any
// upload: a custom, provided or go1 function from a directory whose start
// command (default ./bootstrap) names a file the directory does not have.
// Zip files and commands outside the code are not checked.
func checkStartCommand(code, runtime, command string) error {
	switch runtime {
	case "custom", "provided", "go1":
	default:
		return nil
	}
	if fi, err := os.Stat(code); err != nil || !fi.IsDir() {
		return nil
	}
	program := "./bootstrap"
	if fields := strings.Fields(command); len(fields) > 0 {
		program = fields[0]
	}
	if filepath.IsAbs(program) || !strings.Contains(program, "/") {
		return nil
	}
	if _, err := os.Stat(filepath.Join(code, program)); err != nil {
		return fmt.Errorf("%s has no %s, which the %s runtime starts: build the function into %s, or name its program with --command",
			code, program, runtime, filepath.Join(code, program))
	}
	return nil
}

// updateFrom turns the flags given on the command line into an update, so
// a redeploy changes only what the user set (and always the code).
func updateFrom(fs *flag.FlagSet, in *fcapi.CreateFunctionInput) *fcapi.UpdateFunctionInput {
	upd := &fcapi.UpdateFunctionInput{Code: in.Code, Runtime: &in.Runtime, HTTPConfig: in.HTTPConfig}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "handler":
			upd.Handler = &in.Handler
		case "role":
			upd.Role = &in.Role
		case "description":
			upd.Description = &in.Description
		case "timeout":
			upd.Timeout = &in.Timeout
		case "memory":
			upd.MemorySize = &in.MemorySize
		case "concurrency":
			upd.InstanceConcurrency = &in.InstanceConcurrency
		case "max-instances":
			upd.MaxInstances = &in.MaxInstances
		case "env":
			upd.EnvironmentVariables = &in.EnvironmentVariables
		case "command":
			upd.CustomRuntimeConfig = in.CustomRuntimeConfig
		}
	})
	return upd
}

// readCode returns the bytes of a zip file, or zips a directory in memory
// keeping the executable bits.
func readCode(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return os.ReadFile(path)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == path {
			return err
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h, err := zip.FileInfoHeader(info)
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if d.IsDir() {
			h.Name += "/"
			_, err = zw.CreateHeader(h)
			return err
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file or directory", p)
		}
		h.Method = zip.Deflate
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(w, f)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("zip %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c *cli) publish(args []string) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	description := fs.String("description", "", "description of the version")
	pos, err := c.parse(fs, args, "NAME", 1)
	if err != nil {
		return err
	}
	v, err := c.client.PublishVersion(c.ctx, pos[0], *description)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, v.VersionID)
	return nil
}

func (c *cli) invoke(args []string) error {
	fs := flag.NewFlagSet("invoke", flag.ContinueOnError)
	qualifier := fs.String("qualifier", "", "version or alias to run (default LATEST)")
	eventArg := fs.String("event", "", "event: JSON text, or @FILE to read it from a file")
	showLogs := fs.Bool("log", false, "print the tail of the invocation's log to stderr")
	pos, err := c.parse(fs, args, "NAME", 1)
	if err != nil {
		return err
	}
	event := []byte(*eventArg)
	if file, ok := strings.CutPrefix(*eventArg, "@"); ok {
		if event, err = os.ReadFile(file); err != nil {
			return err
		}
	}
	out, err := c.client.Invoke(c.ctx, pos[0], *qualifier, event, *showLogs)
	if err != nil {
		return err
	}
	if *showLogs && out.Logs != "" {
		fmt.Fprint(c.stderr, out.Logs)
	}
	c.stdout.Write(out.Payload)
	if len(out.Payload) > 0 && out.Payload[len(out.Payload)-1] != '\n' {
		fmt.Fprintln(c.stdout)
	}
	if out.ErrorType != "" {
		return fmt.Errorf("the function failed with %s (request %s)", out.ErrorType, out.RequestID)
	}
	return nil
}

func (c *cli) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	prefix := fs.String("prefix", "", "list only functions whose names start with this")
	if _, err := c.parse(fs, args, "", 0); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tRUNTIME\tTIMEOUT\tMODIFIED")
	token := ""
	for {
		page, err := c.client.ListFunctions(c.ctx, *prefix, token, 100)
		if err != nil {
			return err
		}
		for _, f := range page.Functions {
			fmt.Fprintf(tw, "%s\t%s\t%ds\t%s\n", f.FunctionName, f.Runtime, f.Timeout, f.LastModifiedTime)
		}
		if token = page.NextToken; token == "" {
			break
		}
	}
	return tw.Flush()
}

func (c *cli) versions(args []string) error {
	fs := flag.NewFlagSet("versions", flag.ContinueOnError)
	pos, err := c.parse(fs, args, "NAME", 1)
	if err != nil {
		return err
	}
	out, err := c.client.ListVersions(c.ctx, pos[0])
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tCREATED\tDESCRIPTION")
	for _, v := range out.Versions {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", v.VersionID, v.CreatedTime, v.Description)
	}
	return tw.Flush()
}

func (c *cli) logs(args []string) error {
	fs := flag.NewFlagSet("logs", flag.ContinueOnError)
	requestID := fs.String("request-id", "", "show only this invocation")
	limit := fs.Int("limit", 10, "number of recent invocations to show")
	pos, err := c.parse(fs, args, "NAME", 1)
	if err != nil {
		return err
	}
	out, err := c.client.InvocationLogs(c.ctx, pos[0], *requestID, *limit)
	if err != nil {
		return err
	}
	// Oldest first, as a log reads.
	for i := len(out.Invocations) - 1; i >= 0; i-- {
		l := out.Invocations[i]
		status := "ok"
		if l.Error != "" {
			status = l.Error
		}
		fmt.Fprintf(c.stdout, "== %s %s qualifier=%s version=%s %.1fms cold=%v %s\n",
			l.StartTime, l.RequestID, l.Qualifier, l.VersionID, l.DurationMs, l.ColdStart, status)
		for _, line := range l.Lines {
			fmt.Fprintln(c.stdout, line)
		}
	}
	return nil
}

func (c *cli) delete(args []string) error {
	fs := flag.NewFlagSet("delete", flag.ContinueOnError)
	pos, err := c.parse(fs, args, "NAME", 1)
	if err != nil {
		return err
	}
	return c.client.DeleteFunction(c.ctx, pos[0])
}

// aliasUsage is the help of `ossfc fn alias`.
const aliasUsage = `Usage:
  ossfc fn alias create NAME ALIAS --version V [--description D]
  ossfc fn alias update NAME ALIAS --version V [--description D]
  ossfc fn alias list NAME
  ossfc fn alias delete NAME ALIAS

An alias names a published version; use it as the qualifier of the
function's ARN (functions/NAME:ALIAS or services/SERVICE.ALIAS/functions/NAME).
`

func (c *cli) alias(args []string) error {
	if len(args) == 0 {
		return usageError("expected create, update, list or delete")
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(c.stdout, aliasUsage)
		return nil
	}
	fs := flag.NewFlagSet("alias "+args[0], flag.ContinueOnError)
	switch args[0] {
	case "create", "update":
		version := fs.String("version", "", "version the alias names (required)")
		description := fs.String("description", "", "description")
		pos, err := c.parse(fs, args[1:], "NAME ALIAS", 2)
		if err != nil {
			return err
		}
		if *version == "" {
			return usageError("--version is required")
		}
		in := &fcapi.AliasInput{AliasName: pos[1], VersionID: *version, Description: *description}
		var a *fcapi.Alias
		if args[0] == "create" {
			a, err = c.client.CreateAlias(c.ctx, pos[0], in)
		} else {
			a, err = c.client.UpdateAlias(c.ctx, pos[0], pos[1], in)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "%s -> version %s\n", a.AliasName, a.VersionID)
		return nil
	case "list":
		pos, err := c.parse(fs, args[1:], "NAME", 1)
		if err != nil {
			return err
		}
		out, err := c.client.ListAliases(c.ctx, pos[0])
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ALIAS\tVERSION\tDESCRIPTION")
		for _, a := range out.Aliases {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.AliasName, a.VersionID, a.Description)
		}
		return tw.Flush()
	case "delete":
		pos, err := c.parse(fs, args[1:], "NAME ALIAS", 2)
		if err != nil {
			return err
		}
		return c.client.DeleteAlias(c.ctx, pos[0], pos[1])
	}
	return usageError(fmt.Sprintf("unknown alias command %q; expected create, update, list or delete", args[0]))
}
