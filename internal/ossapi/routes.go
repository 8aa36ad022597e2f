package ossapi

import (
	"net/http"
	"net/url"

	"github.com/ossfc/ossfc/internal/osserr"
)

// Operation is one OSS API operation.
type Operation struct {
	Name   string // OSS API name, e.g. "GetObject"; also the metrics label
	Action string // RAM action the caller needs, e.g. "oss:GetObject"

	handler func(s *Server, w http.ResponseWriter, r *http.Request, req *Request) error

	// Anonymous operations may be sent without a signature; the authorizer
	// still decides (a public ACL or a policy with Principal "*").
	Anonymous bool

	// ViaAccessPoint operations are allowed through an access point alias.
	ViaAccessPoint bool

	// setsTags operations accept x-oss-tagging, which also needs
	// oss:PutObjectTagging.
	setsTags bool
}

// route selects an operation. A route matches when the level and method
// match, the sub-resource query parameter is present (or, for sub == "", no
// operation-selecting parameter is), and when, if set, accepts the request.
type route struct {
	level  Level
	method string
	sub    string
	when   func(*http.Request) bool
	op     *Operation
}

func hasHeader(name string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Header.Get(name) != "" }
}

func hasQuery(name string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Query().Has(name) }
}

func listTypeV2(r *http.Request) bool { return r.URL.Query().Get("list-type") == "2" }

