package objectfc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossfc/ossfc/internal/objectfc"
)

// The test binary doubles as the transform functions of these tests: when
// the function's environment sets functionVar, TestMain runs that function
// as a Function Compute custom runtime instead of the tests. Each function
// uses the official OSS Go SDK for its WriteGetObjectResponse, as users'
// functions do.
const functionVar = "OSSFC_OBJECTFC_TEST_FUNCTION"

// functionBinary is a copy of the test binary the function user can run;
// go test keeps its own copy in a 0700 directory.
var functionBinary string

func TestMain(m *testing.M) {
	if name := os.Getenv(functionVar); name != "" {
		serveFunction(name)
		os.Exit(1)
	}

	dir, err := os.MkdirTemp("", "ossfc-objectfc-bin-")
	if err == nil {
		defer os.RemoveAll(dir)
		os.Chmod(dir, 0o755)
		functionBinary = filepath.Join(dir, "function")
		err = copyExecutable(functionBinary)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "prepare the function binary:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
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

// invocation is one event delivered to a test function with the
// credentials of its request.
type invocation struct {
	ctx    context.Context
	event  objectfc.Event
	client *oss.Client
	fc     http.Header
}

// serveFunction runs the custom runtime: an HTTP server on $FC_SERVER_PORT
// answering POST /invoke.
func serveFunction(name string) {
	fn, ok := testFunctions[name]
	if !ok {
		fmt.Fprintln(os.Stderr, "unknown test function", name)
		os.Exit(2)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		inv := &invocation{ctx: r.Context(), fc: r.Header}
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &inv.event); err != nil {
			w.Header().Set("x-fc-status", "404")
			fmt.Fprintf(w, `{"errorMessage": %q}`, err.Error())
			return
		}
		inv.client = inv.clientFor(r.Header.Get("x-fc-access-key-id"), r.Header.Get("x-fc-access-key-secret"), r.Header.Get("x-fc-security-token"))
		if err := fn(inv); err != nil {
			fmt.Println("function error:", err)
			w.Header().Set("x-fc-status", "404")
			fmt.Fprintf(w, `{"errorType": "TestError", "errorMessage": %q}`, err.Error())
			return
		}
		w.Header().Set("x-fc-status", "200")
		io.WriteString(w, "{}")
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("FC_SERVER_PORT"), mux)
}

// clientFor returns an SDK client for the outputRoute with the given keys,
// signing with V4 (the SDK's default) in the function's region.
func (inv *invocation) clientFor(id, secret, token string) *oss.Client {
	cfg := oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, token)).
		WithRegion(inv.fc.Get("x-fc-region")).
		WithEndpoint(inv.event.GetObjectContext.OutputRoute).
		WithRetryMaxAttempts(1).
		WithHttpClient(functionHTTPClient)
	if os.Getenv("OSSFC_TEST_SIGN_V1") == "1" {
		cfg.WithSignatureVersion(oss.SignatureVersionV1)
	}
	return oss.NewClient(cfg)
}

// functionHTTPClient carries every SDK client of the function process, so
// connections to the server are kept alive across invocations.
var functionHTTPClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32, WriteBufferSize: 256 << 10, ReadBufferSize: 256 << 10}}

// fetch reads the original object through inputOssUrl, forwarding the
// caller's Range when it has one.
func (inv *invocation) fetch(forwardRange bool) (*http.Response, error) {
	req, err := http.NewRequestWithContext(inv.ctx, http.MethodGet, inv.event.GetObjectContext.InputOssURL, nil)
	if err != nil {
		return nil, err
	}
	if rng := inv.event.UserRequest.Headers["Range"]; forwardRange && rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return nil, fmt.Errorf("GET inputOssUrl: %d %s", resp.StatusCode, b)
	}
	return resp, nil
}

// write sends a small response with the SDK's WriteGetObjectResponse.
func (inv *invocation) write(status string, body []byte, contentType string) (*oss.WriteGetObjectResponseResult, error) {
	req := &oss.WriteGetObjectResponseRequest{
		RequestRoute: oss.Ptr(inv.event.GetObjectContext.OutputRoute),
		RequestToken: oss.Ptr(inv.event.GetObjectContext.OutputToken),
		FwdStatus:    oss.Ptr(status),
		Body:         bytes.NewReader(body),
	}
	if contentType != "" {
		req.FwdHeaderContentType = oss.Ptr(contentType)
	}
	return inv.client.WriteGetObjectResponse(inv.ctx, req)
}

// stream sends a response body of known length without buffering it, with
// the SDK's generic InvokeOperation: the SDK's WriteGetObjectResponse would
// read the whole body to compute its Content-MD5.
func (inv *invocation) stream(status string, header map[string]string, body io.Reader, length int64) error {
	headers := map[string]string{
		"x-oss-request-route": inv.event.GetObjectContext.OutputRoute,
		"x-oss-request-token": inv.event.GetObjectContext.OutputToken,
		"x-oss-fwd-status":    status,
		"Content-Type":        "application/octet-stream",
	}
	if length >= 0 {
		headers["Content-Length"] = strconv.FormatInt(length, 10)
	}
	for k, v := range header {
		headers["x-oss-fwd-header-"+k] = v
	}
	_, err := inv.client.InvokeOperation(inv.ctx, &oss.OperationInput{
		OpName: "WriteGetObjectResponse", Method: http.MethodPost,
		Headers:    headers,
		Parameters: map[string]string{"x-oss-write-get-object-response": ""},
		Body:       body,
	})
	return err
}

