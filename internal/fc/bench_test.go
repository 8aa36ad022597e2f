package fc

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// buildGoFunction builds testdata/gofunc, a small aws-lambda-go function,
// into a code directory as its bootstrap.
func buildGoFunction(b *testing.B) string {
	b.Helper()
	dir, err := os.MkdirTemp("", "ossfc-gofunc-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "bootstrap"), "./testdata/gofunc")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build the Go function: %v\n%s", err, out)
	}
	return dir
}

func newBenchService(b *testing.B) *Service {
	b.Helper()
	dir := b.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	svc, _, store, err := openServiceStore(dir, Config{StopGrace: 100 * time.Millisecond}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		svc.Close(context.Background())
		store.Close()
	})
	return svc
}

// reportPercentiles reports the p50 and p99 of the samples in milliseconds.
func reportPercentiles(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	at := func(p float64) float64 {
		return float64(samples[int(p*float64(len(samples)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkWarmInvoke measures a synchronous invocation of a warm Go
// function (aws-lambda-go, provided runtime) with a small event.
func BenchmarkWarmInvoke(b *testing.B) {
	svc := newBenchService(b)
	ctx := context.Background()
	if _, err := svc.CreateFunction(ctx, testAccount, FunctionSpec{Name: "warm", Runtime: RuntimeProvided,
		Code: &Code{Dir: buildGoFunction(b)}}); err != nil {
		b.Fatal(err)
	}
	req := InvokeRequest{AccountID: testAccount, Function: "warm", Payload: []byte(`{"key":"value"}`)}
	if _, err := svc.Invoke(ctx, req); err != nil {
		b.Fatal(err)
	}

	var samples []time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := svc.Invoke(ctx, req); err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
	}
	reportPercentiles(b, samples)
}

// BenchmarkColdStart measures an invocation that starts a new instance of a
// Go function, from the call to the first response. Each iteration changes
// the function's settings, so the next invocation cannot reuse an instance.
func BenchmarkColdStart(b *testing.B) {
	svc := newBenchService(b)
	ctx := context.Background()
	if _, err := svc.CreateFunction(ctx, testAccount, FunctionSpec{Name: "cold", Runtime: RuntimeProvided,
		Code: &Code{Dir: buildGoFunction(b)}}); err != nil {
		b.Fatal(err)
	}
	req := InvokeRequest{AccountID: testAccount, Function: "cold", Payload: []byte(`{"key":"value"}`)}

	var samples []time.Duration
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		env := map[string]string{"ITERATION": strconv.Itoa(i)}
		if _, err := svc.UpdateFunction(ctx, testAccount, "cold", FunctionUpdate{Environment: &env}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()

		start := time.Now()
		res, err := svc.Invoke(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, time.Since(start))
		if !res.ColdStart {
			b.Fatal("invocation was not a cold start")
		}
	}
	reportPercentiles(b, samples)
}
