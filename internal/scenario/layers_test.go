package scenario

import (
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// identityAndBucketPolicies checks identity policies and the bucket policy
// of bucket layers, alone and against each other. Its bucket policy lets
// unprivileged read public/* and reader read data/denied.txt (which
// reader's own policy denies). It denies everyone locked/* and the owner's
// UID owner-locked/*.
func (s *suite) identityAndBucketPolicies(t *testing.T) {
	a := s.ids["A"]
	s.putBucket(t, "layers", "data/a.txt", "data/denied.txt", "public/p.txt", "locked/l.txt", "owner-locked/l.txt")
	s.putBucketPolicy(t, "layers", policyDoc(
		`{"Effect":"Allow","Action":"oss:GetObject","Principal":["`+s.ids["unprivileged"]+`"],"Resource":"acs:oss:*:`+a+`:layers/public/*"}`,
		`{"Effect":"Allow","Action":"oss:GetObject","Principal":["`+s.ids["reader"]+`"],"Resource":"acs:oss:*:`+a+`:layers/data/denied.txt"}`,
		`{"Effect":"Deny","Action":["oss:GetObject","oss:PutObject"],"Principal":["*"],"Resource":"acs:oss:*:`+a+`:layers/locked/*"}`,
		`{"Effect":"Deny","Action":["oss:GetObject","oss:PutObject"],"Principal":["`+a+`"],"Resource":"acs:oss:*:`+a+`:layers/owner-locked/*"}`))

	s.run(t, []check{
		// The owner needs no policy. A Deny binds it when it names the
		// owner's UID, but not through an unconditional Principal "*", as
		// OSS documents for bucket policies, so the owner cannot lock
		// itself out.
		{"owner", getObject, "layers", "data/a.txt", allowed},
		{"owner", putObject, "layers", "data/by-owner.txt", allowed},
		{"owner", getObject, "layers", "owner-locked/l.txt", denied(bucketPolicyDenies)},
		{"owner", putObject, "layers", "owner-locked/by-owner.txt", denied(bucketPolicyDenies)},
		{"owner", getObject, "layers", "locked/l.txt", allowed},

		// Identity policy: Allow, the same policy's Deny over its Allow,
		// its Deny over the bucket policy's Allow, and the bucket policy's
		// Deny over its Allow.
		{"reader", getObject, "layers", "data/a.txt", allowed},
		{"reader", listObjects("", ""), "layers", "", allowed},
		{"reader", getObject, "layers", "data/denied.txt", denied(identityDenies)},
		{"reader", getObject, "layers", "locked/l.txt", denied(bucketPolicyDenies)},
		{"reader", putObject, "layers", "data/by-reader.txt", denied(notAllowed)},

		// A user without policies gets only what the bucket policy grants.
		{"unprivileged", getObject, "layers", "public/p.txt", allowed},
		{"unprivileged", getObject, "layers", "data/a.txt", denied(notAllowed)},
		{"unprivileged", putObject, "layers", "public/by-unprivileged.txt", denied(notAllowed)},
		{"unprivileged", listObjects("", ""), "layers", "", denied(notAllowed)},

		// A statement naming a user grants nothing to anonymous callers.
		{"anonymous", getObject, "layers", "public/p.txt", denied(notAllowed)},
	})
}

// sessionPolicies checks temporary credentials of role worker (full OSS
// access): without a session policy, with one that allows only
// layers/public/*, and with one that denies PutObject.
func (s *suite) sessionPolicies(t *testing.T) {
	s.run(t, []check{
		{"session", getObject, "layers", "data/a.txt", allowed},
		{"session", putObject, "layers", "data/by-session.txt", allowed},
		{"session", getObject, "layers", "locked/l.txt", denied(bucketPolicyDenies)},

		{"session-narrow", getObject, "layers", "public/p.txt", allowed},
		{"session-narrow", getObject, "layers", "data/a.txt", denied(sessionNotAllowed)},
		{"session-narrow", putObject, "layers", "public/by-session.txt", denied(sessionNotAllowed)},
		{"session-narrow", getObject, "layers", "locked/l.txt", denied(bucketPolicyDenies)},

		{"session-deny", getObject, "layers", "data/a.txt", allowed},
		{"session-deny", putObject, "layers", "data/by-session.txt", denied(sessionDenies)},
	})
}

// crossAccount checks account B against bucket partner-share of account A,
// whose bucket policy names B's UID: that names B's root only, and B's own
// identity policies grant nothing on A's resources.
func (s *suite) crossAccount(t *testing.T) {
	a, b := s.ids["A"], s.ids["B"]
	s.putBucket(t, "partner-share", "doc.txt", "private/p.txt")
	s.putBucketPolicy(t, "partner-share", policyDoc(
		`{"Effect":"Allow","Action":["oss:GetObject","oss:ListObjects"],"Principal":["`+b+`"],"Resource":["acs:oss:*:`+a+`:partner-share","acs:oss:*:`+a+`:partner-share/*"]}`,
		`{"Effect":"Deny","Action":"oss:GetObject","Principal":["`+b+`"],"Resource":"acs:oss:*:`+a+`:partner-share/private/*"}`))

	s.run(t, []check{
		{"partner", getObject, "partner-share", "doc.txt", allowed},
		{"partner", listObjects("", ""), "partner-share", "", allowed},
		{"partner", getObject, "partner-share", "private/p.txt", denied(bucketPolicyDenies)},
		{"partner", putObject, "partner-share", "by-partner.txt", denied(notAllowed)},
		{"partner", getObject, "layers", "data/a.txt", denied(notAllowed)},

		{"partner-user", getObject, "partner-share", "doc.txt", denied(notAllowed)},
		{"partner-user", getObject, "layers", "public/p.txt", denied(notAllowed)},
		{"partner-session", getObject, "partner-share", "doc.txt", denied(notAllowed)},

		// Account A's own users are not named by the policy either.
		{"unprivileged", getObject, "partner-share", "doc.txt", denied(notAllowed)},
	})
}

// acls checks public ACL grants, for anonymous callers and for a RAM user
// without policies: a public-read bucket with a private object, a private
// bucket with a public-read object, and a bucket policy with Principal "*".
func (s *suite) acls(t *testing.T) {
	a := s.ids["A"]
	owner := s.clients["owner"]
	s.putBucket(t, "acl-public", "open.txt", "closed.txt", "blocked/b.txt")
	s.putBucket(t, "acl-private", "shared.txt", "plain.txt")
	s.putBucket(t, "anon-policy", "pub/a.txt", "priv/b.txt")
	if _, err := owner.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("acl-public"), Acl: oss.BucketACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	objectACLs := []struct {
		bucket, key string
		acl         oss.ObjectACLType
	}{
		{"acl-public", "closed.txt", oss.ObjectACLPrivate},
		{"acl-private", "shared.txt", oss.ObjectACLPublicRead},
	}
	for _, o := range objectACLs {
		if _, err := owner.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr(o.bucket), Key: oss.Ptr(o.key), Acl: o.acl}); err != nil {
			t.Fatal(err)
		}
	}
	s.putBucketPolicy(t, "acl-public", policyDoc(
		`{"Effect":"Deny","Action":"oss:GetObject","Principal":["*"],"Resource":"acs:oss:*:`+a+`:acl-public/blocked/*"}`))
	s.putBucketPolicy(t, "anon-policy", policyDoc(
		`{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],"Resource":"acs:oss:*:`+a+`:anon-policy/pub/*"}`))

	s.run(t, []check{
		{"anonymous", getObject, "acl-public", "open.txt", allowed},
		{"anonymous", listObjects("", ""), "acl-public", "", allowed},
		{"anonymous", getObject, "acl-public", "closed.txt", denied(notAllowed)},
		{"anonymous", putObject, "acl-public", "by-anonymous.txt", denied(notAllowed)},
		{"anonymous", getObject, "acl-public", "blocked/b.txt", denied(bucketPolicyDenies)},
		{"unprivileged", getObject, "acl-public", "open.txt", allowed},
		{"unprivileged", putObject, "acl-public", "by-unprivileged.txt", denied(notAllowed)},

		{"anonymous", getObject, "acl-private", "shared.txt", allowed},
		{"anonymous", getObject, "acl-private", "plain.txt", denied(notAllowed)},
		{"anonymous", listObjects("", ""), "acl-private", "", denied(notAllowed)},
		{"unprivileged", getObject, "acl-private", "shared.txt", allowed},
		{"unprivileged", getObject, "acl-private", "plain.txt", denied(notAllowed)},

		{"anonymous", getObject, "anon-policy", "pub/a.txt", allowed},
		{"anonymous", getObject, "anon-policy", "priv/b.txt", denied(notAllowed)},
		{"unprivileged", getObject, "anon-policy", "pub/a.txt", allowed},
		{"partner", getObject, "anon-policy", "pub/a.txt", allowed},
	})
}

