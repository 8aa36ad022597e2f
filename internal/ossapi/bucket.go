package ossapi

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// ListAllMyBucketsResult is the ListBuckets response.
type ListAllMyBucketsResult struct {
	XMLName     xml.Name         `xml:"ListAllMyBucketsResult"`
	Prefix      string           `xml:"Prefix"`
	Marker      string           `xml:"Marker"`
	MaxKeys     int              `xml:"MaxKeys"`
	IsTruncated bool             `xml:"IsTruncated"`
	NextMarker  string           `xml:"NextMarker,omitempty"`
	Owner       Owner            `xml:"Owner"`
	Buckets     []BucketListItem `xml:"Buckets>Bucket"`
}

// BucketListItem is one <Bucket> of ListBuckets.
type BucketListItem struct {
	Name             string `xml:"Name"`
	CreationDate     string `xml:"CreationDate"`
	Location         string `xml:"Location"`
	ExtranetEndpoint string `xml:"ExtranetEndpoint"`
	IntranetEndpoint string `xml:"IntranetEndpoint"`
	Region           string `xml:"Region"`
	StorageClass     string `xml:"StorageClass"`
	ResourceGroupID  string `xml:"ResourceGroupId,omitempty"`
}

// ListBuckets lists the caller's buckets: GET / on the service host.
func (s *Server) ListBuckets(w http.ResponseWriter, r *http.Request, req *Request) error {
	q := r.URL.Query()
	maxKeys, err := intParam(q.Get("max-keys"), "max-keys", 100, 1, 1000)
	if err != nil {
		return err
	}
	prefix, marker := q.Get("prefix"), q.Get("marker")

	buckets, err := s.store.ListBuckets(r.Context(), req.Caller.AccountID, prefix, marker, maxKeys)
	if err != nil {
		return err
	}
	res := ListAllMyBucketsResult{
		Prefix: prefix, Marker: marker, MaxKeys: maxKeys,
		Owner: Owner{ID: req.Caller.AccountID, DisplayName: req.Caller.AccountID},
	}
	if len(buckets) > maxKeys {
		buckets = buckets[:maxKeys]
		res.IsTruncated = true
		res.NextMarker = buckets[len(buckets)-1].Name
	}
	for _, b := range buckets {
		res.Buckets = append(res.Buckets, BucketListItem{
			Name: b.Name, CreationDate: isoTime(b.CreatedAt), Location: "oss-" + b.Region,
			ExtranetEndpoint: s.endpoint(r, false), IntranetEndpoint: s.endpoint(r, true),
			Region: b.Region, StorageClass: b.StorageClass, ResourceGroupID: b.ResourceGroupID,
		})
	}
	return writeXML(w, http.StatusOK, res)
}

// endpoint returns the host clients use for the service: the request's own
// host, which is the address ossfc is reached at.
func (s *Server) endpoint(r *http.Request, internal bool) string {
	host := r.Host
	if label, ok := s.resolver.virtualHostLabel(strings.ToLower(hostOnly(host))); ok {
		host = strings.TrimPrefix(host, label+".")
	}
	return host
}

// CreateBucketConfiguration is the optional PutBucket body.
type CreateBucketConfiguration struct {
	StorageClass       string `xml:"StorageClass"`
	DataRedundancyType string `xml:"DataRedundancyType"`
}

