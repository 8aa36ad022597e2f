package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/testenv"
)

var (
	newKeyIDPattern     = regexp.MustCompile(`<code id="new-key-id">([^<]+)</code>`)
	newKeySecretPattern = regexp.MustCompile(`<code id="new-key-secret">([^<]+)</code>`)
	keyRowPattern       = regexp.MustCompile(`/keys/([^/"]+)/delete"`)
)

// keyIDs returns the access key ids listed on a user's page.
func keyIDs(page string) []string {
	var ids []string
	for _, m := range keyRowPattern.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestCreateAccessKeyShowsSecretOnce(t *testing.T) {
	env := testenv.Start(t)
	b := newBrowser(t, env.ConsoleURL)
	csrf := b.signIn(env.AccessKeyID, env.AccessKeySecret)

	resp, _ := b.postForm("/ram/users", url.Values{"csrf_token": {csrf}, "userName": {"alice"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create user alice returned %s, want 303", resp.Status)
	}

	// The POST creates the key and responds with a redirect, not the secret.
	resp, body := b.postForm("/ram/users/alice/keys", url.Values{"csrf_token": {csrf}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create access key returned %s, want 303", resp.Status)
	}
	if got := resp.Header.Get("Location"); got != "/ram/users/alice" {
		t.Errorf("create access key redirects to %q, want /ram/users/alice", got)
	}
	if strings.Contains(body, "new-key-secret") {
		t.Error("the response to the POST carries the secret")
	}

	// A page opened in between, as in another tab, leaves the secret for
	// the user's page.
	if _, page := b.get("/buckets"); strings.Contains(page, "new-key") {
		t.Error("the bucket list shows the new key")
	}

	// The page the redirect leads to shows the secret, uncached.
	resp, page := b.get("/ram/users/alice")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("user page after creating a key returned %s, want 200", resp.Status)
	}
	if got := resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("user page with the secret has Cache-Control %q, want no-store", got)
	}
	keyID := match(t, newKeyIDPattern, page)
	secret := match(t, newKeySecretPattern, page)
	if ids := keyIDs(page); len(ids) != 1 || ids[0] != keyID {
		t.Errorf("user page lists keys %v, want only the new key %s", ids, keyID)
	}

	// Reloading the page shows no secret and creates no key.
	resp, page = b.get("/ram/users/alice")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reloaded user page returned %s, want 200", resp.Status)
	}
	if strings.Contains(page, secret) {
		t.Error("the reloaded user page shows the secret again")
	}
	if strings.Contains(page, `id="new-key"`) {
		t.Error("the reloaded user page shows the new-key box")
	}
	if ids := keyIDs(page); len(ids) != 1 || ids[0] != keyID {
		t.Errorf("reloaded user page lists keys %v, want only %s", ids, keyID)
	}

	// The secret works: it signs the user in.
	alice := newBrowser(t, env.ConsoleURL)
	alice.signIn(keyID, secret)
}
