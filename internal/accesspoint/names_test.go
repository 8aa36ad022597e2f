package accesspoint

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/store"
)

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"ap-01", true},
		{"abc", true},
		{"a1b2c3d4e5f6g7h8i9j", true}, // 19 characters
		{"ab", false},
		{"a1b2c3d4e5f6g7h8i9j0", false}, // 20 characters
		{"-ap", false},
		{"ap-", false},
		{"Ap-01", false},
		{"ap_01", false},
		{"ap.01", false},
		{"abcdefghij-ossalias", false},
		{"", false},
	}
	for _, tc := range tests {
		err := CheckName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v; want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !osserr.Is(err, osserr.InvalidArgument) {
			t.Errorf("CheckName(%q) code = %v, want InvalidArgument", tc.name, err)
		}
	}
}

func TestCheckObjectFCName(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		name string
		ok   bool
	}{
		{"fc-ap-01", true},
		{long, true},
		{long + "a", false},
		{"fc", false},
		{"-fc", false},
		{"fc-", false},
		{"FC-01", false},
		{"fc-ap-opapalias", false},
		{"fc-ap-ossalias", true},
	}
	for _, tc := range tests {
		if err := CheckObjectFCName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckObjectFCName(%q) = %v; want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestAliasIsAValidBucketName(t *testing.T) {
	form := regexp.MustCompile(`^([a-z0-9-]+)-([0-9a-f]{30})-(ossalias|opapalias)$`)
	tests := []struct {
		kind     Kind
		name     string
		wantName string // the name part of the alias
	}{
		{KindAccessPoint, "ap-01", "ap-01"},
		{KindAccessPoint, "a1b2c3d4e5f6g7h8i9j", "a1b2c3d4e5f6g7h8i9j"},
		{KindObjectFC, "fc-ap-01", "fc-ap-01"},
		{KindObjectFC, strings.Repeat("b", 22), strings.Repeat("b", 22)},
		{KindObjectFC, strings.Repeat("c", 23), strings.Repeat("c", 22)},
		{KindObjectFC, strings.Repeat("d", 63), strings.Repeat("d", 22)},
		{KindObjectFC, "abcdefghijklmnopqrstu-vwxyz", "abcdefghijklmnopqrstu"}, // the cut falls on a hyphen
	}
	for _, tc := range tests {
		alias := Alias("1234567890123456", "cn-hangzhou", tc.kind, tc.name)
		if !store.ValidBucketName(alias) {
			t.Errorf("Alias(%q) = %q is not a valid bucket name", tc.name, alias)
		}
		m := form.FindStringSubmatch(alias)
		if m == nil {
			t.Errorf("Alias(%q) = %q does not have the form <name>-<30 hex>-<suffix>", tc.name, alias)
			continue
		}
		if m[1] != tc.wantName {
			t.Errorf("Alias(%q) name part = %q, want %q", tc.name, m[1], tc.wantName)
		}
		if !IsAlias(alias) {
			t.Errorf("IsAlias(%q) = false", alias)
		}
		if again := Alias("1234567890123456", "cn-hangzhou", tc.kind, tc.name); again != alias {
			t.Errorf("Alias is not deterministic: %q then %q", alias, again)
		}
	}
}

func TestAliasDiffersByInput(t *testing.T) {
	base := Alias("1234567890123456", "cn-hangzhou", KindObjectFC, strings.Repeat("x", 40))
	others := map[string]string{
		"account": Alias("6543210987654321", "cn-hangzhou", KindObjectFC, strings.Repeat("x", 40)),
		"region":  Alias("1234567890123456", "cn-beijing", KindObjectFC, strings.Repeat("x", 40)),
		"name":    Alias("1234567890123456", "cn-hangzhou", KindObjectFC, strings.Repeat("x", 41)), // same name part after the cut
	}
	for what, alias := range others {
		if alias == base {
			t.Errorf("a different %s gives the same alias %q", what, alias)
		}
	}
	plain := Alias("1234567890123456", "cn-hangzhou", KindAccessPoint, "ap-01")
	fc := Alias("1234567890123456", "cn-hangzhou", KindObjectFC, "ap-01")
	if plain[:len(plain)-len(AliasSuffix)] == fc[:len(fc)-len(ObjectFCAliasSuffix)] {
		t.Errorf("plain and Object FC aliases of one name share a hash: %q, %q", plain, fc)
	}
}

func TestIsAlias(t *testing.T) {
	for name, want := range map[string]bool{
		"ap-01-0123-ossalias":  true,
		"fc-01-0123-opapalias": true,
		"bucket":               false,
		"ossalias":             false,
		"my-ossalias-bucket":   false,
	} {
		if got := IsAlias(name); got != want {
			t.Errorf("IsAlias(%q) = %v, want %v", name, got, want)
		}
	}
}
