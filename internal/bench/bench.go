package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
)

// Options configure a benchmark run.
type Options struct {
	// Endpoint is the OSS API base URL of a running server; empty starts a
	// child server with Binary.
	Endpoint string
	Region   string

	// Console is the base URL of the console listener of the server at
	// Endpoint. Its admin API deploys the functions of the transformed-GET
	// scenarios, which are skipped without it. For a child server, the
	// benchmark reads the URL from the server's output.
	Console string

	// Binary is the ossfc executable started as the child server. A copy
	// of it runs the example functions ("ossfc function <name>").
	Binary string

	// Photo is the photograph the image-resize scenario resizes; empty
	// means a small one embedded in the binary.
	Photo string

	// TmpDir holds the child server's data directory.
	TmpDir string

	// Duration is how long each small-object phase runs.
	Duration time.Duration

	// Quick shrinks every size and count, for smoke tests of the tool.
	Quick bool
}

// Env is the server, client and bucket a scenario runs against.
type Env struct {
	Options Options
	Client  *oss.Client
	Bucket  string // created for the run

	// Endpoint and ConsoleURL are the server's OSS API and console
	// listener; ConsoleURL is empty when unknown.
	Endpoint   string
	ConsoleURL string
	keyID      string
	secret     string

	// ServerPID is the child server's process id, or 0 when the server runs
	// elsewhere and its memory cannot be sampled.
	ServerPID int

	// Log receives progress lines.
	Log io.Writer

	// transform holds the functions deployed for the transformed-GET
	// scenarios, once the first of them ran.
	transform *transformWorld
}

// size returns n, or n/quickDivisor (at least 1) in quick mode.
func (e *Env) size(n int64) int64 {
	if e.Options.Quick {
		return max(n/quickDivisor, 1)
	}
	return n
}

// quickDivisor shrinks sizes and counts in quick mode.
const quickDivisor = 128

// Result is one measured figure.
type Result struct {
	Scenario string
	Figure   string
	Value    float64
	Unit     string
	Note     string
}

// Scenario is one benchmark. Run returns its figures; it may create objects
// in env.Bucket.
type Scenario struct {
	Name        string
	Description string
	Run         func(ctx context.Context, env *Env) ([]Result, error)
}

const usage = `Usage: ossfc bench [flags]

Measures an ossfc server with the official OSS Go SDK. Without -endpoint it
starts "ossfc server" as a child process on 127.0.0.1 with a temporary data
directory. With -endpoint it needs OSSFC_BENCH_ACCESS_KEY_ID and
OSSFC_BENCH_ACCESS_KEY_SECRET (a root key, so that it may deploy functions),
and it leaves its bucket, functions and access points behind.

The transformed-GET scenarios deploy the identity and image example
functions, run from a copy of -binary, and read through Object FC Access
Points.

Flags:
`

// Main runs the benchmark command with args (without the command name) and
// returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ossfc bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var opts Options
	self, _ := os.Executable()
	fs.StringVar(&opts.Endpoint, "endpoint", "", "OSS API base URL of a running server, e.g. http://127.0.0.1:9000 (default: start a child server)")
	fs.StringVar(&opts.Region, "region", "cn-hangzhou", "region the server serves, for V4 signatures")
	fs.StringVar(&opts.Console, "console", "", "console listener base URL of the server given by -endpoint, for the admin API that deploys functions")
	fs.StringVar(&opts.Binary, "binary", self, "ossfc executable to start as the child server and to run the example functions")
	fs.StringVar(&opts.Photo, "photo", "", "JPEG or PNG photograph for image-resize (default: a 150x103 photograph embedded in ossfc)")
	fs.StringVar(&opts.TmpDir, "tmp", os.TempDir(), "directory for the child server's data; needs about 4 GiB free")
	fs.DurationVar(&opts.Duration, "duration", 10*time.Second, "duration of each small-object phase")
	fs.BoolVar(&opts.Quick, "quick", false, "divide sizes and counts by 128, to check the tool quickly")
	only := fs.String("scenarios", "all", "comma-separated scenarios to run; -list shows them")
	list := fs.Bool("list", false, "list the scenarios and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *list {
		for _, s := range scenarios {
			fmt.Fprintf(stdout, "%-18s %s\n", s.Name, s.Description)
		}
		return 0
	}
	selected, err := selectScenarios(*only)
	if err != nil {
		fmt.Fprintf(stderr, "ossfc bench: %v\n", err)
		return 2
	}

	results, err := run(ctx, opts, selected, stderr)
	printResults(stdout, results)
	if err != nil {
		fmt.Fprintf(stderr, "ossfc bench: %v\n", err)
		return 1
	}
	return 0
}

func selectScenarios(list string) ([]Scenario, error) {
	if list == "all" {
		return scenarios, nil
	}
	var out []Scenario
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, s := range scenarios {
			if s.Name == name {
				out = append(out, s)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown scenario %q; -list shows the scenarios", name)
		}
	}
	return out, nil
}

// run prepares the server, the client and the bucket, then runs each
// scenario in turn. It returns the figures gathered before any failure.
func run(ctx context.Context, opts Options, selected []Scenario, log io.Writer) ([]Result, error) {
	env := &Env{Options: opts, Log: log, Endpoint: opts.Endpoint, ConsoleURL: strings.TrimRight(opts.Console, "/")}
	env.keyID, env.secret = os.Getenv("OSSFC_BENCH_ACCESS_KEY_ID"), os.Getenv("OSSFC_BENCH_ACCESS_KEY_SECRET")
	if env.Endpoint == "" {
		srv, err := startServer(ctx, opts.Binary, opts.TmpDir, log)
		if err != nil {
			return nil, err
		}
		defer srv.stop()
		env.Endpoint, env.ConsoleURL, env.keyID, env.secret, env.ServerPID = srv.url, srv.consoleURL, srv.keyID, srv.secret, srv.pid()
		fmt.Fprintf(log, "bench: started %s server (pid %d) at %s\n", opts.Binary, env.ServerPID, env.Endpoint)
	} else if env.keyID == "" || env.secret == "" {
		return nil, errors.New("-endpoint needs OSSFC_BENCH_ACCESS_KEY_ID and OSSFC_BENCH_ACCESS_KEY_SECRET")
	}
	env.Client = newClient(env.Endpoint, opts.Region, env.keyID, env.secret)

	var raw [4]byte
	rand.Read(raw[:])
	env.Bucket = "ossfc-bench-" + hex.EncodeToString(raw[:])
	if _, err := env.Client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(env.Bucket)}); err != nil {
		return nil, fmt.Errorf("create bucket %s: %w", env.Bucket, err)
	}

	var all []Result
	for _, s := range selected {
		fmt.Fprintf(log, "bench: running %s\n", s.Name)
		results, err := s.Run(ctx, env)
		all = append(all, results...)
		if err != nil {
			return all, fmt.Errorf("scenario %s: %w", s.Name, err)
		}
	}
	return all, nil
}

// newClient returns an SDK client with enough idle connections for the
// most concurrent scenario. Retries are off, so failures show.
func newClient(endpoint, region, keyID, secret string) *oss.Client {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     60 * time.Second,
	}
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret)).
		WithRegion(region).
		WithEndpoint(endpoint).
		WithHttpClient(&http.Client{Transport: transport}).
		WithRetryMaxAttempts(1)
	return oss.NewClient(cfg)
}

func printResults(w io.Writer, results []Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\tfigure\tvalue\tunit\tnote\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Scenario, r.Figure, formatValue(r.Value), r.Unit, r.Note)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nGo %s, %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
}

func formatValue(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
