package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
)

// scenarios is every benchmark in the order "all" runs them. Later features
// append theirs here.
var scenarios = []Scenario{
	{"throughput-1mib", "PUT then GET 256 objects of 1 MiB, with 1 and with 8 clients", runThroughput1MiB},
	{"throughput-256mib", "PUT then GET 4 objects of 256 MiB with 1 client", runThroughput256MiB},
	{"small-ops", "4 KiB PUT and GET operations per second with 1 and 32 clients", runSmallOps},
	{"multipart-1gib", "upload 1 GiB with the SDK's Uploader (default part size and parallelism)", runMultipart1GiB},
	{"get-memory-1gib", "server resident memory while one client GETs a 1 GiB object", runGetMemory1GiB},
	{"loopback-copy", "copy 1 GiB over one TCP connection on 127.0.0.1, the limit of a GET that copies through user space", runLoopbackCopy},
	{"transform-4kib", "4 KiB GET latency p50 and p99, direct and through the identity function (warm)", runTransform4KiB},
	{"transform-1gib", "1 GiB GET throughput, direct and through the identity function, and server memory", runTransform1GiB},
	{"transform-cold-start", "time to first byte of a GET through identity that starts a new instance", runColdStart},
	{"image-resize", "resize requests per second through the image function, with 1 and NumCPU clients", runImageResize},
}

func runThroughput1MiB(ctx context.Context, env *Env) ([]Result, error) {
	count := int64(256)
	if env.Options.Quick {
		count = 2
	}
	var out []Result
	for _, clients := range []int{1, 8} {
		r, err := throughput(ctx, env, "throughput-1mib", mib, count, clients)
		out = append(out, r...)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

func runThroughput256MiB(ctx context.Context, env *Env) ([]Result, error) {
	return throughput(ctx, env, "throughput-256mib", env.size(256*mib), 4, 1)
}

// throughput PUTs count objects of size bytes from clients goroutines, then
// GETs them all, and reports both rates in MiB/s of object data.
func throughput(ctx context.Context, env *Env, scenario string, size, count int64, clients int) ([]Result, error) {
	prefix := fmt.Sprintf("%s/%d/", scenario, clients)
	key := func(i int64) string { return fmt.Sprintf("%s%05d", prefix, i) }

	put := func(i int64) error {
		_, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key(i)),
			Body: newPattern(size)})
		return err
	}
	get := func(i int64) error {
		res, err := env.Client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key(i))})
		if err != nil {
			return err
		}
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, res.Body)
		if err == nil && n != size {
			err = fmt.Errorf("GET %s returned %d bytes, want %d", key(i), n, size)
		}
		return err
	}

	note := fmt.Sprintf("%d objects of %s, %d client(s)", count, byteSize(size), clients)
	var out []Result
	for _, phase := range []struct {
		name string
		fn   func(int64) error
	}{{"PUT", put}, {"GET", get}} {
		elapsed, err := forEach(count, clients, phase.fn)
		if err != nil {
			return out, fmt.Errorf("%s: %w", phase.name, err)
		}
		rate := float64(size*count) / mib / elapsed.Seconds()
		out = append(out, Result{scenario, fmt.Sprintf("%s, %d client(s)", phase.name, clients), rate, "MiB/s", note})
	}
	return out, nil
}

// forEach calls fn for 0..count-1 from clients goroutines and returns the
// wall time, or the first error.
func forEach(count int64, clients int, fn func(int64) error) (time.Duration, error) {
	next := make(chan int64)
	errs := make(chan error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := range count {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return time.Since(start), err
}

func runSmallOps(ctx context.Context, env *Env) ([]Result, error) {
	body := patternBlock[:4*kib]
	duration := env.Options.Duration
	if env.Options.Quick {
		duration = min(duration, time.Second)
	}

	var out []Result
	for _, clients := range []int{1, 32} {
		prefix := fmt.Sprintf("small-ops/%d/", clients)
		written := make([][]string, clients) // keys each client wrote
		var keys []string                    // all of them, for the GET phase

		put := func(c, i int) error {
			key := fmt.Sprintf("%s%02d/%06d", prefix, c, i)
			_, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket),
				Key: oss.Ptr(key), Body: bytes.NewReader(body)})
			if err == nil {
				written[c] = append(written[c], key)
			}
			return err
		}
		get := func(c, i int) error {
			res, err := env.Client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(env.Bucket),
				Key: oss.Ptr(keys[(c*7919+i)%len(keys)])})
			if err != nil {
				return err
			}
			defer res.Body.Close()
			_, err = io.Copy(io.Discard, res.Body)
			return err
		}

		lat, elapsed, err := timedOps(duration, clients, put)
		if err != nil {
			return out, fmt.Errorf("4 KiB PUT: %w", err)
		}
		out = append(out, smallOpsResult("PUT", clients, elapsed, lat))
		for _, w := range written {
			keys = append(keys, w...)
		}
		if len(keys) == 0 {
			return out, fmt.Errorf("4 KiB PUT: no object was written in %s", duration)
		}

		lat, elapsed, err = timedOps(duration, clients, get)
		if err != nil {
			return out, fmt.Errorf("4 KiB GET: %w", err)
		}
		out = append(out, smallOpsResult("GET", clients, elapsed, lat))
	}
	return out, nil
}

