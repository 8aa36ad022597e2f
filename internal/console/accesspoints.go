package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// accessPointRow is one access point in a list or a choice.
type accessPointRow struct {
	Name          string
	Bucket        string
	Alias         string
	Status        string
	NetworkOrigin string
}

// listAccessPoints returns every access point the principal may list,
// following continuation tokens.
func listAccessPoints(ctx context.Context, s *session) ([]accessPointRow, error) {
	var rows []accessPointRow
	req := &oss.ListAccessPointsRequest{MaxKeys: 1000}
	for {
		out, err := s.oss.ListAccessPoints(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, ap := range out.AccessPoints {
			rows = append(rows, accessPointRow{
				Name: oss.ToString(ap.AccessPointName), Bucket: oss.ToString(ap.Bucket), Alias: oss.ToString(ap.Alias),
				Status: oss.ToString(ap.Status), NetworkOrigin: oss.ToString(ap.NetworkOrigin),
			})
		}
		if !oss.ToBool(out.IsTruncated) || oss.ToString(out.NextContinuationToken) == "" {
			return rows, nil
		}
		req.ContinuationToken = out.NextContinuationToken
	}
}

// listBucketNames returns the names of the buckets the principal may list,
// for the bucket choice of a form.
func listBucketNames(ctx context.Context, s *session) ([]string, error) {
	var names []string
	p := s.oss.NewListBucketsPaginator(&oss.ListBucketsRequest{})
	for p.HasNext() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, b := range page.Buckets {
			names = append(names, oss.ToString(b.Name))
		}
	}
	return names, nil
}

type accessPointList struct {
	AccessPoints []accessPointRow
	Buckets      []string
}

// ListAccessPoints shows the access points and the form to create one.
func (c *Console) ListAccessPoints(w http.ResponseWriter, r *http.Request, s *session) error {
	d := &accessPointList{}
	p := page{Title: "Access points", Nav: "accesspoints", Data: d}
	aps, err := listAccessPoints(r.Context(), s)
	if err != nil {
		return c.renderResult(w, r, s, "accesspoints", p, err)
	}
	d.AccessPoints = aps
	d.Buckets, err = listBucketNames(r.Context(), s)
	c.renderPartial(w, r, s, "accesspoints", p, err)
	return nil
}

// CreateAccessPoint creates an access point on a bucket.
func (c *Console) CreateAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	name := strings.TrimSpace(r.PostFormValue("accessPointName"))
	bucket := r.PostFormValue("bucket")
	origin := r.PostFormValue("networkOrigin")
	if problem := accessPointNameProblem(name); problem != "" {
		c.redirectError(w, r, s, "/accesspoints", invalidInput(problem))
		return nil
	}
	if bucket == "" {
		c.redirectError(w, r, s, "/accesspoints", invalidInput("Choose the bucket the access point serves. Create a bucket first if you have none."))
		return nil
	}
	cfg := &oss.CreateAccessPointConfiguration{AccessPointName: oss.Ptr(name), NetworkOrigin: oss.Ptr(origin)}
	if origin == "vpc" {
		cfg.VpcConfiguration = &oss.AccessPointVpcConfiguration{VpcId: oss.Ptr(strings.TrimSpace(r.PostFormValue("vpcId")))}
	}
	_, err := s.oss.CreateAccessPoint(r.Context(), &oss.CreateAccessPointRequest{Bucket: oss.Ptr(bucket), CreateAccessPointConfiguration: cfg})
	if err != nil {
		c.redirectError(w, r, s, "/accesspoints", err)
		return nil
	}
	redirect(w, r, s, accessPointPage(bucket, name), "Access point "+name+" created. Its alias works wherever a bucket name does.")
	return nil
}

func accessPointPage(bucket, name string) string {
	return "/accesspoints/" + url.PathEscape(bucket) + "/" + url.PathEscape(name)
}

// accessPointDetail is the access point page's data.
type accessPointDetail struct {
	Name             string
	Bucket           string
	Arn              string
	Alias            string
	Status           string
	NetworkOrigin    string
	VpcID            string
	PublicEndpoint   string
	InternalEndpoint string
	CreationDate     string
	AccountID        string

	Policy        string
	HasPolicy     bool
	DefaultPolicy string
}

