package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// The service roles an Object FC Access Point relies on, created by quick
// authorization: OSS assumes the first to invoke the function, and the
// function runs with the second.
const (
	invokeRoleName   = "AliyunOSSObjectFcForOSSDefaultRole"
	functionRoleName = "AliyunFCDefaultRole"
)

// rangeFeature is the allowed feature that lets Range GetObject requests
// reach the function.
const rangeFeature = "GetObject-Range"

// fcAccessPointRow is one Object FC Access Point in the list.
type fcAccessPointRow struct {
	Name        string
	Alias       string
	Status      string
	AccessPoint string
	Bucket      string
}

// listFCAccessPoints returns every Object FC Access Point the principal may
// list, with the bucket of each one's supporting access point filled in
// from aps.
func listFCAccessPoints(ctx context.Context, s *session, aps []accessPointRow) ([]fcAccessPointRow, error) {
	bucketOf := map[string]string{}
	for _, ap := range aps {
		bucketOf[ap.Name] = ap.Bucket
	}
	var rows []fcAccessPointRow
	req := &oss.ListAccessPointsForObjectProcessRequest{MaxKeys: 1000}
	for {
		out, err := s.oss.ListAccessPointsForObjectProcess(ctx, req)
		if err != nil {
			return nil, err
		}
		if out.AccessPointsForObjectProcess != nil {
			for _, ap := range out.AccessPointsForObjectProcess.AccessPointForObjectProcesses {
				supporting := oss.ToString(ap.AccessPointName)
				rows = append(rows, fcAccessPointRow{
					Name: oss.ToString(ap.AccessPointNameForObjectProcess), Alias: oss.ToString(ap.AccessPointForObjectProcessAlias),
					Status: oss.ToString(ap.Status), AccessPoint: supporting, Bucket: bucketOf[supporting],
				})
			}
		}
		if !oss.ToBool(out.IsTruncated) || oss.ToString(out.NextContinuationToken) == "" {
			return rows, nil
		}
		req.ContinuationToken = out.NextContinuationToken
	}
}

// ListFCAccessPoints shows the Object FC Access Points.
func (c *Console) ListFCAccessPoints(w http.ResponseWriter, r *http.Request, s *session) error {
	p := page{Title: "Object FC Access Points", Nav: "fcaccesspoints"}
	aps, err := listAccessPoints(r.Context(), s)
	if err != nil {
		return c.renderResult(w, r, s, "fcaccesspoints", p, err)
	}
	rows, err := listFCAccessPoints(r.Context(), s, aps)
	p.Data = rows
	return c.renderResult(w, r, s, "fcaccesspoints", p, err)
}

// functionChoice is a function offered by the creation form, with the
// qualifiers it may be invoked with.
type functionChoice struct {
	Name       string
	Arn        string
	Qualifiers string // comma-separated: LATEST, versions, aliases
}

// fcAccessPointForm is the creation form's data.
type fcAccessPointForm struct {
	Region       string
	AccessPoints []accessPointRow
	Functions    []functionChoice
	MissingRoles []string
	RolesUnknown bool
}

// NewFCAccessPoint shows the creation form with the fields of the cloud
// console: region, name, supporting access point, bucket, OSS API,
// function, Range support and function version, and quick authorization
// when the service roles are missing.
func (c *Console) NewFCAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	d := &fcAccessPointForm{Region: c.opts.Region}
	p := page{Title: "Create Object FC Access Point", Nav: "fcaccesspoints", Data: d}
	aps, err := listAccessPoints(r.Context(), s)
	if err != nil {
		return c.renderResult(w, r, s, "fcaccesspoint_new", p, err)
	}
	d.AccessPoints = aps

	if s.fc != nil {
		d.Functions, err = functionChoices(r.Context(), s)
		if err != nil {
			return c.renderResult(w, r, s, "fcaccesspoint_new", p, err)
		}
	}
	if s.ram != nil {
		d.MissingRoles, d.RolesUnknown = missingServiceRoles(r.Context(), s)
	}
	c.render(w, r, s, "fcaccesspoint_new", p)
	return nil
}

// functionChoices lists the functions with their versions and aliases.
func functionChoices(ctx context.Context, s *session) ([]functionChoice, error) {
	var choices []functionChoice
	token := ""
	for {
		out, err := s.fc.ListFunctions(ctx, "", token, 100)
		if err != nil {
			return nil, err
		}
		for _, fn := range out.Functions {
			qualifiers := []string{"LATEST"}
			if versions, err := s.fc.ListVersions(ctx, fn.FunctionName); err == nil {
				for _, v := range versions.Versions {
					qualifiers = append(qualifiers, v.VersionID)
				}
			}
			if aliases, err := s.fc.ListAliases(ctx, fn.FunctionName); err == nil {
				for _, a := range aliases.Aliases {
					qualifiers = append(qualifiers, a.AliasName)
				}
			}
			choices = append(choices, functionChoice{Name: fn.FunctionName, Arn: fn.FunctionArn, Qualifiers: strings.Join(qualifiers, ",")})
		}
		if out.NextToken == "" {
			return choices, nil
		}
		token = out.NextToken
	}
}

