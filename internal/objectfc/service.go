package objectfc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Credentials are temporary credentials of a RAM role.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	Expiration      time.Time
}

// Function is the function version an Object FC Access Point invokes.
type Function struct {
	ARN       string
	AccountID string

	// Name and Qualifier identify the function version for the Runtime.
	Name      string
	Qualifier string

	// RoleARN is the function's own role, whose credentials the function
	// receives; WriteGetObjectResponse needs oss:WriteGetObjectResponse on it.
	RoleARN string

	// Timeout bounds both the invocation and the caller's wait.
	Timeout time.Duration
}

// Errors a Runtime returns, wrapped with detail.
var (
	ErrFunctionNotFound = errors.New("function not found")
	ErrThrottled        = errors.New("function throttled")
	ErrFunctionTimeout  = errors.New("function timed out")
	ErrFunctionFailed   = errors.New("function failed")
)

// Runtime finds and runs functions.
type Runtime interface {
	// Resolve returns the function version functionARN names for accountID,
	// or an error wrapping ErrFunctionNotFound.
	Resolve(ctx context.Context, accountID, functionARN string) (*Function, error)

	// Invoke runs fn synchronously with event, handing it creds, and returns
	// when the function returns. Failures wrap ErrThrottled,
	// ErrFunctionTimeout or ErrFunctionFailed.
	Invoke(ctx context.Context, fn *Function, requestID string, event []byte, creds Credentials) error
}

// Identity mints the temporary credentials of one transformed GetObject.
type Identity interface {
	// FunctionCredentials mints credentials of the function's role, assumed
	// by Function Compute (fc.aliyuncs.com), valid for ttl.
	FunctionCredentials(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration) (Credentials, error)

	// InvocationSession mints a session of the invocation role (the Object
	// FC Access Point's FunctionAssumeRoleArn), assumed by OSS
	// (oss.aliyuncs.com) and narrowed by sessionPolicy. It fails with
	// AccessDenied naming the role when the role is missing or does not
	// trust OSS.
	InvocationSession(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration, sessionPolicy []byte) (Credentials, error)

	// RoleAllows returns nil when roleARN's permission policies allow action
	// on resource, or AccessDenied naming the role and the action.
	RoleAllows(ctx context.Context, accountID, roleARN, action, resource string) error
}

// Default roles of the cloud, used when the configuration names none.
const (
	DefaultInvocationRole = "AliyunOSSObjectFcForOSSDefaultRole"
	DefaultFunctionRole   = "AliyunFCDefaultRole"
)

// Request is one transformed GetObject, already authenticated and authorized
// for oss:GetObject on the Object FC Access Point's object resource.
type Request struct {
	ID        string // the caller's x-oss-request-id
	AccountID string // owner of the Object FC Access Point
	Region    string

	AccessPointForObjectProcess AccessPointRef
	SupportingAccessPoint       AccessPointRef

	Config Config

	Key       string
	VersionID string

	Caller UserIdentity
}

// AccessPointRef names an access point.
type AccessPointRef struct {
	Name  string
	Alias string
	ARN   string
}

// Config is the transformation configuration of an Object FC Access Point.
type Config struct {
	Actions         []string // "GetObject", compared without regard to case
	FunctionARN     string
	RoleARN         string // FunctionAssumeRoleArn; "" means the default role
	AllowedFeatures []string
	ForwardHeaders  []string // CustomForwardHeaders
}

// Service serves transformed GetObjects and WriteGetObjectResponse calls.
type Service struct {
	broker   *Broker
	runtime  Runtime
	identity Identity
	metrics  *Metrics
	logger   *slog.Logger

	// advertiseURL is the base URL functions reach the OSS API at; it is the
	// outputRoute and the host of inputOssUrl.
	advertiseURL string
	now          func() time.Time
}

// Options configure a Service.
type Options struct {
	Runtime      Runtime
	Identity     Identity
	AdvertiseURL string
	Metrics      *Metrics // nil disables metrics
	Logger       *slog.Logger
}

