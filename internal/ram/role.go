package ram

import (
	"context"
	"errors"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/policy"
)

// Limits of MaxSessionDuration, in seconds, as in RAM.
const (
	DefaultMaxSessionDuration = 3600
	minMaxSessionDuration     = 3600
	maxMaxSessionDuration     = 43200
)

// Role is a RAM role as the admin API shows it. AssumeRolePolicyDocument is
// the trust policy exactly as it was sent.
type Role struct {
	RoleID                   string    `json:"RoleId"`
	RoleName                 string    `json:"RoleName"`
	Arn                      string    `json:"Arn"`
	Description              string    `json:"Description,omitempty"`
	AssumeRolePolicyDocument string    `json:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int       `json:"MaxSessionDuration"`
	CreateDate               time.Time `json:"CreateDate"`
	UpdateDate               time.Time `json:"UpdateDate"`
}

// RoleInput holds the fields of CreateRole. MaxSessionDuration 0 means the
// default of 3600 seconds.
type RoleInput struct {
	RoleName                 string
	Description              string
	AssumeRolePolicyDocument string
	MaxSessionDuration       int
}

// RoleUpdate holds the fields UpdateRole changes; nil fields stay as they
// are.
type RoleUpdate struct {
	NewAssumeRolePolicyDocument *string
	NewMaxSessionDuration       *int
	NewDescription              *string
}

func roleView(r *meta.Role) *Role {
	return &Role{RoleID: r.ID, RoleName: r.Name, Arn: roleARN(r.AccountID, r.Name), Description: r.Description,
		AssumeRolePolicyDocument: string(r.AssumeRolePolicyDocument), MaxSessionDuration: r.MaxSessionDuration,
		CreateDate: timestamp(r.CreatedAt), UpdateDate: timestamp(r.UpdatedAt)}
}

func roleNotExist(name string) *Error {
	return notExist("Role", "The role %s does not exist.", name)
}

// checkTrustPolicy parses a trust policy so that a broken one is rejected
// when it is saved, not when someone assumes the role.
func checkTrustPolicy(doc string) error {
	if _, err := policy.Parse([]byte(doc), policy.Trust); err != nil {
		return invalidParameter("AssumeRolePolicyDocument", "The AssumeRolePolicyDocument is invalid: %s", policyErrorText(err))
	}
	return nil
}

func checkMaxSessionDuration(seconds int) error {
	if seconds < minMaxSessionDuration || seconds > maxMaxSessionDuration {
		return invalidParameter("MaxSessionDuration", "The MaxSessionDuration %d is invalid: use %d to %d seconds.",
			seconds, minMaxSessionDuration, maxMaxSessionDuration)
	}
	return nil
}

// CreateRole creates a RAM role in accountID.
func (s *Service) CreateRole(ctx context.Context, accountID string, in RoleInput) (*Role, error) {
	if err := checkRoleName(in.RoleName); err != nil {
		return nil, err
	}
	if err := checkText("Description", in.Description, maxDescriptionLength); err != nil {
		return nil, err
	}
	if err := checkTrustPolicy(in.AssumeRolePolicyDocument); err != nil {
		return nil, err
	}
	if in.MaxSessionDuration == 0 {
		in.MaxSessionDuration = DefaultMaxSessionDuration
	}
	if err := checkMaxSessionDuration(in.MaxSessionDuration); err != nil {
		return nil, err
	}
	return s.createRole(ctx, accountID, in)
}

func (s *Service) createRole(ctx context.Context, accountID string, in RoleInput) (*Role, error) {
	now := s.now().UTC()
	r := &meta.Role{AccountID: accountID, Name: in.RoleName, Description: in.Description,
		AssumeRolePolicyDocument: []byte(in.AssumeRolePolicyDocument), MaxSessionDuration: in.MaxSessionDuration,
		CreatedAt: now, UpdatedAt: now}
	for attempt := 0; ; attempt++ {
		r.ID = newRoleID()
		err := s.store.CreateRole(ctx, r)
		if err == nil {
			return roleView(r), nil
		}
		if errors.Is(err, meta.ErrExists) {
			if _, getErr := s.store.GetRole(ctx, accountID, in.RoleName); getErr == nil {
				return nil, alreadyExists("Role", "The role %s already exists (role names ignore case).", in.RoleName)
			}
			if attempt < 3 {
				continue
			}
		}
		return nil, storeError(err, notExist("Account", "The account %s does not exist.", accountID), nil)
	}
}

// GetRole returns the role named name, matched without regard to case.
func (s *Service) GetRole(ctx context.Context, accountID, name string) (*Role, error) {
	r, err := s.store.GetRole(ctx, accountID, name)
	if err != nil {
		return nil, storeError(err, roleNotExist(name), nil)
	}
	return roleView(r), nil
}

// ListRoles returns the roles of accountID.
func (s *Service) ListRoles(ctx context.Context, accountID string) ([]*Role, error) {
	rs, err := s.store.ListRoles(ctx, accountID)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*Role, 0, len(rs))
	for _, r := range rs {
		out = append(out, roleView(r))
	}
	return out, nil
}

// UpdateRole changes a role's trust policy, maximum session duration or
// description. Sessions already issued keep working.
func (s *Service) UpdateRole(ctx context.Context, accountID, name string, in RoleUpdate) (*Role, error) {
	if in.NewAssumeRolePolicyDocument != nil {
		if err := checkTrustPolicy(*in.NewAssumeRolePolicyDocument); err != nil {
			return nil, err
		}
	}
	if in.NewMaxSessionDuration != nil {
		if err := checkMaxSessionDuration(*in.NewMaxSessionDuration); err != nil {
			return nil, err
		}
	}
	if in.NewDescription != nil {
		if err := checkText("NewDescription", *in.NewDescription, maxDescriptionLength); err != nil {
			return nil, err
		}
	}

	var updated *meta.Role
	err := s.store.UpdateRole(ctx, accountID, name, func(r *meta.Role) error {
		if in.NewAssumeRolePolicyDocument != nil {
			r.AssumeRolePolicyDocument = []byte(*in.NewAssumeRolePolicyDocument)
		}
		if in.NewMaxSessionDuration != nil {
			r.MaxSessionDuration = *in.NewMaxSessionDuration
		}
		if in.NewDescription != nil {
			r.Description = *in.NewDescription
		}
		r.UpdatedAt = s.now().UTC()
		updated = r
		return nil
	})
	if err != nil {
		return nil, storeError(err, roleNotExist(name), nil)
	}
	return roleView(updated), nil
}

// DeleteRole deletes a role and its policy attachments. Every session of
// the role stops working at once.
//
// NOTE: RAM refuses to delete a role that still has policies attached;
// ossfc detaches them, so that one call removes a role for good.
func (s *Service) DeleteRole(ctx context.Context, accountID, name string) error {
	err := s.store.DeleteRole(ctx, accountID, name)
	return storeError(err, roleNotExist(name), nil)
}
