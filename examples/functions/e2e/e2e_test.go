// Package e2e_test runs the example functions inside ossfc: each is deployed
// to the embedded Function Compute and attached to an Object FC Access
// Point, and the tests read objects through the access point's alias with
// the OSS Go SDK, as a user would.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/testenv"
)

var ctx = context.Background()

// world is an ossfc server with one bucket, one access point, and an Object
// FC Access Point per example function.
type world struct {
	env     *testenv.Env
	client  *oss.Client
	aliases map[string]string // function name -> alias
}

const (
	bucket       = "e2e-source"
	accessPoint  = "e2e-ap"
	functionRole = "role/aliyunfcdefaultrole"
)

func setup(t *testing.T) *world {
	t.Helper()
	env := testenv.Start(t)
	w := &world{env: env, client: env.Client(), aliases: map[string]string{}}
	if _, err := env.Server.RAM().QuickAuthorize(ctx, env.AccountID); err != nil {
		t.Fatalf("quick authorization: %v", err)
	}
	if _, err := w.client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err := w.client.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{
		Bucket: oss.Ptr(bucket),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{
			AccessPointName: oss.Ptr(accessPoint), NetworkOrigin: oss.Ptr("internet"),
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPoint: %v", err)
	}

	// The Go functions, built and deployed with the custom runtime.
	for _, name := range []string{"identity", "mask", "csv2json", "image"} {
		dir := t.TempDir()
		bin := fntest.BuildFunction(t, "../"+name+"/cmd/"+name)
		if err := os.Rename(bin, filepath.Join(dir, "bootstrap")); err != nil {
			t.Fatal(err)
		}
		w.deploy(t, fc.FunctionSpec{
			Name: name, Runtime: fc.RuntimeCustom, Command: []string{"./bootstrap"},
			Environment: map[string]string{"FC_SERVER_HOST": "127.0.0.1"},
			Code:        &fc.Code{Dir: dir},
		})
	}

	// The Python mask function.
	code, err := filepath.Abs("../mask-python")
	if err != nil {
		t.Fatal(err)
	}
	w.deploy(t, fc.FunctionSpec{Name: "mask-python", Runtime: fc.RuntimePython, Handler: "index.handler", Code: &fc.Code{Dir: code}})
	return w
}

// deploy creates the function and an Object FC Access Point named after it
// that allows Range requests.
func (w *world) deploy(t *testing.T, spec fc.FunctionSpec) {
	t.Helper()
	spec.TimeoutSeconds = 60
	spec.Role = "acs:ram::" + w.env.AccountID + ":" + functionRole
	if _, err := w.env.Server.Functions().CreateFunction(ctx, w.env.AccountID, spec); err != nil {
		t.Fatalf("CreateFunction %s: %v", spec.Name, err)
	}

	res, err := w.client.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr("fc-" + spec.Name),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr(accessPoint),
			ObjectProcessConfiguration: &oss.ObjectProcessConfiguration{
				AllowedFeatures: &oss.ObjectProcessAllowedFeatures{AllowedFeatures: []string{"GetObject-Range"}},
				TransformationConfigurations: &oss.TransformationConfigurations{TransformationConfigurations: []oss.TransformationConfiguration{{
					Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
					ContentTransformation: &oss.ContentTransformation{FunctionCompute: &oss.ObjectProcessFunctionCompute{
						FunctionArn:           oss.Ptr("acs:fc:" + w.env.Region + ":" + w.env.AccountID + ":functions/" + spec.Name),
						FunctionAssumeRoleArn: oss.Ptr("acs:ram::" + w.env.AccountID + ":role/aliyunossobjectfcforossdefaultrole"),
					}},
				}}},
			},
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPointForObjectProcess for %s: %v", spec.Name, err)
	}
	w.aliases[spec.Name] = *res.AccessPointForObjectProcessAlias
}

func (w *world) put(t *testing.T, key string, data []byte, contentType string) {
	t.Helper()
	if _, err := w.client.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr(bucket), Key: oss.Ptr(key), Body: bytes.NewReader(data), ContentType: oss.Ptr(contentType),
	}); err != nil {
		t.Fatalf("PutObject %s: %v", key, err)
	}
}

