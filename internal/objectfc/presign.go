package objectfc

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"

	"github.com/ossfc/ossfc/internal/osserr"
)

// presignGet returns a V1 presigned URL for GET <base>/<bucket>/<key> in path
// style, valid until expires. It signs with the OSS Go SDK's own signer, so
// the URL is exactly what an OSS client would produce.
func presignGet(ctx context.Context, base, bucket, key string, query url.Values, creds Credentials, expires time.Time) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", osserr.Internal(err)
	}
	u.Path = "/" + bucket + "/" + key
	u.RawPath = "/" + bucket + "/" + escapePath(key)
	u.RawQuery = query.Encode()

	r, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", osserr.Internal(err)
	}
	sc := &signer.SigningContext{
		Bucket:  &bucket,
		Key:     &key,
		Request: r,
		Credentials: &credentials.Credentials{
			AccessKeyID: creds.AccessKeyID, AccessKeySecret: creds.AccessKeySecret, SecurityToken: creds.SecurityToken,
		},
		AuthMethodQuery: true,
		Time:            expires,
	}
	if err := (&signer.SignerV1{}).Sign(ctx, sc); err != nil {
		return "", osserr.Internal(err)
	}
	return r.URL.String(), nil
}

// escapePath percent-encodes a key for a URL path the way the OSS SDKs do:
// RFC 3986 unreserved characters and "/" stay, everything else is %XX.
func escapePath(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b.WriteByte(c)
		} else {
			b.WriteString("%")
			b.WriteString(strings.ToUpper(string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])))
		}
	}
	return b.String()
}
