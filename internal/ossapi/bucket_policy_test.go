package ossapi

import (
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

func TestBucketPolicyEC(t *testing.T) {
	statement := `[{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],"Resource":"acs:oss:*:*:b/*"}]`
	tests := []struct {
		name, doc, ec string
	}{
		{"Version 2", `{"Version":"2","Statement":` + statement + `}`, ecPolicyVersion},
		{"Version empty", `{"Version":"","Statement":` + statement + `}`, ecPolicyVersion},
		{"Version a number", `{"Version":1,"Statement":` + statement + `}`, ecPolicySyntax},
		{"Version missing", `{"Statement":` + statement + `}`, ecPolicySyntax},
		{"bad Effect", `{"Version":"1","Statement":[{"Effect":"Maybe","Action":"oss:GetObject","Principal":["*"],"Resource":"*"}]}`, ecPolicySyntax},
		{"truncated", `{"Version":"2","Statement":[`, ecPolicySyntax},
	}
	for _, tt := range tests {
		_, err := policy.Parse([]byte(tt.doc), policy.Resource)
		if err == nil {
			t.Fatalf("%s: the document parsed", tt.name)
		}
		e := osserr.From(withBucketPolicyEC(err, []byte(tt.doc)))
		if e.Code != osserr.MalformedPolicy || e.EC != tt.ec {
			t.Errorf("%s: %s EC %s; want MalformedPolicy EC %s", tt.name, e.Code, e.EC, tt.ec)
		}
	}

	other := osserr.New(osserr.InvalidArgument, "x")
	if got := osserr.From(withBucketPolicyEC(other, nil)); got.EC != "" {
		t.Errorf("InvalidArgument got EC %q; want it unchanged", got.EC)
	}
}