// PutBucket creates a bucket: PUT / on the bucket.
func (s *Server) PutBucket(w http.ResponseWriter, r *http.Request, req *Request) error {
	acl := r.Header.Get("x-oss-acl")
	switch acl {
	case "":
		acl = "private"
	case "private", "public-read", "public-read-write":
	default:
		return invalidArgument("x-oss-acl", acl, "must be private, public-read or public-read-write")
	}

	var conf CreateBucketConfiguration
	if r.ContentLength != 0 {
		body, err := readBody(r, MaxXMLBody)
		if err != nil {
			return err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := xml.Unmarshal(body, &conf); err != nil {
				return osserr.New(osserr.MalformedXML, "").With("ErrorDetail", err.Error())
			}
		}
	}
	if conf.StorageClass == "" {
		conf.StorageClass = "Standard"
	}
	if !validStorageClass(conf.StorageClass) {
		return invalidArgument("StorageClass", conf.StorageClass, "must be Standard, IA, Archive, ColdArchive or DeepColdArchive")
	}
	switch conf.DataRedundancyType {
	case "":
		conf.DataRedundancyType = "LRS"
	case "LRS":
	case "ZRS":
		// One server keeps one copy on one disk, so zone-redundant storage
		// would be a promise it cannot keep.
		return osserr.New(osserr.NotImplemented, "Zone-redundant storage (DataRedundancyType ZRS) is not available: ossfc stores each object once, on its local disk. Use LRS.")
	default:
		return invalidArgument("DataRedundancyType", conf.DataRedundancyType, "must be LRS or ZRS")
	}

	b := &meta.Bucket{
		Name: req.Target.Bucket, AccountID: req.Caller.AccountID, ACL: acl,
		StorageClass: conf.StorageClass, DataRedundancyType: conf.DataRedundancyType,
		ResourceGroupID: r.Header.Get("x-oss-resource-group-id"),
	}
	if err := s.store.CreateBucket(r.Context(), b); err != nil {
		return err
	}
	w.Header().Set("Location", "/"+b.Name)
	w.WriteHeader(http.StatusOK)
	return nil
}

