package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/fc"
)

// accessPointPolicies checks the access point layer on bucket apbucket
// through the aliases of three internet access points. The policy of
// ap-one allows apuser and unprivileged on in/* and denies apuser
// in/deny/*, while ap-two and ap-three have none.
func (s *suite) accessPointPolicies(t *testing.T) {
	a, region := s.ids["A"], s.env.Region
	s.putBucket(t, "apbucket", "in/a.txt", "in/deny/x.txt", "out/b.txt",
		"arn/o.txt", "acct/o.txt", "acct-other/o.txt", "net/o.txt", "net-vpc/o.txt")
	owner := s.clients["owner"]
	for _, name := range []string{"ap-one", "ap-two", "ap-three"} {
		res, err := owner.CreateAccessPoint(ctx, &oss.CreateAccessPointRequest{Bucket: oss.Ptr("apbucket"),
			CreateAccessPointConfiguration: &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr(name), NetworkOrigin: oss.Ptr("internet")}})
		if err != nil {
			t.Fatalf("CreateAccessPoint %s: %v", name, err)
		}
		s.aliases[name] = oss.ToString(res.Alias)
	}
	resource := "acs:oss:" + region + ":" + a + ":accesspoint/ap-one/object/"
	_, err := owner.PutAccessPointPolicy(ctx, &oss.PutAccessPointPolicyRequest{Bucket: oss.Ptr("apbucket"), AccessPointName: oss.Ptr("ap-one"),
		Body: strings.NewReader(policyDoc(
			`{"Effect":"Allow","Action":"oss:GetObject","Principal":["`+s.ids["apuser"]+`","`+s.ids["unprivileged"]+`"],"Resource":"`+resource+`in/*"}`,
			`{"Effect":"Deny","Action":"oss:GetObject","Principal":["`+s.ids["apuser"]+`"],"Resource":"`+resource+`in/deny/*"}`))})
	if err != nil {
		t.Fatalf("PutAccessPointPolicy ap-one: %v", err)
	}

	one, two := s.aliases["ap-one"], s.aliases["ap-two"]
	s.run(t, []check{
		// Identity Allow and access point Allow; access point Deny over
		// identity Allow; identity Allow with no matching access point
		// statement is an implicit deny.
		{"apuser", getObject, one, "in/a.txt", allowed},
		{"apuser", getObject, one, "in/deny/x.txt", denied(accessPointDenies)},
		{"apuser", getObject, one, "out/b.txt", denied(accessPointNotAllowed)},
		{"session", getObject, one, "out/b.txt", denied(accessPointNotAllowed)},

		// Without an access point policy, or directly, the identity policy
		// alone decides.
		{"apuser", getObject, two, "out/b.txt", allowed},
		{"apuser", getObject, "apbucket", "out/b.txt", allowed},

		// An access point policy alone grants nothing.
		{"unprivileged", getObject, one, "in/a.txt", denied(notAllowed)},

		// The owner needs no statement; other callers get nothing through
		// an access point without a grant, and anonymous callers never.
		{"owner", getObject, one, "out/b.txt", allowed},
		{"partner", getObject, two, "out/b.txt", denied(notAllowed)},
		{"anonymous", getObject, two, "out/b.txt", anonymousNotSupported},
		{"anonymous", listObjects("", ""), two, "", anonymousNotSupported},
	})
}

// accessPointDelegationKeys checks the delegation condition keys in the
// bucket policy of apbucket. Each statement lets unprivileged read one
// prefix only when the request comes through an access point that matches.
func (s *suite) accessPointDelegationKeys(t *testing.T) {
	a, b, region := s.ids["A"], s.ids["B"], s.env.Region
	statement := func(prefix, key, value string) string {
		return `{"Effect":"Allow","Action":"oss:GetObject","Principal":["` + s.ids["unprivileged"] + `"],` +
			`"Resource":"acs:oss:*:` + a + `:apbucket/` + prefix + `/*",` +
			`"Condition":{"StringEquals":{"` + key + `":["` + value + `"]}}}`
	}
	// The access point ARN is written as Alibaba Cloud's access point guide
	// writes it, with "oss-" before the region id.
	s.putBucketPolicy(t, "apbucket", policyDoc(
		statement("arn", "oss:DataAccessPointArn", "acs:oss:oss-"+region+":"+a+":accesspoint/ap-two"),
		statement("acct", "oss:DataAccessPointAccount", a),
		statement("acct-other", "oss:DataAccessPointAccount", b),
		statement("net", "oss:AccessPointNetworkOrigin", "internet"),
		statement("net-vpc", "oss:AccessPointNetworkOrigin", "vpc"),
	))

	one, two, three := s.aliases["ap-one"], s.aliases["ap-two"], s.aliases["ap-three"]
	s.run(t, []check{
		{"unprivileged", getObject, two, "arn/o.txt", allowed},
		{"unprivileged", getObject, three, "arn/o.txt", denied(notAllowed)},
		{"unprivileged", getObject, "apbucket", "arn/o.txt", denied(notAllowed)},

		{"unprivileged", getObject, three, "acct/o.txt", allowed},
		{"unprivileged", getObject, "apbucket", "acct/o.txt", denied(notAllowed)},
		{"unprivileged", getObject, two, "acct-other/o.txt", denied(notAllowed)},

		{"unprivileged", getObject, two, "net/o.txt", allowed},
		{"unprivileged", getObject, "apbucket", "net/o.txt", denied(notAllowed)},
		{"unprivileged", getObject, two, "net-vpc/o.txt", denied(notAllowed)},

		// The access point's own policy still has to allow.
		{"unprivileged", getObject, one, "net/o.txt", denied(accessPointNotAllowed)},
	})
}

