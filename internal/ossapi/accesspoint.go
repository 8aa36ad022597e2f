package ossapi

import (
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// accessPointNameHeader names the access point of Get/DeleteAccessPoint and
// of the access point policy operations. The Block Public Access operations
// carry it as a query parameter of the same name.
const accessPointNameHeader = "x-oss-access-point-name"

// CreateAccessPointConfiguration is the CreateAccessPoint request body.
type CreateAccessPointConfiguration struct {
	XMLName          xml.Name          `xml:"CreateAccessPointConfiguration"`
	AccessPointName  string            `xml:"AccessPointName"`
	NetworkOrigin    string            `xml:"NetworkOrigin"`
	VpcConfiguration *VpcConfiguration `xml:"VpcConfiguration"`
}

// VpcConfiguration is the <VpcConfiguration> element.
type VpcConfiguration struct {
	VpcID string `xml:"VpcId"`
}

// CreateAccessPointResult is the CreateAccessPoint response.
type CreateAccessPointResult struct {
	XMLName        xml.Name `xml:"CreateAccessPointResult"`
	AccessPointArn string   `xml:"AccessPointArn"`
	Alias          string   `xml:"Alias"`
}

// Endpoints is the <Endpoints> element of GetAccessPoint and
// GetAccessPointForObjectProcess.
type Endpoints struct {
	PublicEndpoint   string `xml:"PublicEndpoint"`
	InternalEndpoint string `xml:"InternalEndpoint"`
}

// GetAccessPointResult is the GetAccessPoint response.
type GetAccessPointResult struct {
	XMLName                        xml.Name                       `xml:"GetAccessPointResult"`
	AccessPointName                string                         `xml:"AccessPointName"`
	Bucket                         string                         `xml:"Bucket"`
	AccountID                      string                         `xml:"AccountId"`
	NetworkOrigin                  string                         `xml:"NetworkOrigin"`
	VpcConfiguration               VpcConfiguration               `xml:"VpcConfiguration"`
	AccessPointArn                 string                         `xml:"AccessPointArn"`
	CreationDate                   string                         `xml:"CreationDate"`
	Alias                          string                         `xml:"Alias"`
	Status                         string                         `xml:"Status"`
	Endpoints                      Endpoints                      `xml:"Endpoints"`
	PublicAccessBlockConfiguration PublicAccessBlockConfiguration `xml:"PublicAccessBlockConfiguration"`
}

// ListAccessPointsResult is the ListAccessPoints response.
type ListAccessPointsResult struct {
	XMLName               xml.Name          `xml:"ListAccessPointsResult"`
	IsTruncated           bool              `xml:"IsTruncated"`
	NextContinuationToken string            `xml:"NextContinuationToken,omitempty"`
	AccountID             string            `xml:"AccountId"`
	MaxKeys               int               `xml:"MaxKeys"`
	AccessPoints          []AccessPointItem `xml:"AccessPoints>AccessPoint"`
}

// AccessPointItem is one <AccessPoint> of ListAccessPoints.
type AccessPointItem struct {
	Bucket           string           `xml:"Bucket"`
	AccessPointName  string           `xml:"AccessPointName"`
	Alias            string           `xml:"Alias"`
	NetworkOrigin    string           `xml:"NetworkOrigin"`
	VpcConfiguration VpcConfiguration `xml:"VpcConfiguration"`
	Status           string           `xml:"Status"`
}

// CreateAccessPoint creates an access point on the bucket: PUT /?accessPoint.
func (s *Server) CreateAccessPoint(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf CreateAccessPointConfiguration
	if err := readXML(r, &conf); err != nil {
		return err
	}
	in := accesspoint.CreateInput{Name: conf.AccessPointName, NetworkOrigin: conf.NetworkOrigin}
	if conf.VpcConfiguration != nil {
		in.VpcID = conf.VpcConfiguration.VpcID
	}
	ap, err := s.aps.Create(r.Context(), req.Bucket, in)
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, CreateAccessPointResult{AccessPointArn: s.aps.ARN(ap), Alias: ap.Alias})
}

// GetAccessPoint returns an access point's properties: GET /?accessPoint
// with x-oss-access-point-name.
func (s *Server) GetAccessPoint(w http.ResponseWriter, r *http.Request, req *Request) error {
	ap, err := s.aps.Get(r.Context(), req.Bucket, r.Header.Get(accessPointNameHeader))
	if err != nil {
		return err
	}
	public, internal := s.aps.Endpoints(ap.Alias)
	return writeXML(w, http.StatusOK, GetAccessPointResult{
		AccessPointName: ap.Name, Bucket: ap.Bucket, AccountID: ap.AccountID,
		NetworkOrigin: ap.NetworkOrigin, VpcConfiguration: VpcConfiguration{VpcID: ap.VpcID},
		AccessPointArn: s.aps.ARN(ap), CreationDate: strconv.FormatInt(ap.CreatedAt.Unix(), 10),
		Alias: ap.Alias, Status: s.aps.Status(ap),
		Endpoints:                      Endpoints{PublicEndpoint: public, InternalEndpoint: internal},
		PublicAccessBlockConfiguration: PublicAccessBlockConfiguration{BlockPublicAccess: ap.BlockPublicAccess},
	})
}

