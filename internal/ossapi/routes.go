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
	opPutObject             = &Operation{Name: "PutObject", Action: "oss:PutObject", handler: (*Server).PutObject, Anonymous: true, ViaAccessPoint: true}
	opCopyObject            = &Operation{Name: "CopyObject", Action: "oss:PutObject", handler: (*Server).CopyObject, ViaAccessPoint: true}
	opAppendObject          = &Operation{Name: "AppendObject", Action: "oss:PutObject", handler: (*Server).AppendObject, Anonymous: true, ViaAccessPoint: true}
	opGetObject             = &Operation{Name: "GetObject", Action: "oss:GetObject", handler: (*Server).GetObject, Anonymous: true, ViaAccessPoint: true}
	opHeadObject            = &Operation{Name: "HeadObject", Action: "oss:GetObject", handler: (*Server).HeadObject, Anonymous: true, ViaAccessPoint: true}
	opGetObjectMeta         = &Operation{Name: "GetObjectMeta", Action: "oss:GetObject", handler: (*Server).GetObjectMeta, Anonymous: true, ViaAccessPoint: true}
	opDeleteObject          = &Operation{Name: "DeleteObject", Action: "oss:DeleteObject", handler: (*Server).DeleteObject, Anonymous: true, ViaAccessPoint: true}
)

// routes is the routing table, read top to bottom; the first match wins.
var routes = []route{
	// Service level: no bucket addressed.
	{ServiceLevel, http.MethodGet, "", nil, opListBuckets},

	// Bucket level.
	{BucketLevel, http.MethodGet, "bucketInfo", nil, opGetBucketInfo},
	{BucketLevel, http.MethodGet, "location", nil, opGetBucketLocation},
	{BucketLevel, http.MethodGet, "stat", nil, opGetBucketStat},
	{BucketLevel, http.MethodPost, "delete", nil, opDeleteMultipleObjects},
	{BucketLevel, http.MethodGet, "", listTypeV2, opListObjectsV2},
	{BucketLevel, http.MethodGet, "", nil, opListObjects},
	{BucketLevel, http.MethodPut, "", nil, opPutBucket},
	{BucketLevel, http.MethodDelete, "", nil, opDeleteBucket},

	// Object level.
	{ObjectLevel, http.MethodHead, "objectMeta", nil, opGetObjectMeta},
	{ObjectLevel, http.MethodPost, "append", nil, opAppendObject},
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
	"live", "logging", "metaQuery", "objectInfo", "overwriteConfig", "policyStatus", "qos", "qosInfo",
	"redundancyTransition", "referer", "regionList", "replication", "replicationLocation",
	"replicationProgress", "requestPayment", "requesterQosInfo", "resourceGroup", "resourcePool",
	"restore", "rtc", "select", "sequential", "style", "symlink", "transferAcceleration", "udf",
	"vod", "website", "worm", "wormExtend", "wormId", "x-oss-async-process", "cleanRestoredObject",
	"regions", "tagging", "acl", "versioning", "versions", "uploads", "uploadId", "policy",
	"publicAccessBlock", "accessPoint", "accessPointPolicy", "accessPointForObjectProcess",
	"accessPointConfigForObjectProcess", "accessPointPolicyForObjectProcess",
	"x-oss-write-get-object-response", "metadataTableConfiguration", "callback", "processConfiguration",
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
