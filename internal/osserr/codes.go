package osserr

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
)

// Code is an OSS error code, the string clients compare against, such as
// "NoSuchBucket".
type Code string

// codeInfo is what the catalogue stores per code.
type codeInfo struct {
	status  int
	message string
	ec      string
}

// The codes ossfc returns. Messages and EC values follow Alibaba Cloud OSS where
// it documents them; codes marked "ossfc" have no documented OSS counterpart and
// carry no EC.
const (
	AccessDenied                             Code = "AccessDenied"
	AccessPointAlreadyExists                 Code = "AccessPointAlreadyExists"
	AccessPointForObjectProcessAlreadyExists Code = "AccessPointForObjectProcessAlreadyExists"
	AccessPointInUse                         Code = "AccessPointInUse"
	BadDigest                                Code = "BadDigest"
	BucketAlreadyExists                      Code = "BucketAlreadyExists"
	BucketNotEmpty                           Code = "BucketNotEmpty"
	CallbackFailed                           Code = "CallbackFailed"
	ClientDisconnected                       Code = "ClientDisconnected"
	EntityTooLarge                           Code = "EntityTooLarge"
	EntityTooSmall                           Code = "EntityTooSmall"
	FileAlreadyExists                        Code = "FileAlreadyExists"
	FunctionExecutionFailed                  Code = "FunctionExecutionFailed"
	FunctionNotFound                         Code = "FunctionNotFound"
	FunctionResponseNotReceived              Code = "FunctionResponseNotReceived"
	FunctionResponseTimeout                  Code = "FunctionResponseTimeout"
	FunctionThrottled                        Code = "FunctionThrottled"
	IncompleteBody                           Code = "IncompleteBody"
	InternalError                            Code = "InternalError"
	InvalidAccessKeyID                       Code = "InvalidAccessKeyId"
	InvalidAccessPointStatus                 Code = "InvalidAccessPointStatus"
	InvalidArgument                          Code = "InvalidArgument"
	InvalidBucketName                        Code = "InvalidBucketName"
	InvalidDigest                            Code = "InvalidDigest"
	InvalidEncryptionAlgorithm               Code = "InvalidEncryptionAlgorithmError"
	InvalidObjectName                        Code = "InvalidObjectName"
	InvalidPart                              Code = "InvalidPart"
	InvalidPartOrder                         Code = "InvalidPartOrder"
	InvalidPolicyDocument                    Code = "InvalidPolicyDocument"
	InvalidRange                             Code = "InvalidRange"
	InvalidRequest                           Code = "InvalidRequest"
	InvalidSecurityToken                     Code = "InvalidSecurityToken"
	InvalidTag                               Code = "InvalidTag"
	InvalidURI                               Code = "InvalidURI"
	MalformedPolicy                          Code = "MalformedPolicy"
	MalformedXML                             Code = "MalformedXML"
	MetadataTooLarge                         Code = "MetadataTooLarge"
	MethodNotAllowed                         Code = "MethodNotAllowed"
	MissingArgument                          Code = "MissingArgument"
	MissingContentLength                     Code = "MissingContentLength"
	NoSuchAccessPoint                        Code = "NoSuchAccessPoint"
	NoSuchAccessPointForObjectProcess        Code = "NoSuchAccessPointForObjectProcess"
	NoSuchAccessPointPolicy                  Code = "NoSuchAccessPointPolicy"
	NoSuchBucket                             Code = "NoSuchBucket"
	NoSuchBucketPolicy                       Code = "NoSuchBucketPolicy"
	NoSuchKey                                Code = "NoSuchKey"
	NoSuchPublicAccessBlockConfiguration     Code = "NoSuchPublicAccessBlockConfiguration"
	NoSuchTagSet                             Code = "NoSuchTagSet"
	NoSuchUpload                             Code = "NoSuchUpload"
	NoSuchVersion                            Code = "NoSuchVersion"
	NotImplemented                           Code = "NotImplemented"
	NotModified                              Code = "NotModified"
	ObjectNotAppendable                      Code = "ObjectNotAppendable"
	PositionNotEqualToLength                 Code = "PositionNotEqualToLength"
	PreconditionFailed                       Code = "PreconditionFailed"
	RequestTimeTooSkewed                     Code = "RequestTimeTooSkewed"
	RequestTimeout                           Code = "RequestTimeout"
	SecurityTokenExpired                     Code = "SecurityTokenExpired"
	ServiceUnavailable                       Code = "ServiceUnavailable"
	SignatureDoesNotMatch                    Code = "SignatureDoesNotMatch"
	TooManyAccessPoints                      Code = "TooManyAccessPoints"
	TooManyAccessPointsForObjectProcess      Code = "TooManyAccessPointsForObjectProcess"
	TooManyBuckets                           Code = "TooManyBuckets"
	UserDisable                              Code = "UserDisable"
)