// New returns a Service.
func New(opts Options) *Service {
	s := &Service{
		broker: NewBroker(), runtime: opts.Runtime, identity: opts.Identity, metrics: opts.Metrics,
		logger: opts.Logger, advertiseURL: strings.TrimSuffix(opts.AdvertiseURL, "/"), now: time.Now,
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// Pending returns the number of transformed GetObjects waiting for their
// function, for leak checks.
func (s *Service) Pending() int { return s.broker.Len() }

// inputURLMargin is how much longer the function's credentials, and the
// session that signs inputOssUrl, stay valid than the function's timeout,
// for the clock drift of a function that runs elsewhere.
const inputURLMargin = 5 * time.Minute

// prepared is what Serve needs after the checks that happen before any
// invocation.
type prepared struct {
	fn      *Function
	creds   Credentials
	event   []byte
	pending *Pending
}

// prepare runs the checks of a transformed GetObject in order and mints
// everything the invocation needs: the configuration allows GetObject, a
// Range is allowed, the function exists, the invocation role may invoke it,
// and the credentials, inputOssUrl and outputToken are minted.
func (s *Service) prepare(ctx context.Context, r *http.Request, req *Request) (*prepared, error) {
	cfg := req.Config
	if cfg.FunctionARN == "" || !slices.ContainsFunc(cfg.Actions, func(a string) bool { return strings.EqualFold(a, "GetObject") }) {
		return nil, osserr.Newf(osserr.AccessDenied,
			"The Object FC Access Point %s has no transformation configured for GetObject.", req.AccessPointForObjectProcess.Name)
	}
	if r.Header.Get("Range") != "" || r.URL.Query().Has("partNumber") {
		if !slices.ContainsFunc(cfg.AllowedFeatures, func(f string) bool { return strings.EqualFold(f, "GetObject-Range") }) {
			return nil, osserr.Newf(osserr.NotImplemented,
				"The Object FC Access Point %s does not allow Range or partNumber requests: its configuration does not list the allowed feature GetObject-Range. Add it with PutAccessPointConfigForObjectProcess if the function handles ranges.",
				req.AccessPointForObjectProcess.Name)
		}
	}

	fn, err := s.runtime.Resolve(ctx, req.AccountID, cfg.FunctionARN)
	if err != nil {
		if errors.Is(err, ErrFunctionNotFound) {
			return nil, osserr.Newf(osserr.FunctionNotFound, "The function %s of the Object FC Access Point %s does not exist.",
				cfg.FunctionARN, req.AccessPointForObjectProcess.Name).Wrap(err)
		}
		return nil, osserr.From(err)
	}

	invocationRole := cfg.RoleARN
	if invocationRole == "" {
		invocationRole = roleARN(req.AccountID, DefaultInvocationRole)
	}
	if err := s.identity.RoleAllows(ctx, req.AccountID, invocationRole, "fc:InvokeFunction", fn.ARN); err != nil {
		return nil, err
	}

	functionRole := fn.RoleARN
	if functionRole == "" {
		functionRole = roleARN(req.AccountID, DefaultFunctionRole)
	}
	ttl := fn.Timeout + inputURLMargin
	creds, err := s.identity.FunctionCredentials(ctx, req.AccountID, functionRole, "oss-"+req.ID, ttl)
	if err != nil {
		return nil, err
	}

	inputURL, err := s.inputURL(ctx, req, invocationRole, fn.Timeout)
	if err != nil {
		return nil, err
	}

	pending := s.broker.Register(s.advertiseURL, creds.AccessKeyID, req.AccessPointForObjectProcess.Name)
	event := Event{
		Version:   "1.0",
		RequestID: req.ID,
		GetObjectContext: GetObjectContext{
			InputOssURL: inputURL, OutputRoute: s.advertiseURL, OutputToken: pending.Token,
		},
		Configuration: Configuration{
			AccessPointForObjectProcessArn: req.AccessPointForObjectProcess.ARN,
			SupportingAccessPointArn:       req.SupportingAccessPoint.ARN,
			FunctionArn:                    cfg.FunctionARN,
			AllowedFeatures:                nonNil(cfg.AllowedFeatures),
		},
		UserRequest:  UserRequest{URL: callerURL(r), Headers: callerHeaders(r, cfg.ForwardHeaders)},
		UserIdentity: req.Caller,
	}
	data, err := json.Marshal(event)
	if err != nil {
		pending.Close()
		return nil, osserr.Internal(err)
	}
	return &prepared{fn: fn, creds: creds, event: data, pending: pending}, nil
}

// inputURL presigns a V1 GET of the requested object through the supporting
// access point alias, signed by a session of the invocation role narrowed to
// that one object.
func (s *Service) inputURL(ctx context.Context, req *Request, invocationRole string, timeout time.Duration) (string, error) {
	objectARN := fmt.Sprintf("acs:oss:%s:%s:accesspoint/%s/object/%s", req.Region, req.AccountID, req.SupportingAccessPoint.Name, req.Key)
	policy, _ := json.Marshal(map[string]any{
		"Version": "1",
		"Statement": []map[string]any{{
			"Effect": "Allow", "Action": []string{"oss:GetObject", "oss:GetObjectVersion"}, "Resource": []string{objectARN},
		}},
	})
	creds, err := s.identity.InvocationSession(ctx, req.AccountID, invocationRole, "oss-input-"+req.ID, timeout+inputURLMargin, policy)
	if err != nil {
		return "", err
	}

	// The URL itself expires with the function's timeout: this server
	// checks it against its own clock, so it needs no margin.
	query := url.Values{}
	if req.VersionID != "" {
		query.Set("versionId", req.VersionID)
	}
	return presignGet(ctx, s.advertiseURL, req.SupportingAccessPoint.Alias, req.Key, query, creds, s.now().Add(timeout))
}

func roleARN(accountID, name string) string {
	return "acs:ram::" + accountID + ":role/" + strings.ToLower(name)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