// Operations. Handlers are methods named after the operation.
var (
	opListBuckets           = &Operation{Name: "ListBuckets", Action: "oss:ListBuckets", handler: (*Server).ListBuckets}
	opPutBucket             = &Operation{Name: "PutBucket", Action: "oss:PutBucket", handler: (*Server).PutBucket}
	opDeleteBucket          = &Operation{Name: "DeleteBucket", Action: "oss:DeleteBucket", handler: (*Server).DeleteBucket}
	opGetBucketInfo         = &Operation{Name: "GetBucketInfo", Action: "oss:GetBucketInfo", handler: (*Server).GetBucketInfo}
	opGetBucketLocation     = &Operation{Name: "GetBucketLocation", Action: "oss:GetBucketLocation", handler: (*Server).GetBucketLocation}
	opGetBucketStat         = &Operation{Name: "GetBucketStat", Action: "oss:GetBucketStat", handler: (*Server).GetBucketStat}
	opListObjects           = &Operation{Name: "ListObjects", Action: "oss:ListObjects", handler: (*Server).ListObjects, Anonymous: true, ViaAccessPoint: true}
	opListObjectsV2         = &Operation{Name: "ListObjectsV2", Action: "oss:ListObjects", handler: (*Server).ListObjectsV2, Anonymous: true, ViaAccessPoint: true}
	opDeleteMultipleObjects = &Operation{Name: "DeleteMultipleObjects", Action: "oss:DeleteObject", handler: (*Server).DeleteMultipleObjects, Anonymous: true, ViaAccessPoint: true}
	opPutObject             = &Operation{Name: "PutObject", Action: "oss:PutObject", handler: (*Server).PutObject, Anonymous: true, ViaAccessPoint: true, setsTags: true}
	opCopyObject            = &Operation{Name: "CopyObject", Action: "oss:PutObject", handler: (*Server).CopyObject, ViaAccessPoint: true, setsTags: true}
	opAppendObject          = &Operation{Name: "AppendObject", Action: "oss:PutObject", handler: (*Server).AppendObject, Anonymous: true, ViaAccessPoint: true, setsTags: true}
	opGetObject             = &Operation{Name: "GetObject", Action: "oss:GetObject", handler: (*Server).GetObject, Anonymous: true, ViaAccessPoint: true}
	opHeadObject            = &Operation{Name: "HeadObject", Action: "oss:GetObject", handler: (*Server).HeadObject, Anonymous: true, ViaAccessPoint: true}
	opGetObjectMeta         = &Operation{Name: "GetObjectMeta", Action: "oss:GetObject", handler: (*Server).GetObjectMeta, Anonymous: true, ViaAccessPoint: true}
	opDeleteObject          = &Operation{Name: "DeleteObject", Action: "oss:DeleteObject", handler: (*Server).DeleteObject, Anonymous: true, ViaAccessPoint: true}

	// Multipart uploads.
	opInitiateMultipartUpload = &Operation{Name: "InitiateMultipartUpload", Action: "oss:PutObject", handler: (*Server).InitiateMultipartUpload, Anonymous: true, ViaAccessPoint: true, setsTags: true}
	opUploadPart              = &Operation{Name: "UploadPart", Action: "oss:PutObject", handler: (*Server).UploadPart, Anonymous: true, ViaAccessPoint: true}
	opUploadPartCopy          = &Operation{Name: "UploadPartCopy", Action: "oss:PutObject", handler: (*Server).UploadPartCopy, ViaAccessPoint: true}
	opCompleteMultipartUpload = &Operation{Name: "CompleteMultipartUpload", Action: "oss:PutObject", handler: (*Server).CompleteMultipartUpload, Anonymous: true, ViaAccessPoint: true}
	opAbortMultipartUpload    = &Operation{Name: "AbortMultipartUpload", Action: "oss:AbortMultipartUpload", handler: (*Server).AbortMultipartUpload, Anonymous: true, ViaAccessPoint: true}
	opListParts               = &Operation{Name: "ListParts", Action: "oss:ListParts", handler: (*Server).ListParts, Anonymous: true, ViaAccessPoint: true}
	opListMultipartUploads    = &Operation{Name: "ListMultipartUploads", Action: "oss:ListMultipartUploads", handler: (*Server).ListMultipartUploads, Anonymous: true, ViaAccessPoint: true}

	// Versioning.
	opPutBucketVersioning = &Operation{Name: "PutBucketVersioning", Action: "oss:PutBucketVersioning", handler: (*Server).PutBucketVersioning}
	opGetBucketVersioning = &Operation{Name: "GetBucketVersioning", Action: "oss:GetBucketVersioning", handler: (*Server).GetBucketVersioning}
	opListObjectVersions  = &Operation{Name: "ListObjectVersions", Action: "oss:ListObjectVersions", handler: (*Server).ListObjectVersions, Anonymous: true, ViaAccessPoint: true}

	// ACLs, tags and Block Public Access.
	opWriteGetObjectResponse        = &Operation{Name: "WriteGetObjectResponse", Action: "oss:WriteGetObjectResponse", handler: (*Server).WriteGetObjectResponse}
	opPutBucketPolicy               = &Operation{Name: "PutBucketPolicy", Action: "oss:PutBucketPolicy", handler: (*Server).PutBucketPolicy}
	opGetBucketPolicy               = &Operation{Name: "GetBucketPolicy", Action: "oss:GetBucketPolicy", handler: (*Server).GetBucketPolicy}
	opDeleteBucketPolicy            = &Operation{Name: "DeleteBucketPolicy", Action: "oss:DeleteBucketPolicy", handler: (*Server).DeleteBucketPolicy}
	opGetBucketPolicyStatus         = &Operation{Name: "GetBucketPolicyStatus", Action: "oss:GetBucketPolicyStatus", handler: (*Server).GetBucketPolicyStatus}
	opPutBucketAcl                  = &Operation{Name: "PutBucketAcl", Action: "oss:PutBucketAcl", handler: (*Server).PutBucketAcl}
	opGetBucketAcl                  = &Operation{Name: "GetBucketAcl", Action: "oss:GetBucketAcl", handler: (*Server).GetBucketAcl}
	opPutObjectAcl                  = &Operation{Name: "PutObjectAcl", Action: "oss:PutObjectAcl", handler: (*Server).PutObjectAcl, ViaAccessPoint: true}
	opGetObjectAcl                  = &Operation{Name: "GetObjectAcl", Action: "oss:GetObjectAcl", handler: (*Server).GetObjectAcl, ViaAccessPoint: true}
	opPutObjectTagging              = &Operation{Name: "PutObjectTagging", Action: "oss:PutObjectTagging", handler: (*Server).PutObjectTagging, ViaAccessPoint: true}
	opGetObjectTagging              = &Operation{Name: "GetObjectTagging", Action: "oss:GetObjectTagging", handler: (*Server).GetObjectTagging, Anonymous: true, ViaAccessPoint: true}
	opDeleteObjectTagging           = &Operation{Name: "DeleteObjectTagging", Action: "oss:DeleteObjectTagging", handler: (*Server).DeleteObjectTagging, ViaAccessPoint: true}
	opPutBucketTags                 = &Operation{Name: "PutBucketTags", Action: "oss:PutBucketTagging", handler: (*Server).PutBucketTags}
	opGetBucketTags                 = &Operation{Name: "GetBucketTags", Action: "oss:GetBucketTagging", handler: (*Server).GetBucketTags}
	opDeleteBucketTags              = &Operation{Name: "DeleteBucketTags", Action: "oss:DeleteBucketTagging", handler: (*Server).DeleteBucketTags}
	opPutBucketPublicAccessBlock    = &Operation{Name: "PutBucketPublicAccessBlock", Action: "oss:PutBucketPublicAccessBlock", handler: (*Server).PutBucketPublicAccessBlock}
	opGetBucketPublicAccessBlock    = &Operation{Name: "GetBucketPublicAccessBlock", Action: "oss:GetBucketPublicAccessBlock", handler: (*Server).GetBucketPublicAccessBlock}
	opDeleteBucketPublicAccessBlock = &Operation{Name: "DeleteBucketPublicAccessBlock", Action: "oss:DeleteBucketPublicAccessBlock", handler: (*Server).DeleteBucketPublicAccessBlock}
	// opTransformedGetObject is GetObject sent to an Object FC Access Point
	// alias; the pipeline swaps it in for opGetObject.
	opTransformedGetObject = &Operation{Name: "GetObject", Action: "oss:GetObject", handler: (*Server).TransformedGetObject, ViaAccessPoint: true}
)

