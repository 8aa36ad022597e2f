package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/demo"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/sampledata"
)

// The transformed-GET scenarios read through Object FC Access Points whose
// functions are the identity and image examples, run as "ossfc function
// <name>" from a copy of Options.Binary. transformEnv deploys them once,
// on first use.

// transformWorld holds the aliases the transformed-GET scenarios read
// through.
type transformWorld struct {
	target   *demo.Target
	suffix   string // of the names of this run's functions and access points
	identity string // alias of the Object FC Access Point of identity
	image    string // alias of the Object FC Access Point of image
}

// function returns the name this run deploys the example function under.
func (w *transformWorld) function(example string) string {
	return "bench-" + w.suffix + "-" + example
}

// errNoAdminAPI skips a scenario that needs to deploy functions.
var errNoAdminAPI = errors.New("the server's admin API is unknown: give -console with -endpoint")

// transformEnv deploys the functions and creates the access points on
// first use, and returns them.
func (e *Env) transformEnv(ctx context.Context) (*transformWorld, error) {
	if e.transform != nil {
		return e.transform, nil
	}
	if e.ConsoleURL == "" {
		return nil, errNoAdminAPI
	}

	// The service roles and the code, a copy of the binary.
	start := time.Now()
	target, err := demo.NewTarget(ctx, e.Endpoint, e.ConsoleURL, e.Options.Region, e.keyID, e.secret, &http.Client{})
	if err != nil {
		return nil, err
	}
	if _, err := target.RAM.QuickAuthorize(ctx); err != nil {
		return nil, fmt.Errorf("quick authorization: %w", err)
	}
	code, err := demo.BinaryCode(e.Options.Binary)
	if err != nil {
		return nil, err
	}

	// The names carry the run's random suffix, so that runs against one
	// server do not collide. Access point names have at most 19 characters.
	w := &transformWorld{target: target, suffix: strings.TrimPrefix(e.Bucket, "ossfc-bench-")}
	accessPoint := "bench-" + w.suffix
	if err := target.CreateAccessPoint(ctx, e.Bucket, accessPoint); err != nil {
		return nil, err
	}
	for _, fn := range []struct {
		example string
		alias   *string
	}{{"identity", &w.identity}, {"image", &w.image}} {
		name := w.function(fn.example)
		if err := target.DeployGoExample(ctx, name, fn.example, code); err != nil {
			return nil, err
		}
		if *fn.alias, err = target.CreateObjectFCAccessPoint(ctx, e.Bucket, accessPoint, name, name); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(e.Log, "bench: deployed the identity and image functions in %s\n", time.Since(start).Round(time.Millisecond))
	e.transform = w
	return w, nil
}

// skipWithoutAdminAPI turns errNoAdminAPI into a skip.
func skipWithoutAdminAPI(env *Env, scenario string, err error) ([]Result, error) {
	if errors.Is(err, errNoAdminAPI) {
		fmt.Fprintf(env.Log, "bench: %s skipped: %v\n", scenario, err)
		return nil, nil
	}
	return nil, err
}

// getAll GETs key from bucket (a bucket name or an alias), reads the body
// and returns its length and the time to the first byte of the body.
func getAll(ctx context.Context, env *Env, bucket, key string, process string) (int64, time.Duration, error) {
	req := &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)}
	if process != "" {
		req.Process = oss.Ptr(process)
	}
	start := time.Now()
	res, err := env.Client.GetObject(ctx, req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	ttfb := time.Since(start)
	n, err := io.Copy(io.Discard, res.Body)
	return n, ttfb, err
}

