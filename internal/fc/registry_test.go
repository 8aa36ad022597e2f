package fc

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestParseARN(t *testing.T) {
	tests := []struct {
		in      string
		want    ARN
		wantErr bool
	}{
		{"acs:fc:cn-hangzhou:123:services/svc.LATEST/functions/fn", ARN{"cn-hangzhou", "123", "svc", "fn", "LATEST"}, false},
		{"acs:fc:cn-hangzhou:123:services/svc.prod/functions/fn", ARN{"cn-hangzhou", "123", "svc", "fn", "prod"}, false},
		{"acs:fc:cn-hangzhou:123:services/svc/functions/fn", ARN{"cn-hangzhou", "123", "svc", "fn", "LATEST"}, false},
		{"acs:fc:cn-hangzhou:123:functions/fn", ARN{"cn-hangzhou", "123", "", "fn", "LATEST"}, false},
		{"acs:fc:cn-hangzhou:123:functions/fn:3", ARN{"cn-hangzhou", "123", "", "fn", "3"}, false},
		{"acs:fc:cn-hangzhou:123:functions/fn:prod", ARN{"cn-hangzhou", "123", "", "fn", "prod"}, false},
		{"acs:oss:cn-hangzhou:123:functions/fn", ARN{}, true},
		{"acs:fc:cn-hangzhou:123:functions/", ARN{}, true},
		{"acs:fc:cn-hangzhou:123:functions/9fn", ARN{}, true},
		{"acs:fc:cn-hangzhou:123:functions/fn:a.b", ARN{}, true},
		{"acs:fc:cn-hangzhou:123:services/svc.LATEST/fn", ARN{}, true},
		{"acs:fc::123:functions/fn", ARN{}, true},
		{"fn", ARN{}, true},
	}
	for _, tc := range tests {
		got, err := ParseARN(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseARN(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && got != tc.want {
			t.Errorf("ParseARN(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
		if err != nil && !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("ParseARN(%q) error %v does not wrap ErrInvalidArgument", tc.in, err)
		}
	}
}

func TestVersionsAndAliases(t *testing.T) {
	ctx := context.Background()
	ts := newTestService(t, Config{})
	spec := customSpec("versioned", 1, 1)
	spec.Environment["STAGE"] = "one"
	ts.create(t, spec)

	v1, err := ts.PublishVersion(ctx, testAccount, "versioned", "first")
	if err != nil || v1.VersionID != "1" {
		t.Fatalf("publish: %+v, %v", v1, err)
	}
	env := map[string]string{roleVar: "custom", "STAGE": "two"}
	if _, err := ts.UpdateFunction(ctx, testAccount, "versioned", FunctionUpdate{Environment: &env}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.CreateAlias(ctx, testAccount, "versioned", Alias{Name: "prod", VersionID: "1"}); err != nil {
		t.Fatal(err)
	}

	stage := func(ref string) string {
		t.Helper()
		res := ts.mustInvoke(t, ref, event("env"))
		for _, kv := range strings.Split(strings.Trim(string(res.Payload), "[]"), ",") {
			if v, ok := strings.CutPrefix(strings.Trim(kv, `"`), "STAGE="); ok {
				return v
			}
		}
		return ""
	}
	tests := []struct{ ref, want string }{
		{"versioned", "two"},
		{"versioned:LATEST", "two"},
		{"versioned:1", "one"},
		{"versioned:prod", "one"},
		{"acs:fc:cn-hangzhou:" + testAccount + ":functions/versioned:prod", "one"},
		{"acs:fc:cn-hangzhou:" + testAccount + ":services/any.prod/functions/versioned", "one"},
		{"acs:fc:cn-hangzhou:" + testAccount + ":services/any.LATEST/functions/versioned", "two"},
	}
	for _, tc := range tests {
		if got := stage(tc.ref); got != tc.want {
			t.Errorf("%s ran with STAGE=%q, want %q", tc.ref, got, tc.want)
		}
	}

	r, err := ts.Resolve(ctx, testAccount, "acs:fc:cn-hangzhou:"+testAccount+":functions/versioned:prod")
	if err != nil || r.Version != "1" || r.Qualifier != "prod" || r.Timeout.Seconds() != 30 {
		t.Errorf("resolve alias: %+v, %v", r, err)
	}

	// The alias keeps version 1 from being deleted; moving it frees it.
	if err := ts.DeleteVersion(ctx, testAccount, "versioned", "1"); !errors.Is(err, ErrConflict) {
		t.Errorf("delete aliased version: got %v, want ErrConflict", err)
	}
	v2, _ := ts.PublishVersion(ctx, testAccount, "versioned", "")
	if _, err := ts.UpdateAlias(ctx, testAccount, "versioned", Alias{Name: "prod", VersionID: v2.VersionID}); err != nil {
		t.Fatal(err)
	}
	if got := stage("versioned:prod"); got != "two" {
		t.Errorf("moved alias ran with STAGE=%q, want two", got)
	}
	if err := ts.DeleteVersion(ctx, testAccount, "versioned", "1"); err != nil {
		t.Errorf("delete version: %v", err)
	}

	missing := []string{
		"versioned:1", "versioned:staging", "other",
		"acs:fc:cn-hangzhou:9999:functions/versioned", "acs:fc:cn-beijing:" + testAccount + ":functions/versioned",
	}
	for _, ref := range missing {
		if _, err := ts.Resolve(ctx, testAccount, ref); !errors.Is(err, ErrFunctionNotFound) {
			t.Errorf("resolve %s: got %v, want ErrFunctionNotFound", ref, err)
		}
		if _, err := ts.invoke(t, ref, nil); !errors.Is(err, ErrFunctionNotFound) {
			t.Errorf("invoke %s: got %v, want ErrFunctionNotFound", ref, err)
		}
	}

	if err := ts.DeleteFunction(ctx, testAccount, "versioned"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Resolve(ctx, testAccount, "versioned:prod"); !errors.Is(err, ErrFunctionNotFound) {
		t.Errorf("alias of a deleted function: got %v", err)
	}
}

func TestCreateFunctionValidation(t *testing.T) {
	ts := newTestService(t, Config{})
	zipped := zipOf(t, map[string]string{"bootstrap": "#!/bin/sh\n"})
	base := func() FunctionSpec {
		return FunctionSpec{Name: "f", Runtime: "custom", Code: &Code{ZipFile: zipped}}
	}
	tests := []struct {
		name   string
		modify func(*FunctionSpec)
		field  string
	}{
		{"bad name", func(s *FunctionSpec) { s.Name = "1abc" }, "functionName"},
		{"bad runtime", func(s *FunctionSpec) { s.Runtime = "java11" }, "runtime"},
		{"timeout", func(s *FunctionSpec) { s.TimeoutSeconds = 86401 }, "timeout"},
		{"memory", func(s *FunctionSpec) { s.MemorySizeMB = 10 }, "memorySize"},
		{"concurrency", func(s *FunctionSpec) { s.InstanceConcurrency = 201 }, "instanceConcurrency"},
		{"pull runtime concurrency", func(s *FunctionSpec) {
			s.Runtime, s.Command, s.InstanceConcurrency = "provided", []string{"./bootstrap"}, 2
		}, "instanceConcurrency"},
		{"python concurrency", func(s *FunctionSpec) {
			s.Runtime, s.Handler, s.InstanceConcurrency = "python3.10", "index.handler", 4
		}, "instanceConcurrency"},
		{"max instances", func(s *FunctionSpec) { s.MaxInstances = -1 }, "maxInstances"},
		{"env name", func(s *FunctionSpec) { s.Environment = map[string]string{"A-B": "x"} }, "environmentVariables"},
		{"role", func(s *FunctionSpec) { s.Role = "admin" }, "role"},
		{"python handler", func(s *FunctionSpec) { s.Runtime, s.Handler = "python3.10", "index" }, "handler"},
		{"no code", func(s *FunctionSpec) { s.Code = nil }, "code"},
		{"http url", func(s *FunctionSpec) { s.Runtime, s.HTTPURL = "http", "ftp://x" }, "httpConfig.url"},
	}
	for _, tc := range tests {
		spec := base()
		tc.modify(&spec)
		_, err := ts.CreateFunction(context.Background(), testAccount, spec)
		if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: got %v, want ErrInvalidArgument naming %s", tc.name, err, tc.field)
		}
	}

	if _, err := ts.CreateFunction(context.Background(), testAccount, base()); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.CreateFunction(context.Background(), testAccount, base()); !errors.Is(err, ErrAlreadyExists) {
		t.Errorf("duplicate: got %v, want ErrAlreadyExists", err)
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		h.SetMode(0o755)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zw.Close()
	return buf.Bytes()
}

func TestZipUnpacking(t *testing.T) {
	symlink := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		h := &zip.FileHeader{Name: "link"}
		h.SetMode(0o777 | 1<<27) // os.ModeSymlink
		w, _ := zw.CreateHeader(h)
		w.Write([]byte("/etc/passwd"))
		zw.Close()
		return buf.Bytes()
	}
	duplicate := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for range 2 {
			w, _ := zw.Create("a.txt")
			w.Write([]byte("x"))
		}
		zw.Close()
		return buf.Bytes()
	}
	tests := []struct {
		name    string
		zip     []byte
		wantErr string
	}{
		{"parent escape", zipOf(t, map[string]string{"../evil": "x"}), "leaves the code directory"},
		{"nested escape", zipOf(t, map[string]string{"a/../../evil": "x"}), "leaves the code directory"},
		{"absolute", zipOf(t, map[string]string{"/etc/evil": "x"}), "absolute path"},
		{"backslash", zipOf(t, map[string]string{`..\evil`: "x"}), "backslash"},
		{"symlink", symlink(), "symbolic link"},
		{"duplicate", duplicate(), "a.txt"},
		{"too large", zipOf(t, map[string]string{"big": strings.Repeat("a", 2000)}), "more than 1000 bytes"},
		{"too many files", zipOf(t, map[string]string{"1": "", "2": "", "3": "", "4": "", "5": "", "6": ""}), "more than 5 files"},
		{"not a zip", []byte("PK but not really"), "not a valid zip"},
	}
	ts := newTestService(t, Config{MaxCodeBytes: 1000, MaxCodeFiles: 5})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ts.CreateFunction(context.Background(), testAccount,
				FunctionSpec{Name: "z", Runtime: "custom", Code: &Code{ZipFile: tc.zip}})
			if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("got %v, want ErrInvalidArgument containing %q", err, tc.wantErr)
			}
		})
	}

	// A good zip keeps its tree and modes; identical code shares one tree.
	good := zipOf(t, map[string]string{"bin/run": "#!/bin/sh\n", "lib/data.txt": "data"})
	f1, err := ts.CreateFunction(context.Background(), testAccount, FunctionSpec{Name: "good", Runtime: "custom", Code: &Code{ZipFile: good}})
	if err != nil {
		t.Fatal(err)
	}
	f2, err := ts.CreateFunction(context.Background(), testAccount, FunctionSpec{Name: "same", Runtime: "custom", Code: &Code{ZipFile: good}})
	if err != nil || f2.Config.CodeID != f1.Config.CodeID {
		t.Errorf("same code: id %s vs %s, %v", f2.Config.CodeID, f1.Config.CodeID, err)
	}
	if f1.Config.CodeSize != int64(len("#!/bin/sh\n")+len("data")) {
		t.Errorf("code size %d", f1.Config.CodeSize)
	}

	// Code is removed once no function refers to it.
	ts.DeleteFunction(context.Background(), testAccount, "good")
	if !dirExists(ts.code.dir(f1.Config.CodeID)) {
		t.Errorf("code removed while another function uses it")
	}
	ts.DeleteFunction(context.Background(), testAccount, "same")
	if dirExists(ts.code.dir(f1.Config.CodeID)) {
		t.Errorf("unused code %s was not removed", f1.Config.CodeID)
	}
}
