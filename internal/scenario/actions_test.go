package scenario

import (
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/ram/ramapi"
)

// versionAndTaggingActions checks that a request on one object version is
// authorized as that version's RAM action (oss:GetObjectVersion,
// oss:DeleteObjectVersion, ...), and that an upload that sets tags also
// needs oss:PutObjectTagging. User versioner may get, put, delete and list
// in bucket versions but holds no version or tagging action.
func (s *suite) versionAndTaggingActions(t *testing.T) {
	a := s.ids["A"]
	owner := s.clients["owner"]
	s.putBucket(t, "versions")
	if _, err := owner.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: oss.Ptr("versions"),
		VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled}}); err != nil {
		t.Fatal(err)
	}
	put, err := owner.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"),
		Body: strings.NewReader("first")})
	if err != nil {
		t.Fatal(err)
	}
	v1 := oss.ToString(put.VersionId)
	s.createUser(t, s.admin("owner"), "versioner", policyDoc(
		`{"Effect":"Allow","Action":["oss:GetObject","oss:PutObject","oss:DeleteObject","oss:ListObjects","oss:GetObjectAcl"],`+
			`"Resource":["acs:oss:*:`+a+`:versions","acs:oss:*:`+a+`:versions/*"]}`))
	c := s.clients["versioner"]

	getVersion := func(version string) error {
		res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(version)})
		if err == nil {
			res.Body.Close()
		}
		return err
	}
	versionDenied := func(action string) outcome {
		o := denied(notAllowed)
		o.message = action
		return o
	}

	allowed.check(t, "versioner GetObject of the current version", getObject.call(c, "versions", "k"))
	versionDenied("oss:GetObjectVersion").check(t, "versioner GetObject with versionId", getVersion(v1))
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(v1)})
	if err == nil {
		t.Error("versioner HeadObject with versionId succeeded; want 403 for oss:GetObjectVersion")
	}
	_, err = c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(v1)})
	versionDenied("oss:GetObjectVersionAcl").check(t, "versioner GetObjectAcl with versionId", err)

	_, err = c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(v1)})
	versionDenied("oss:DeleteObjectVersion").check(t, "versioner DeleteObject with versionId", err)
	_, err = c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{Bucket: oss.Ptr("versions"),
		Objects: []oss.DeleteObject{{Key: oss.Ptr("k"), VersionId: oss.Ptr(v1)}}})
	versionDenied("oss:DeleteObjectVersion").check(t, "versioner DeleteMultipleObjects with a versionId", err)
	if err := getVersionAsOwner(owner, v1); err != nil {
		t.Errorf("version %s is gone after the denied deletes: %v", v1, err)
	}

	_, err = c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("tagged"),
		Tagging: oss.Ptr("team=blue"), Body: strings.NewReader("x")})
	versionDenied("oss:PutObjectTagging").check(t, "versioner PutObject with x-oss-tagging", err)
	allowed.check(t, "versioner PutObject without tags", putObject.call(c, "versions", "untagged"))

	// Granting the version actions lets the same calls through.
	if _, err := s.admin("owner").CreatePolicy(ctx, ramapi.CreatePolicyInput{PolicyName: "versioner-versions", PolicyDocument: policyDoc(
		`{"Effect":"Allow","Action":["oss:GetObjectVersion","oss:DeleteObjectVersion","oss:PutObjectTagging"],` +
			`"Resource":"acs:oss:*:` + a + `:versions/*"}`)}); err != nil {
		t.Fatal(err)
	}
	if err := s.admin("owner").AttachPolicy(ctx, "versioner-versions", ramapi.AttachPolicyInput{UserName: "versioner"}); err != nil {
		t.Fatal(err)
	}
	allowed.check(t, "versioner GetObject with versionId after the grant", getVersion(v1))
	_, err = c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("tagged"),
		Tagging: oss.Ptr("team=blue"), Body: strings.NewReader("x")})
	allowed.check(t, "versioner PutObject with x-oss-tagging after the grant", err)
	_, err = c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(v1)})
	allowed.check(t, "versioner DeleteObject with versionId after the grant", err)
}

func getVersionAsOwner(owner *oss.Client, version string) error {
	res, err := owner.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("versions"), Key: oss.Ptr("k"), VersionId: oss.Ptr(version)})
	if err == nil {
		res.Body.Close()
	}
	return err
}