func runTransform4KiB(ctx context.Context, env *Env) ([]Result, error) {
	const scenario = "transform-4kib"
	w, err := env.transformEnv(ctx)
	if err != nil {
		return skipWithoutAdminAPI(env, scenario, err)
	}
	key := scenario
	if _, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key),
		Body: bytes.NewReader(patternBlock[:4*kib])}); err != nil {
		return nil, fmt.Errorf("PUT: %w", err)
	}

	// Warm the function's instance, then alternate direct and transformed
	// GETs so that both see the same machine.
	settle()
	for range 20 {
		if _, _, err := getAll(ctx, env, w.identity, key, ""); err != nil {
			return nil, fmt.Errorf("warm-up GET through identity: %w", err)
		}
	}
	duration := env.Options.Duration
	if env.Options.Quick {
		duration = min(duration, time.Second)
	}
	var direct, identity []time.Duration
	for deadline := time.Now().Add(2 * duration); time.Now().Before(deadline); {
		for _, target := range []struct {
			bucket string
			lat    *[]time.Duration
		}{{env.Bucket, &direct}, {w.identity, &identity}} {
			start := time.Now()
			n, _, err := getAll(ctx, env, target.bucket, key, "")
			if err == nil && n != 4*kib {
				err = fmt.Errorf("GET returned %d bytes, want %d", n, 4*kib)
			}
			if err != nil {
				return nil, err
			}
			*target.lat = append(*target.lat, time.Since(start))
		}
	}
	slices.Sort(direct)
	slices.Sort(identity)

	note := fmt.Sprintf("%d GETs of each, alternating, 1 client, warm instance", len(direct))
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	var out []Result
	for _, p := range []int{50, 99} {
		d, i := percentile(direct, p), percentile(identity, p)
		out = append(out,
			Result{scenario, fmt.Sprintf("p%d direct", p), ms(d), "ms", note},
			Result{scenario, fmt.Sprintf("p%d through identity", p), ms(i), "ms", note},
			Result{scenario, fmt.Sprintf("p%d overhead", p), ms(i - d), "ms", "through identity minus direct"},
		)
	}
	return out, nil
}

func runTransform1GiB(ctx context.Context, env *Env) ([]Result, error) {
	const scenario = "transform-1gib"
	w, err := env.transformEnv(ctx)
	if err != nil {
		return skipWithoutAdminAPI(env, scenario, err)
	}
	size := env.size(gib)
	key := scenario
	if _, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key), Body: newPattern(size)}); err != nil {
		return nil, fmt.Errorf("PUT: %w", err)
	}

	// Direct first, then through identity with the server's memory sampled.
	settle()
	start := time.Now()
	n, _, err := getAll(ctx, env, env.Bucket, key, "")
	direct := time.Since(start)
	if err == nil && n != size {
		err = fmt.Errorf("returned %d bytes, want %d", n, size)
	}
	if err != nil {
		return nil, fmt.Errorf("direct GET: %w", err)
	}

	var before int64
	var sampler *rssSampler
	settle()
	if env.ServerPID != 0 {
		if before, err = residentBytes(env.ServerPID); err != nil {
			return nil, err
		}
		sampler = sampleRSS(env.ServerPID, 10*time.Millisecond)
	}
	start = time.Now()
	n, _, err = getAll(ctx, env, w.identity, key, "")
	transformed := time.Since(start)
	var peak int64
	if sampler != nil {
		var serr error
		if peak, _, serr = sampler.finish(); serr != nil && err == nil {
			err = fmt.Errorf("sample server memory: %w", serr)
		}
	}
	if err == nil && n != size {
		err = fmt.Errorf("returned %d bytes, want %d", n, size)
	}
	if err != nil {
		return nil, fmt.Errorf("GET through identity: %w", err)
	}

	note := byteSize(size) + " object, 1 client"
	directRate := float64(size) / mib / direct.Seconds()
	identityRate := float64(size) / mib / transformed.Seconds()
	out := []Result{
		{scenario, "GET direct", directRate, "MiB/s", note},
		{scenario, "GET through identity", identityRate, "MiB/s", note},
		{scenario, "through identity / direct", 100 * identityRate / directRate, "%", ""},
	}
	if sampler != nil {
		out = append(out, Result{scenario, "server RSS growth during the GET through identity", float64(peak-before) / mib, "MiB",
			fmt.Sprintf("VmRSS of the server process, sampled every 10 ms: %.1f MiB before, %.1f MiB at the peak", float64(before)/mib, float64(peak)/mib)})
	}
	return out, nil
}

