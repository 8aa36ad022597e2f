package ram

import (
	"context"
	"errors"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
)

// serviceRoles are the roles that QuickAuthorize creates, with the service
// each trusts and the system policy attached to it.
var serviceRoles = []struct {
	name, service, policy, description string
}{
	{FCDefaultRole, ServiceFC, "AliyunFCDefaultRolePolicy",
		"Assumed by Function Compute to give functions temporary credentials."},
	{OSSObjectFCRole, ServiceOSS, "AliyunOSSObjectFcForOSSDefaultRolePolicy",
		"Assumed by OSS to invoke the functions of Object FC Access Points."},
}

// QuickAuthorize creates the service roles that Object FC Access Points
// need, as the console's quick authorization does: AliyunFCDefaultRole,
// trusted by fc.aliyuncs.com and allowed oss:WriteGetObjectResponse, and
// AliyunOSSObjectFcForOSSDefaultRole, trusted by oss.aliyuncs.com and
// allowed fc:InvokeFunction and oss:GetObject. A role that exists keeps its
// trust policy, so a customized role is not reset; its system policy is
// attached if missing. It returns both roles.
func (s *Service) QuickAuthorize(ctx context.Context, accountID string) ([]*Role, error) {
	var out []*Role
	for _, sr := range serviceRoles {
		role, err := s.GetRole(ctx, accountID, sr.name)
		if IsNotFound(err) {
			role, err = s.createRole(ctx, accountID, RoleInput{RoleName: sr.name, Description: sr.description,
				AssumeRolePolicyDocument: trustServiceDocument(sr.service), MaxSessionDuration: DefaultMaxSessionDuration})
			if err == nil {
				s.log.Info("created service role", "account", accountID, "role", sr.name)
			}
		}
		if err != nil {
			return nil, err
		}

		err = s.AttachPolicy(ctx, accountID, meta.PolicySystem, sr.policy, meta.PrincipalRole, role.RoleName)
		var e *Error
		if err != nil && !(errors.As(err, &e) && strings.HasPrefix(e.Code, CodeEntityAlreadyExists)) {
			return nil, err
		}
		out = append(out, role)
	}
	return out, nil
}
