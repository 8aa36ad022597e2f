package ram

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// Policy is a custom or system policy as the admin API shows it.
type Policy struct {
	PolicyName      string    `json:"PolicyName"`
	PolicyType      string    `json:"PolicyType"` // Custom or System
	Description     string    `json:"Description,omitempty"`
	PolicyDocument  string    `json:"PolicyDocument,omitempty"`
	AttachmentCount int       `json:"AttachmentCount"`
	CreateDate      time.Time `json:"CreateDate,omitzero"`
	UpdateDate      time.Time `json:"UpdateDate,omitzero"`
}

// PolicyInput holds the fields of CreatePolicy.
type PolicyInput struct {
	PolicyName     string
	Description    string
	PolicyDocument string
}

// AttachedPolicy is a policy attached to a user or role.
type AttachedPolicy struct {
	PolicyName  string    `json:"PolicyName"`
	PolicyType  string    `json:"PolicyType"`
	Description string    `json:"Description,omitempty"`
	AttachDate  time.Time `json:"AttachDate"`
}

// policyErrorText extracts the client-safe message of a policy.Parse error.
func policyErrorText(err error) string {
	var e *osserr.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "the document could not be parsed"
}

func policyNotExist(policyType, name string) *Error {
	return notExist("Policy", "The %s policy %s does not exist.", policyType, name)
}

func checkPolicyType(policyType string) error {
	if policyType != meta.PolicyCustom && policyType != meta.PolicySystem {
		return invalidParameter("PolicyType", "The PolicyType %q is invalid: use Custom or System.", policyType)
	}
	return nil
}

// CreatePolicy creates a custom policy in accountID. The document is parsed
// as an identity policy and stored exactly as sent.
func (s *Service) CreatePolicy(ctx context.Context, accountID string, in PolicyInput) (*Policy, error) {
	if err := checkPolicyName(in.PolicyName); err != nil {
		return nil, err
	}
	if err := checkText("Description", in.Description, maxDescriptionLength); err != nil {
		return nil, err
	}
	if _, err := s.parsePolicy([]byte(in.PolicyDocument), policy.Identity); err != nil {
		return nil, invalidParameter("PolicyDocument", "The PolicyDocument is invalid: %s", policyErrorText(err))
	}

	now := s.now().UTC()
	p := &meta.Policy{AccountID: accountID, Name: in.PolicyName, Description: in.Description,
		Document: []byte(in.PolicyDocument), CreatedAt: now, UpdatedAt: now}
	err := s.store.CreatePolicy(ctx, p)
	if err != nil {
		return nil, storeError(err, notExist("Account", "The account %s does not exist.", accountID),
			alreadyExists("Policy", "The policy %s already exists.", in.PolicyName))
	}
	return customPolicyView(p, 0), nil
}

func customPolicyView(p *meta.Policy, attachments int) *Policy {
	return &Policy{PolicyName: p.Name, PolicyType: meta.PolicyCustom, Description: p.Description,
		PolicyDocument: string(p.Document), AttachmentCount: attachments,
		CreateDate: timestamp(p.CreatedAt), UpdateDate: timestamp(p.UpdatedAt)}
}

// GetPolicy returns a policy with its document and attachment count.
// PolicyType "" looks for a custom policy first, then a system one.
func (s *Service) GetPolicy(ctx context.Context, accountID, policyType, name string) (*Policy, error) {
	if policyType != "" {
		if err := checkPolicyType(policyType); err != nil {
			return nil, err
		}
	}

	if policyType != meta.PolicySystem {
		p, err := s.store.GetPolicy(ctx, accountID, name)
		if err == nil {
			n, err := s.countAttachments(ctx, accountID, meta.PolicyCustom, name)
			if err != nil {
				return nil, err
			}
			return customPolicyView(p, n), nil
		}
		if !errors.Is(err, meta.ErrNotFound) {
			return nil, internal(err)
		}
		if policyType == meta.PolicyCustom {
			return nil, policyNotExist(meta.PolicyCustom, name)
		}
	}

	sp := findSystemPolicy(name)
	if sp == nil {
		return nil, policyNotExist(meta.PolicySystem, name)
	}
	n, err := s.countAttachments(ctx, accountID, meta.PolicySystem, name)
	if err != nil {
		return nil, err
	}
	return &Policy{PolicyName: sp.Name, PolicyType: meta.PolicySystem, Description: sp.Description,
		PolicyDocument: sp.Document, AttachmentCount: n}, nil
}

func (s *Service) countAttachments(ctx context.Context, accountID, policyType, name string) (int, error) {
	atts, err := s.store.ListPolicyAttachments(ctx, accountID, policyType, name)
	if err != nil {
		return 0, internal(err)
	}
	return len(atts), nil
}

