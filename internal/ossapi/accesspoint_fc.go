package ossapi

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// objectFCNameHeader names the Object FC Access Point of every bucket-level
// Object FC operation.
const objectFCNameHeader = "x-oss-access-point-for-object-process-name"

// ObjectProcessConfiguration is the <ObjectProcessConfiguration> element of
// the Create, PutConfig and GetConfig operations. Element order is free on
// input, as encoding/xml matches elements by name.
type ObjectProcessConfiguration struct {
	AllowedFeatures              AllowedFeatures              `xml:"AllowedFeatures"`
	TransformationConfigurations TransformationConfigurations `xml:"TransformationConfigurations"`
}

// AllowedFeatures is the <AllowedFeatures> element.
type AllowedFeatures struct {
	AllowedFeature []string `xml:"AllowedFeature"`
}

// TransformationConfigurations is the <TransformationConfigurations> element.
type TransformationConfigurations struct {
	TransformationConfiguration []TransformationConfiguration `xml:"TransformationConfiguration"`
}

// TransformationConfiguration is one <TransformationConfiguration>.
type TransformationConfiguration struct {
	Actions struct {
		Action []string `xml:"Action"`
	} `xml:"Actions"`
	ContentTransformation struct {
		FunctionCompute struct {
			FunctionArn           string `xml:"FunctionArn"`
			FunctionAssumeRoleArn string `xml:"FunctionAssumeRoleArn,omitempty"`
		} `xml:"FunctionCompute"`
		AdditionalFeatures *AdditionalFeatures `xml:"AdditionalFeatures"`
	} `xml:"ContentTransformation"`
}

// AdditionalFeatures is the <AdditionalFeatures> element of a
// ContentTransformation.
type AdditionalFeatures struct {
	CustomForwardHeaders struct {
		CustomForwardHeader []string `xml:"CustomForwardHeader"`
	} `xml:"CustomForwardHeaders"`
}

// toMeta converts the element to the stored form; nil stays nil.
func (c *ObjectProcessConfiguration) toMeta() *meta.ObjectProcessConfig {
	if c == nil {
		return nil
	}
	m := &meta.ObjectProcessConfig{AllowedFeatures: c.AllowedFeatures.AllowedFeature}
	for _, tc := range c.TransformationConfigurations.TransformationConfiguration {
		tr := meta.Transformation{
			Actions:               tc.Actions.Action,
			FunctionArn:           tc.ContentTransformation.FunctionCompute.FunctionArn,
			FunctionAssumeRoleArn: tc.ContentTransformation.FunctionCompute.FunctionAssumeRoleArn,
		}
		if af := tc.ContentTransformation.AdditionalFeatures; af != nil {
			tr.CustomForwardHeaders = af.CustomForwardHeaders.CustomForwardHeader
		}
		m.Transformations = append(m.Transformations, tr)
	}
	return m
}

// objectProcessConfiguration converts a stored configuration to the element;
// a missing one becomes an element with empty containers, so clients that
// dereference them find them.
func objectProcessConfiguration(m *meta.ObjectProcessConfig) ObjectProcessConfiguration {
	var c ObjectProcessConfiguration
	if m == nil {
		return c
	}
	c.AllowedFeatures.AllowedFeature = m.AllowedFeatures
	for _, tr := range m.Transformations {
		var tc TransformationConfiguration
		tc.Actions.Action = tr.Actions
		tc.ContentTransformation.FunctionCompute.FunctionArn = tr.FunctionArn
		tc.ContentTransformation.FunctionCompute.FunctionAssumeRoleArn = tr.FunctionAssumeRoleArn
		if len(tr.CustomForwardHeaders) > 0 {
			af := &AdditionalFeatures{}
			af.CustomForwardHeaders.CustomForwardHeader = tr.CustomForwardHeaders
			tc.ContentTransformation.AdditionalFeatures = af
		}
		c.TransformationConfigurations.TransformationConfiguration = append(c.TransformationConfigurations.TransformationConfiguration, tc)
	}
	return c
}

// CreateAccessPointForObjectProcessConfiguration is the
// CreateAccessPointForObjectProcess request body.
type CreateAccessPointForObjectProcessConfiguration struct {
	XMLName                              xml.Name                    `xml:"CreateAccessPointForObjectProcessConfiguration"`
	AllowAnonymousAccessForObjectProcess *string                     `xml:"AllowAnonymousAccessForObjectProcess"`
	AccessPointName                      string                      `xml:"AccessPointName"`
	ObjectProcessConfiguration           *ObjectProcessConfiguration `xml:"ObjectProcessConfiguration"`
}

// CreateAccessPointForObjectProcessResult is the
// CreateAccessPointForObjectProcess response.
type CreateAccessPointForObjectProcessResult struct {
	XMLName                          xml.Name `xml:"CreateAccessPointForObjectProcessResult"`
	AccessPointForObjectProcessArn   string   `xml:"AccessPointForObjectProcessArn"`
	AccessPointForObjectProcessAlias string   `xml:"AccessPointForObjectProcessAlias"`
}

