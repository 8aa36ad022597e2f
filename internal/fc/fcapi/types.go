package fcapi

import (
	"time"

	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/meta"
)

// APIVersion is the path prefix of Function Compute 3.0's OpenAPI.
const APIVersion = "2023-03-30"

// The JSON documents of the admin API. Field names follow Function Compute
// 3.0's OpenAPI; maxInstances and httpConfig are ossfc extensions.

// InputCode is the code of a function: a base64 zip file.
type InputCode struct {
	ZipFile []byte `json:"zipFile,omitempty"` // base64 in JSON
}

// CustomRuntimeConfig starts custom, provided and go1 functions.
type CustomRuntimeConfig struct {
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	Port    int      `json:"port,omitempty"`
}

// HTTPConfig addresses a function of the http runtime (ossfc extension).
// The bearer token is write-only: responses report only whether one is set.
type HTTPConfig struct {
	URL            string `json:"url,omitempty"`
	BearerToken    string `json:"bearerToken,omitempty"`
	HasBearerToken bool   `json:"hasBearerToken,omitempty"`
}

// CreateFunctionInput is the body of CreateFunction.
type CreateFunctionInput struct {
	FunctionName         string               `json:"functionName"`
	Description          string               `json:"description,omitempty"`
	Runtime              string               `json:"runtime"`
	Handler              string               `json:"handler,omitempty"`
	Code                 *InputCode           `json:"code,omitempty"`
	Timeout              int                  `json:"timeout,omitempty"`
	MemorySize           int                  `json:"memorySize,omitempty"`
	InstanceConcurrency  int                  `json:"instanceConcurrency,omitempty"`
	MaxInstances         int                  `json:"maxInstances,omitempty"`
	EnvironmentVariables map[string]string    `json:"environmentVariables,omitempty"`
	Role                 string               `json:"role,omitempty"`
	CustomRuntimeConfig  *CustomRuntimeConfig `json:"customRuntimeConfig,omitempty"`
	HTTPConfig           *HTTPConfig          `json:"httpConfig,omitempty"`
}

// UpdateFunctionInput is the body of UpdateFunction; absent fields keep
// their value.
type UpdateFunctionInput struct {
	Description          *string              `json:"description,omitempty"`
	Runtime              *string              `json:"runtime,omitempty"`
	Handler              *string              `json:"handler,omitempty"`
	Code                 *InputCode           `json:"code,omitempty"`
	Timeout              *int                 `json:"timeout,omitempty"`
	MemorySize           *int                 `json:"memorySize,omitempty"`
	InstanceConcurrency  *int                 `json:"instanceConcurrency,omitempty"`
	MaxInstances         *int                 `json:"maxInstances,omitempty"`
	EnvironmentVariables *map[string]string   `json:"environmentVariables,omitempty"`
	Role                 *string              `json:"role,omitempty"`
	CustomRuntimeConfig  *CustomRuntimeConfig `json:"customRuntimeConfig,omitempty"`
	HTTPConfig           *HTTPConfig          `json:"httpConfig,omitempty"`
}

// Function is a function as GetFunction returns it.
type Function struct {
	FunctionName         string               `json:"functionName"`
	FunctionArn          string               `json:"functionArn"`
	Description          string               `json:"description"`
	Runtime              string               `json:"runtime"`
	Handler              string               `json:"handler"`
	Timeout              int                  `json:"timeout"`
	MemorySize           int                  `json:"memorySize"`
	InstanceConcurrency  int                  `json:"instanceConcurrency"`
	MaxInstances         int                  `json:"maxInstances"`
	EnvironmentVariables map[string]string    `json:"environmentVariables,omitempty"`
	Role                 string               `json:"role,omitempty"`
	CustomRuntimeConfig  *CustomRuntimeConfig `json:"customRuntimeConfig,omitempty"`
	HTTPConfig           *HTTPConfig          `json:"httpConfig,omitempty"`
	CodeSize             int64                `json:"codeSize"`
	CodeChecksum         string               `json:"codeChecksum,omitempty"`
	State                string               `json:"state"`
	CreatedTime          string               `json:"createdTime,omitempty"`
	LastModifiedTime     string               `json:"lastModifiedTime,omitempty"`
}