// get reads key through the alias of function with req's options.
func (w *world) get(t *testing.T, function, key string, req *oss.GetObjectRequest) (*oss.GetObjectResult, []byte) {
	t.Helper()
	req.Bucket, req.Key = oss.Ptr(w.aliases[function]), oss.Ptr(key)
	res, err := w.client.GetObject(ctx, req)
	if err != nil {
		t.Fatalf("GetObject %s through %s: %v", key, function, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s through %s: %v", key, function, err)
	}
	return res, body
}

func TestExamplesThroughAliases(t *testing.T) {
	w := setup(t)
	text := []byte("name,phone,email\nAlice,13800138000,alice@example.com\nBob,+86 139 0013 9000,bob@example.org\n")
	masked := "name,phone,email\nAlice,138****8000,a****@example.com\nBob,+86 139 **** 9000,b**@example.org\n"
	w.put(t, "people.csv", text, "text/csv")
	photo, err := os.ReadFile("../image/testdata/video-001.jpeg")
	if err != nil {
		t.Fatal(err)
	}
	w.put(t, "photo.jpg", photo, "image/jpeg")

	t.Run("identity", func(t *testing.T) {
		_, body := w.get(t, "identity", "people.csv", &oss.GetObjectRequest{})
		if !bytes.Equal(body, text) {
			t.Errorf("body = %q, want the object unchanged", body)
		}
	})

	for _, function := range []string{"mask", "mask-python"} {
		t.Run(function, func(t *testing.T) {
			_, body := w.get(t, function, "people.csv", &oss.GetObjectRequest{})
			if string(body) != masked {
				t.Errorf("body\n got %q\nwant %q", body, masked)
			}

			// A range that starts inside Alice's phone number.
			res, body := w.get(t, function, "people.csv", &oss.GetObjectRequest{Range: oss.Ptr("bytes=25-45")})
			if string(body) != masked[25:46] {
				t.Errorf("range body = %q, want %q", body, masked[25:46])
			}
			if res.StatusCode != 206 || oss.ToString(res.ContentRange) != "bytes 25-45/"+itoa(len(text)) {
				t.Errorf("status %d, Content-Range %q; want 206 bytes 25-45/%d", res.StatusCode, oss.ToString(res.ContentRange), len(text))
			}
		})
	}

	t.Run("csv2json", func(t *testing.T) {
		_, body := w.get(t, "csv2json", "people.csv", &oss.GetObjectRequest{})
		lines := strings.Split(strings.TrimSpace(string(body)), "\n")
		if len(lines) != 2 {
			t.Fatalf("%d lines, want 2: %s", len(lines), body)
		}
		var row map[string]string
		if err := json.Unmarshal([]byte(lines[1]), &row); err != nil || row["phone"] != "+86 139 0013 9000" {
			t.Errorf("second row = %s (%v), want Bob's phone", lines[1], err)
		}
	})

	t.Run("image", func(t *testing.T) {
		res, body := w.get(t, "image", "photo.jpg", &oss.GetObjectRequest{Process: oss.Ptr("image/resize,w_50/format,png")})
		img, format, err := image.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("output does not decode: %v", err)
		}
		if format != "png" || img.Bounds().Dx() != 50 || oss.ToString(res.ContentType) != "image/png" {
			t.Errorf("got %s %v with Content-Type %q, want a 50-pixel-wide png", format, img.Bounds(), oss.ToString(res.ContentType))
		}
	})

	t.Run("image bad parameter", func(t *testing.T) {
		_, err := w.client.GetObject(ctx, &oss.GetObjectRequest{
			Bucket: oss.Ptr(w.aliases["image"]), Key: oss.Ptr("photo.jpg"), Process: oss.Ptr("image/resize,m_abc,w_10"),
		})
		var serr *oss.ServiceError
		if !errors.As(err, &serr) || serr.StatusCode != 400 || serr.Code != "InvalidArgument" || !strings.Contains(serr.Message, "parameter m") {
			t.Errorf("error = %v, want 400 InvalidArgument about the parameter m", err)
		}
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
