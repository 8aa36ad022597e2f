package console

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/internal/fc/fcclient"
	"github.com/ossfc/ossfc/internal/ram/ramclient"
)

// errorView is an error as shown to the user: a plain sentence first, then
// the service's code, message and request id to match with the logs.
type errorView struct {
	Status    int    `json:"status"`
	Summary   string `json:"summary"`
	Source    string `json:"source,omitempty"` // "OSS", "Function Compute" or "RAM"
	Code      string `json:"code,omitempty"`
	Message   string `json:"message,omitempty"`
	RequestID string `json:"requestId,omitempty"`
	EC        string `json:"ec,omitempty"`
}

// userError is a mistake the console finds before calling the API, such
// as an invalid name. Its text is shown as is.
type userError struct {
	status int
	text   string
}

func (e *userError) Error() string { return e.text }

func invalidInput(text string) error { return &userError{status: http.StatusBadRequest, text: text} }

// plainWords explains OSS and admin API error codes to a person.
var plainWords = map[string]string{
	"AccessDenied":                             "You are not allowed to do this. Ask the account owner to grant the permission named below.",
	"AccessPointAlreadyExists":                 "An access point with this name already exists in this region. Pick another name.",
	"AccessPointForObjectProcessAlreadyExists": "An Object FC Access Point with this name already exists in this region. Pick another name.",
	"AccessPointInUse":                         "This access point supports an Object FC Access Point. Delete that one first.",
	"BucketAlreadyExists":                      "A bucket with this name already exists. Bucket names are unique on the server; pick another name.",
	"BucketNotEmpty":                           "The bucket still holds objects or access points. Delete them first, then delete the bucket.",
	"EntityTooLarge":                           "The file is larger than one upload may be.",
	"FunctionNotFound":                         "The function does not exist. Deploy it on the Functions page or pick another one.",
	"FunctionExecutionFailed":                  "The function failed while processing the object. Look at its recent invocations on the Functions page.",
	"FunctionResponseTimeout":                  "The function did not answer in time. Look at its recent invocations on the Functions page.",
	"FunctionResponseNotReceived":              "The function finished without sending the object back with WriteGetObjectResponse.",
	"InvalidAccessKeyId":                       "This access key ID is not known to the server. Check it, or ask the account owner for a key.",
	"InvalidAccessPointStatus":                 "The access point is not ready yet. Wait until its status is enable.",
	"InvalidArgument":                          "A value in the request was rejected.",
	"InvalidBucketName":                        "The bucket name is invalid.",
	"InvalidObjectName":                        "The object name is invalid: it must be 1 to 1023 bytes of UTF-8.",
	"InvalidPolicyDocument":                    "The policy document is invalid.",
	"InvalidSecurityToken":                     "The security token is invalid or does not belong to this access key.",
	"MalformedPolicy":                          "The policy document is not valid policy JSON.",
	"NoSuchAccessPoint":                        "The access point does not exist.",
	"NoSuchAccessPointForObjectProcess":        "The Object FC Access Point does not exist.",
	"NoSuchAccessPointPolicy":                  "The access point has no policy.",
	"NoSuchBucket":                             "The bucket does not exist.",
	"NoSuchKey":                                "The object does not exist.",
	"NotImplemented":                           "The server does not support this operation yet.",
	"SecurityTokenExpired":                     "The security token has expired. Sign in with fresh temporary credentials.",
	"SignatureDoesNotMatch":                    "The access key secret does not match the access key ID.",
	"TooManyAccessPoints":                      "The access point quota is used up. Delete an access point first.",
	"TooManyAccessPointsForObjectProcess":      "The Object FC Access Point quota is used up. Delete one first.",
	"TooManyBuckets":                           "The bucket quota is used up. Delete a bucket first.",
	"UserDisable":                              "This user or access key is disabled.",

	// Function Compute's admin API.
	"AliasNotFound":         "The function has no alias with this name.",
	"AssumeRoleFailed":      "The function's role could not be assumed. Check the role's trust policy, or run quick authorization.",
	"FunctionNotStarted":    "The function did not start. Its recent invocations show its output.",
	"ResourceAlreadyExists": "A function, version or alias with this name already exists.",
	"ResourceInUse":         "It is still in use: an alias points at this version. Move or delete the alias first.",
	"ResourceThrottled":     "The function is busy: all its instances are taken. Try again in a moment.",
	"VersionNotFound":       "The function has no version with this number.",

	// RAM's admin API; the codes carry the entity after a dot.
	"DeleteConflict":      "It is still in use: detach its policies or delete its access keys first.",
	"EntityAlreadyExists": "One with this name already exists. Pick another name.",
	"EntityNotExist":      "It does not exist.",
	"InvalidParameter":    "A value in the request was rejected.",
	"LimitExceeded":       "The limit is reached. Delete one first.",
	"NoPermission":        "You are not allowed to do this. Ask the account owner to grant the permission named below.",
}

// explain turns any error of an action into the view shown to the user.
// Only service errors and the console's own input errors carry their text
// to the page. Anything else is logged and shown as a generic failure.
func (c *Console) explain(r *http.Request, err error) *errorView {
	var input *userError
	if errors.As(err, &input) {
		return &errorView{Status: input.status, Summary: input.text}
	}

	var se *oss.ServiceError
	if errors.As(err, &se) {
		return serviceErrorView("OSS", se.StatusCode, se.Code, se.Message, se.RequestID, se.EC)
	}
	var fe *fcclient.Error
	if errors.As(err, &fe) {
		return serviceErrorView("Function Compute", fe.StatusCode, fe.Code, fe.Message, fe.RequestID, "")
	}
	var re *ramclient.Error
	if errors.As(err, &re) {
		return serviceErrorView("RAM", re.StatusCode, re.Code, re.Message, re.RequestID, "")
	}

	if errors.Is(err, context.Canceled) {
		return &errorView{Status: http.StatusBadRequest, Summary: "The request was cancelled."}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		c.logger.Warn("console could not reach the API", "path", r.URL.Path, "err", err)
		return &errorView{Status: http.StatusBadGateway,
			Summary: "The console could not reach the server's API. Check that the server is running and try again."}
	}
	c.logger.Error("console action failed", "path", r.URL.Path, "err", err)
	return &errorView{Status: http.StatusInternalServerError,
		Summary: "Something went wrong in the console. The server log has the details."}
}

// serviceErrorView explains an error response. RAM codes carry the entity
// after a dot (EntityNotExist.User), so a code without its own entry is
// looked up without that part.
func serviceErrorView(source string, status int, code, message, requestID, ec string) *errorView {
	summary := plainWords[code]
	if summary == "" {
		base, _, _ := strings.Cut(code, ".")
		summary = plainWords[base]
	}
	if summary == "" {
		summary = "The request failed."
	}
	if status == 0 {
		status = http.StatusBadGateway
	}
	return &errorView{Status: status, Summary: summary, Source: source, Code: code, Message: message, RequestID: requestID, EC: ec}
}

// serviceCode returns the OSS or admin API error code of err, or "".
func serviceCode(err error) string {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code
	}
	var fe *fcclient.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	var re *ramclient.Error
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}