func runColdStart(ctx context.Context, env *Env) ([]Result, error) {
	const scenario = "transform-cold-start"
	w, err := env.transformEnv(ctx)
	if err != nil {
		return skipWithoutAdminAPI(env, scenario, err)
	}
	key := scenario
	if _, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key),
		Body: bytes.NewReader(patternBlock[:4*kib])}); err != nil {
		return nil, fmt.Errorf("PUT: %w", err)
	}

	// Changing a function's settings retires its instances, so the next
	// GET starts a new one. The update itself is not timed.
	rounds := 20
	if env.Options.Quick {
		rounds = 2
	}
	var cold, warm []time.Duration
	for i := range rounds {
		vars := map[string]string{"FC_SERVER_HOST": "127.0.0.1", "OSSFC_BENCH_ROUND": strconv.Itoa(i)}
		if _, err := w.target.Functions.UpdateFunction(ctx, w.function("identity"), &fcapi.UpdateFunctionInput{EnvironmentVariables: &vars}); err != nil {
			return nil, fmt.Errorf("UpdateFunction: %w", err)
		}
		for _, lat := range []*[]time.Duration{&cold, &warm} {
			_, ttfb, err := getAll(ctx, env, w.identity, key, "")
			if err != nil {
				return nil, err
			}
			*lat = append(*lat, ttfb)
		}
	}
	slices.Sort(cold)
	slices.Sort(warm)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	note := fmt.Sprintf("time to first byte of a 4 KiB GET through identity, %d rounds", rounds)
	return []Result{
		{scenario, "p50 starting an instance", ms(percentile(cold, 50)), "ms", note},
		{scenario, "max starting an instance", ms(cold[len(cold)-1]), "ms", note},
		{scenario, "p50 on the instance just started", ms(percentile(warm, 50)), "ms", note},
	}, nil
}

func runImageResize(ctx context.Context, env *Env) ([]Result, error) {
	const scenario = "image-resize"
	w, err := env.transformEnv(ctx)
	if err != nil {
		return skipWithoutAdminAPI(env, scenario, err)
	}
	photos, err := benchPhotos(env.Options.Photo)
	if err != nil {
		return nil, err
	}

	duration := env.Options.Duration
	if env.Options.Quick {
		duration = min(duration, time.Second)
	}
	var out []Result
	for _, p := range photos {
		cfg, format, err := image.DecodeConfig(bytes.NewReader(p.data))
		if err != nil {
			return out, fmt.Errorf("%s is not a JPEG or PNG image: %w", p.name, err)
		}
		key := scenario + "/" + p.name
		if _, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key),
			Body: bytes.NewReader(p.data)}); err != nil {
			return out, fmt.Errorf("PUT: %w", err)
		}
		process := fmt.Sprintf("image/resize,w_%d", min(800, cfg.Width/2))
		get := func(int64) error {
			_, _, err := getAll(ctx, env, w.image, key, process)
			return err
		}

		for _, clients := range []int{1, runtime.NumCPU()} {
			// One untimed round starts an instance per client.
			if _, err := forEach(int64(clients), clients, get); err != nil {
				return out, err
			}
			// The rate counts until the last request ends, which for a
			// large photograph is well after the duration.
			lat, elapsed, err := timedOps(duration, clients, func(c, i int) error { return get(0) })
			if err != nil {
				return out, err
			}
			note := fmt.Sprintf("%s (%s %dx%d, %d bytes), %s; %d request(s) in %s, latency p50 %s",
				p.name, format, cfg.Width, cfg.Height, len(p.data), process, len(lat), elapsed.Round(time.Millisecond),
				percentile(lat, 50).Round(100*time.Microsecond))
			out = append(out, Result{scenario, fmt.Sprintf("%s, %d client(s)", p.label, clients), float64(len(lat)) / elapsed.Seconds(), "req/s", note})
		}
	}
	return out, nil
}

// benchPhoto is a photograph that image-resize resizes.
type benchPhoto struct {
	label string // "embedded photo" or "-photo"
	name  string
	data  []byte
}

// benchPhotos returns the embedded photograph and, unless path is empty,
// the one at path.
func benchPhotos(path string) ([]benchPhoto, error) {
	embedded := sampledata.Photos()[0]
	photos := []benchPhoto{{"embedded photo", embedded.Name, embedded.Data}}
	if path == "" {
		return photos, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return append(photos, benchPhoto{"-photo", filepath.Base(path), data}), nil
}