// testFunctions are the functions the tests deploy, by name.
var testFunctions = map[string]func(*invocation) error{
	// upper returns the object in upper case.
	"upper": func(inv *invocation) error {
		resp, err := inv.fetch(false)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_, err = inv.write("200", bytes.ToUpper(data), "text/plain")
		return err
	},

	// identity streams the object unchanged, honouring Range.
	"identity": func(inv *invocation) error {
		resp, err := inv.fetch(true)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		status := strconv.Itoa(resp.StatusCode)
		header := map[string]string{"Content-Type": resp.Header.Get("Content-Type")}
		if cr := resp.Header.Get("Content-Range"); cr != "" {
			header["Content-Range"] = cr
		}
		return inv.stream(status, header, resp.Body, resp.ContentLength)
	},

	// event echoes the event it received, for checks of its content.
	"event": func(inv *invocation) error {
		data, _ := json.Marshal(inv.event)
		_, err := inv.write("200", data, "application/json")
		return err
	},

	// silent returns without calling WriteGetObjectResponse.
	"silent": func(inv *invocation) error { return nil },

	// fail reports a function error before any response.
	"fail": func(inv *invocation) error { return fmt.Errorf("the transform failed on purpose") },

	// crash exits in the middle of the invocation.
	"crash": func(inv *invocation) error { os.Exit(3); return nil },

	// sleep outlives any test timeout.
	"sleep": func(inv *invocation) error { time.Sleep(10 * time.Minute); return nil },

	// twice answers, then tries the same token again and prints the result.
	"twice": func(inv *invocation) error {
		if _, err := inv.write("200", []byte("first"), "text/plain"); err != nil {
			return err
		}
		_, err := inv.write("200", []byte("second"), "text/plain")
		fmt.Println("second WriteGetObjectResponse:", errorCode(err))
		return nil
	},

	// wrongroute answers with a route that does not match.
	"wrongroute": func(inv *invocation) error {
		inv.event.GetObjectContext.OutputRoute = strings.Replace(inv.event.GetObjectContext.OutputRoute, "127.0.0.1", "localhost", 1)
		inv.client = inv.clientFor(inv.fc.Get("x-fc-access-key-id"), inv.fc.Get("x-fc-access-key-secret"), inv.fc.Get("x-fc-security-token"))
		_, err := inv.write("200", []byte("x"), "")
		fmt.Println("WriteGetObjectResponse with a wrong route:", errorCode(err))
		return nil
	},

	// otherhost sends its WriteGetObjectResponse to another host name of
	// the server than the route's, with the route header unchanged: the
	// token, not the host, selects the waiting GetObject.
	"otherhost": func(inv *invocation) error {
		route := inv.event.GetObjectContext.OutputRoute
		inv.event.GetObjectContext.OutputRoute = strings.Replace(route, "127.0.0.1", "localhost", 1)
		inv.client = inv.clientFor(inv.fc.Get("x-fc-access-key-id"), inv.fc.Get("x-fc-access-key-secret"), inv.fc.Get("x-fc-security-token"))
		inv.event.GetObjectContext.OutputRoute = route
		_, err := inv.write("200", []byte("through localhost"), "text/plain")
		return err
	},

	// otherprincipal answers with another key pair, given in its
	// environment.
	"otherprincipal": func(inv *invocation) error {
		inv.client = inv.clientFor(os.Getenv("OTHER_KEY_ID"), os.Getenv("OTHER_KEY_SECRET"), "")
		_, err := inv.write("200", []byte("x"), "")
		fmt.Println("WriteGetObjectResponse from another principal:", errorCode(err))
		return nil
	},

	// notfound answers 404 without a body.
	"notfound": func(inv *invocation) error {
		_, err := inv.write("404", nil, "")
		return err
	},

	// dies announces a body of 1 MiB, sends a part of it and exits.
	"dies": func(inv *invocation) error {
		pr, pw := io.Pipe()
		go func() {
			pw.Write(bytes.Repeat([]byte("d"), 100<<10))
			time.Sleep(200 * time.Millisecond)
			os.Exit(4)
		}()
		return inv.stream("200", nil, pr, 1<<20)
	},

	// trickle sends its body in pieces over a few seconds, waiting for the
	// caller between them, and prints how its WriteGetObjectResponse ended.
	"trickle": func(inv *invocation) error {
		pr, pw := io.Pipe()
		go func() {
			for i := 0; i < 50; i++ {
				if _, err := pw.Write(bytes.Repeat([]byte("t"), 64<<10)); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			pw.Close()
		}()
		err := inv.stream("200", nil, pr, -1)
		fmt.Println("trickle WriteGetObjectResponse:", errorCode(err))
		return nil
	},
}

// errorCode returns the OSS error code of err, "OK" for nil.
func errorCode(err error) string {
	if err == nil {
		return "OK"
	}
	var se *oss.ServiceError
	if asServiceError(err, &se) {
		return fmt.Sprintf("%d %s: %s", se.StatusCode, se.Code, se.Message)
	}
	return err.Error()
}
