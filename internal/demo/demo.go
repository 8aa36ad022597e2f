package demo

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/sampledata"
	"github.com/ossfc/ossfc/internal/server"
)

// Names of what the demo creates.
const (
	bucketName      = "ossfc-demo"
	accessPointName = "demo-ap"
)

// markerFile marks a directory as the demo's, so that a later run may
// empty it.
const markerFile = ".ossfc-demo"

// pythonInterpreter is the interpreter the server's python3.10 runtime
// runs; without it the Python function is skipped.
const pythonInterpreter = "/usr/bin/python3"

// Options configure a demo run.
type Options struct {
	// Dir holds the server's data directory, the function code and the
	// server log. It must be empty, missing, or left by an earlier demo
	// run. Empty means a temporary directory, removed after a successful
	// run.
	Dir string

	// Binary is the ossfc executable whose copy runs the Go functions.
	Binary string

	// CSVSize and LogSize are the minimum sizes in bytes of the generated
	// CSV file and JSON log.
	CSVSize int
	LogSize int
}

const usage = `Usage: ossfc demo [--data DIR]

Starts an ossfc server on free loopback ports, deploys the example
functions, creates a bucket, an access point and an Object FC Access Point
per function, uploads photographs, a CSV file and a JSON log with personal
data, reads each through an alias with the OSS Go SDK, checks the results
and prints a report. The exit code is 0 when every check passed.

Flags:
`

// Main runs the demo command with args (without the command name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ossfc demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	opts := Options{CSVSize: 4 << 20, LogSize: 1 << 20}
	fs.StringVar(&opts.Dir, "data", "", "directory for the server's data, the function code and the server log, kept after the run (default: a temporary directory)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ossfc demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var err error
	if opts.Binary, err = os.Executable(); err != nil {
		fmt.Fprintf(stderr, "ossfc demo: find the ossfc executable: %v\n", err)
		return 1
	}

	passed, err := Run(ctx, opts, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "ossfc demo: %v\n", err)
		return 1
	}
	if !passed {
		return 1
	}
	return 0
}

// Run runs the demo and prints its report to out. It reports whether every
// check passed; an error means the demo could not run to the end.
func Run(ctx context.Context, opts Options, out io.Writer) (passed bool, err error) {
	start := time.Now()
	dir, removeDir, err := prepareDir(opts.Dir)
	if err != nil {
		return false, err
	}
	logPath := filepath.Join(dir, "ossfc.log")
	defer func() {
		if passed && removeDir {
			os.RemoveAll(dir)
			return
		}
		fmt.Fprintf(out, "\nServer log: %s\n", logPath)
	}()

	// 1. The server, in this process.
	srv, err := startServer(ctx, dir, logPath)
	if err != nil {
		return false, err
	}
	defer srv.stop()
	fmt.Fprintf(out, "ossfc demo\n\n")
	fmt.Fprintf(out, "  OSS API      %s  (region %s, account %s)\n", srv.apiURL, srv.region, srv.accountID)
	fmt.Fprintf(out, "  admin API    %s/admin/\n", srv.consoleURL)
	fmt.Fprintf(out, "  directory    %s\n", dir)

	// 2. The inputs, generated now so that the checks can compare.
	in := newInputs(opts.CSVSize, opts.LogSize)

	// 3. Functions, bucket, access points and objects.
	setupStart := time.Now()
	target, err := NewTarget(ctx, srv.apiURL, srv.consoleURL, srv.region, srv.keyID, srv.secret, &http.Client{})
	if err != nil {
		return false, err
	}
	_, python := os.Stat(pythonInterpreter)
	w, err := setUp(ctx, target, opts.Binary, python == nil, in)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "  set-up       %s: quick authorization, %d functions, bucket %s, access point %s,\n",
		time.Since(setupStart).Round(100*time.Millisecond), len(w.aliases), bucketName, accessPointName)
	fmt.Fprintf(out, "               an Object FC Access Point per function, %d objects\n", len(in.objects))
	if python != nil {
		fmt.Fprintf(out, "  %s is missing, so the Python function is skipped.\n", pythonInterpreter)
	}
	fmt.Fprintln(out)

	// 4. The reads, each checked.
	cases := readCases(in)
	rep := newReport(out, cases, w.aliases)
	for _, c := range cases {
		rep.add(w.read(ctx, c))
	}
	passed = rep.finish(time.Since(start))
	if passed && !removeDir {
		program := "ossfc"
		if exe, err := os.Executable(); err == nil {
			program = exe
		}
		fmt.Fprintf(out, "\nThe data stays in %s. To explore it in the console, run\n  %s server --data %s --functions-dir %s\n"+
			"(add --addr and --console-addr if ports 9000 and 9001 are taken).\n",
			dir, program, filepath.Join(dir, "data"), filepath.Join(dir, "functions"))
	}
	return passed, nil
}

// prepareDir returns the absolute directory of the run, created with mode
// 0755 so that the function user reaches the function code below it, and
// whether to remove it after a successful run.
func prepareDir(dir string) (string, bool, error) {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ossfc-demo-")
		if err != nil {
			return "", false, err
		}
		return tmp, true, os.Chmod(tmp, 0o755)
	}

	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", false, err
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", false, err
		}
	case err != nil:
		return "", false, err
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
			return "", false, fmt.Errorf("%s is not empty and was not made by ossfc demo; choose a new directory", dir)
		}
		// An earlier run's directory: start afresh.
		for _, e := range entries {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return "", false, err
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, markerFile), []byte("made by ossfc demo; a later run empties this directory\n"), 0o644); err != nil {
		return "", false, err
	}
	return dir, false, os.Chmod(dir, 0o755)
}