// ListAccessPoints lists the access points of the bucket (GET /?accessPoint
// on a bucket) or of the caller's account (on the service host).
func (s *Server) ListAccessPoints(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	maxKeys, err := intParam(q.Get("max-keys"), "max-keys", 0, 1, 1000)
	if err != nil {
		return err
	}
	accountID, bucket := req.Caller.AccountID, ""
	if req.Bucket != nil {
		accountID, bucket = req.Bucket.AccountID, req.Bucket.Name
	}

	page, err := s.aps.List(r.Context(), accountID, bucket, q.Get("continuation-token"), maxKeys)
	if err != nil {
		return err
	}
	res := ListAccessPointsResult{
		IsTruncated: page.NextToken != "", NextContinuationToken: page.NextToken,
		AccountID: accountID, MaxKeys: page.MaxKeys,
	}
	for _, ap := range page.AccessPoints {
		res.AccessPoints = append(res.AccessPoints, AccessPointItem{
			Bucket: ap.Bucket, AccessPointName: ap.Name, Alias: ap.Alias, NetworkOrigin: ap.NetworkOrigin,
			VpcConfiguration: VpcConfiguration{VpcID: ap.VpcID}, Status: s.aps.Status(ap),
		})
	}
	return writeXML(w, http.StatusOK, res)
}

// DeleteAccessPoint deletes an access point: DELETE /?accessPoint with
// x-oss-access-point-name.
func (s *Server) DeleteAccessPoint(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.aps.Delete(r.Context(), req.Bucket, r.Header.Get(accessPointNameHeader)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PutAccessPointPolicy sets an access point's policy: PUT /?accessPointPolicy
// with x-oss-access-point-name and the policy JSON as the body. The document
// is stored byte for byte.
func (s *Server) PutAccessPointPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := readPolicy(r)
	if err != nil {
		return err
	}
	if err := s.aps.PutPolicy(r.Context(), req.Bucket, r.Header.Get(accessPointNameHeader), doc); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetAccessPointPolicy returns an access point's policy as it was put: GET
// /?accessPointPolicy with x-oss-access-point-name.
func (s *Server) GetAccessPointPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	doc, err := s.aps.GetPolicy(r.Context(), req.Bucket, r.Header.Get(accessPointNameHeader))
	if err != nil {
		return err
	}
	return writePolicy(w, doc)
}

// DeleteAccessPointPolicy removes an access point's policy: DELETE
// /?accessPointPolicy with x-oss-access-point-name.
func (s *Server) DeleteAccessPointPolicy(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.aps.DeletePolicy(r.Context(), req.Bucket, r.Header.Get(accessPointNameHeader)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// PutAccessPointPublicAccessBlock sets an access point's Block Public Access
// switch: PUT /?publicAccessBlock&x-oss-access-point-name=<name>.
func (s *Server) PutAccessPointPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	var conf struct {
		XMLName           xml.Name `xml:"PublicAccessBlockConfiguration"`
		BlockPublicAccess *bool    `xml:"BlockPublicAccess"`
	}
	if err := readXML(r, &conf); err != nil {
		return err
	}
	if conf.BlockPublicAccess == nil {
		return osserr.New(osserr.MalformedXML, "The PublicAccessBlockConfiguration has no BlockPublicAccess element.")
	}
	name := r.URL.Query().Get(accessPointNameHeader)
	if err := s.aps.PutBlockPublicAccess(r.Context(), req.Bucket, name, *conf.BlockPublicAccess); err != nil {
		return err
	}
	w.WriteHeader(http.StatusOK)
	return nil
}

// GetAccessPointPublicAccessBlock returns an access point's Block Public
// Access switch: GET /?publicAccessBlock&x-oss-access-point-name=<name>.
func (s *Server) GetAccessPointPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	ap, err := s.aps.Get(r.Context(), req.Bucket, r.URL.Query().Get(accessPointNameHeader))
	if err != nil {
		return err
	}
	return writeXML(w, http.StatusOK, PublicAccessBlockConfiguration{BlockPublicAccess: ap.BlockPublicAccess})
}

// DeleteAccessPointPublicAccessBlock turns an access point's Block Public
// Access off, its default: DELETE
// /?publicAccessBlock&x-oss-access-point-name=<name>.
func (s *Server) DeleteAccessPointPublicAccessBlock(w http.ResponseWriter, r *http.Request, req *Request) error {
	name := r.URL.Query().Get(accessPointNameHeader)
	if err := s.aps.PutBlockPublicAccess(r.Context(), req.Bucket, name, false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// readPolicy reads a policy request body of at most policy.MaxSize bytes; an
// empty or larger body is MalformedPolicy.
func readPolicy(r *http.Request) ([]byte, error) {
	doc, err := readBody(r, MaxXMLBody)
	if err != nil {
		return nil, err
	}
	if len(doc) == 0 {
		return nil, osserr.New(osserr.MalformedPolicy, "The request body is empty; send the policy document as JSON.")
	}
	if len(doc) > policy.MaxSize {
		return nil, osserr.Newf(osserr.MalformedPolicy, "The policy document is %d bytes; the maximum is %d.", len(doc), policy.MaxSize)
	}
	return doc, nil
}

// writePolicy sends a stored policy document unchanged.
func writePolicy(w http.ResponseWriter, doc []byte) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
	return nil
}
