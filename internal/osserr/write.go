package osserr

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"net/http"
	"strconv"
)

// RecommendDocBase is the troubleshooting address OSS puts in <RecommendDoc>,
// followed by the EC value. It is a link for humans to read; ossfc never
// fetches it.
const RecommendDocBase = "https://api.aliyun.com/troubleshoot?q="

// Write sends err to the client as OSS does: the status, the <Error> XML body,
// and the x-oss-ec header. Every error carries an EC: codes without a
// documented one get one of ossfc's own (see ossfcEC). For HEAD requests the
// body is omitted and the XML travels base64-encoded in x-oss-err, which the
// OSS SDKs decode. NotModified (304) is sent without a body.
//
// requestID must already be set as x-oss-request-id by the caller; hostID is
// the Host the client addressed.
func Write(w http.ResponseWriter, r *http.Request, err error, requestID, hostID string) {
	e := From(err)
	status := e.HTTPStatus()

	h := w.Header()
	for name, values := range e.Header {
		h[name] = values
	}
	if status == http.StatusNotModified {
		w.WriteHeader(status)
		return
	}

	body := Render(e, requestID, hostID)
	if ec := e.ec(); ec != "" {
		h.Set("x-oss-ec", ec)
	}
	h.Set("Content-Type", "application/xml")
	if r.Method == http.MethodHead {
		h.Set("x-oss-err", base64.StdEncoding.EncodeToString(body))
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// Render returns the <Error> XML document for e.
func Render(e *Error, requestID, hostID string) []byte {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	buf.WriteString("<Error>\n")
	element(&buf, "Code", string(e.Code))
	element(&buf, "Message", e.message())
	element(&buf, "RequestId", requestID)
	element(&buf, "HostId", hostID)
	for _, f := range e.Fields {
		element(&buf, f.Name, f.Value)
	}
	if ec := e.ec(); ec != "" {
		element(&buf, "EC", ec)
		if !isOSSFCEC(ec) {
			element(&buf, "RecommendDoc", RecommendDocBase+ec)
		}
	}
	buf.WriteString("</Error>\n")
	return buf.Bytes()
}

func element(buf *bytes.Buffer, name, value string) {
	buf.WriteString("  <")
	buf.WriteString(name)
	buf.WriteString(">")
	xml.EscapeText(buf, []byte(value))
	buf.WriteString("</")
	buf.WriteString(name)
	buf.WriteString(">\n")
}
