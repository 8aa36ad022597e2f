package scenario

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/adminclient"
	"github.com/ossfc/ossfc/internal/config"
	"github.com/ossfc/ossfc/internal/ram/ramapi"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
	"github.com/ossfc/ossfc/internal/testenv"
)

var ctx = context.Background()

// TestRAMScenarios runs every scenario against one server, in order: the
// credential scenarios delete and disable principals, and the secret scan
// reads what all the others left in the log.
func TestRAMScenarios(t *testing.T) {
	s := newSuite(t)
	steps := []struct {
		name string
		run  func(*testing.T)
	}{
		{"AdminAPI", s.adminAPI},
		{"BucketPolicyOperations", s.bucketPolicyOperations},
		{"IdentityAndBucketPolicies", s.identityAndBucketPolicies},
		{"SessionPolicies", s.sessionPolicies},
		{"CrossAccount", s.crossAccount},
		{"ACLs", s.acls},
		{"BlockPublicAccess", s.blockPublicAccess},
		{"ConditionKeys", s.conditionKeys},
		{"AccessPointPolicies", s.accessPointPolicies},
		{"AccessPointDelegationKeys", s.accessPointDelegationKeys},
		{"ObjectFCAccessPointPolicies", s.objectFCAccessPointPolicies},
		{"VersionAndTaggingActions", s.versionAndTaggingActions},
		{"PresignedURLs", s.presignedURLs},
		{"AdminCLI", s.adminCLI},
		{"AuthenticationFailures", s.authenticationFailures},
		{"ExpiredCredentials", s.expiredCredentials},
		{"DisabledAndRevokedCredentials", s.disabledAndRevokedCredentials},
		{"DisabledAccount", s.disabledAccount},
		{"NoSecretsInLogsOrErrorBodies", s.noSecretsInLogsOrErrorBodies},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) && step.name == "AdminAPI" {
			t.Fatal("the principals could not be set up; later scenarios would only repeat that failure")
		}
	}
}

// serverClock is the server's clock: real time plus an offset that the
// expiry scenario moves forward and back.
type serverClock struct{ offset atomic.Int64 }

func (c *serverClock) Now() time.Time { return time.Now().Add(time.Duration(c.offset.Load())) }