// GetAccessPointForObjectProcessResult is the GetAccessPointForObjectProcess
// response.
type GetAccessPointForObjectProcessResult struct {
	XMLName                              xml.Name                       `xml:"GetAccessPointForObjectProcessResult"`
	AccessPointNameForObjectProcess      string                         `xml:"AccessPointNameForObjectProcess"`
	AccessPointForObjectProcessAlias     string                         `xml:"AccessPointForObjectProcessAlias"`
	AccessPointName                      string                         `xml:"AccessPointName"`
	AccountID                            string                         `xml:"AccountId"`
	AccessPointForObjectProcessArn       string                         `xml:"AccessPointForObjectProcessArn"`
	CreationDate                         string                         `xml:"CreationDate"`
	Status                               string                         `xml:"Status"`
	Endpoints                            Endpoints                      `xml:"Endpoints"`
	AllowAnonymousAccessForObjectProcess string                         `xml:"AllowAnonymousAccessForObjectProcess"`
	PublicAccessBlockConfiguration       PublicAccessBlockConfiguration `xml:"PublicAccessBlockConfiguration"`
}

// ListAccessPointsForObjectProcessResult is the
// ListAccessPointsForObjectProcess response. The container is written even
// when empty.
type ListAccessPointsForObjectProcessResult struct {
	XMLName                      xml.Name `xml:"ListAccessPointsForObjectProcessResult"`
	IsTruncated                  bool     `xml:"IsTruncated"`
	NextContinuationToken        string   `xml:"NextContinuationToken,omitempty"`
	AccountID                    string   `xml:"AccountId"`
	AccessPointsForObjectProcess struct {
		AccessPointForObjectProcess []ObjectFCAccessPointItem `xml:"AccessPointForObjectProcess"`
	} `xml:"AccessPointsForObjectProcess"`
}

// ObjectFCAccessPointItem is one <AccessPointForObjectProcess> of
// ListAccessPointsForObjectProcess.
type ObjectFCAccessPointItem struct {
	AccessPointNameForObjectProcess      string `xml:"AccessPointNameForObjectProcess"`
	AccessPointForObjectProcessAlias     string `xml:"AccessPointForObjectProcessAlias"`
	AccessPointName                      string `xml:"AccessPointName"`
	Status                               string `xml:"Status"`
	AllowAnonymousAccessForObjectProcess string `xml:"AllowAnonymousAccessForObjectProcess"`
}

// PutAccessPointConfigForObjectProcessConfiguration is the
// PutAccessPointConfigForObjectProcess request body.
type PutAccessPointConfigForObjectProcessConfiguration struct {
	XMLName                              xml.Name `xml:"PutAccessPointConfigForObjectProcessConfiguration"`
	AllowAnonymousAccessForObjectProcess *string  `xml:"AllowAnonymousAccessForObjectProcess"`
	PublicAccessBlockConfiguration       *struct {
		BlockPublicAccess *bool `xml:"BlockPublicAccess"`
	} `xml:"PublicAccessBlockConfiguration"`
	ObjectProcessConfiguration *ObjectProcessConfiguration `xml:"ObjectProcessConfiguration"`
}

// GetAccessPointConfigForObjectProcessResult is the
// GetAccessPointConfigForObjectProcess response.
type GetAccessPointConfigForObjectProcessResult struct {
	XMLName                              xml.Name                       `xml:"GetAccessPointConfigForObjectProcessResult"`
	ObjectProcessConfiguration           ObjectProcessConfiguration     `xml:"ObjectProcessConfiguration"`
	AllowAnonymousAccessForObjectProcess string                         `xml:"AllowAnonymousAccessForObjectProcess"`
	PublicAccessBlockConfiguration       PublicAccessBlockConfiguration `xml:"PublicAccessBlockConfiguration"`
}

// allowAnonymous is the AllowAnonymousAccessForObjectProcess reported: the
// only accepted value, false, also when the client never sent one.
func allowAnonymous(*meta.ObjectFCAccessPoint) string { return "false" }

// CreateAccessPointForObjectProcess creates an Object FC Access Point on the
// bucket: PUT /?accessPointForObjectProcess.
func (s *Server) CreateAccessPointForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf CreateAccessPointForObjectProcessConfiguration
	if err := readXML(r, &conf); err != nil {
		return err
	}
	ap, err := s.aps.CreateObjectFC(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader), accesspoint.ObjectFCInput{
		AccessPointName:      conf.AccessPointName,
		AllowAnonymousAccess: conf.AllowAnonymousAccessForObjectProcess,
		Config:               conf.ObjectProcessConfiguration.toMeta(),
	})
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, CreateAccessPointForObjectProcessResult{
		AccessPointForObjectProcessArn: s.aps.ObjectFCARN(ap), AccessPointForObjectProcessAlias: ap.Alias,
	})
}