// Access point operations. The policy operations are also accepted on an
// access point alias.
var (
	opCreateAccessPoint                  = &Operation{Name: "CreateAccessPoint", Action: "oss:CreateAccessPoint", handler: (*Server).CreateAccessPoint}
	opGetAccessPoint                     = &Operation{Name: "GetAccessPoint", Action: "oss:GetAccessPoint", handler: (*Server).GetAccessPoint}
	opListAccessPoints                   = &Operation{Name: "ListAccessPoints", Action: "oss:ListAccessPoints", handler: (*Server).ListAccessPoints}
	opDeleteAccessPoint                  = &Operation{Name: "DeleteAccessPoint", Action: "oss:DeleteAccessPoint", handler: (*Server).DeleteAccessPoint}
	opPutAccessPointPolicy               = &Operation{Name: "PutAccessPointPolicy", Action: "oss:PutAccessPointPolicy", handler: (*Server).PutAccessPointPolicy, ViaAccessPoint: true}
	opGetAccessPointPolicy               = &Operation{Name: "GetAccessPointPolicy", Action: "oss:GetAccessPointPolicy", handler: (*Server).GetAccessPointPolicy, ViaAccessPoint: true}
	opDeleteAccessPointPolicy            = &Operation{Name: "DeleteAccessPointPolicy", Action: "oss:DeleteAccessPointPolicy", handler: (*Server).DeleteAccessPointPolicy, ViaAccessPoint: true}
	opPutAccessPointPublicAccessBlock    = &Operation{Name: "PutAccessPointPublicAccessBlock", Action: "oss:PutAccessPointPublicAccessBlock", handler: (*Server).PutAccessPointPublicAccessBlock}
	opGetAccessPointPublicAccessBlock    = &Operation{Name: "GetAccessPointPublicAccessBlock", Action: "oss:GetAccessPointPublicAccessBlock", handler: (*Server).GetAccessPointPublicAccessBlock}
	opDeleteAccessPointPublicAccessBlock = &Operation{Name: "DeleteAccessPointPublicAccessBlock", Action: "oss:DeleteAccessPointPublicAccessBlock", handler: (*Server).DeleteAccessPointPublicAccessBlock}

	opCreateAccessPointForObjectProcess       = &Operation{Name: "CreateAccessPointForObjectProcess", Action: "oss:CreateAccessPointForObjectProcess", handler: (*Server).CreateAccessPointForObjectProcess}
	opGetAccessPointForObjectProcess          = &Operation{Name: "GetAccessPointForObjectProcess", Action: "oss:GetAccessPointForObjectProcess", handler: (*Server).GetAccessPointForObjectProcess}
	opListAccessPointsForObjectProcess        = &Operation{Name: "ListAccessPointsForObjectProcess", Action: "oss:ListAccessPointsForObjectProcess", handler: (*Server).ListAccessPointsForObjectProcess}
	opDeleteAccessPointForObjectProcess       = &Operation{Name: "DeleteAccessPointForObjectProcess", Action: "oss:DeleteAccessPointForObjectProcess", handler: (*Server).DeleteAccessPointForObjectProcess}
	opPutAccessPointConfigForObjectProcess    = &Operation{Name: "PutAccessPointConfigForObjectProcess", Action: "oss:PutAccessPointConfigForObjectProcess", handler: (*Server).PutAccessPointConfigForObjectProcess}
	opGetAccessPointConfigForObjectProcess    = &Operation{Name: "GetAccessPointConfigForObjectProcess", Action: "oss:GetAccessPointConfigForObjectProcess", handler: (*Server).GetAccessPointConfigForObjectProcess}
	opPutAccessPointPolicyForObjectProcess    = &Operation{Name: "PutAccessPointPolicyForObjectProcess", Action: "oss:PutAccessPointPolicyForObjectProcess", handler: (*Server).PutAccessPointPolicyForObjectProcess}
	opGetAccessPointPolicyForObjectProcess    = &Operation{Name: "GetAccessPointPolicyForObjectProcess", Action: "oss:GetAccessPointPolicyForObjectProcess", handler: (*Server).GetAccessPointPolicyForObjectProcess}
	opDeleteAccessPointPolicyForObjectProcess = &Operation{Name: "DeleteAccessPointPolicyForObjectProcess", Action: "oss:DeleteAccessPointPolicyForObjectProcess", handler: (*Server).DeleteAccessPointPolicyForObjectProcess}
)

