package auth

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
)

// signedSubresourcesV1 are the query parameters that V1 signs besides every
// parameter named x-oss-*. Clients sign from their own lists, so this is the
// union of the OSS Go SDK v2 (its fixed list and the sub-resource of each
// operation), oss2 and the Java SDK. Read-only after initialisation.
var signedSubresourcesV1 = setOf(
	// Fixed lists of the Go SDK v2, oss2 and the Java SDK.
	"acl", "append", "asyncFetch", "bucketArchiveDirectRead", "bucketInfo", "callback",
	"callback-var", "cloudboxes", "cname", "comp", "continuation-token", "cors", "delete",
	"encryption", "endTime", "group", "httpsConfig", "img", "inventory", "inventoryId",
	"lifecycle", "link", "live", "location", "logging", "metaQuery", "objectInfo",
	"objectMeta", "partNumber", "policy", "policyStatus", "position", "publicAccessBlock",
	"qos", "qosInfo", "qosRequester", "redundancyTransition", "referer", "regionList",
	"regions", "replication", "replicationLocation", "replicationProgress",
	"requestPayment", "requesterQosInfo", "resourceGroup", "resourcePool",
	"resourcePoolBuckets", "resourcePoolInfo", "response-cache-control",
	"response-content-disposition", "response-content-encoding",
	"response-content-language", "response-content-type", "response-expires", "restore",
	"rtc", "seal", "security-token", "sequential", "startTime", "stat", "status", "style",
	"styleName", "symlink", "tagging", "transferAcceleration", "udf", "udfApplication",
	"udfApplicationLog", "udfId", "udfImage", "udfImageDesc", "udfName", "uploadId",
	"uploads", "versionId", "versioning", "versions", "vod", "website", "worm",
	"wormExtend", "wormId", "responseHeader", "withHashContext",
	// Operation sub-resources of the Go SDK v2 1.6.1 (OpMetadata SubResource).
	"accessPoint", "accessPointPolicy", "accessPointForObjectProcess",
	"accessPointConfigForObjectProcess", "accessPointPolicyForObjectProcess",
	"agenticBucket", "cleanRestoredObject", "legalHold", "metadataConfiguration",
	"metadataInventoryTable", "metadataJournalTable", "objectWorm", "overwriteConfig",
	"quota", "retention", "userDefinedLogFieldsConfig",
	"DeleteVectorIndex", "GetVectorIndex", "ListVectorIndexes", "PutVectorIndex",
)

// unsignedParametersV1 are query parameters that no V1 signer signs: list
// options and the V1 presigned-URL parameters themselves. The fallback
// resource signs every other parameter.
var unsignedParametersV1 = setOf(
	"max-keys", "prefix", "marker", "delimiter", "encoding-type", "list-type",
	"start-after", "fetch-owner", "key-marker", "upload-id-marker", "version-id-marker",
	"part-number-marker", "max-parts", "max-uploads", "tag-key", "tag-value",
	queryV1AccessKeyID, queryV1Expires, queryV1Signature,
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// isSignedV1 is the rule every V1 signer agrees on: the known sub-resources
// and every x-oss-* parameter.
func isSignedV1(key string) bool {
	return signedSubresourcesV1[key] || strings.HasPrefix(key, "x-oss-")
}

// isSignedV1Fallback signs every parameter except the known unsigned ones,
// for clients whose sub-resource list is longer than ours.
func isSignedV1Fallback(key string) bool {
	return !unsignedParametersV1[key]
}

// canonicalizedOSSHeaders returns the x-oss-* headers of h as V1 signs them:
// lower-case names in byte order, one "name:value\n" line each, values
// trimmed and joined by ','. With redact, the x-oss-security-token value is
// replaced by a placeholder, for error documents.
func canonicalizedOSSHeaders(h http.Header, redact bool) string {
	names := make([]string, 0, len(h))
	values := map[string][]string{}
	for name, vs := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-oss-") {
			continue
		}
		if _, seen := values[lower]; !seen {
			names = append(names, lower)
		}
		values[lower] = append(values[lower], vs...)
	}
	sort.Strings(names)

	var b strings.Builder
	for _, name := range names {
		value := joinTrimmed(values[name])
		if redact && name == headerSecurityToken {
			value = redactedSecurityToken
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(value)
		b.WriteByte('\n')
	}
	return b.String()
}

// joinTrimmed trims each value and joins them with ','.
func joinTrimmed(values []string) string {
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ",")
}

// canonicalizedResourceV1 returns "/" + bucket + "/" + key, followed by "?"
// and the signed sub-resources: decoded, sorted by key, "key" or "key=value",
// the first value of a repeated key, joined by '&'. Pairs that net/url cannot
// parse are left out, as the SDKs' query parsers drop them. With redact, the
// security-token value is replaced by a placeholder.
func canonicalizedResourceV1(t Target, params []queryParam, signed func(string) bool, redact bool) string {
	first := map[string]string{}
	var keys []string
	for _, p := range params {
		if !p.valid || !signed(p.key) {
			continue
		}
		if _, seen := first[p.key]; seen {
			continue
		}
		first[p.key] = p.value
		keys = append(keys, p.key)
	}
	sort.Strings(keys)

	var b strings.Builder
	b.WriteString(resourcePath(t))
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(k)
		v := first[k]
		if redact && k == queryV1SecurityToken && v != "" {
			v = redactedSecurityToken
		}
		if v != "" {
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

// resourcePath returns "/", "/bucket/" or "/bucket/key", unescaped.
func resourcePath(t Target) string {
	if t.Bucket == "" {
		return "/" + t.Key
	}
	return "/" + t.Bucket + "/" + t.Key
}

// stringToSignV1 assembles the V1 string to sign.
func stringToSignV1(method, contentMD5, contentType, date, ossHeaders, resource string) string {
	return method + "\n" + contentMD5 + "\n" + contentType + "\n" + date + "\n" + ossHeaders + resource
}

// signV1 returns base64(HMAC-SHA1(secret, stringToSign)).
func signV1(secret, stringToSign string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// stringsToSignV1 returns every V1 string to sign that a client may have
// signed for r, most likely first. The union sub-resource rule comes before
// the fallback that signs all but the known unsigned parameters. Each is
// built with the Date line of s, and also with x-oss-date when the request
// has no Date header.
func (s *Signature) stringsToSignV1(r *http.Request, t Target, params []queryParam, redact bool) []string {
	dates := []string{s.dateLine}
	if !s.Presigned && s.dateLine == "" && s.ossDateV1 != "" {
		dates = []string{s.ossDateV1, ""}
	}
	resources := []string{canonicalizedResourceV1(t, params, isSignedV1, redact)}
	resources = appendUnique(resources, canonicalizedResourceV1(t, params, isSignedV1Fallback, redact))

	ossHeaders := canonicalizedOSSHeaders(r.Header, redact)
	contentMD5 := r.Header.Get("Content-MD5")
	contentType := r.Header.Get("Content-Type")
	var out []string
	for _, resource := range resources {
		for _, date := range dates {
			out = append(out, stringToSignV1(r.Method, contentMD5, contentType, date, ossHeaders, resource))
		}
	}
	return out
}
