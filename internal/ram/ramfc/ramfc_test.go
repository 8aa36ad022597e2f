package ramfc

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/meta/sqlite"
	"github.com/ossfc/ossfc/internal/ram"
)

func TestIssuerMintsFunctionCredentials(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "meta.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	svc, err := ram.New(ram.Config{Store: store.IAM(), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	const account = "1000000000000001"
	if err := svc.Bootstrap(ctx, account, "LTAIrootkeyramfc00001", "secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.QuickAuthorize(ctx, account); err != nil {
		t.Fatal(err)
	}
	issuer := Issuer{Service: svc}

	roleARN := "acs:ram::" + account + ":role/aliyunfcdefaultrole"
	c, err := issuer.AssumeRoleForFunction(ctx, account, roleARN, "fc-resize", 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.AccessKeyID, "STS.") || c.AccessKeySecret == "" || c.SecurityToken == "" {
		t.Errorf("credentials = %+v", c)
	}
	if left := time.Until(c.Expiration); left <= 0 || left > 90*time.Second {
		t.Errorf("credentials expire in %v, want within 90s", left)
	}
	p, _, err := svc.Authenticate(ctx, c.AccessKeyID, c.SecurityToken, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p.Service != ram.ServiceFC || p.RoleName != ram.FCDefaultRole || p.SessionName != "fc-resize" {
		t.Errorf("principal = %+v", p)
	}

	// The invocation role trusts OSS, not FC.
	_, err = issuer.AssumeRoleForFunction(ctx, account, "acs:ram::"+account+":role/"+ram.OSSObjectFCRole, "fc-resize", time.Minute)
	if err == nil || !strings.Contains(err.Error(), ram.OSSObjectFCRole) {
		t.Errorf("assume a role that does not trust FC: got %v, want an error naming the role", err)
	}
}