// DeleteBucket removes an empty bucket: DELETE / on the bucket.
func (s *Server) DeleteBucket(w http.ResponseWriter, r *http.Request, req *Request) error {
	if err := s.store.DeleteBucket(r.Context(), req.Bucket.Name); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// BucketInfo is the GetBucketInfo response.
type BucketInfo struct {
	XMLName xml.Name `xml:"BucketInfo"`
	Bucket  struct {
		Name               string `xml:"Name"`
		Location           string `xml:"Location"`
		Region             string `xml:"Region"`
		CreationDate       string `xml:"CreationDate"`
		ExtranetEndpoint   string `xml:"ExtranetEndpoint"`
		IntranetEndpoint   string `xml:"IntranetEndpoint"`
		ACL                string `xml:"AccessControlList>Grant"`
		DataRedundancyType string `xml:"DataRedundancyType"`
		Owner              Owner  `xml:"Owner"`
		StorageClass       string `xml:"StorageClass"`
		ResourceGroupID    string `xml:"ResourceGroupId"`
		Versioning         string `xml:"Versioning,omitempty"`
		AccessMonitor      string `xml:"AccessMonitor"`
		Comment            string `xml:"Comment"`
	} `xml:"Bucket"`
}

// GetBucketInfo returns the bucket's properties: GET /?bucketInfo.
func (s *Server) GetBucketInfo(w http.ResponseWriter, r *http.Request, req *Request) error {
	b := req.Bucket
	var info BucketInfo
	info.Bucket.Name = req.Target.Bucket
	info.Bucket.Location = "oss-" + b.Region
	info.Bucket.Region = b.Region
	info.Bucket.CreationDate = isoTime(b.CreatedAt)
	info.Bucket.ExtranetEndpoint = s.endpoint(r, false)
	info.Bucket.IntranetEndpoint = s.endpoint(r, true)
	info.Bucket.ACL = b.ACL
	info.Bucket.DataRedundancyType = b.DataRedundancyType
	info.Bucket.Owner = Owner{ID: b.AccountID, DisplayName: b.AccountID}
	info.Bucket.StorageClass = b.StorageClass
	info.Bucket.ResourceGroupID = b.ResourceGroupID
	info.Bucket.Versioning = b.Versioning
	info.Bucket.AccessMonitor = "Disabled"
	return writeXML(w, http.StatusOK, info)
}

// LocationConstraint is the GetBucketLocation response.
type LocationConstraint struct {
	XMLName  xml.Name `xml:"LocationConstraint"`
	Location string   `xml:",chardata"`
}

// GetBucketLocation returns the bucket's region: GET /?location.
func (s *Server) GetBucketLocation(w http.ResponseWriter, r *http.Request, req *Request) error {
	return writeXML(w, http.StatusOK, LocationConstraint{Location: "oss-" + req.Bucket.Region})
}

// BucketStat is the GetBucketStat response. The ...Storage element of the
// Infrequent Access and archive classes is the billed size (each object at
// least 64 KiB); ...RealStorage is the stored size.
type BucketStat struct {
	XMLName                     xml.Name `xml:"BucketStat"`
	Storage                     int64    `xml:"Storage"`
	ObjectCount                 int64    `xml:"ObjectCount"`
	MultipartUploadCount        int64    `xml:"MultipartUploadCount"`
	LiveChannelCount            int64    `xml:"LiveChannelCount"`
	MultipartPartCount          int64    `xml:"MultipartPartCount"`
	MultipartPartStorage        int64    `xml:"MultipartPartStorage"`
	DeleteMarkerCount           int64    `xml:"DeleteMarkerCount"`
	LastModifiedTime            int64    `xml:"LastModifiedTime"`
	StandardStorage             int64    `xml:"StandardStorage"`
	StandardObjectCount         int64    `xml:"StandardObjectCount"`
	InfrequentAccessStorage     int64    `xml:"InfrequentAccessStorage"`
	InfrequentAccessRealStorage int64    `xml:"InfrequentAccessRealStorage"`
	InfrequentAccessObjectCount int64    `xml:"InfrequentAccessObjectCount"`
	ArchiveStorage              int64    `xml:"ArchiveStorage"`
	ArchiveRealStorage          int64    `xml:"ArchiveRealStorage"`
	ArchiveObjectCount          int64    `xml:"ArchiveObjectCount"`
	ColdArchiveStorage          int64    `xml:"ColdArchiveStorage"`
	ColdArchiveRealStorage      int64    `xml:"ColdArchiveRealStorage"`
	ColdArchiveObjectCount      int64    `xml:"ColdArchiveObjectCount"`
	DeepColdArchiveStorage      int64    `xml:"DeepColdArchiveStorage"`
	DeepColdArchiveRealStorage  int64    `xml:"DeepColdArchiveRealStorage"`
	DeepColdArchiveObjectCount  int64    `xml:"DeepColdArchiveObjectCount"`
}

// GetBucketStat returns the bucket's object counts and sizes, by storage
// class: GET /?stat. The figures are exact at the time of the request,
// which LastModifiedTime reports, as OSS defines that element.
func (s *Server) GetBucketStat(w http.ResponseWriter, r *http.Request, req *Request) error {
	usage, err := s.store.BucketStat(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}
	uploads, parts, err := s.store.MultipartUsage(r.Context(), req.Bucket.Name)
	if err != nil {
		return err
	}

	total := usage.Total()
	standard, ia := usage.Classes["Standard"], usage.Classes["IA"]
	archive, cold, deep := usage.Classes["Archive"], usage.Classes["ColdArchive"], usage.Classes["DeepColdArchive"]
	return writeXML(w, http.StatusOK, BucketStat{
		Storage: total.Size, ObjectCount: total.Count,
		MultipartUploadCount: uploads, MultipartPartCount: parts.Count, MultipartPartStorage: parts.Size,
		DeleteMarkerCount: usage.DeleteMarkers, LastModifiedTime: s.now().Unix(),
		StandardStorage: standard.Size, StandardObjectCount: standard.Count,
		InfrequentAccessStorage: ia.BilledSize, InfrequentAccessRealStorage: ia.Size, InfrequentAccessObjectCount: ia.Count,
		ArchiveStorage: archive.BilledSize, ArchiveRealStorage: archive.Size, ArchiveObjectCount: archive.Count,
		ColdArchiveStorage: cold.BilledSize, ColdArchiveRealStorage: cold.Size, ColdArchiveObjectCount: cold.Count,
		DeepColdArchiveStorage: deep.BilledSize, DeepColdArchiveRealStorage: deep.Size, DeepColdArchiveObjectCount: deep.Count,
	})
}

// intParam parses an integer query parameter with a default and bounds.
func intParam(v, name string, def, min, max int) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, invalidArgument(name, v, "must be an integer from "+strconv.Itoa(min)+" to "+strconv.Itoa(max))
	}
	return n, nil
}

func hostOnly(host string) string {
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		return host[:i]
	}
	return host
}
