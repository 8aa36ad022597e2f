package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/objectfc"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/ram"
)

// ramKeys is the key source backed by RAM: long-term keys of accounts and
// RAM users, and temporary credentials of role sessions.
type ramKeys struct{ ram *ram.Service }

func (k ramKeys) lookup(ctx context.Context, id, token string, now time.Time) (*ossapi.Caller, string, error) {
	p, secret, err := k.ram.Authenticate(ctx, id, token, now)
	if err != nil {
		return nil, "", err
	}
	return &ossapi.Caller{AccountID: p.AccountID, AccessKeyID: p.AccessKeyID, Identity: p}, secret, nil
}

// principalOf returns the RAM principal of an authenticated caller, or nil
// for an anonymous one.
func principalOf(c *ossapi.Caller) *ram.Principal {
	if c == nil || c.Anonymous {
		return nil
	}
	p, _ := c.Identity.(*ram.Principal)
	return p
}

// ramError converts a RAM or STS failure met on the OSS data path into the
// OSS error a client expects; a missing or untrusting role is AccessDenied.
func ramError(err error) error {
	var oe *osserr.Error
	if errors.As(err, &oe) {
		return oe
	}
	var re *ram.Error
	if errors.As(err, &re) {
		switch {
		case re.Status == http.StatusForbidden, re.Status == http.StatusNotFound, strings.HasPrefix(re.Code, ram.CodeNoPermission):
			return osserr.New(osserr.AccessDenied, re.Message).Wrap(err)
		case re.Status == http.StatusBadRequest:
			return osserr.New(osserr.InvalidArgument, re.Message).Wrap(err)
		}
	}
	return osserr.Internal(err)
}

// objectFCIdentity implements objectfc.Identity with RAM.
type objectFCIdentity struct{ ram *ram.Service }

func (o objectFCIdentity) FunctionCredentials(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration) (objectfc.Credentials, error) {
	res, err := o.ram.AssumeRoleForService(ctx, accountID, roleARN, "fc.aliyuncs.com", sessionName, ttl, "")
	if err != nil {
		return objectfc.Credentials{}, roleDenied(err, roleARN, "fc.aliyuncs.com")
	}
	return convert(res.Credentials), nil
}

func (o objectFCIdentity) InvocationSession(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration, sessionPolicy []byte) (objectfc.Credentials, error) {
	res, err := o.ram.AssumeRoleForService(ctx, accountID, roleARN, "oss.aliyuncs.com", sessionName, ttl, string(sessionPolicy))
	if err != nil {
		return objectfc.Credentials{}, roleDenied(err, roleARN, "oss.aliyuncs.com")
	}
	return convert(res.Credentials), nil
}

func (o objectFCIdentity) RoleAllows(ctx context.Context, accountID, roleARN, action, resource string) error {
	target, err := arn.ParseRAM(roleARN)
	if err != nil || target.Kind != arn.RAMRole || target.AccountID != accountID {
		return osserr.Newf(osserr.AccessDenied, "The role %s cannot be used by account %s.", roleARN, accountID)
	}
	role, err := o.ram.GetRole(ctx, accountID, target.Name)
	if err != nil {
		return roleDenied(err, roleARN, "oss.aliyuncs.com")
	}
	p := &ram.Principal{
		Type: ram.PrincipalAssumedRole, AccountID: accountID, RoleID: role.RoleID, RoleName: role.RoleName,
		SessionName: "check", ARN: arn.AssumedRole(accountID, role.RoleName, "check"),
	}
	if err := o.ram.Authorize(ctx, p, action, resource); err != nil {
		return osserr.Newf(osserr.AccessDenied, "The role %s is not allowed %s on %s; attach a policy that allows it (quick authorization does).",
			roleARN, action, resource).Wrap(err)
	}
	return nil
}

// roleDenied turns a failure to assume roleARN into AccessDenied naming the
// role, unless it is an internal failure.
func roleDenied(err error, roleARN, service string) error {
	var re *ram.Error
	if errors.As(err, &re) && re.Code != ram.CodeInternalError {
		return osserr.Newf(osserr.AccessDenied, "%s cannot assume the role %s: %s", service, roleARN, re.Message).Wrap(err)
	}
	return ramError(err)
}

func convert(c ram.Credentials) objectfc.Credentials {
	return objectfc.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken, Expiration: c.Expiration}
}

// functionRuntime implements objectfc.Runtime with the embedded Function
// Compute.
type functionRuntime struct{ fc *fc.Service }

func (f functionRuntime) Resolve(ctx context.Context, accountID, functionARN string) (*objectfc.Function, error) {
	res, err := f.fc.Resolve(ctx, accountID, functionARN)
	if err != nil {
		if errors.Is(err, fc.ErrFunctionNotFound) || errors.Is(err, fc.ErrInvalidArgument) {
			return nil, errors.Join(objectfc.ErrFunctionNotFound, err)
		}
		return nil, osserr.Internal(err)
	}
	return &objectfc.Function{
		ARN: functionARN, AccountID: accountID, Name: res.Name, Qualifier: res.Qualifier,
		RoleARN: res.Config.Role, Timeout: res.Timeout,
	}, nil
}

func (f functionRuntime) Invoke(ctx context.Context, fn *objectfc.Function, requestID string, event []byte, creds objectfc.Credentials) error {
	c := fc.Credentials{AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, SecurityToken: creds.SecurityToken, Expiration: creds.Expiration}
	_, err := f.fc.Invoke(ctx, fc.InvokeRequest{
		AccountID: fn.AccountID, Function: fn.Name, Qualifier: fn.Qualifier,
		Payload: event, RequestID: requestID, Credentials: &c,
	})
	if err == nil {
		return nil
	}
	reason := err.Error()
	var ie *fc.InvokeError
	if errors.As(err, &ie) {
		reason = ie.Reason
	}
	switch {
	case errors.Is(err, fc.ErrThrottled):
		return fmt.Errorf("%w: %s", objectfc.ErrThrottled, reason)
	case errors.Is(err, fc.ErrTimeout):
		return fmt.Errorf("%w: %s", objectfc.ErrFunctionTimeout, reason)
	case errors.Is(err, fc.ErrFunctionNotFound):
		return fmt.Errorf("%w: %s", objectfc.ErrFunctionNotFound, reason)
	default:
		return fmt.Errorf("%w: %s", objectfc.ErrFunctionFailed, reason)
	}
}