// catalogue maps every code to its status, default message and EC value.
var catalogue = map[Code]codeInfo{
	AccessDenied:                             {http.StatusForbidden, "You have no right to access this object because of bucket acl.", "0003-00000001"},
	AccessPointAlreadyExists:                 {http.StatusConflict, "The access point name already exists in this region.", ""},           // ossfc
	AccessPointForObjectProcessAlreadyExists: {http.StatusConflict, "The Object FC Access Point name already exists in this region.", ""}, // ossfc
	AccessPointInUse:                         {http.StatusConflict, "The access point is used by an Object FC Access Point.", ""},         // ossfc
	BadDigest:                                {http.StatusBadRequest, "The Content-MD5 you specified did not match what we received.", "0002-00000020"},
	BucketAlreadyExists:                      {http.StatusConflict, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", "0015-00000104"},
	BucketNotEmpty:                           {http.StatusConflict, "The bucket has objects. Please delete them first.", "0015-00000301"},
	CallbackFailed:                           {http.StatusNonAuthoritativeInfo, "Error status : -1. The upload callback failed.", "0007-00000203"},
	ClientDisconnected:                       {http.StatusBadRequest, "The caller of GetObject disconnected before the response was complete.", ""}, // ossfc
	EntityTooLarge:                           {http.StatusBadRequest, "Your proposed upload exceeds the maximum allowed object size.", "0017-00000301"},
	EntityTooSmall:                           {http.StatusBadRequest, "Your proposed upload is smaller than the minimum allowed size.", "0042-00000302"},
	FileAlreadyExists:                        {http.StatusConflict, "The object you specified already exists and can not be overwritten.", "0026-00000014"},
	FunctionExecutionFailed:                  {http.StatusInternalServerError, "The function failed before it called WriteGetObjectResponse.", ""},    // ossfc
	FunctionNotFound:                         {http.StatusInternalServerError, "The function of the Object FC Access Point does not exist.", ""},      // ossfc
	FunctionResponseNotReceived:              {http.StatusInternalServerError, "The function returned without calling WriteGetObjectResponse.", ""},   // ossfc
	FunctionResponseTimeout:                  {http.StatusGatewayTimeout, "The function did not call WriteGetObjectResponse within its timeout.", ""}, // ossfc
	FunctionThrottled:                        {http.StatusServiceUnavailable, "The function has no free instance; retry later.", ""},                  // ossfc
	IncompleteBody:                           {http.StatusBadRequest, "You did not provide the number of bytes specified by the Content-Length HTTP header.", "0002-00000012"},
	InternalError:                            {http.StatusInternalServerError, "We encountered an internal error. Please try again.", ""},
	InvalidAccessKeyID:                       {http.StatusForbidden, "The OSS Access Key Id you provided does not exist in our records.", "0002-00000902"},
	InvalidAccessPointStatus:                 {http.StatusConflict, "The access point is not in the enable status.", ""}, // ossfc
	InvalidArgument:                          {http.StatusBadRequest, "An argument is invalid.", ""},
	InvalidBucketName:                        {http.StatusBadRequest, "The specified bucket is not valid.", "0015-00000001"},
	InvalidDigest:                            {http.StatusBadRequest, "The Content-MD5 you specified is not valid.", "0016-00000401"},
	InvalidEncryptionAlgorithm:               {http.StatusBadRequest, "The encryption request you specified is not valid.", ""},
	InvalidObjectName:                        {http.StatusBadRequest, "The specified object name is not valid.", "0016-00000005"},
	InvalidPart:                              {http.StatusBadRequest, "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.", "0042-00000002"},
	InvalidPartOrder:                         {http.StatusBadRequest, "The list of parts was not in ascending order. The parts list must be specified in order by part number.", "0042-00000003"},
	InvalidPolicyDocument:                    {http.StatusBadRequest, "The content of the policy document is invalid.", ""},
	InvalidRange:                             {http.StatusRequestedRangeNotSatisfiable, "The requested range cannot be satisfied.", "0003-00000203"},
	InvalidRequest:                           {http.StatusBadRequest, "The request is invalid.", ""},
	InvalidSecurityToken:                     {http.StatusForbidden, "The security token you provided is invalid.", "0002-00000008"},
	InvalidURI:                               {http.StatusBadRequest, "Could not parse the specified URI.", ""},
	InvalidTag:                               {http.StatusBadRequest, "The tag you provided is invalid.", ""},
	MalformedPolicy:                          {http.StatusBadRequest, "The policy document is malformed.", ""},
	MalformedXML:                             {http.StatusBadRequest, "The XML you provided was not well-formed or did not validate against our published schema.", "0016-00000608"},
	MetadataTooLarge:                         {http.StatusBadRequest, "Your metadata headers exceed the maximum allowed metadata size.", "0016-00000406"},
	MethodNotAllowed:                         {http.StatusMethodNotAllowed, "The specified method is not allowed against this resource.", ""},
	MissingArgument:                          {http.StatusBadRequest, "Missing Some Required Arguments.", "0016-00000502"},
	MissingContentLength:                     {http.StatusLengthRequired, "You must provide the Content-Length HTTP header.", "0016-00000601"},
	NoSuchAccessPoint:                        {http.StatusNotFound, "The specified access point does not exist.", ""},
	NoSuchAccessPointForObjectProcess:        {http.StatusNotFound, "The specified Object FC Access Point does not exist.", ""},
	NoSuchAccessPointPolicy:                  {http.StatusNotFound, "The access point has no policy.", ""}, // ossfc
	NoSuchBucket:                             {http.StatusNotFound, "The specified bucket does not exist.", "0015-00000101"},
	NoSuchBucketPolicy:                       {http.StatusNotFound, "The bucket policy does not exist.", "0015-00000401"},
	NoSuchKey:                                {http.StatusNotFound, "The specified key does not exist.", "0026-00000001"},
	NoSuchPublicAccessBlockConfiguration:     {http.StatusNotFound, "The public access block configuration does not exist.", ""},
	NoSuchTagSet:                             {http.StatusNotFound, "The tag set does not exist.", ""},
	NoSuchUpload:                             {http.StatusNotFound, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", "0042-00000000"},
	NoSuchVersion:                            {http.StatusNotFound, "The specified version does not exist.", "0026-00000006"},
	NotImplemented:                           {http.StatusNotImplemented, "The operation is not implemented.", ""},
	NotModified:                              {http.StatusNotModified, "", ""},
	ObjectNotAppendable:                      {http.StatusConflict, "The object is not appendable.", "0026-00000015"},
	PositionNotEqualToLength:                 {http.StatusConflict, "Position is not equal to file length", "0026-00000016"},
	PreconditionFailed:                       {http.StatusPreconditionFailed, "At least one of the pre-conditions you specified did not hold.", "0026-00000010"},
	RequestTimeTooSkewed:                     {http.StatusForbidden, "The difference between the request time and the current time is too large.", "0002-00000504"},
	RequestTimeout:                           {http.StatusBadRequest, "Your socket connection to the server was not read from or written to within the timeout period.", "0002-00000013"},
	SecurityTokenExpired:                     {http.StatusForbidden, "The security token you provided has expired.", "0002-00000007"},
	ServiceUnavailable:                       {http.StatusServiceUnavailable, "Please reduce your request rate.", ""},
	SignatureDoesNotMatch:                    {http.StatusForbidden, "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "0002-00000040"},
	TooManyAccessPoints:                      {http.StatusBadRequest, "The number of access points exceeds the quota.", ""},           // ossfc
	TooManyAccessPointsForObjectProcess:      {http.StatusBadRequest, "The number of Object FC Access Points exceeds the quota.", ""}, // ossfc
	TooManyBuckets:                           {http.StatusBadRequest, "You have attempted to create more buckets than allowed.", "0015-00000601"},
	UserDisable:                              {http.StatusForbidden, "UserDisable", "0003-00000801"},
}

// Status returns the HTTP status of c, or 500 for a code missing from the catalogue.
func (c Code) Status() int {
	if info, ok := catalogue[c]; ok {
		return info.status
	}
	return http.StatusInternalServerError
}

// Message returns the default message of c.
func (c Code) Message() string { return catalogue[c].message }

// EC returns the default EC value of c, or "" when OSS documents none.
func (c Code) EC() string { return catalogue[c].ec }

// ossfcECModule is the module part of the EC values ossfc makes up for codes
// that Alibaba Cloud documents no EC for. No OSS module uses it, so such a
// value never points at an unrelated OSS troubleshooting page.
const ossfcECModule = "9999"

// ossfcEC returns the EC of a code without a documented one: the module
// 9999 and eight digits derived from the code's name, so every error
// response carries an EC and a code keeps its value across releases.
func ossfcEC(c Code) string {
	h := fnv.New32a()
	h.Write([]byte(c))
	return fmt.Sprintf("%s-%08d", ossfcECModule, h.Sum32()%100000000)
}

// isOSSFCEC reports whether ec is one ossfcEC made up.
func isOSSFCEC(ec string) bool { return strings.HasPrefix(ec, ossfcECModule+"-") }
