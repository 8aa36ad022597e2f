package fc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// The test binary doubles as every kind of test function: when
// OSSFC_FCTEST_ROLE is set (through the function's environment variables) it
// runs that role instead of the tests.
const roleVar = "OSSFC_FCTEST_ROLE"

// orphanMarkVar marks, in its environment, a process that a test function
// started in a new session, so the orphan test can find it in /proc.
const orphanMarkVar = "OSSFC_FCTEST_ORPHAN_MARK"

// functionBinary is a copy of the test binary that the function user can
// execute; go test keeps its own copy in a 0700 directory.
var functionBinary string

func TestMain(m *testing.M) {
	if role := os.Getenv(roleVar); role != "" {
		runRole(role)
		os.Exit(0)
	}
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ossfc-fc-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	self, err := os.Executable()
	if err == nil {
		functionBinary = filepath.Join(dir, "fctest")
		err = copyFile(self, functionBinary, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "copy test binary:", err)
		return 1
	}
	return m.Run()
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func runRole(role string) {
	switch role {
	case "custom":
		runCustomRuntime()
	case "lambda":
		lambda.Start(func(ctx context.Context, event json.RawMessage) (json.RawMessage, error) {
			var creds map[string]string
			if lc, ok := lambdacontext.FromContext(ctx); ok {
				creds = lc.ClientContext.Env
			}
			return doAction(event, creds)
		})
	case "fcapi":
		runFCRuntimeClient()
	case "exit":
		fmt.Println("giving up before listening")
		os.Exit(3)
	case "never-ready":
		time.Sleep(time.Hour)
	case "server":
		// The server role runs from the copy the function user can execute.
		functionBinary, _ = os.Executable()
		runServerRole()
	default:
		fmt.Fprintln(os.Stderr, "unknown role", role)
		os.Exit(1)
	}
}

// testEvent drives what a test function does.
type testEvent struct {
	Action string `json:"action"`
	Path   string `json:"path,omitempty"`
	URL    string `json:"url,omitempty"`
	Lines  int    `json:"lines,omitempty"`
	Data   string `json:"data,omitempty"`
}

// doAction runs one test action; creds are the credentials the runtime
// passed, under the ALIBABA_CLOUD_* names.
func doAction(raw []byte, creds map[string]string) ([]byte, error) {
	var ev testEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("bad event: %v", err)
	}
	switch ev.Action {
	case "echo":
		return []byte(ev.Data), nil
	case "env":
		return json.Marshal(os.Environ())
	case "creds":
		return json.Marshal(creds)
	case "whoami":
		return []byte(strconv.Itoa(os.Getuid())), nil
	case "pid":
		// The function is PID 1 of its own PID namespace; /proc/self
		// names it in the namespace of the /proc mount, the server's.
		self, err := os.Readlink("/proc/self")
		return []byte(self), err
	case "spawn":
		// Starts a process in a new session, out of the function's process
		// group, carrying ev.Data in its environment for the test to find.
		cmd := exec.Command("/proc/self/exe")
		cmd.Env = []string{roleVar + "=never-ready", orphanMarkVar + "=" + ev.Data}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		go cmd.Wait()
		return []byte("spawned"), nil
	case "read":
		if _, err := os.ReadFile(ev.Path); err != nil {
			return []byte("denied"), nil
		}
		return []byte("read"), nil
	case "write":
		if err := os.WriteFile(ev.Path, []byte("x"), 0o644); err != nil {
			return []byte("denied"), nil
		}
		return []byte("written"), nil
	case "print":
		for i := 0; i < ev.Lines; i++ {
			fmt.Printf("out %d\n", i)
			fmt.Fprintf(os.Stderr, "err %d\n", i)
		}
		return []byte("printed"), nil
	case "wait":
		resp, err := http.Get(ev.URL)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		return []byte("released"), nil
	case "sleep":
		time.Sleep(time.Hour)
		return nil, nil
	case "crash":
		fmt.Println("crashing now")
		os.Exit(2)
	case "fail":
		return nil, errors.New("failed on purpose")
	}
	return nil, fmt.Errorf("unknown action %q", ev.Action)
}

