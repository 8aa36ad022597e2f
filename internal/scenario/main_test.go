package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/objectfc"
)

// The test binary doubles as the transform function of the Object FC
// Access Point scenarios: when the function's environment sets functionVar,
// TestMain serves the function (a Function Compute custom runtime) instead
// of running the tests.
const functionVar = "OSSFC_SCENARIO_FUNCTION"

// functionBinary is a copy of the test binary that the unprivileged
// function user can run; go test keeps its own copy in a 0700 directory.
var functionBinary string

func TestMain(m *testing.M) {
	if os.Getenv(functionVar) != "" {
		serveRevealFunction()
		os.Exit(1)
	}

	dir, err := os.MkdirTemp("", "ossfc-scenario-bin-")
	if err == nil {
		os.Chmod(dir, 0o755)
		functionBinary = filepath.Join(dir, "function")
		err = copyExecutable(functionBinary)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prepare the function binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func copyExecutable(dst string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(self)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o755)
}

// revealed is the response body of the reveal function: the object it read
// through inputOssUrl, and every credential it was given, so that the
// secret scan can look for them in the server log.
type revealed struct {
	Object          string `json:"object"`
	AccessKeyID     string `json:"accessKeyId"`
	AccessKeySecret string `json:"accessKeySecret"`
	SecurityToken   string `json:"securityToken"`
	InputOssURL     string `json:"inputOssUrl"`
	OutputToken     string `json:"outputToken"`
}

// serveRevealFunction runs the custom runtime: an HTTP server on
// $FC_SERVER_PORT. For each POST /invoke it reads the object through
// inputOssUrl and sends a revealed document with WriteGetObjectResponse.
func serveRevealFunction() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		if err := reveal(r); err != nil {
			w.Header().Set("x-fc-status", "404")
			fmt.Fprintf(w, `{"errorType":"ScenarioError","errorMessage":%q}`, err.Error())
			return
		}
		w.Header().Set("x-fc-status", "200")
		io.WriteString(w, "{}")
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("FC_SERVER_PORT"), mux)
}

func reveal(r *http.Request) error {
	var event objectfc.Event
	if err := json.NewDecoder(r.Body).Decode(&event); err != nil {
		return err
	}
	gc := event.GetObjectContext

	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, gc.InputOssURL, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	object, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET inputOssUrl: %d %s", resp.StatusCode, object)
	}

	out := revealed{
		Object:          string(object),
		AccessKeyID:     r.Header.Get("x-fc-access-key-id"),
		AccessKeySecret: r.Header.Get("x-fc-access-key-secret"),
		SecurityToken:   r.Header.Get("x-fc-security-token"),
		InputOssURL:     gc.InputOssURL,
		OutputToken:     gc.OutputToken,
	}
	body, err := json.Marshal(out)
	if err != nil {
		return err
	}
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(out.AccessKeyID, out.AccessKeySecret, out.SecurityToken)).
		WithRegion(r.Header.Get("x-fc-region")).
		WithEndpoint(gc.OutputRoute).
		WithRetryMaxAttempts(1)
	_, err = oss.NewClient(cfg).WriteGetObjectResponse(r.Context(), &oss.WriteGetObjectResponseRequest{
		RequestRoute: oss.Ptr(gc.OutputRoute),
		RequestToken: oss.Ptr(gc.OutputToken),
		FwdStatus:    oss.Ptr("200"),
		Body:         bytes.NewReader(body),
	})
	return err
}