// GetAccessPoint shows an access point with its policy editor.
func (c *Console) GetAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	d := &accessPointDetail{Name: name, Bucket: bucket}
	p := page{Title: name, Nav: "accesspoints", Data: d}
	out, err := s.oss.GetAccessPoint(r.Context(), &oss.GetAccessPointRequest{Bucket: oss.Ptr(bucket), AccessPointName: oss.Ptr(name)})
	if err != nil {
		return c.renderResult(w, r, s, "accesspoint", p, err)
	}
	d.Arn, d.Alias, d.Status = oss.ToString(out.AccessPointArn), oss.ToString(out.Alias), oss.ToString(out.AccessPointStatus)
	d.NetworkOrigin, d.CreationDate, d.AccountID = oss.ToString(out.NetworkOrigin), oss.ToString(out.CreationDate), oss.ToString(out.AccountId)
	d.PublicEndpoint, d.InternalEndpoint = oss.ToString(out.PublicEndpoint), oss.ToString(out.InternalEndpoint)
	if out.VpcConfiguration != nil {
		d.VpcID = oss.ToString(out.VpcConfiguration.VpcId)
	}
	d.DefaultPolicy = defaultAccessPointPolicy(d.AccountID, d.Arn)

	policy, err := s.oss.GetAccessPointPolicy(r.Context(), &oss.GetAccessPointPolicyRequest{Bucket: oss.Ptr(bucket), AccessPointName: oss.Ptr(name)})
	switch {
	case err == nil:
		d.Policy, d.HasPolicy = indentJSON(policy.Body), true
	case serviceCode(err) == "NoSuchAccessPointPolicy":
		err = nil
	}
	c.renderPartial(w, r, s, "accesspoint", p, err)
	return nil
}

// defaultAccessPointPolicy is the policy editor's starting point: the
// account's own principals may read through the access point.
func defaultAccessPointPolicy(accountID, arn string) string {
	return indentJSON(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject","oss:ListObjects"],` +
		`"Principal":["` + accountID + `"],"Resource":["` + arn + `","` + arn + `/object/*"]}]}`)
}

// PutAccessPointPolicy saves an access point's policy.
func (c *Console) PutAccessPointPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	back := accessPointPage(bucket, name)
	doc := r.PostFormValue("policy")
	if err := checkJSON(doc, "The policy"); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	_, err := s.oss.PutAccessPointPolicy(r.Context(), &oss.PutAccessPointPolicyRequest{
		Bucket: oss.Ptr(bucket), AccessPointName: oss.Ptr(name), Body: strings.NewReader(doc)})
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Access point policy saved.")
	return nil
}

// DeleteAccessPointPolicy removes an access point's policy.
func (c *Console) DeleteAccessPointPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	back := accessPointPage(bucket, name)
	_, err := s.oss.DeleteAccessPointPolicy(r.Context(), &oss.DeleteAccessPointPolicyRequest{Bucket: oss.Ptr(bucket), AccessPointName: oss.Ptr(name)})
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Access point policy deleted.")
	return nil
}

// DeleteAccessPoint deletes an access point.
func (c *Console) DeleteAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	_, err := s.oss.DeleteAccessPoint(r.Context(), &oss.DeleteAccessPointRequest{Bucket: oss.Ptr(bucket), AccessPointName: oss.Ptr(name)})
	if err != nil {
		c.redirectError(w, r, s, accessPointPage(bucket, name), err)
		return nil
	}
	redirect(w, r, s, "/accesspoints", "Access point "+name+" deleted.")
	return nil
}

// accessPointNameProblem explains why name is not a valid access point
// name, or returns "": 3 to 19 lower-case letters, digits and hyphens,
// starting and ending with a letter or digit, not ending with -ossalias.
func accessPointNameProblem(name string) string {
	return labelProblem(name, 19, "An access point name", "-ossalias")
}

// fcAccessPointNameProblem is accessPointNameProblem for Object FC Access
// Points, whose names have up to 63 characters.
func fcAccessPointNameProblem(name string) string {
	return labelProblem(name, 63, "An Object FC Access Point name", "-opapalias")
}

func labelProblem(name string, max int, what, reservedSuffix string) string {
	switch {
	case len(name) < 3 || len(name) > max:
		return what + " has 3 to " + strconv.Itoa(max) + " characters."
	case !onlyNameChars(name):
		return what + " may contain only lower-case letters, digits and hyphens (-)."
	case name[0] == '-' || name[len(name)-1] == '-':
		return what + " must start and end with a lower-case letter or a digit."
	case strings.HasSuffix(name, reservedSuffix):
		return what + " must not end with " + reservedSuffix + "."
	}
	return ""
}
