package scenario

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramcli"
)

// adminCLI runs `ossfc admin` (ramcli.Main with a signed ramclient, as the
// ossfc binary does) for a user, its key and policy, a role, temporary
// credentials and quick authorization, then uses what it printed with the
// SDK.
func (s *suite) adminCLI(t *testing.T) {
	a := s.ids["A"]
	run := func(as string, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := ramcli.Main(ctx, args, s.admin(as), &stdout, &stderr); code != 0 {
			t.Fatalf("ossfc admin %s as %s: exit %d, stderr %q", strings.Join(args, " "), as, code, stderr.String())
		}
		return stdout.String()
	}

	out := run("owner", "user", "create", "cli-user")
	s.ids["cli-user"] = field(t, out, "UserId")

	// The secret is printed once, with a warning, and never listed.
	var stdout, stderr bytes.Buffer
	if code := ramcli.Main(ctx, []string{"key", "create", "--user", "cli-user"}, s.admin("owner"), &stdout, &stderr); code != 0 {
		t.Fatalf("key create: exit %d, stderr %q", code, stderr.String())
	}
	key := credential{ID: field(t, stdout.String(), "AccessKeyId"), Secret: field(t, stdout.String(), "AccessKeySecret")}
	if n := strings.Count(stdout.String(), key.Secret); n != 1 {
		t.Errorf("key create printed the secret %d times; want once", n)
	}
	if !strings.Contains(stderr.String(), "not shown again") {
		t.Errorf("key create does not warn that the secret is shown once: %q", stderr.String())
	}
	s.addPrincipal("cli-user", key)
	if out := run("owner", "key", "list", "--user", "cli-user"); !strings.Contains(out, key.ID) || strings.Contains(out, key.Secret) {
		t.Errorf("key list output %q; want the AccessKeyId without the secret", out)
	}

	// A policy that lets cli-user read layers/data/* and assume cli-role,
	// which may only read.
	run("owner", "policy", "create", "cli-read", "--document", policyDoc(
		`{"Effect":"Allow","Action":"oss:GetObject","Resource":"acs:oss:*:*:layers/data/*"}`,
		`{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"acs:ram::`+a+`:role/cli-role"}`))
	run("owner", "policy", "attach", "cli-read", "--user", "cli-user")
	roleArn := field(t, run("owner", "role", "create", "cli-role", "--trust-account", a), "Arn")
	run("owner", "policy", "attach", "AliyunOSSReadOnlyAccess", "--type", "System", "--role", "cli-role")
	if out := run("cli-user", "whoami"); field(t, out, "IdentityType") != "RAMUser" {
		t.Errorf("whoami as cli-user: %q", out)
	}

	// cli-user mints temporary credentials of cli-role for itself.
	var minted ramapi.AssumeRoleOutput
	out = run("cli-user", "sts", "assume-role", "--role-arn", roleArn, "--session-name", "cli-session", "--duration", "900")
	if err := json.Unmarshal([]byte(out), &minted); err != nil {
		t.Fatalf("sts assume-role output %q: %v", out, err)
	}
	c := minted.Credentials
	s.addPrincipal("cli-session", credential{ID: c.AccessKeyID, Secret: c.AccessKeySecret, Token: c.SecurityToken})

	out = run("owner", "quick-authorize")
	for _, role := range []string{"AliyunFCDefaultRole", "AliyunOSSObjectFcForOSSDefaultRole"} {
		if !strings.Contains(out, role) {
			t.Errorf("quick-authorize output %q does not list %s", out, role)
		}
	}

	s.run(t, []check{
		{"cli-user", getObject, "layers", "data/a.txt", allowed},
		{"cli-user", putObject, "layers", "data/by-cli.txt", denied(notAllowed)},
		{"cli-session", getObject, "layers", "data/a.txt", allowed},
		{"cli-session", listObjects("", ""), "layers", "", allowed},
		{"cli-session", putObject, "layers", "data/by-cli.txt", denied(notAllowed)},
	})
}

// field returns the value of a "Name: value" line of out.
func field(t *testing.T, out, name string) string {
	t.Helper()
	for line := range strings.SplitSeq(out, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s line in %q", name, out)
	return ""
}