// objectFCAccessPointPolicies checks the Object FC Access Point layer with
// fc-reveal, an Object FC Access Point over ap-two whose function returns
// the object together with every credential it was given. Its policy allows
// apuser and unprivileged on in/* and denies apuser in/deny/*.
func (s *suite) objectFCAccessPointPolicies(t *testing.T) {
	a, region := s.ids["A"], s.env.Region
	if _, err := s.admin("owner").QuickAuthorize(ctx); err != nil {
		t.Fatalf("QuickAuthorize: %v", err)
	}
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "README"), []byte("runs the scenario test binary\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := s.env.Server.Functions().CreateFunction(ctx, a, fc.FunctionSpec{
		Name: "reveal", Runtime: fc.RuntimeCustom, Command: []string{functionBinary}, TimeoutSeconds: 20,
		Environment: map[string]string{functionVar: "reveal"},
		Role:        "acs:ram::" + a + ":role/aliyunfcdefaultrole",
		Code:        &fc.Code{Dir: code},
	})
	if err != nil {
		t.Fatalf("deploy the reveal function: %v", err)
	}

	owner := s.clients["owner"]
	res, err := owner.CreateAccessPointForObjectProcess(ctx, &oss.CreateAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr("apbucket"), AccessPointForObjectProcessName: oss.Ptr("fc-reveal"),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr("ap-two"),
			ObjectProcessConfiguration: &oss.ObjectProcessConfiguration{
				TransformationConfigurations: &oss.TransformationConfigurations{TransformationConfigurations: []oss.TransformationConfiguration{{
					Actions: &oss.AccessPointActions{Actions: []string{"GetObject"}},
					ContentTransformation: &oss.ContentTransformation{FunctionCompute: &oss.ObjectProcessFunctionCompute{
						FunctionArn:           oss.Ptr("acs:fc:" + region + ":" + a + ":functions/reveal"),
						FunctionAssumeRoleArn: oss.Ptr("acs:ram::" + a + ":role/aliyunossobjectfcforossdefaultrole"),
					}},
				}}},
			},
		},
	})
	if err != nil {
		t.Fatalf("CreateAccessPointForObjectProcess: %v", err)
	}
	alias := oss.ToString(res.AccessPointForObjectProcessAlias)
	resource := "acs:oss:" + region + ":" + a + ":accesspointforobjectprocess/fc-reveal/object/"
	_, err = owner.PutAccessPointPolicyForObjectProcess(ctx, &oss.PutAccessPointPolicyForObjectProcessRequest{
		Bucket: oss.Ptr("apbucket"), AccessPointForObjectProcessName: oss.Ptr("fc-reveal"),
		Body: strings.NewReader(policyDoc(
			`{"Effect":"Allow","Action":"oss:GetObject","Principal":["`+s.ids["apuser"]+`","`+s.ids["unprivileged"]+`"],"Resource":"`+resource+`in/*"}`,
			`{"Effect":"Deny","Action":"oss:GetObject","Principal":["`+s.ids["apuser"]+`"],"Resource":"`+resource+`in/deny/*"}`))})
	if err != nil {
		t.Fatalf("PutAccessPointPolicyForObjectProcess: %v", err)
	}

	transformed := s.transformedGetObject("apbucket")
	s.run(t, []check{
		{"owner", transformed, alias, "in/a.txt", allowed},
		{"apuser", transformed, alias, "in/a.txt", allowed},
		{"apuser", getObject, alias, "in/deny/x.txt", denied(objectFCDenies)},
		{"apuser", getObject, alias, "out/b.txt", denied(objectFCNotAllowed)},
		{"session", getObject, alias, "in/a.txt", denied(objectFCNotAllowed)},
		{"unprivileged", getObject, alias, "in/a.txt", denied(notAllowed)},
		{"anonymous", getObject, alias, "in/a.txt", anonymousNotSupported},
	})
}

// transformedGetObject is GetObject through the fc-reveal alias: it checks
// that the function read the object of bucket, and notes the credentials
// the function was given for the secret scan.
func (s *suite) transformedGetObject(bucket string) operation {
	return operation{"GetObject (transformed)", func(c *oss.Client, alias, key string) error {
		res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(alias), Key: oss.Ptr(key)})
		if err != nil {
			return err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		var r revealed
		if err := json.Unmarshal(body, &r); err != nil {
			return fmt.Errorf("the function's answer %q is not a revealed document: %v", body, err)
		}
		s.notes.secret(r.AccessKeySecret, "AccessKeySecret of the function")
		s.notes.secret(r.SecurityToken, "SecurityToken of the function")
		s.notes.secret(r.OutputToken, "outputToken of the function")
		notePresigned(s.notes, presignedQuery(r.InputOssURL), "inputOssUrl")
		if want := contentOf(bucket, key); r.Object != want {
			return fmt.Errorf("the function read %q through inputOssUrl; want %q", r.Object, want)
		}
		if r.AccessKeySecret == "" || r.SecurityToken == "" || r.OutputToken == "" {
			return fmt.Errorf("the function was not given credentials and an outputToken: %+v", r)
		}
		return nil
	}}
}