// ListPolicies returns the policies of one type, or of both when
// policyType is "", without their documents.
func (s *Service) ListPolicies(ctx context.Context, accountID, policyType string) ([]*Policy, error) {
	if policyType != "" {
		if err := checkPolicyType(policyType); err != nil {
			return nil, err
		}
	}

	var out []*Policy
	if policyType != meta.PolicyCustom {
		for _, sp := range systemPolicies {
			out = append(out, &Policy{PolicyName: sp.Name, PolicyType: meta.PolicySystem, Description: sp.Description})
		}
	}
	if policyType != meta.PolicySystem {
		ps, err := s.store.ListPolicies(ctx, accountID)
		if err != nil {
			return nil, internal(err)
		}
		for _, p := range ps {
			v := customPolicyView(p, 0)
			v.PolicyDocument = ""
			out = append(out, v)
		}
	}
	return out, nil
}

// UpdatePolicy replaces the document of a custom policy, and its
// description when description is not nil. It is ossfc's short form of
// RAM's CreatePolicyVersion with SetAsDefault: there are no versions.
func (s *Service) UpdatePolicy(ctx context.Context, accountID, name, document string, description *string) (*Policy, error) {
	if _, err := s.parsePolicy([]byte(document), policy.Identity); err != nil {
		return nil, invalidParameter("PolicyDocument", "The PolicyDocument is invalid: %s", policyErrorText(err))
	}
	if description != nil {
		if err := checkText("Description", *description, maxDescriptionLength); err != nil {
			return nil, err
		}
	}
	var updated *meta.Policy
	err := s.store.UpdatePolicy(ctx, accountID, name, func(p *meta.Policy) error {
		p.Document = []byte(document)
		if description != nil {
			p.Description = *description
		}
		p.UpdatedAt = s.now().UTC()
		updated = p
		return nil
	})
	if err != nil {
		return nil, storeError(err, policyNotExist(meta.PolicyCustom, name), nil)
	}
	return customPolicyView(updated, 0), nil
}

// DeletePolicy deletes a custom policy. A policy still attached to a user or
// role is not deleted (DeleteConflict.Policy).
func (s *Service) DeletePolicy(ctx context.Context, accountID, name string) error {
	err := s.store.DeletePolicy(ctx, accountID, name)
	if errors.Is(err, meta.ErrNotEmpty) {
		return &Error{Code: CodeDeleteConflict + ".Policy", Status: http.StatusConflict, Err: err,
			Message: "The policy " + name + " is attached to users or roles; detach it first."}
	}
	return storeError(err, policyNotExist(meta.PolicyCustom, name), nil)
}

// attachmentTarget resolves a user or role name to its id.
func (s *Service) attachmentTarget(ctx context.Context, accountID, principalType, name string) (string, error) {
	switch principalType {
	case meta.PrincipalUser:
		u, err := s.store.GetUser(ctx, accountID, name)
		if err != nil {
			return "", storeError(err, userNotExist(name), nil)
		}
		return u.ID, nil
	case meta.PrincipalRole:
		r, err := s.store.GetRole(ctx, accountID, name)
		if err != nil {
			return "", storeError(err, roleNotExist(name), nil)
		}
		return r.ID, nil
	}
	return "", invalidParameter("PrincipalType", "The principal type %q is invalid: use User or Role.", principalType)
}

// AttachPolicy attaches a policy to the user or role (principalType "User"
// or "Role") named principalName.
func (s *Service) AttachPolicy(ctx context.Context, accountID, policyType, policyName, principalType, principalName string) error {
	if err := checkPolicyType(policyType); err != nil {
		return err
	}
	if policyType == meta.PolicySystem && findSystemPolicy(policyName) == nil {
		return policyNotExist(meta.PolicySystem, policyName)
	}
	id, err := s.attachmentTarget(ctx, accountID, principalType, principalName)
	if err != nil {
		return err
	}
	err = s.store.Attach(ctx, &meta.Attachment{AccountID: accountID, PolicyType: policyType, PolicyName: policyName,
		PrincipalType: principalType, PrincipalID: id, AttachDate: s.now().UTC()})
	missing := policyNotExist(policyType, policyName)
	if policyType == meta.PolicyCustom && findSystemPolicy(policyName) != nil {
		missing.Message += " A System policy has this name; attach it with PolicyType System (ossfc admin: --type System)."
	}
	return storeError(err, missing,
		alreadyExists(principalType+".Policy", "The policy %s is already attached to %s %s.",
			policyName, principalType, principalName))
}