// blockPublicAccess turns Block Public Access on for the three buckets of
// acls, checks that every public grant stops working while the owner's
// access stays, and turns it off again.
func (s *suite) blockPublicAccess(t *testing.T) {
	owner := s.clients["owner"]
	buckets := []string{"acl-public", "acl-private", "anon-policy"}
	setBlock := func(on bool) {
		t.Helper()
		for _, b := range buckets {
			_, err := owner.PutBucketPublicAccessBlock(ctx, &oss.PutBucketPublicAccessBlockRequest{Bucket: oss.Ptr(b),
				PublicAccessBlockConfiguration: &oss.PublicAccessBlockConfiguration{BlockPublicAccess: oss.Ptr(on)}})
			if err != nil {
				t.Fatalf("PutBucketPublicAccessBlock %s %v: %v", b, on, err)
			}
		}
	}

	setBlock(true)
	s.run(t, []check{
		{"anonymous", getObject, "acl-public", "open.txt", denied(publicBlocked)},
		{"anonymous", listObjects("", ""), "acl-public", "", denied(publicBlocked)},
		{"unprivileged", getObject, "acl-public", "open.txt", denied(publicBlocked)},
		{"anonymous", getObject, "acl-private", "shared.txt", denied(publicBlocked)},
		{"unprivileged", getObject, "acl-private", "shared.txt", denied(publicBlocked)},
		{"anonymous", getObject, "anon-policy", "pub/a.txt", denied(publicBlocked)},
		{"unprivileged", getObject, "anon-policy", "pub/a.txt", denied(publicBlocked)},
		{"owner", getObject, "acl-public", "open.txt", allowed},
		{"owner", getObject, "anon-policy", "pub/a.txt", allowed},
	})

	// A new public policy is refused while the block is on; the one already
	// stored still reports public.
	public := policyDoc(`{"Effect":"Allow","Action":"oss:GetObject","Principal":["*"],"Resource":"acs:oss:*:` + s.ids["A"] + `:acl-private/*"}`)
	_, err := owner.PutBucketPolicy(ctx, &oss.PutBucketPolicyRequest{Bucket: oss.Ptr("acl-private"), Body: strings.NewReader(public)})
	denied("Block Public Access").check(t, "PutBucketPolicy with Principal * under Block Public Access", err)
	status, err := owner.GetBucketPolicyStatus(ctx, &oss.GetBucketPolicyStatusRequest{Bucket: oss.Ptr("anon-policy")})
	if err != nil || status.PolicyStatus == nil || !oss.ToBool(status.PolicyStatus.IsPublic) {
		t.Errorf("GetBucketPolicyStatus anon-policy under Block Public Access = %+v, %v; want IsPublic true", status, err)
	}

	setBlock(false)
	s.run(t, []check{
		{"anonymous", getObject, "acl-public", "open.txt", allowed},
		{"anonymous", getObject, "acl-private", "shared.txt", allowed},
		{"unprivileged", getObject, "anon-policy", "pub/a.txt", allowed},
	})
}
