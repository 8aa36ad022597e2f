package accesspoint

import (
	"strings"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// The only transformed action and the only allowed feature OSS documents.
const (
	ActionGetObject       = "GetObject"
	FeatureGetObjectRange = "GetObject-Range"
)

// maxForwardHeaders bounds CustomForwardHeaders.
//
// NOTE: OSS documents no limit, so 32 is an ossfc choice.
const maxForwardHeaders = 32

// CheckObjectProcessConfig validates an ObjectProcessConfiguration. A nil
// configuration is valid. Action and feature names are compared without
// regard to case, because OSS itself returns "getobject".
func (s *Service) CheckObjectProcessConfig(c *meta.ObjectProcessConfig) error {
	if c == nil {
		return nil
	}
	for _, f := range c.AllowedFeatures {
		if !strings.EqualFold(f, FeatureGetObjectRange) {
			return invalidConfig("AllowedFeature", f, "the only allowed feature is "+FeatureGetObjectRange)
		}
	}
	if len(c.Transformations) > 1 {
		return osserr.Newf(osserr.InvalidArgument,
			"The configuration has %d TransformationConfiguration elements; only one is supported, for %s.", len(c.Transformations), ActionGetObject).
			With("ArgumentName", "TransformationConfiguration")
	}

	for _, tr := range c.Transformations {
		if len(tr.Actions) == 0 {
			return osserr.New(osserr.InvalidArgument, "The TransformationConfiguration has no Actions/Action; use GetObject.").
				With("ArgumentName", "Action")
		}
		for _, a := range tr.Actions {
			if !strings.EqualFold(a, ActionGetObject) {
				return invalidConfig("Action", a, "the only supported action is "+ActionGetObject)
			}
		}
		if tr.FunctionArn == "" {
			return osserr.New(osserr.InvalidArgument, "The TransformationConfiguration has no ContentTransformation/FunctionCompute/FunctionArn.").
				With("ArgumentName", "FunctionArn")
		}
		if problem := checkFunctionARN(tr.FunctionArn, s.cfg.Region); problem != "" {
			return invalidConfig("FunctionArn", tr.FunctionArn, problem)
		}
		if tr.FunctionAssumeRoleArn != "" {
			r, err := arn.ParseRAM(tr.FunctionAssumeRoleArn)
			if err != nil || r.Kind != arn.RAMRole || !digits(r.AccountID) {
				return invalidConfig("FunctionAssumeRoleArn", tr.FunctionAssumeRoleArn, "it must be a RAM role ARN, acs:ram::<account id>:role/<role name>")
			}
		}
		if len(tr.CustomForwardHeaders) > maxForwardHeaders {
			return osserr.Newf(osserr.InvalidArgument, "The configuration has %d CustomForwardHeader elements; the maximum is %d.",
				len(tr.CustomForwardHeaders), maxForwardHeaders).With("ArgumentName", "CustomForwardHeader")
		}
		for _, h := range tr.CustomForwardHeaders {
			if !headerToken(h) {
				return invalidConfig("CustomForwardHeader", h, "it must be an HTTP header name")
			}
		}
	}
	return nil
}

// checkFunctionARN returns the reason s is not a Function Compute function
// ARN in region, or "" when it is one. Both forms are accepted:
//
//	acs:fc:<region>:<uid>:services/<service>[.<qualifier>]/functions/<name>
//	acs:fc:<region>:<uid>:functions/<name>[:<qualifier>]
func checkFunctionARN(s, region string) string {
	const form = "it must be acs:fc:<region>:<account id>:functions/<name>[:<qualifier>] or acs:fc:<region>:<account id>:services/<service>.<qualifier>/functions/<name>"
	parts := strings.SplitN(s, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" || parts[1] != "fc" || !digits(parts[3]) {
		return form
	}
	if parts[2] != region {
		return "the function must be in region " + region + ", the region of the bucket"
	}

	var name, qualifier string
	resource := parts[4]
	switch {
	case strings.HasPrefix(resource, "services/"):
		service, fn, ok := strings.Cut(strings.TrimPrefix(resource, "services/"), "/functions/")
		if !ok {
			return form
		}
		service, qualifier, _ = strings.Cut(service, ".")
		if !fcName(service) {
			return "the service name " + service + " is invalid"
		}
		name = fn
	case strings.HasPrefix(resource, "functions/"):
		name, qualifier, _ = strings.Cut(strings.TrimPrefix(resource, "functions/"), ":")
	default:
		return form
	}
	if !fcName(name) {
		return "the function name " + name + " is invalid"
	}
	if qualifier != "" && !fcName(qualifier) && !digits(qualifier) {
		return "the qualifier " + qualifier + " is invalid: use LATEST, a version number or an alias name"
	}
	return ""
}

// fcName reports whether s is a Function Compute service, function or alias
// name: a letter or underscore, then up to 127 letters, digits, underscores
// and hyphens.
func fcName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case i > 0 && ('0' <= c && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// headerToken reports whether s is a valid HTTP header name (an RFC 9110
// token).
func headerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func invalidConfig(element, value, reason string) error {
	return osserr.Newf(osserr.InvalidArgument, "The %s %q is invalid: %s.", element, value, reason).
		With("ArgumentName", element).With("ArgumentValue", value)
}