// missingServiceRoles returns the service roles that do not exist yet, or
// unknown = true when the principal may not read roles.
func missingServiceRoles(ctx context.Context, s *session) (missing []string, unknown bool) {
	for _, name := range []string{invokeRoleName, functionRoleName} {
		_, err := s.ram.GetRole(ctx, name)
		switch {
		case err == nil:
		case strings.HasPrefix(serviceCode(err), "EntityNotExist"):
			missing = append(missing, name)
		default:
			return nil, true
		}
	}
	return missing, false
}

// CreateFCAccessPoint creates an Object FC Access Point from the form.
func (c *Console) CreateFCAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	const back = "/fcaccesspoints/new"
	name := strings.TrimSpace(r.PostFormValue("name"))
	if problem := fcAccessPointNameProblem(name); problem != "" {
		c.redirectError(w, r, s, back, invalidInput(problem))
		return nil
	}
	if r.PostFormValue("action") != "GetObject" {
		c.redirectError(w, r, s, back, invalidInput("Choose the OSS API GetObject: it is the only one an Object FC Access Point transforms."))
		return nil
	}

	// The bucket is the supporting access point's, looked up again here
	// rather than trusted from the form.
	apName := r.PostFormValue("accessPoint")
	aps, err := listAccessPoints(r.Context(), s)
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	bucket := ""
	for _, ap := range aps {
		if ap.Name == apName {
			bucket = ap.Bucket
		}
	}
	if bucket == "" {
		c.redirectError(w, r, s, back, invalidInput("Choose an existing access point as the supporting access point. Create one on the Access points page first."))
		return nil
	}

	functionARN, err := c.chosenFunctionARN(r, s)
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	fcConfig := &oss.ObjectProcessFunctionCompute{FunctionArn: oss.Ptr(functionARN)}
	if s.accountID != "" {
		fcConfig.FunctionAssumeRoleArn = oss.Ptr("acs:ram::" + s.accountID + ":role/" + strings.ToLower(invokeRoleName))
	}
	processing := &oss.ObjectProcessConfiguration{
		TransformationConfigurations: &oss.TransformationConfigurations{TransformationConfigurations: []oss.TransformationConfiguration{{
			Actions:               &oss.AccessPointActions{Actions: []string{"GetObject"}},
			ContentTransformation: &oss.ContentTransformation{FunctionCompute: fcConfig},
		}}},
		AllowedFeatures: &oss.ObjectProcessAllowedFeatures{},
	}
	if r.PostFormValue("allowRange") == "on" {
		processing.AllowedFeatures.AllowedFeatures = []string{rangeFeature}
	}

	_, err = s.oss.CreateAccessPointForObjectProcess(r.Context(), &oss.CreateAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name),
		CreateAccessPointForObjectProcessConfiguration: &oss.CreateAccessPointForObjectProcessConfiguration{
			AccessPointName: oss.Ptr(apName), ObjectProcessConfiguration: processing,
		},
	})
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, fcAccessPointPage(bucket, name),
		"Object FC Access Point "+name+" created. Use its alias as the bucket name in GetObject to run the function.")
	return nil
}

// chosenFunctionARN builds the function ARN of the form: the function's
// ARN with the chosen version or alias ("LATEST" by default) as qualifier.
func (c *Console) chosenFunctionARN(r *http.Request, s *session) (string, error) {
	name := r.PostFormValue("function")
	qualifier := strings.TrimSpace(r.PostFormValue("qualifier"))
	if qualifier == "" {
		qualifier = "LATEST"
	}
	if name == "" || s.fc == nil {
		return "", invalidInput("Choose the function to invoke. Deploy one on the Functions page first.")
	}
	fn, err := s.fc.GetFunction(r.Context(), name, "")
	if err != nil {
		return "", err
	}
	return fn.FunctionArn + ":" + qualifier, nil
}

func fcAccessPointPage(bucket, name string) string {
	return "/fcaccesspoints/" + url.PathEscape(bucket) + "/" + url.PathEscape(name)
}

// fcAccessPointDetail is the Object FC Access Point page's data.
type fcAccessPointDetail struct {
	Name             string
	Bucket           string
	Arn              string
	Alias            string
	Status           string
	AccessPoint      string
	AccountID        string
	CreationDate     string
	PublicEndpoint   string
	InternalEndpoint string
	AllowAnonymous   string

	Actions        []string
	FunctionArn    string
	RoleArn        string
	AllowedFeature []string

	Policy        string
	HasPolicy     bool
	DefaultPolicy string
}

