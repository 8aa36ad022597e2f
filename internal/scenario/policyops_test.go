package scenario

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// noSuchBucketPolicy is the error of GetBucketPolicy on a bucket without
// a policy.
var noSuchBucketPolicy = outcome{http.StatusNotFound, "NoSuchBucketPolicy", "0015-00000401", "does not exist"}

// malformedPolicy is the error of PutBucketPolicy with an invalid document.
// OSS's error-code pages list the EC values: 0030-00000002 for a Version
// other than "1", 0030-00000004 for text that is not UTF-8, and
// 0030-00000005 for other syntax faults.
func malformedPolicy(ec, fault string) outcome {
	return outcome{http.StatusBadRequest, "MalformedPolicy", ec, fault}
}

// bucketPolicyOperations checks PutBucketPolicy, GetBucketPolicy,
// DeleteBucketPolicy and GetBucketPolicyStatus on bucket policy-ops.
func (s *suite) bucketPolicyOperations(t *testing.T) {
	a := s.ids["A"]
	owner := s.clients["owner"]
	s.putBucket(t, "policy-ops")
	bucket := oss.Ptr("policy-ops")

	put := func(c *oss.Client, doc string) error {
		_, err := c.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: bucket, Body: strings.NewReader(doc)})
		return err
	}
	wantStored := func(what, want string) {
		t.Helper()
		res, err := owner.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: bucket})
		if err != nil {
			t.Errorf("%s: GetBucketPolicy: %v", what, err)
			return
		}
		if res.Body != want {
			t.Errorf("%s: GetBucketPolicy returned %q; want the bytes put, %q", what, res.Body, want)
		}
	}
	wantPublic := func(what string, want bool) {
		t.Helper()
		res, err := owner.GetBucketPolicyStatus(ctx, &oss.GetBucketPolicyStatusRequest{Bucket: bucket})
		if err != nil || res.PolicyStatus == nil || oss.ToBool(res.PolicyStatus.IsPublic) != want {
			t.Errorf("%s: GetBucketPolicyStatus = %+v, %v; want IsPublic %v", what, res, err, want)
		}
	}

	_, err := owner.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: bucket})
	noSuchBucketPolicy.check(t, "GetBucketPolicy before any PutBucketPolicy", err)
	wantPublic("no policy", false)

	// The document is stored byte for byte: spacing, member order and
	// escapes stay, and a principal UID that belongs to no account is
	// accepted.
	doc := "{ \"Statement\" : [ {\"Resource\":[\"acs:oss:*:" + a + ":policy-ops/*\"],\n" +
		"\t\"Principal\":[\"9999999999999999\"], \"Effect\":\"Allow\",\"Action\":[\"oss:Get\\u004fbject\"] } ],\n  \"Version\":\"1\" }\n"
	if err := put(owner, doc); err != nil {
		t.Fatalf("PutBucketPolicy with an unknown principal UID: %v", err)
	}
	wantStored("policy with odd spacing", doc)
	wantPublic("policy naming one UID", false)

	// A malformed document is rejected with a message that names the
	// fault, and the stored policy stays.
	object := `"Resource":"acs:oss:*:` + a + `:policy-ops/*"`
	malformed := []struct {
		name, doc string
		want      outcome
	}{
		{"truncated JSON", `{"Version":"1","Statement":[`, malformedPolicy("0030-00000005", "JSON")},
		{"Effect Perhaps", policyDoc(`{"Effect":"Perhaps","Action":"oss:GetObject","Principal":["*"],` + object + `}`),
			malformedPolicy("0030-00000005", "Effect")},
		{"no Principal", policyDoc(`{"Effect":"Allow","Action":"oss:GetObject",` + object + `}`),
			malformedPolicy("0030-00000005", "Principal")},
		{"misspelt Statement", `{"Version":"1","Statment":[]}`, malformedPolicy("0030-00000005", "Statment")},
		{"unknown condition operator", policyDoc(`{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],` + object +
			`,"Condition":{"StringEqualz":{"acs:SourceIp":"127.0.0.1"}}}`), malformedPolicy("0030-00000005", "StringEqualz")},
		{"Version 1 as a number", `{"Version":1,"Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],` + object + `}]}`,
			malformedPolicy("0030-00000005", "Version")},
		{"not UTF-8", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":["` + "\xff" + `"],` + object + `}]}`,
			malformedPolicy("0030-00000004", "UTF-8")},
		{"Version 2", `{"Version":"2","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],` + object + `}]}`,
			malformedPolicy("0030-00000002", "Version")},
	}
	for _, m := range malformed {
		m.want.check(t, "PutBucketPolicy "+m.name, put(owner, m.doc))
	}
	wantStored("after the malformed documents", doc)

	// A policy with Principal "*" makes the bucket public.
	public := policyDoc(`{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],` + object + `}`)
	if err := put(owner, public); err != nil {
		t.Fatalf("PutBucketPolicy with Principal *: %v", err)
	}
	wantStored("public policy", public)
	wantPublic("public policy", true)

	// A RAM user without policies may not read, change or delete it.
	unprivileged := s.clients["unprivileged"]
	_, err = unprivileged.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: bucket})
	denied(notAllowed).check(t, "unprivileged GetBucketPolicy", err)
	denied(notAllowed).check(t, "unprivileged PutBucketPolicy", put(unprivileged, doc))
	_, err = unprivileged.DeleteBucketPolicy(ctx, &oss.DeleteBucketPolicyRequest{Bucket: bucket})
	denied(notAllowed).check(t, "unprivileged DeleteBucketPolicy", err)
	_, err = unprivileged.GetBucketPolicyStatus(ctx, &oss.GetBucketPolicyStatusRequest{Bucket: bucket})
	denied(notAllowed).check(t, "unprivileged GetBucketPolicyStatus", err)

	// Deleting removes it; deleting again succeeds.
	for i := range 2 {
		if _, err := owner.DeleteBucketPolicy(ctx, &oss.DeleteBucketPolicyRequest{Bucket: bucket}); err != nil {
			t.Errorf("DeleteBucketPolicy #%d: %v", i+1, err)
		}
	}
	_, err = owner.GetBucketPolicy(ctx, &oss.GetBucketPolicyRequest{Bucket: bucket})
	noSuchBucketPolicy.check(t, "GetBucketPolicy after DeleteBucketPolicy", err)
	wantPublic("deleted policy", false)
}