// ListFunctionsOutput is the body of ListFunctions.
type ListFunctionsOutput struct {
	Functions []*Function `json:"functions"`
	NextToken string      `json:"nextToken,omitempty"`
}

// PublishVersionInput is the body of PublishFunctionVersion.
type PublishVersionInput struct {
	Description string `json:"description,omitempty"`
}

// Version is a published function version.
type Version struct {
	VersionID        string `json:"versionId"`
	Description      string `json:"description"`
	CreatedTime      string `json:"createdTime"`
	LastModifiedTime string `json:"lastModifiedTime"`
}

// ListVersionsOutput is the body of ListFunctionVersions.
type ListVersionsOutput struct {
	Versions  []*Version `json:"versions"`
	Direction string     `json:"direction"`
	NextToken string     `json:"nextToken,omitempty"`
}

// AliasInput is the body of CreateAlias (with AliasName) and UpdateAlias.
type AliasInput struct {
	AliasName   string `json:"aliasName,omitempty"`
	VersionID   string `json:"versionId"`
	Description string `json:"description,omitempty"`
}

// Alias is a function alias.
type Alias struct {
	AliasName        string `json:"aliasName"`
	VersionID        string `json:"versionId"`
	Description      string `json:"description"`
	CreatedTime      string `json:"createdTime"`
	LastModifiedTime string `json:"lastModifiedTime"`
}

// ListAliasesOutput is the body of ListAliases.
type ListAliasesOutput struct {
	Aliases   []*Alias `json:"aliases"`
	NextToken string   `json:"nextToken,omitempty"`
}

// InvocationLog is one recent invocation (ossfc extension).
type InvocationLog struct {
	RequestID  string   `json:"requestId"`
	Qualifier  string   `json:"qualifier"`
	VersionID  string   `json:"versionId"`
	StartTime  string   `json:"startTime"`
	DurationMs float64  `json:"durationMs"`
	ColdStart  bool     `json:"coldStart"`
	StatusCode int      `json:"statusCode,omitempty"`
	Error      string   `json:"error,omitempty"`
	Lines      []string `json:"lines"`
}

// ListInvocationLogsOutput is the body of the invocation-logs route.
type ListInvocationLogsOutput struct {
	Invocations []*InvocationLog `json:"invocations"`
}

// ErrorBody is every error response.
type ErrorBody struct {
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	RequestID string `json:"RequestId"`
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func functionOutput(svc *fc.Service, f *meta.Function) *Function {
	c := &f.Config
	out := &Function{
		FunctionName: f.Name, FunctionArn: svc.FunctionARN(f.AccountID, f.Name, ""),
		Description: c.Description, Runtime: c.Runtime, Handler: c.Handler, Timeout: c.TimeoutSeconds,
		MemorySize: c.MemorySizeMB, InstanceConcurrency: c.InstanceConcurrency, MaxInstances: c.MaxInstances,
		EnvironmentVariables: c.Environment, Role: c.Role, CodeSize: c.CodeSize, CodeChecksum: c.CodeChecksum,
		State: "Active", CreatedTime: timeText(f.CreatedAt), LastModifiedTime: timeText(f.UpdatedAt),
	}
	// The function's own ARN names the function, not a qualifier.
	out.FunctionArn = out.FunctionArn[:len(out.FunctionArn)-len(":"+fc.LatestQualifier)]
	if len(c.Command) > 0 || len(c.Args) > 0 || c.Port != 0 {
		out.CustomRuntimeConfig = &CustomRuntimeConfig{Command: c.Command, Args: c.Args, Port: c.Port}
	}
	if c.HTTPURL != "" {
		out.HTTPConfig = &HTTPConfig{URL: c.HTTPURL, HasBearerToken: c.HTTPToken != ""}
	}
	return out
}

func versionOutput(v *meta.FunctionVersion) *Version {
	return &Version{VersionID: v.VersionID, Description: v.Description,
		CreatedTime: timeText(v.CreatedAt), LastModifiedTime: timeText(v.CreatedAt)}
}

func aliasOutput(a *meta.FunctionAlias) *Alias {
	return &Alias{AliasName: a.Name, VersionID: a.VersionID, Description: a.Description,
		CreatedTime: timeText(a.CreatedAt), LastModifiedTime: timeText(a.UpdatedAt)}
}