// runCustomRuntime is a custom-runtime function: an HTTP server on
// FC_SERVER_PORT answering POST /invoke.
func runCustomRuntime() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /invoke", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		creds := map[string]string{
			"ALIBABA_CLOUD_ACCESS_KEY_ID":     r.Header.Get("x-fc-access-key-id"),
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET": r.Header.Get("x-fc-access-key-secret"),
			"ALIBABA_CLOUD_SECURITY_TOKEN":    r.Header.Get("x-fc-security-token"),
			"requestId":                       r.Header.Get("x-fc-request-id"),
			"functionName":                    r.Header.Get("x-fc-function-name"),
			"qualifier":                       r.Header.Get("x-fc-qualifier"),
			"region":                          r.Header.Get("x-fc-region"),
			"accountId":                       r.Header.Get("x-fc-account-id"),
		}
		out, err := doAction(body, creds)
		if err != nil {
			w.Header().Set("x-fc-status", "404")
			json.NewEncoder(w).Encode(map[string]string{"errorMessage": err.Error(), "errorType": "TestError"})
			return
		}
		w.Header().Set("x-fc-status", "200")
		w.Write(out)
	})
	http.ListenAndServe("127.0.0.1:"+os.Getenv("FC_SERVER_PORT"), mux)
	os.Exit(1)
}

// runFCRuntimeClient is a client of Function Compute's runtime API written
// from its description: GET .../invocation/next returns the event with
// x-fc-* headers; the answer is POST .../invocation/<id>/response or
// .../error.
func runFCRuntimeClient() {
	base := "http://" + os.Getenv("FC_RUNTIME_API") + "/2020-11-11/runtime/invocation/"
	for {
		resp, err := http.Get(base + "next")
		if err != nil {
			os.Exit(1)
		}
		event, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("x-fc-request-id")
		creds := map[string]string{
			"ALIBABA_CLOUD_ACCESS_KEY_ID":     resp.Header.Get("x-fc-access-key-id"),
			"ALIBABA_CLOUD_ACCESS_KEY_SECRET": resp.Header.Get("x-fc-access-key-secret"),
			"ALIBABA_CLOUD_SECURITY_TOKEN":    resp.Header.Get("x-fc-security-token"),
			"deadline":                        resp.Header.Get("x-fc-function-deadline"),
			"functionName":                    resp.Header.Get("x-fc-function-name"),
		}
		out, err := doAction(event, creds)
		path := base + id + "/response"
		if err != nil {
			path = base + id + "/error"
			out, _ = json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "TestError"})
		}
		resp, err = http.Post(path, "application/octet-stream", bytes.NewReader(out))
		if err != nil {
			os.Exit(1)
		}
		resp.Body.Close()
	}
}

// runServerRole is a stand-in ossfc server for the orphan test: it starts a
// function, prints the function's pid and waits to be killed.
func runServerRole() {
	ctx := context.Background()
	dir := os.Getenv("OSSFC_FCTEST_DIR")
	svc, _, err := openService(dir, Config{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	_, err = svc.CreateFunction(ctx, testAccount, customSpec("orphan", 1, 1))
	if err == nil {
		var res *InvokeResult
		res, err = svc.Invoke(ctx, InvokeRequest{AccountID: testAccount, Function: "orphan",
			Payload: eventWith(testEvent{Action: "spawn", Data: os.Getenv(orphanMarkVar)})})
		if err == nil {
			res, err = svc.Invoke(ctx, InvokeRequest{AccountID: testAccount, Function: "orphan", Payload: event("pid")})
		}
		if err == nil {
			fmt.Println("pid:", string(res.Payload))
		}
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	time.Sleep(time.Hour)
}

func event(action string) []byte {
	b, _ := json.Marshal(testEvent{Action: action})
	return b
}

func eventWith(ev testEvent) []byte {
	b, _ := json.Marshal(ev)
	return b
}