func (c *serverClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// credential is a key pair, with the security token of temporary
// credentials.
type credential struct {
	ID, Secret, Token string
}

// suite is the server, its principals and the resources the scenarios use.
type suite struct {
	t     *testing.T
	env   *testenv.Env
	clock *serverClock
	notes *notes

	apiHTTP   *http.Client // recording, dials the OSS API listener
	adminHTTP *http.Client // recording, for the console listener

	// creds and clients hold every principal by the name the tables use.
	creds   map[string]credential
	clients map[string]*oss.Client

	// ids holds the user ids, role ARNs and account ids the policies name.
	ids map[string]string

	// aliases holds the alias of each access point and Object FC Access
	// Point by name.
	aliases map[string]string
}

func newSuite(t *testing.T) *suite {
	clock := &serverClock{}
	env := testenv.Start(t, func(c *config.Config) { c.Now = clock.Now })
	n := &notes{secrets: map[string]string{}}

	adminTransport := &http.Transport{}
	t.Cleanup(adminTransport.CloseIdleConnections)
	s := &suite{
		t: t, env: env, clock: clock, notes: n,
		apiHTTP:   &http.Client{Transport: n.transport(env.HTTPClient().Transport)},
		adminHTTP: &http.Client{Transport: n.transport(adminTransport)},
		creds:     map[string]credential{},
		clients:   map[string]*oss.Client{},
		ids:       map[string]string{},
		aliases:   map[string]string{},
	}
	s.addPrincipal("owner", credential{ID: env.AccessKeyID, Secret: env.AccessKeySecret})
	s.clients["anonymous"] = s.sdk(testenv.Anonymous)
	s.ids["A"] = env.AccountID
	return s
}

// sdk returns a path-style V4 client that records its traffic and does not
// retry, with opts applied.
func (s *suite) sdk(opts ...testenv.ClientOption) *oss.Client {
	all := append([]testenv.ClientOption{testenv.NoRetry}, opts...)
	all = append(all, func(c *oss.Config) { c.WithHttpClient(s.apiHTTP) })
	return s.env.Client(all...)
}

// addPrincipal registers a principal's credentials under name, notes its
// secret and token for the scan, and builds its SDK client.
func (s *suite) addPrincipal(name string, c credential) {
	s.creds[name] = c
	s.notes.secret(c.Secret, "AccessKeySecret of "+name)
	s.notes.secret(c.Token, "SecurityToken of "+name)
	s.clients[name] = s.sdk(testenv.WithKey(c.ID, c.Secret, c.Token))
}

// admin returns an admin API client signing as principal name.
func (s *suite) admin(name string) *ramclient.Client {
	c, ok := s.creds[name]
	if !ok {
		s.t.Fatalf("no principal %q", name)
	}
	return s.adminAs(c)
}

// adminAs returns a recording admin API client that signs with c.
func (s *suite) adminAs(c credential) *ramclient.Client {
	cfg := adminclient.Config{URL: s.env.ConsoleURL, Region: s.env.Region,
		AccessKeyID: c.ID, AccessKeySecret: c.Secret, SecurityToken: c.Token}
	return ramclient.New(cfg.URL+"/admin/ram", s.adminHTTP, cfg.Sign)
}

// createUser creates RAM user name through admin's account with an access
// key and one custom policy per document, and registers it as a principal.
func (s *suite) createUser(t *testing.T, admin *ramclient.Client, name string, documents ...string) {
	t.Helper()
	u, err := admin.CreateUser(ctx, ramapi.CreateUserInput{UserName: name})
	if err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	k, err := admin.CreateAccessKey(ctx, name)
	if err != nil {
		t.Fatalf("CreateAccessKey for %s: %v", name, err)
	}
	for i, doc := range documents {
		policyName := name + "-policy-" + string(rune('a'+i))
		if _, err := admin.CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: policyName, PolicyDocument: doc}); err != nil {
			t.Fatalf("CreatePolicy %s: %v", policyName, err)
		}
		if err := admin.AttachPolicy(ctx, policyName, ramapi.AttachPolicyInput{UserName: name}); err != nil {
			t.Fatalf("AttachPolicy %s to %s: %v", policyName, name, err)
		}
	}
	s.ids[name] = u.UserID
	s.addPrincipal(name, credential{ID: k.AccessKeyID, Secret: k.AccessKeySecret})
}

// assumeRole obtains temporary credentials of roleArn through admin and
// registers them as principal name.
func (s *suite) assumeRole(t *testing.T, admin *ramclient.Client, name, roleArn, sessionPolicy string, seconds int) {
	t.Helper()
	out, err := admin.AssumeRole(ctx, ramapi.AssumeRoleInput{RoleArn: roleArn, RoleSessionName: name,
		Policy: sessionPolicy, DurationSeconds: seconds})
	if err != nil {
		t.Fatalf("AssumeRole %s as %s: %v", roleArn, name, err)
	}
	c := out.Credentials
	if !strings.HasPrefix(c.AccessKeyID, "STS.") || c.SecurityToken == "" {
		t.Fatalf("AssumeRole %s: credentials %s without the STS. prefix or a token", roleArn, c.AccessKeyID)
	}
	s.addPrincipal(name, credential{ID: c.AccessKeyID, Secret: c.AccessKeySecret, Token: c.SecurityToken})
}

// policyDoc joins statements into a policy document.
func policyDoc(statements ...string) string {
	return `{"Version":"1","Statement":[` + strings.Join(statements, ",") + `]}`
}

// Operations of the tables.

// operation is one SDK call on a bucket (or alias) and key.
type operation struct {
	name string
	call func(c *oss.Client, bucket, key string) error
}

var getObject = operation{"GetObject", func(c *oss.Client, bucket, key string) error {
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key)})
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	return err
}}

var putObject = operation{"PutObject", func(c *oss.Client, bucket, key string) error {
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
		Body: strings.NewReader("written by a scenario")})
	return err
}}

