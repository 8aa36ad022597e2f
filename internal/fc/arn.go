package fc

import (
	"fmt"
	"regexp"
	"strings"
)

// LatestQualifier names the unpublished, current state of a function.
const LatestQualifier = "LATEST"

// ARN is a parsed Function Compute function ARN.
type ARN struct {
	Region    string
	AccountID string
	Service   string // the FC 2.0 service name; "" in the FC 3.0 form
	Name      string
	Qualifier string // LATEST, a version number or an alias name
}

// String formats the ARN in the FC 3.0 form,
// acs:fc:<region>:<uid>:functions/<name>:<qualifier>.
func (a ARN) String() string {
	return fmt.Sprintf("acs:fc:%s:%s:functions/%s:%s", a.Region, a.AccountID, a.Name, a.Qualifier)
}

var (
	functionNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_-]{0,127}$`)
	aliasNameRE    = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_-]{0,127}$`)
	versionRE      = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)
	serviceNameRE  = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_-]{0,127}$`)
)

// ParseARN parses a function ARN in either Function Compute form:
//
//	acs:fc:<region>:<uid>:services/<service>.<qualifier>/functions/<name>
//	acs:fc:<region>:<uid>:functions/<name>[:<qualifier>]
//
// In the first form the qualifier may be left out together with its dot. A
// missing qualifier is LATEST.
func ParseARN(s string) (ARN, error) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) != 5 || parts[0] != "acs" || parts[1] != "fc" || parts[2] == "" || parts[3] == "" {
		return ARN{}, fmt.Errorf("%w: %q is not a function ARN of the form acs:fc:<region>:<uid>:functions/<name>", ErrInvalidArgument, s)
	}
	a := ARN{Region: parts[2], AccountID: parts[3]}
	resource := parts[4]

	switch {
	case strings.HasPrefix(resource, "services/"):
		service, name, ok := strings.Cut(strings.TrimPrefix(resource, "services/"), "/functions/")
		if !ok {
			return ARN{}, fmt.Errorf("%w: ARN %q has no /functions/ after its service", ErrInvalidArgument, s)
		}
		a.Service, a.Qualifier, _ = strings.Cut(service, ".")
		a.Name = name
		if !serviceNameRE.MatchString(a.Service) {
			return ARN{}, fmt.Errorf("%w: ARN %q has an invalid service name", ErrInvalidArgument, s)
		}
	case strings.HasPrefix(resource, "functions/"):
		a.Name, a.Qualifier, _ = strings.Cut(strings.TrimPrefix(resource, "functions/"), ":")
	default:
		return ARN{}, fmt.Errorf("%w: ARN %q names neither functions/ nor services/", ErrInvalidArgument, s)
	}

	if !functionNameRE.MatchString(a.Name) {
		return ARN{}, fmt.Errorf("%w: ARN %q has an invalid function name", ErrInvalidArgument, s)
	}
	if a.Qualifier == "" {
		a.Qualifier = LatestQualifier
	}
	if !validQualifier(a.Qualifier) {
		return ARN{}, fmt.Errorf("%w: ARN %q has an invalid qualifier", ErrInvalidArgument, s)
	}
	return a, nil
}

// validQualifier accepts LATEST, a version number and an alias name.
func validQualifier(q string) bool {
	return q == LatestQualifier || versionRE.MatchString(q) || aliasNameRE.MatchString(q)
}

// parseReference accepts an ARN or a plain "<name>[:<qualifier>]".
func parseReference(s string) (ARN, error) {
	if strings.HasPrefix(s, "acs:") {
		return ParseARN(s)
	}
	name, qualifier, _ := strings.Cut(s, ":")
	if !functionNameRE.MatchString(name) {
		return ARN{}, fmt.Errorf("%w: %q is not a function name or ARN", ErrInvalidArgument, s)
	}
	if qualifier == "" {
		qualifier = LatestQualifier
	}
	if !validQualifier(qualifier) {
		return ARN{}, fmt.Errorf("%w: %q has an invalid qualifier", ErrInvalidArgument, s)
	}
	return ARN{Name: name, Qualifier: qualifier}, nil
}