// routes is the routing table, read top to bottom; the first match wins.
var routes = []route{
	// Service level: no bucket addressed.
	{ServiceLevel, http.MethodGet, "", nil, opListBuckets},
	{ServiceLevel, http.MethodPost, "x-oss-write-get-object-response", nil, opWriteGetObjectResponse},
	{ServiceLevel, http.MethodGet, "accessPoint", nil, opListAccessPoints},
	{ServiceLevel, http.MethodGet, "accessPointForObjectProcess", nil, opListAccessPointsForObjectProcess},

	// Bucket level.
	{BucketLevel, http.MethodGet, "bucketInfo", nil, opGetBucketInfo},
	{BucketLevel, http.MethodGet, "location", nil, opGetBucketLocation},
	{BucketLevel, http.MethodGet, "stat", nil, opGetBucketStat},
	{BucketLevel, http.MethodPost, "delete", nil, opDeleteMultipleObjects},

	// Access points: the name travels in x-oss-access-point-name, as a
	// header or, for Block Public Access, as a query parameter whose absence
	// means the bucket's own Block Public Access.
	{BucketLevel, http.MethodPut, "accessPoint", nil, opCreateAccessPoint},
	{BucketLevel, http.MethodGet, "accessPoint", hasHeader(accessPointNameHeader), opGetAccessPoint},
	{BucketLevel, http.MethodGet, "accessPoint", nil, opListAccessPoints},
	{BucketLevel, http.MethodDelete, "accessPoint", nil, opDeleteAccessPoint},
	{BucketLevel, http.MethodPut, "accessPointPolicy", nil, opPutAccessPointPolicy},
	{BucketLevel, http.MethodGet, "accessPointPolicy", nil, opGetAccessPointPolicy},
	{BucketLevel, http.MethodDelete, "accessPointPolicy", nil, opDeleteAccessPointPolicy},
	{BucketLevel, http.MethodPut, "publicAccessBlock", hasQuery(accessPointNameHeader), opPutAccessPointPublicAccessBlock},
	{BucketLevel, http.MethodGet, "publicAccessBlock", hasQuery(accessPointNameHeader), opGetAccessPointPublicAccessBlock},
	{BucketLevel, http.MethodDelete, "publicAccessBlock", hasQuery(accessPointNameHeader), opDeleteAccessPointPublicAccessBlock},

	// Object FC Access Points: the name travels in
	// x-oss-access-point-for-object-process-name.
	{BucketLevel, http.MethodPut, "accessPointForObjectProcess", nil, opCreateAccessPointForObjectProcess},
	{BucketLevel, http.MethodGet, "accessPointForObjectProcess", nil, opGetAccessPointForObjectProcess},
	{BucketLevel, http.MethodDelete, "accessPointForObjectProcess", nil, opDeleteAccessPointForObjectProcess},
	{BucketLevel, http.MethodPut, "accessPointConfigForObjectProcess", nil, opPutAccessPointConfigForObjectProcess},
	{BucketLevel, http.MethodGet, "accessPointConfigForObjectProcess", nil, opGetAccessPointConfigForObjectProcess},
	{BucketLevel, http.MethodPut, "accessPointPolicyForObjectProcess", nil, opPutAccessPointPolicyForObjectProcess},
	{BucketLevel, http.MethodGet, "accessPointPolicyForObjectProcess", nil, opGetAccessPointPolicyForObjectProcess},
	{BucketLevel, http.MethodDelete, "accessPointPolicyForObjectProcess", nil, opDeleteAccessPointPolicyForObjectProcess},

	{BucketLevel, http.MethodGet, "uploads", nil, opListMultipartUploads},
	{BucketLevel, http.MethodPut, "versioning", nil, opPutBucketVersioning},
	{BucketLevel, http.MethodGet, "versioning", nil, opGetBucketVersioning},
	{BucketLevel, http.MethodGet, "versions", nil, opListObjectVersions},
	{BucketLevel, http.MethodPut, "policy", nil, opPutBucketPolicy},
	{BucketLevel, http.MethodGet, "policy", nil, opGetBucketPolicy},
	{BucketLevel, http.MethodDelete, "policy", nil, opDeleteBucketPolicy},
	{BucketLevel, http.MethodGet, "policyStatus", nil, opGetBucketPolicyStatus},
	{BucketLevel, http.MethodPut, "acl", nil, opPutBucketAcl},
	{BucketLevel, http.MethodGet, "acl", nil, opGetBucketAcl},
	{BucketLevel, http.MethodPut, "tagging", nil, opPutBucketTags},
	{BucketLevel, http.MethodGet, "tagging", nil, opGetBucketTags},
	{BucketLevel, http.MethodDelete, "tagging", nil, opDeleteBucketTags},
	{BucketLevel, http.MethodPut, "publicAccessBlock", nil, opPutBucketPublicAccessBlock},
	{BucketLevel, http.MethodGet, "publicAccessBlock", nil, opGetBucketPublicAccessBlock},
	{BucketLevel, http.MethodDelete, "publicAccessBlock", nil, opDeleteBucketPublicAccessBlock},
	{BucketLevel, http.MethodGet, "", listTypeV2, opListObjectsV2},
	{BucketLevel, http.MethodGet, "", nil, opListObjects},
	{BucketLevel, http.MethodPut, "", nil, opPutBucket},
	{BucketLevel, http.MethodDelete, "", nil, opDeleteBucket},

	// Object level.
	{ObjectLevel, http.MethodHead, "objectMeta", nil, opGetObjectMeta},
	{ObjectLevel, http.MethodPost, "append", nil, opAppendObject},
	{ObjectLevel, http.MethodPost, "uploads", nil, opInitiateMultipartUpload},
	{ObjectLevel, http.MethodPut, "uploadId", hasHeader("x-oss-copy-source"), opUploadPartCopy},
	{ObjectLevel, http.MethodPut, "uploadId", nil, opUploadPart},
	{ObjectLevel, http.MethodPost, "uploadId", nil, opCompleteMultipartUpload},
	{ObjectLevel, http.MethodDelete, "uploadId", nil, opAbortMultipartUpload},
	{ObjectLevel, http.MethodGet, "uploadId", nil, opListParts},
	{ObjectLevel, http.MethodPut, "acl", nil, opPutObjectAcl},
	{ObjectLevel, http.MethodGet, "acl", nil, opGetObjectAcl},
	{ObjectLevel, http.MethodPut, "tagging", nil, opPutObjectTagging},
	{ObjectLevel, http.MethodGet, "tagging", nil, opGetObjectTagging},
	{ObjectLevel, http.MethodDelete, "tagging", nil, opDeleteObjectTagging},
	{ObjectLevel, http.MethodPut, "", hasHeader("x-oss-copy-source"), opCopyObject},
	{ObjectLevel, http.MethodPut, "", nil, opPutObject},
	{ObjectLevel, http.MethodGet, "", nil, opGetObject},
	{ObjectLevel, http.MethodHead, "", nil, opHeadObject},
	{ObjectLevel, http.MethodDelete, "", nil, opDeleteObject},
}