// GetFCAccessPoint shows an Object FC Access Point: its identity, its
// configuration (read-only, as in the cloud) and its policy editor.
func (c *Console) GetFCAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	d := &fcAccessPointDetail{Name: name, Bucket: bucket}
	p := page{Title: name, Nav: "fcaccesspoints", Data: d}
	out, err := s.oss.GetAccessPointForObjectProcess(r.Context(), &oss.GetAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
	if err != nil {
		return c.renderResult(w, r, s, "fcaccesspoint", p, err)
	}
	d.Arn, d.Alias = oss.ToString(out.AccessPointForObjectProcessArn), oss.ToString(out.AccessPointForObjectProcessAlias)
	d.Status, d.AccessPoint = oss.ToString(out.AccessPointForObjectProcessStatus), oss.ToString(out.AccessPointName)
	d.AccountID, d.CreationDate = oss.ToString(out.AccountId), oss.ToString(out.CreationDate)
	d.AllowAnonymous = oss.ToString(out.AllowAnonymousAccessForObjectProcess)
	if out.Endpoints != nil {
		d.PublicEndpoint, d.InternalEndpoint = oss.ToString(out.Endpoints.PublicEndpoint), oss.ToString(out.Endpoints.InternalEndpoint)
	}
	d.DefaultPolicy = indentJSON(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:GetObject"],` +
		`"Principal":["` + d.AccountID + `"],"Resource":["` + d.Arn + `/object/*"]}]}`)

	cfg, err := s.oss.GetAccessPointConfigForObjectProcess(r.Context(), &oss.GetAccessPointConfigForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
	if err == nil {
		fillProcessConfig(d, cfg.ObjectProcessConfiguration)
		policy, perr := s.oss.GetAccessPointPolicyForObjectProcess(r.Context(), &oss.GetAccessPointPolicyForObjectProcessRequest{
			Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
		switch {
		case perr == nil:
			d.Policy, d.HasPolicy = indentJSON(policy.Body), true
		case serviceCode(perr) != "NoSuchAccessPointPolicy":
			err = perr
		}
	}
	c.renderPartial(w, r, s, "fcaccesspoint", p, err)
	return nil
}

// fillProcessConfig copies the transformation settings into d.
func fillProcessConfig(d *fcAccessPointDetail, cfg *oss.ObjectProcessConfiguration) {
	if cfg == nil {
		return
	}
	if cfg.AllowedFeatures != nil {
		d.AllowedFeature = cfg.AllowedFeatures.AllowedFeatures
	}
	if cfg.TransformationConfigurations == nil {
		return
	}
	for _, tc := range cfg.TransformationConfigurations.TransformationConfigurations {
		if tc.Actions != nil {
			d.Actions = append(d.Actions, tc.Actions.Actions...)
		}
		if tc.ContentTransformation != nil && tc.ContentTransformation.FunctionCompute != nil {
			d.FunctionArn = oss.ToString(tc.ContentTransformation.FunctionCompute.FunctionArn)
			d.RoleArn = oss.ToString(tc.ContentTransformation.FunctionCompute.FunctionAssumeRoleArn)
		}
	}
}

// PutFCAccessPointPolicy saves an Object FC Access Point's policy.
func (c *Console) PutFCAccessPointPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	back := fcAccessPointPage(bucket, name)
	doc := r.PostFormValue("policy")
	if err := checkJSON(doc, "The policy"); err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	_, err := s.oss.PutAccessPointPolicyForObjectProcess(r.Context(), &oss.PutAccessPointPolicyForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name), Body: strings.NewReader(doc)})
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Object FC Access Point policy saved.")
	return nil
}

// DeleteFCAccessPointPolicy removes an Object FC Access Point's policy.
func (c *Console) DeleteFCAccessPointPolicy(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	back := fcAccessPointPage(bucket, name)
	_, err := s.oss.DeleteAccessPointPolicyForObjectProcess(r.Context(), &oss.DeleteAccessPointPolicyForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
	if err != nil {
		c.redirectError(w, r, s, back, err)
		return nil
	}
	redirect(w, r, s, back, "Object FC Access Point policy deleted.")
	return nil
}

// DeleteFCAccessPoint deletes an Object FC Access Point.
func (c *Console) DeleteFCAccessPoint(w http.ResponseWriter, r *http.Request, s *session) error {
	bucket, name := r.PathValue("bucket"), r.PathValue("name")
	_, err := s.oss.DeleteAccessPointForObjectProcess(r.Context(), &oss.DeleteAccessPointForObjectProcessRequest{
		Bucket: oss.Ptr(bucket), AccessPointForObjectProcessName: oss.Ptr(name)})
	if err != nil {
		c.redirectError(w, r, s, fcAccessPointPage(bucket, name), err)
		return nil
	}
	redirect(w, r, s, "/fcaccesspoints", "Object FC Access Point "+name+" deleted.")
	return nil
}