// listObjects lists with prefix and delimiter; an empty value is not sent.
func listObjects(prefix, delimiter string) operation {
	return operation{"ListObjects(" + prefix + "," + delimiter + ")", func(c *oss.Client, bucket, _ string) error {
		req := &oss.ListObjectsRequest{Bucket: oss.Ptr(bucket)}
		if prefix != "" {
			req.Prefix = oss.Ptr(prefix)
		}
		if delimiter != "" {
			req.Delimiter = oss.Ptr(delimiter)
		}
		_, err := c.ListObjects(ctx, req)
		return err
	}}
}

// listObjectsV2 is listObjects with ListObjectsV2, which RAM also
// authorizes as oss:ListObjects.
func listObjectsV2(prefix, delimiter string) operation {
	return operation{"ListObjectsV2(" + prefix + "," + delimiter + ")", func(c *oss.Client, bucket, _ string) error {
		req := &oss.ListObjectsV2Request{Bucket: oss.Ptr(bucket)}
		if prefix != "" {
			req.Prefix = oss.Ptr(prefix)
		}
		if delimiter != "" {
			req.Delimiter = oss.Ptr(delimiter)
		}
		_, err := c.ListObjectsV2(ctx, req)
		return err
	}}
}

// Expected results.

// outcome is the expected result of a call: success (the zero value) or an
// OSS error with status, code, EC and a fragment of the message.
type outcome struct {
	status  int
	code    string
	ec      string
	message string
}

var allowed = outcome{}

// The reasons AccessDenied messages give, one per layer and case.
const (
	notAllowed            = "no identity policy, bucket policy or ACL allows it"
	publicBlocked         = "Block Public Access turns those off"
	identityDenies        = "the identity policy denies it explicitly"
	sessionDenies         = "the session policy denies it explicitly"
	sessionNotAllowed     = "the session policy of the temporary credentials does not allow it"
	bucketPolicyDenies    = "the bucket policy denies it explicitly"
	accessPointDenies     = "the access point policy denies it explicitly"
	accessPointNotAllowed = "the access point policy does not allow it"
	objectFCDenies        = "the Object FC Access Point policy denies it explicitly"
	objectFCNotAllowed    = "the Object FC Access Point policy does not allow it"
)

// denied is the AccessDenied of a policy decision, with its reason.
func denied(reason string) outcome {
	return outcome{http.StatusForbidden, "AccessDenied", "0003-00000001", reason}
}

// anonymousNotSupported is the AccessDenied of an anonymous request through
// an access point or an Object FC Access Point.
var anonymousNotSupported = outcome{http.StatusForbidden, "AccessDenied", "0003-00001201", "Anonymous access"}

// check verifies err against o; what names the call in failures.
func (o outcome) check(t *testing.T, what string, err error) {
	t.Helper()
	if o.status == 0 {
		if err != nil {
			t.Errorf("%s: %v; want success", what, err)
		}
		return
	}
	var se *oss.ServiceError
	if !errors.As(err, &se) {
		t.Errorf("%s: got %v; want %d %s", what, err, o.status, o.code)
		return
	}
	if se.StatusCode != o.status {
		t.Errorf("%s: status %d; want %d (%s: %s)", what, se.StatusCode, o.status, se.Code, se.Message)
	}
	if se.Code != o.code {
		t.Errorf("%s: code %s; want %s (%s)", what, se.Code, o.code, se.Message)
	}
	if se.EC != o.ec {
		t.Errorf("%s: EC %q; want %q (%s)", what, se.EC, o.ec, se.Code)
	}
	if !strings.Contains(se.Message, o.message) {
		t.Errorf("%s: message %q; want it to contain %q", what, se.Message, o.message)
	}
}

// check is one row of a scenario table: who calls which operation on which
// bucket (or alias) and key, and what must happen.
type check struct {
	who    string
	op     operation
	bucket string
	key    string
	want   outcome
}

// run runs the rows of a table in order.
func (s *suite) run(t *testing.T, checks []check) {
	t.Helper()
	for _, c := range checks {
		client, ok := s.clients[c.who]
		if !ok {
			t.Fatalf("no principal %q", c.who)
		}
		what := c.who + " " + c.op.name + " " + c.bucket
		if c.key != "" {
			what += "/" + c.key
		}
		c.want.check(t, what, c.op.call(client, c.bucket, c.key))
	}
}