// unimplementedSubresources are OSS sub-resources ossfc does not serve yet. A
// request carrying one gets NotImplemented rather than being mistaken for a
// plain object or bucket operation.
var unimplementedSubresources = []string{
	"accessMonitor", "archiveDirectRead", "asyncFetch", "bucketArchiveDirectRead", "cname", "comp",
	"cors", "dataRedundancyTransition", "encryption", "httpsConfig", "img", "inventory", "lifecycle",
	"live", "logging", "metaQuery", "objectInfo", "overwriteConfig", "qos", "qosInfo",
	"redundancyTransition", "referer", "regionList", "replication", "replicationLocation",
	"replicationProgress", "requestPayment", "requesterQosInfo", "resourceGroup", "resourcePool",
	"restore", "rtc", "select", "sequential", "style", "symlink", "transferAcceleration", "udf",
	"vod", "website", "worm", "wormExtend", "wormId", "x-oss-async-process", "cleanRestoredObject",
	"regions", "metadataTableConfiguration", "callback", "processConfiguration",
}

// selectors are the query parameters that choose an operation: a plain
// route (sub == "") matches only when none of them is present.
var selectors = func() map[string]bool {
	m := map[string]bool{}
	for _, rt := range routes {
		if rt.sub != "" {
			m[rt.sub] = true
		}
	}
	for _, s := range unimplementedSubresources {
		m[s] = true
	}
	return m
}()

// route returns the operation for r addressed at t.
func findOperation(r *http.Request, t Target) (*Operation, error) {
	query := r.URL.Query()
	level := t.Level()
	for _, rt := range routes {
		if rt.level != level || rt.method != r.Method {
			continue
		}
		if rt.sub != "" && !query.Has(rt.sub) {
			continue
		}
		if rt.sub == "" && hasSelector(query) {
			continue
		}
		if rt.when != nil && !rt.when(r) {
			continue
		}
		return rt.op, nil
	}

	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete, http.MethodOptions:
	default:
		return nil, osserr.Newf(osserr.MethodNotAllowed, "The method %s is not allowed against this resource.", r.Method)
	}
	for key := range query {
		if selectors[key] {
			return nil, osserr.Newf(osserr.NotImplemented, "The %s %q sub-resource is not implemented by ossfc.", r.Method, key)
		}
	}
	return nil, osserr.Newf(osserr.MethodNotAllowed, "The method %s is not allowed against this resource.", r.Method)
}

func hasSelector(q url.Values) bool {
	for key := range q {
		if selectors[key] {
			return true
		}
	}
	return false
}