// smallOpsResult reports the operations completed in elapsed and their
// latency percentiles.
func smallOpsResult(op string, clients int, elapsed time.Duration, lat []time.Duration) Result {
	note := fmt.Sprintf("latency p50 %s, p99 %s; %d operations in %s", percentile(lat, 50), percentile(lat, 99),
		len(lat), elapsed.Round(time.Millisecond))
	return Result{"small-ops", fmt.Sprintf("4 KiB %s, %d client(s)", op, clients), float64(len(lat)) / elapsed.Seconds(), "ops/s", note}
}

// timedOps runs fn(client, i) from clients goroutines, each starting
// operations until duration passes, and returns each operation's latency,
// sorted, and the wall time until the last one finished.
func timedOps(duration time.Duration, clients int, fn func(c, i int) error) ([]time.Duration, time.Duration, error) {
	start := time.Now()
	deadline := start.Add(duration)
	lat := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				start := time.Now()
				if err := fn(c, i); err != nil {
					errs[c] = err
					return
				}
				lat[c] = append(lat[c], time.Since(start))
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	for c := range clients {
		if errs[c] != nil {
			return nil, 0, errs[c]
		}
		all = append(all, lat[c]...)
	}
	slices.Sort(all)
	return all, time.Since(start), nil
}

// percentile returns the p-th percentile of sorted latencies.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)*p/100, len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}

func runMultipart1GiB(ctx context.Context, env *Env) ([]Result, error) {
	size := env.size(gib)
	partSize := int64(oss.DefaultUploadPartSize)
	if env.Options.Quick {
		partSize = 100 * kib
	}
	u := env.Client.NewUploader(func(o *oss.UploaderOptions) { o.PartSize = partSize })
	start := time.Now()
	res, err := u.UploadFrom(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr("multipart-1gib")}, newPattern(size))
	if err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	note := fmt.Sprintf("%s in %s, part size %s, %d parallel; ETag %s, CRC-64 checked by the SDK",
		byteSize(size), elapsed.Round(time.Millisecond), byteSize(partSize), oss.DefaultUploadParallel, oss.ToString(res.ETag))
	return []Result{{"multipart-1gib", "Uploader", float64(size) / mib / elapsed.Seconds(), "MiB/s", note}}, nil
}

func runGetMemory1GiB(ctx context.Context, env *Env) ([]Result, error) {
	if env.ServerPID == 0 {
		fmt.Fprintln(env.Log, "bench: get-memory-1gib skipped: the server is not a child process")
		return nil, nil
	}
	size := env.size(gib)
	key := "get-memory-1gib"
	if _, err := env.Client.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key), Body: newPattern(size)}); err != nil {
		return nil, fmt.Errorf("PUT: %w", err)
	}

	// Let the upload's buffers settle before the baseline.
	time.Sleep(2 * time.Second)
	before, err := residentBytes(env.ServerPID)
	if err != nil {
		return nil, err
	}
	sampler := sampleRSS(env.ServerPID, 10*time.Millisecond)
	start := time.Now()
	res, err := env.Client.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(env.Bucket), Key: oss.Ptr(key)})
	var n int64
	if err == nil {
		n, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	elapsed := time.Since(start)
	peak, samples, serr := sampler.finish()
	if err != nil {
		return nil, fmt.Errorf("GET: %w", err)
	}
	if serr != nil {
		return nil, fmt.Errorf("sample server memory: %w", serr)
	}
	if n != size {
		return nil, fmt.Errorf("GET returned %d bytes, want %d", n, size)
	}

	note := fmt.Sprintf("VmRSS of the server process, %d samples 10 ms apart during the GET", samples)
	return []Result{
		{"get-memory-1gib", "server RSS before GET", float64(before) / mib, "MiB", note},
		{"get-memory-1gib", "server RSS peak during GET", float64(peak) / mib, "MiB", note},
		{"get-memory-1gib", "server RSS growth", float64(peak-before) / mib, "MiB", note},
		{"get-memory-1gib", "GET, 1 client", float64(size) / mib / elapsed.Seconds(), "MiB/s", byteSize(size) + " object"},
	}, nil
}

// byteSize formats n in the largest binary unit that divides it.
func byteSize(n int64) string {
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	}
	return fmt.Sprintf("%d B", n)
}
