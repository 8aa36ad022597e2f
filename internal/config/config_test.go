package config

import (
	"flag"
	"io"
	"net/netip"
	"os"
	"slices"
	"testing"
)

func TestListFlagsReplaceEnvironment(t *testing.T) {
	env := map[string]string{
		"OSSFC_DOMAIN":         "env-a.example.test,env-b.example.test",
		"OSSFC_CALLBACK_ALLOW": "env.example.test",
		"OSSFC_VPC_CIDR":       "10.0.0.0/8",
	}
	tests := []struct {
		name          string
		env           bool
		args          []string
		domains       []string
		callbackAllow []string
		vpcCIDRs      []string
	}{
		{
			name: "defaults only",
		},
		{
			name: "environment only", env: true,
			domains:       []string{"env-a.example.test", "env-b.example.test"},
			callbackAllow: []string{"env.example.test"},
			vpcCIDRs:      []string{"10.0.0.0/8"},
		},
		{
			name: "flags replace environment", env: true,
			args:          []string{"--domain", "flag.example.test", "--callback-allow", "flag.example.test:8080", "--vpc-cidr", "192.168.1.0/24"},
			domains:       []string{"flag.example.test"},
			callbackAllow: []string{"flag.example.test:8080"},
			vpcCIDRs:      []string{"192.168.1.0/24"},
		},
		{
			name: "repeated flags accumulate", env: true,
			args: []string{"--domain", "one.example.test", "--domain", "two.example.test,three.example.test",
				"--callback-allow", "a.example.test", "--callback-allow", "b.example.test",
				"--vpc-cidr", "192.168.1.0/24", "--vpc-cidr", "172.16.0.0/12"},
			domains:       []string{"one.example.test", "two.example.test", "three.example.test"},
			callbackAllow: []string{"a.example.test", "b.example.test"},
			vpcCIDRs:      []string{"192.168.1.0/24", "172.16.0.0/12"},
		},
		{
			name: "empty flag clears environment", env: true,
			args: []string{"--domain", "", "--callback-allow", "", "--vpc-cidr", ""},
		},
		{
			name: "one flag leaves other lists", env: true,
			args:          []string{"--callback-allow", "flag.example.test"},
			domains:       []string{"env-a.example.test", "env-b.example.test"},
			callbackAllow: []string{"flag.example.test"},
			vpcCIDRs:      []string{"10.0.0.0/8"},
		},
		{
			name:    "flags without environment",
			args:    []string{"--domain", "flag.example.test", "--vpc-cidr", "10.1.2.3/16"},
			domains: []string{"flag.example.test"},
			// The range is stored masked to its prefix length.
			vpcCIDRs: []string{"10.1.0.0/16"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for name, value := range env {
				t.Setenv(name, value) // restored when the test ends
				if !tc.env {
					os.Unsetenv(name)
				}
			}
			cfg := Default()
			fs := flag.NewFlagSet("ossfc server", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			cfg.RegisterFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatalf("parse %q: %v", tc.args, err)
			}

			if !slices.Equal(cfg.Domains, tc.domains) {
				t.Errorf("Domains = %q, want %q", cfg.Domains, tc.domains)
			}
			if !slices.Equal(cfg.CallbackAllow, tc.callbackAllow) {
				t.Errorf("CallbackAllow = %q, want %q", cfg.CallbackAllow, tc.callbackAllow)
			}
			var cidrs []string
			for _, p := range cfg.VPCCIDRs {
				cidrs = append(cidrs, p.String())
			}
			if !slices.Equal(cidrs, tc.vpcCIDRs) {
				t.Errorf("VPCCIDRs = %q, want %q", cidrs, tc.vpcCIDRs)
			}
		})
	}
}

func TestInvalidVPCCIDRFlag(t *testing.T) {
	t.Setenv("OSSFC_VPC_CIDR", "10.0.0.0/8")
	cfg := Default()
	fs := flag.NewFlagSet("ossfc server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	cfg.RegisterFlags(fs)
	if err := fs.Parse([]string{"--vpc-cidr", "10.0.0.0/33"}); err == nil {
		t.Errorf("--vpc-cidr 10.0.0.0/33 parsed without error; VPCCIDRs = %v", cfg.VPCCIDRs)
	}
	if slices.Contains(cfg.VPCCIDRs, netip.MustParsePrefix("10.0.0.0/8")) {
		t.Errorf("VPCCIDRs = %v still holds the environment's range after --vpc-cidr", cfg.VPCCIDRs)
	}
}