// wantAdminError checks an admin API error's status and code.
func wantAdminError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var ae *ramclient.Error
	if !errors.As(err, &ae) {
		t.Errorf("%s: got %v; want admin API error %d %s", what, err, status, code)
		return
	}
	if ae.StatusCode != status || ae.Code != code {
		t.Errorf("%s: got %d %s (%s); want %d %s", what, ae.StatusCode, ae.Code, ae.Message, status, code)
	}
}

// Setup helpers for buckets and objects, as the owner.

func (s *suite) putBucket(t *testing.T, bucket string, keys ...string) {
	t.Helper()
	owner := s.clients["owner"]
	if _, err := owner.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(bucket)}); err != nil {
		t.Fatalf("PutBucket %s: %v", bucket, err)
	}
	for _, key := range keys {
		_, err := owner.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
			Body: strings.NewReader(contentOf(bucket, key))})
		if err != nil {
			t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
		}
	}
}

// contentOf is the body of each object the setup writes.
func contentOf(bucket, key string) string { return "content of " + bucket + "/" + key }

func (s *suite) putBucketPolicy(t *testing.T, bucket, doc string) {
	t.Helper()
	_, err := s.clients["owner"].PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr(bucket), Body: strings.NewReader(doc)})
	if err != nil {
		t.Fatalf("PutBucketPolicy %s: %v", bucket, err)
	}
}

// notes holds what the secret scan needs: every secret, security token
// and signature the run produced, and the body of every error response.
type notes struct {
	mu          sync.Mutex
	secrets     map[string]string // value -> what it is
	errorBodies []errorBody
}

// errorBody is the body of one error response, with the method, host and
// path of its request (never the query, which may be presigned).
type errorBody struct {
	request string
	body    []byte
}

// secret records value as a secret described by what; empty values are
// ignored.
func (n *notes) secret(value, what string) {
	if value == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.secrets[value]; !ok {
		n.secrets[value] = what
	}
}

// transport returns an http.RoundTripper over next that takes notes.
func (n *notes) transport(next http.RoundTripper) http.RoundTripper {
	return &recorder{notes: n, next: next}
}

// recorder is the http.RoundTripper of notes.transport.
type recorder struct {
	notes *notes
	next  http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	// What the request carries: the signature of the Authorization header
	// (V4 "..., Signature=<hex>", V1 "OSS <id>:<signature>"), a security
	// token header, and the query parameters of presigned URLs.
	target := req.Method + " " + req.URL.Host + req.URL.Path
	if a := req.Header.Get("Authorization"); a != "" {
		if _, sig, ok := strings.Cut(a, "Signature="); ok {
			r.notes.secret(sig, "V4 signature of "+target)
		} else if _, sig, ok := strings.Cut(strings.TrimPrefix(a, "OSS "), ":"); ok {
			r.notes.secret(sig, "V1 signature of "+target)
		}
	}
	r.notes.secret(req.Header.Get("x-oss-security-token"), "security token header of "+target)
	notePresigned(r.notes, req.URL.Query(), target)

	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 300 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.notes.mu.Lock()
	r.notes.errorBodies = append(r.notes.errorBodies, errorBody{request: target, body: body})
	r.notes.mu.Unlock()
	return resp, nil
}

// presignedParams are the query parameters that authenticate a presigned
// URL and must never be logged.
var presignedParams = []string{"Signature", "x-oss-signature", "security-token", "x-oss-security-token"}

// notePresigned records the authentication parameters of a presigned URL's
// query q.
func notePresigned(n *notes, q url.Values, target string) {
	for _, name := range presignedParams {
		n.secret(q.Get(name), name+" of a presigned "+target)
	}
}

// presignedQuery returns the query parameters of URL u.
func presignedQuery(u string) url.Values {
	parsed, err := url.Parse(u)
	if err != nil {
		return nil
	}
	return parsed.Query()
}
