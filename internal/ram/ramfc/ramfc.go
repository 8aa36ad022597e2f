// Package ramfc connects the identity service to the embedded Function
// Compute: Issuer gives functions the temporary credentials of their roles,
// assumed by the service principal fc.aliyuncs.com.
//
// ramfc imports ram and fc, so that neither imports the other; the server
// wires them together.
package ramfc

import (
	"context"
	"time"

	"github.com/ossfc/ossfc/internal/fc"
	"github.com/ossfc/ossfc/internal/ram"
)

// Issuer implements fc.CredentialIssuer with a ram.Service.
type Issuer struct {
	Service *ram.Service
}

var _ fc.CredentialIssuer = Issuer{}

// AssumeRoleForFunction returns credentials of the role roleARN of account
// accountID, valid for ttl. The role's trust policy must allow
// fc.aliyuncs.com, as AliyunFCDefaultRole's does; the error names the role
// otherwise.
func (i Issuer) AssumeRoleForFunction(ctx context.Context, accountID, roleARN, sessionName string, ttl time.Duration) (fc.Credentials, error) {
	res, err := i.Service.AssumeRoleForService(ctx, accountID, roleARN, ram.ServiceFC, sessionName, ttl, "")
	if err != nil {
		return fc.Credentials{}, err
	}
	c := res.Credentials
	return fc.Credentials{AccessKeyID: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret,
		SecurityToken: c.SecurityToken, Expiration: c.Expiration}, nil
}