// demoServer is the ossfc server the demo runs in its own process.
type demoServer struct {
	apiURL, consoleURL string
	region, accountID  string
	keyID, secret      string

	cancel  context.CancelFunc
	done    chan error
	logFile *os.File
}

// startServer starts a server with its data in dir/data, function code in
// dir/functions, and its log in logPath, listening on free loopback ports.
func startServer(ctx context.Context, dir, logPath string) (*demoServer, error) {
	cfg := config.Default()
	cfg.DataDir = filepath.Join(dir, "data")
	cfg.FunctionsDir = filepath.Join(dir, "functions")
	cfg.Addr = "127.0.0.1:0"
	cfg.ConsoleAddr = "127.0.0.1:0"
	cfg.ShutdownTimeout = 5 * time.Second
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(logFile, nil))

	ctx, cancel := context.WithCancel(ctx)
	s, err := server.New(ctx, cfg, logger)
	if err != nil {
		cancel()
		logFile.Close()
		return nil, fmt.Errorf("start the server: %w", err)
	}
	creds := s.Credentials()
	d := &demoServer{
		apiURL: s.AdvertiseURL(), consoleURL: "http://" + s.Addr("console"),
		region: cfg.Region, accountID: creds.AccountID, keyID: creds.AccessKeyID, secret: creds.AccessKeySecret,
		cancel: cancel, done: make(chan error, 1), logFile: logFile,
	}
	go func() { d.done <- s.Serve(ctx) }()
	return d, nil
}

// stop shuts the server down, which also stops the function instances.
func (d *demoServer) stop() {
	d.cancel()
	<-d.done
	d.logFile.Close()
}

// world is the result of set-up: the client and the alias of each Object FC
// Access Point, by function name.
type world struct {
	client  *oss.Client
	aliases map[string]string
	python  bool
}

// setUp authorizes the service roles, deploys the functions, creates the
// bucket, the access point and an Object FC Access Point per function, and
// uploads the inputs.
func setUp(ctx context.Context, t *Target, binary string, python bool, in *inputs) (*world, error) {
	if _, err := t.RAM.QuickAuthorize(ctx); err != nil {
		return nil, fmt.Errorf("quick authorization: %w", err)
	}
	code, err := BinaryCode(binary)
	if err != nil {
		return nil, err
	}
	// The uploads of the binary's copy take most of the set-up, so they run
	// side by side.
	functions := append([]string(nil), GoExamples...)
	errs := make(chan error, len(GoExamples)+1)
	for _, name := range GoExamples {
		go func() { errs <- t.DeployGoExample(ctx, name, name, code) }()
	}
	if python {
		functions = append(functions, PythonMask)
		go func() { errs <- t.DeployPythonMask(ctx) }()
	}
	var deployErrs []error
	for range functions {
		deployErrs = append(deployErrs, <-errs)
	}
	if err := errors.Join(deployErrs...); err != nil {
		return nil, err
	}

	if _, err := t.OSS.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(bucketName)}); err != nil {
		return nil, fmt.Errorf("PutBucket %s: %w", bucketName, err)
	}
	if err := t.CreateAccessPoint(ctx, bucketName, accessPointName); err != nil {
		return nil, err
	}
	w := &world{client: t.OSS, aliases: map[string]string{}, python: python}
	for _, fn := range functions {
		alias, err := t.CreateObjectFCAccessPoint(ctx, bucketName, accessPointName, fn, fn)
		if err != nil {
			return nil, err
		}
		w.aliases[fn] = alias
	}

	for _, o := range in.objects {
		_, err := t.OSS.PutObject(ctx, &oss.PutObjectRequest{
			Bucket: oss.Ptr(bucketName), Key: oss.Ptr(o.key), ContentType: oss.Ptr(o.contentType), Body: bytes.NewReader(o.data),
		})
		if err != nil {
			return nil, fmt.Errorf("PutObject %s: %w", o.key, err)
		}
	}
	return w, nil
}

// inputs are the objects the demo uploads, with the data they were made
// from.
type inputs struct {
	objects []object
	csv     []byte
	people  []sampledata.Person
	log     []byte
	entries []sampledata.LogEntry
	photos  map[string]sampledata.Photo // by key
}

type object struct {
	key, contentType string
	data             []byte
}

func newInputs(csvSize, logSize int) *inputs {
	in := &inputs{photos: map[string]sampledata.Photo{}}
	in.csv, in.people = sampledata.PeopleCSV(csvSize)
	in.log, in.entries = sampledata.AccessLog(logSize)
	in.objects = []object{
		{keyCSV, "text/csv", in.csv},
		{keyLog, "application/x-ndjson", in.log},
	}
	keys := map[string]string{
		"video-001.progressive.jpeg": "photos/talk.jpg",
		"video-001.q50.420.jpeg":     "photos/talk-q50.jpg",
		"video-001.rgb.png":          "photos/talk.png",
		"video-005.gray.png":         "photos/workshop-gray.png",
	}
	for _, p := range sampledata.Photos() {
		key := keys[p.Name]
		in.photos[key] = p
		in.objects = append(in.objects, object{key, "image/" + p.Format, p.Data})
	}
	return in
}
