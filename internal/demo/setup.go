package demo

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	maskpython "github.com/ossfc/ossfc/examples/functions/mask-python"
	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/fc/fcapi"
	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

// GoExamples are the Go example functions that the ossfc binary serves with
// "ossfc function <name>".
var GoExamples = []string{"identity", "mask", "csv2json", "image"}

// PythonMask is the name the Python mask example is deployed under.
const PythonMask = "mask-python"

// Target is a running ossfc server that examples are deployed to, with the
// clients that reach it as the account's root user.
type Target struct {
	OSS       *oss.Client
	Functions *fcclient.Client
	RAM       *ramclient.Client
	AccountID string
	Region    string
}

// NewTarget returns a Target for the server whose OSS API is at endpoint
// and whose admin API is on the console listener at consoleURL (both
// http://host:port), signing with the root key keyID and secret. It reads
// the key's account id with GetCallerIdentity.
func NewTarget(ctx context.Context, endpoint, consoleURL, region, keyID, secret string, httpClient *http.Client) (*Target, error) {
	admin := adminclient.Config{URL: consoleURL, Region: region, AccessKeyID: keyID, AccessKeySecret: secret}
	t := &Target{
		OSS: oss.NewClient(oss.LoadDefaultConfig().
			WithCredentialsProvider(credentials.NewStaticCredentialsProvider(keyID, secret)).
			WithRegion(region).
			WithEndpoint(endpoint).
			WithHttpClient(httpClient).
			WithRetryMaxAttempts(1)),
		Functions: fcclient.New(consoleURL+"/admin/fc", httpClient, admin.Sign),
		RAM:       ramclient.New(consoleURL+"/admin/ram", httpClient, admin.Sign),
		Region:    region,
	}
	id, err := t.RAM.GetCallerIdentity(ctx)
	if err != nil {
		return nil, fmt.Errorf("GetCallerIdentity: %w", err)
	}
	t.AccountID = id.AccountID
	return t, nil
}

// role returns the ARN of one of the service roles that quick
// authorization creates.
func (t *Target) role(name string) string {
	return "acs:ram::" + t.AccountID + ":role/" + name
}

// BinaryCode returns a zip file that holds a copy of the executable binary
// as "ossfc", the code of a Go example function. The copy lets the function
// run even where its own user cannot read the original, as happens when the
// server runs as root and functions run as nobody.
func BinaryCode(binary string) ([]byte, error) {
	f, err := os.Open(binary)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// Stored, not compressed: the zip crosses only the loopback interface,
	// and compressing tens of megabytes costs more time than sending them.
	h := &zip.FileHeader{Name: "ossfc", Method: zip.Store}
	h.SetMode(0o755)
	w, err := zw.CreateHeader(h)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(w, f); err != nil {
		return nil, fmt.Errorf("zip %s: %w", binary, err)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DeployGoExample creates the function name, a custom-runtime function
// whose command is "./ossfc function <example>" from code (see
// BinaryCode). The function listens on loopback only and runs as the
// AliyunFCDefaultRole service role.
func (t *Target) DeployGoExample(ctx context.Context, name, example string, code []byte) error {
	_, err := t.Functions.CreateFunction(ctx, &fcapi.CreateFunctionInput{
		FunctionName:         name,
		Description:          "ossfc example function " + example,
		Runtime:              "custom",
		Code:                 &fcapi.InputCode{ZipFile: code},
		Timeout:              60,
		CustomRuntimeConfig:  &fcapi.CustomRuntimeConfig{Command: []string{"./ossfc"}, Args: []string{"function", example}},
		EnvironmentVariables: map[string]string{"FC_SERVER_HOST": "127.0.0.1"},
		Role:                 t.role("aliyunfcdefaultrole"),
	})
	if err != nil {
		return fmt.Errorf("CreateFunction %s: %w", name, err)
	}
	return nil
}

// DeployPythonMask creates the function PythonMask from the Python mask
// example's index.py on the python3.10 runtime.
func (t *Target) DeployPythonMask(ctx context.Context) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := fs.WalkDir(maskpython.Code, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(maskpython.Code, path)
		if err != nil {
			return err
		}
		w, err := zw.Create(path)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		return fmt.Errorf("zip the Python mask function: %w", err)
	}

	_, err = t.Functions.CreateFunction(ctx, &fcapi.CreateFunctionInput{
		FunctionName: PythonMask,
		Description:  "ossfc example function mask, in Python",
		Runtime:      "python3.10",
		Handler:      maskpython.Handler,
		Code:         &fcapi.InputCode{ZipFile: buf.Bytes()},
		Timeout:      60,
		Role:         t.role("aliyunfcdefaultrole"),
	})
	if err != nil {
		return fmt.Errorf("CreateFunction %s: %w", PythonMask, err)
	}
	return nil
}

// CreateAccessPoint creates the access point name on bucket, reachable
// from the internet network origin.
func (t *Target) CreateAccessPoint(ctx context.Context, bucket, name string) error {
	_, err := t.OSS.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{
		Bucket: oss.Ptr(bucket),
		CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{
			AccessPointName: oss.Ptr(name), NetworkOrigin: oss.Ptr("internet"),
		},
	})
	if err != nil {
		return fmt.Errorf("CreateAccessPoint %s: %w", name, err)
	}
	return nil
}

// CreateObjectFCAccessPoint creates the Object FC Access Point name on the
// access point accessPoint of bucket. Its GetObject runs function (LATEST)
// as the AliyunOSSObjectFcForOSSDefaultRole service role, and Range
// requests are passed to the function. It returns the alias.
func (t *Target) CreateObjectFCAccessPoint(ctx context.Context, bucket, accessPoint, name, function string) (string, error) {
	res, err := t.OSS.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket:                          oss.Ptr(bucket),
		AccessPointForObjectProcessName: oss.Ptr(name),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr(accessPoint),
			ObjectProcessConfiguration: &oss.ObjectProcessConfiguration{
				AllowedFeatures: &oss.ObjectProcessAllowedFeatures{AllowedFeatures: []string{"GetObject-Range"}},
				TransformationConfigurations: &oss.TransformationConfigurations{TransformationConfigurations: []oss.TransformationConfiguration{{
					Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
					ContentTransformation: &oss.ContentTransformation{FunctionCompute: &oss.ObjectProcessFunctionCompute{
						FunctionArn:           oss.Ptr("acs:fc:" + t.Region + ":" + t.AccountID + ":functions/" + function),
						FunctionAssumeRoleArn: oss.Ptr(t.role("aliyunossobjectfcforossdefaultrole")),
					}},
				}}},
			},
		},
	})
	if err != nil {
		return "", fmt.Errorf("CreateAccessPointForObjectProcess %s: %w", name, err)
	}
	return oss.ToString(res.AccessPointForObjectProcessAlias), nil
}
