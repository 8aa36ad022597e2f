package archtest

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ossfc/ossfc/"

// allowed lists, for every package of the module, the module packages its
// non-test files may import. The layers, bottom up: the error model and
// names; the policy language and signatures; the stores; the domain
// services (store, ram, fc, accesspoint, objectfc); their HTTP front ends
// and clients; the server that wires them; the commands and test harnesses.
var allowed = map[string][]string{
	"internal/osserr":      nil,
	"internal/arn":         nil,
	"internal/config":      nil,
	"internal/meta":        nil,
	"internal/blob":        nil,
	"internal/adminclient": nil,
	"internal/sampledata":  nil,
	"internal/auth":        {"internal/osserr"},
	"internal/policy":      {"internal/arn", "internal/osserr"},
	"internal/authz":       {"internal/arn", "internal/osserr", "internal/policy"},

	"internal/meta/sqlite":   {"internal/meta"},
	"internal/meta/metatest": {"internal/meta"},
	"internal/blob/blobtest": {"internal/blob"},
	"internal/store":         {"internal/blob", "internal/meta", "internal/osserr"},

	"internal/meta/metacache": {"internal/meta"},

	"internal/ram":           {"internal/arn", "internal/authz", "internal/meta", "internal/osserr", "internal/policy"},
	"internal/ram/ramapi":    {"internal/arn", "internal/meta", "internal/osserr", "internal/ram"},
	"internal/ram/ramclient": {"internal/ram", "internal/ram/ramapi"},
	"internal/ram/ramcli":    {"internal/ram/ramapi", "internal/ram/ramclient"},
	"internal/ram/ramfc":     {"internal/fc", "internal/ram"},
	"internal/fc":            {"internal/meta"},
	"internal/fc/fcapi":      {"internal/fc", "internal/meta"},
	"internal/fc/fcclient":   {"internal/fc/fcapi"},
	"internal/fc/fccli":      {"internal/fc/fcapi", "internal/fc/fcclient"},
	"internal/accesspoint":   {"internal/arn", "internal/meta", "internal/osserr", "internal/policy", "internal/store"},
	"internal/objectfc":      {"internal/osserr"},
	"internal/ossapi":        {"internal/accesspoint", "internal/meta", "internal/objectfc", "internal/osserr", "internal/policy", "internal/store"},
	"internal/console":       {"internal/adminclient", "internal/fc/fcapi", "internal/fc/fcclient", "internal/ram/ramapi", "internal/ram/ramclient"},
	"internal/server": {
		"internal/accesspoint", "internal/arn", "internal/auth", "internal/authz", "internal/blob", "internal/config",
		"internal/console", "internal/fc", "internal/fc/fcapi", "internal/meta/metacache", "internal/meta/sqlite", "internal/objectfc",
		"internal/ossapi", "internal/osserr", "internal/policy", "internal/ram", "internal/ram/ramapi",
		"internal/ram/ramfc", "internal/store",
	},

	// The demo starts a server and deploys the examples through the
	// admin API, like a command.
	"internal/demo": {
		"examples/functions/mask-python", "internal/adminclient", "internal/config", "internal/fc/fcapi",
		"internal/fc/fcclient", "internal/ram/ramclient", "internal/sampledata", "internal/server",
	},

	// Harnesses and commands sit on top and may use everything.
	"internal/testenv":  {"*"},
	"internal/bench":    {"*"},
	"internal/scenario": {"*"},
	"internal/archtest": nil,
	"cmd/ossfc":         {"*"},
}

// Third-party modules, by package; every package not listed here imports
// only the standard library and the module packages above.
const (
	sdk        = "github.com/aliyun/alibabacloud-oss-go-sdk-v2"
	prometheus = "github.com/prometheus/client_golang"
)

var external = map[string][]string{
	"internal/adminclient": {sdk}, // signs admin requests with the SDK's signer
	"internal/console":     {sdk}, // calls the OSS API as the signed-in user
	"internal/objectfc":    {sdk, prometheus},
	"internal/meta/sqlite": {"modernc.org/sqlite"},
	"internal/fc":          {prometheus},
	"internal/ossapi":      {prometheus, "golang.org/x/time/rate"}, // x-oss-traffic-limit
	"internal/server":      {prometheus},
	"internal/demo":        {sdk},
}

func TestPackagesImportOnlyLowerLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		if strings.HasPrefix(pkg, "examples/") {
			continue // examples are programs users copy; they import only the SDK and fcevent
		}
		rules, known := allowed[pkg]
		if !known {
			t.Errorf("package %s is not in the layering table; add it with the module packages it may import", pkg)
			continue
		}
		if slices.Contains(rules, "*") {
			continue
		}
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, module)
			if ok && !slices.Contains(rules, dep) {
				t.Errorf("%s imports %s, which its layer does not allow", pkg, dep)
			}
			first, _, _ := strings.Cut(imp, "/")
			if !ok && strings.Contains(first, ".") && !slices.ContainsFunc(external[pkg], func(m string) bool {
				return imp == m || strings.HasPrefix(imp, m+"/")
			}) {
				t.Errorf("%s imports the third-party package %s, which its layer does not allow", pkg, imp)
			}
		}
	}
}

func TestExamplesImportNoInternalPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"examples/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		if strings.HasPrefix(pkg, "examples/functions/internal/") || pkg == "examples/functions/e2e" {
			continue // the examples' test harness runs inside this repository
		}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, module+"internal/") {
				t.Errorf("example %s imports %s; examples must build outside this repository", fields[0], imp)
			}
		}
	}
}
