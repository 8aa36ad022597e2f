//go:build !race

package objectfc_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/testenv"
)

// TestLargeObjectMemoryStaysFlat sends a 1 GiB object through an identity
// function and samples the resident memory of the server process, which
// runs as a separate ossfc binary so the test's own allocations do not
// count. The race detector multiplies memory use, so this file is built
// without it; the test command runs it in a separate pass.
func TestLargeObjectMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 2 GiB over loopback")
	}
	const size = 1 << 30
	srv := startServerProcess(t)
	c := srv.client()

	// 1. The object, the roles, the function and the access points.
	if _, err := c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("large")}); err != nil {
		t.Fatal(err)
	}
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("large"), Key: oss.Ptr("1gib.bin"),
		Body: io.LimitReader(&pattern{}, size), ContentLength: oss.Ptr(int64(size)),
	})
	if err != nil {
		t.Fatalf("PutObject 1 GiB: %v", err)
	}
	if _, err := srv.ram().QuickAuthorize(ctx); err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("README")
	io.WriteString(w, "runs the objectfc test binary\n")
	zw.Close()
	_, err = srv.fc().CreateFunction(ctx, &fcapi.CreateFunctionInput{
		FunctionName: "identity", Runtime: "custom", Timeout: 300,
		Code:                 &fcapi.InputCode{ZipFile: zipped.Bytes()},
		CustomRuntimeConfig:  &fcapi.CustomRuntimeConfig{Command: []string{functionBinary}},
		EnvironmentVariables: map[string]string{functionVar: "identity"},
		Role:                 "acs:ram::" + srv.accountID + ":role/aliyunfcdefaultrole",
	})
	if err != nil {
		t.Fatalf("deploy identity: %v", err)
	}
	f := &fixture{t: t, root: c, bucket: "large", ap: "ap-large", env: &testenv.Env{AccountID: srv.accountID, Region: "cn-hangzhou"}}
	if _, err := c.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("large"),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr(f.ap), NetworkOrigin: oss.Ptr("internet")}}); err != nil {
		t.Fatal(err)
	}
	alias := f.accessPoint("fcap-large", "acs:fc:cn-hangzhou:"+srv.accountID+":functions/identity", false)

	// 2. The transformed GetObject, with the server's memory sampled.
	baseline := srv.rss(t)
	var peak int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if r := srv.rss(t); r > peak {
					peak = r
				}
			}
		}
	}()
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr("1gib.bin")})
	if err != nil {
		close(stop)
		t.Fatalf("transformed GetObject: %v", err)
	}
	h := crc64.New(crc64.MakeTable(crc64.ECMA))
	n, err := io.Copy(h, res.Body)
	res.Body.Close()
	close(stop)
	wg.Wait()
	if err != nil || n != size {
		t.Fatalf("read %d bytes, %v; want %d", n, err, size)
	}
	want := crc64.New(crc64.MakeTable(crc64.ECMA))
	io.Copy(want, io.LimitReader(&pattern{}, size))
	if h.Sum64() != want.Sum64() {
		t.Errorf("the transformed body differs from the object")
	}

	growth := peak - baseline
	t.Logf("server RSS: %d MiB before, %d MiB at peak, growth %d MiB", baseline>>20, peak>>20, growth>>20)
	if growth >= 64<<20 {
		t.Errorf("server memory grew by %d MiB during a 1 GiB transformed GetObject; the limit is 64 MiB", growth>>20)
	}
}

// serverProcess is an ossfc binary started by a test.
type serverProcess struct {
	cmd        *exec.Cmd
	url        string
	consoleURL string
	accountID  string
	keyID      string
	secret     string
}

// startServerProcess builds ossfc and starts `ossfc server` on free
// loopback ports with fresh directories.
func startServerProcess(t *testing.T) *serverProcess {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ossfc")
	build := exec.Command("go", "build", "-o", bin, "github.com/ossfc/ossfc/cmd/ossfc")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build ossfc: %v\n%s", err, out)
	}

	s := &serverProcess{accountID: "1234567890123456", keyID: "LTAIlargetestkey00000001", secret: "largetestsecret000000000000001"}
	s.cmd = exec.Command(bin, "server", "--data", filepath.Join(t.TempDir(), "data"),
		"--functions-dir", testenv.FunctionsDir(t), "--addr", "127.0.0.1:0", "--console-addr", "127.0.0.1:0")
	s.cmd.Env = append(os.Environ(), "OSSFC_ACCOUNT_ID="+s.accountID,
		"OSSFC_ROOT_ACCESS_KEY_ID="+s.keyID, "OSSFC_ROOT_ACCESS_KEY_SECRET="+s.secret)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
	})

	lines := bufio.NewScanner(stdout)
	for lines.Scan() && (s.url == "" || s.consoleURL == "") {
		fields := strings.Fields(lines.Text())
		if len(fields) >= 3 && fields[0] == "OSS" && fields[1] == "API:" {
			s.url = fields[2]
		}
		if len(fields) >= 2 && fields[0] == "console:" {
			s.consoleURL = fields[1]
		}
	}
	if s.url == "" || s.consoleURL == "" {
		t.Fatalf("ossfc server printed no addresses")
	}
	go io.Copy(io.Discard, stdout)
	return s
}

func (s *serverProcess) client() *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(s.keyID, s.secret)).
		WithRegion("cn-hangzhou").WithEndpoint(s.url).WithRetryMaxAttempts(1))
}

func (s *serverProcess) admin() adminclient.Config {
	return adminclient.Config{URL: s.consoleURL, Region: "cn-hangzhou", AccessKeyID: s.keyID, AccessKeySecret: s.secret}
}

func (s *serverProcess) fc() *fcclient.Client {
	cfg := s.admin()
	return fcclient.New(cfg.URL+"/admin/fc", &http.Client{}, cfg.Sign)
}

func (s *serverProcess) ram() *ramclient.Client {
	cfg := s.admin()
	return ramclient.New(cfg.URL+"/admin/ram", &http.Client{}, cfg.Sign)
}

// rss returns the server process's resident set size in bytes.
func (s *serverProcess) rss(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc status")
	return 0
}