// GetAccessPointForObjectProcess returns an Object FC Access Point's
// properties: GET /?accessPointForObjectProcess.
func (s *Server) GetAccessPointForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	ap, err := s.aps.GetObjectFC(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader))
	if err != nil {
		return err
	}
	public, internal := s.aps.Endpoints(ap.Alias)
	return writeXML(w, http.StatusOK, GetAccessPointForObjectProcessResult{
		AccessPointNameForObjectProcess: ap.Name, AccessPointForObjectProcessAlias: ap.Alias,
		AccessPointName: ap.AccessPoint, AccountID: ap.AccountID,
		AccessPointForObjectProcessArn:       s.aps.ObjectFCARN(ap),
		CreationDate:                         strconv.FormatInt(ap.CreatedAt.Unix(), 10),
		Status:                               s.aps.ObjectFCStatus(ap),
		Endpoints:                            Endpoints{PublicEndpoint: public, InternalEndpoint: internal},
		AllowAnonymousAccessForObjectProcess: allowAnonymous(ap),
		PublicAccessBlockConfiguration:       PublicAccessBlockConfiguration{BlockPublicAccess: ap.BlockPublicAccess},
	})
}

// ListAccessPointsForObjectProcess lists the caller's Object FC Access
// Points: GET /?accessPointForObjectProcess on the service host.
func (s *Server) ListAccessPointsForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	maxKeys, err := intParam(q.Get("max-keys"), "max-keys", 0, 1, 1000)
	if err != nil {
		return err
	}
	page, err := s.aps.ListObjectFC(r.Context(), req.Caller.AccountID, q.Get("continuation-token"), maxKeys)
	if err != nil {
		return err
	}
	res := ListAccessPointsForObjectProcessResult{
		IsTruncated: page.NextToken != "", NextContinuationToken: page.NextToken, AccountID: req.Caller.AccountID,
	}
	for _, ap := range page.AccessPoints {
		res.AccessPointsForObjectProcess.AccessPointForObjectProcess = append(res.AccessPointsForObjectProcess.AccessPointForObjectProcess,
			ObjectFCAccessPointItem{
				AccessPointNameForObjectProcess: ap.Name, AccessPointForObjectProcessAlias: ap.Alias,
				AccessPointName: ap.AccessPoint, Status: s.aps.ObjectFCStatus(ap),
				AllowAnonymousAccessForObjectProcess: allowAnonymous(ap),
			})
	}
	return writeXML(w, http.StatusOK, res)
}

// DeleteAccessPointForObjectProcess deletes an Object FC Access Point and
// its policy: DELETE /?accessPointForObjectProcess.
func (s *Server) DeleteAccessPointForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.aps.DeleteObjectFC(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PutAccessPointConfigForObjectProcess changes an Object FC Access Point's
// configuration: PUT /?accessPointConfigForObjectProcess.
func (s *Server) PutAccessPointConfigForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf PutAccessPointConfigForObjectProcessConfiguration
	if err := readXML(r, &conf); err != nil {
		return err
	}
	in := accesspoint.ObjectFCConfigInput{
		AllowAnonymousAccess: conf.AllowAnonymousAccessForObjectProcess,
		Config:               conf.ObjectProcessConfiguration.toMeta(),
	}
	if pab := conf.PublicAccessBlockConfiguration; pab != nil {
		if pab.BlockPublicAccess == nil {
			return osserr.New(osserr.MalformedXML, "The PublicAccessBlockConfiguration has no BlockPublicAccess element.")
		}
		in.BlockPublicAccess = pab.BlockPublicAccess
	}
	if err := s.aps.PutObjectFCConfig(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetAccessPointConfigForObjectProcess returns an Object FC Access Point's
// configuration: GET /?accessPointConfigForObjectProcess.
func (s *Server) GetAccessPointConfigForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	ap, err := s.aps.GetObjectFC(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader))
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, GetAccessPointConfigForObjectProcessResult{
		ObjectProcessConfiguration:           objectProcessConfiguration(ap.Config),
		AllowAnonymousAccessForObjectProcess: allowAnonymous(ap),
		PublicAccessBlockConfiguration:       PublicAccessBlockConfiguration{BlockPublicAccess: ap.BlockPublicAccess},
	})
}

// PutAccessPointPolicyForObjectProcess sets an Object FC Access Point's
// policy, stored byte for byte: PUT /?accessPointPolicyForObjectProcess.
func (s *Server) PutAccessPointPolicyForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := readPolicy(r)
	if err != nil {
		return err
	}
	if err := s.aps.PutObjectFCPolicy(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader), doc); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetAccessPointPolicyForObjectProcess returns an Object FC Access Point's
// policy as it was put: GET /?accessPointPolicyForObjectProcess.
func (s *Server) GetAccessPointPolicyForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := s.aps.GetObjectFCPolicy(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader))
	if err != nil {
		return err
	}
	return writePolicy(w, doc)
}

// DeleteAccessPointPolicyForObjectProcess removes an Object FC Access
// Point's policy: DELETE /?accessPointPolicyForObjectProcess.
func (s *Server) DeleteAccessPointPolicyForObjectProcess(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.aps.DeleteObjectFCPolicy(r.Context(), req.Bucket, r.Header.Get(objectFCNameHeader)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