// DetachPolicy detaches a policy from a user or role.
func (s *Service) DetachPolicy(ctx context.Context, accountID, policyType, policyName, principalType, principalName string) error {
	if err := checkPolicyType(policyType); err != nil {
		return err
	}
	id, err := s.attachmentTarget(ctx, accountID, principalType, principalName)
	if err != nil {
		return err
	}
	err = s.store.Detach(ctx, &meta.Attachment{AccountID: accountID, PolicyType: policyType, PolicyName: policyName,
		PrincipalType: principalType, PrincipalID: id})
	return storeError(err, notExist(principalType+".Policy", "The policy %s is not attached to %s %s.",
		policyName, principalType, principalName), nil)
}

// ListAttachedPolicies returns the policies attached to a user or role.
func (s *Service) ListAttachedPolicies(ctx context.Context, accountID, principalType, principalName string) ([]*AttachedPolicy, error) {
	id, err := s.attachmentTarget(ctx, accountID, principalType, principalName)
	if err != nil {
		return nil, err
	}
	atts, err := s.store.ListAttachments(ctx, accountID, principalType, id)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*AttachedPolicy, 0, len(atts))
	for _, a := range atts {
		ap := &AttachedPolicy{PolicyName: a.PolicyName, PolicyType: a.PolicyType, AttachDate: timestamp(a.AttachDate)}
		if sp := findSystemPolicy(a.PolicyName); a.PolicyType == meta.PolicySystem && sp != nil {
			ap.Description = sp.Description
		}
		out = append(out, ap)
	}
	return out, nil
}

// IdentityPolicies returns the policies attached to p: the user's for a RAM
// user, the role's for a role session, none for an account's root identity
// (package authz allows the root on its own resources). The session policy
// of a role session is not included; it is p.SessionPolicy.
func (s *Service) IdentityPolicies(ctx context.Context, p *Principal) ([]*policy.Policy, error) {
	var principalType, id string
	switch p.Type {
	case PrincipalRAMUser:
		principalType, id = meta.PrincipalUser, p.UserID
	case PrincipalAssumedRole:
		principalType, id = meta.PrincipalRole, p.RoleID
	default:
		return nil, nil
	}
	return s.attachedPolicies(ctx, p.AccountID, principalType, id)
}

func (s *Service) attachedPolicies(ctx context.Context, accountID, principalType, id string) ([]*policy.Policy, error) {
	atts, err := s.store.ListAttachments(ctx, accountID, principalType, id)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*policy.Policy, 0, len(atts))
	for _, a := range atts {
		if a.PolicyType == meta.PolicySystem {
			if p := systemPolicyDocs[a.PolicyName]; p != nil {
				out = append(out, p)
			}
			continue
		}
		stored, err := s.store.GetPolicy(ctx, accountID, a.PolicyName)
		if errors.Is(err, meta.ErrNotFound) {
			continue // detached and deleted since the attachments were read
		}
		if err != nil {
			return nil, internal(err)
		}
		parsed, err := s.parsePolicy(stored.Document, policy.Identity)
		if err != nil {
			// Documents are validated when saved, so only a stricter
			// parser gets here. Skipping the policy drops its grants and
			// also its denies, so the failure is logged as an error.
			s.log.Error("stored policy no longer parses", "account", accountID, "policy", a.PolicyName, "err", err)
			continue
		}
		out = append(out, parsed)
	}
	return out, nil
}

// policyCache keeps parsed policies by kind and document hash, so that
// authorizing a request does not parse the same documents again. Parsed
// policies are immutable, so sharing them is safe.
type policyCache struct {
	mu      sync.Mutex
	entries map[policyCacheKey]*policy.Policy
}

type policyCacheKey struct {
	kind policy.Kind
	sum  [sha256.Size]byte
}

// maxCachedPolicies bounds the cache; when it is full it starts over.
const maxCachedPolicies = 4096

func (s *Service) parsePolicy(doc []byte, kind policy.Kind) (*policy.Policy, error) {
	key := policyCacheKey{kind: kind, sum: sha256.Sum256(doc)}
	s.policies.mu.Lock()
	p := s.policies.entries[key]
	s.policies.mu.Unlock()
	if p != nil {
		return p, nil
	}

	p, err := policy.Parse(doc, kind)
	if err != nil {
		return nil, err
	}
	s.policies.mu.Lock()
	if s.policies.entries == nil || len(s.policies.entries) >= maxCachedPolicies {
		s.policies.entries = make(map[policyCacheKey]*policy.Policy)
	}
	s.policies.entries[key] = p
	s.policies.mu.Unlock()
	return p, nil
}
