package ram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// MaxAccessKeys is the number of access keys a RAM user, or an account's
// root identity, may have at once, as in RAM.
const MaxAccessKeys = 2

// User is a RAM user as the admin API shows it.
type User struct {
	UserID      string    `json:"UserId"`
	UserName    string    `json:"UserName"`
	DisplayName string    `json:"DisplayName,omitempty"`
	Comments    string    `json:"Comments,omitempty"`
	Arn         string    `json:"Arn"`
	CreateDate  time.Time `json:"CreateDate"`
	UpdateDate  time.Time `json:"UpdateDate"`
}

// UserInput holds the fields of CreateUser.
type UserInput struct {
	UserName    string
	DisplayName string
	Comments    string
}

// AccessKey is an access key as the admin API shows it. AccessKeySecret is
// set only in the result of the call that created the key.
type AccessKey struct {
	AccessKeyID     string    `json:"AccessKeyId"`
	AccessKeySecret string    `json:"AccessKeySecret,omitempty"`
	Status          string    `json:"Status"` // Active or Inactive
	UserName        string    `json:"UserName,omitempty"`
	CreateDate      time.Time `json:"CreateDate"`
}

func userView(u *meta.User) *User {
	return &User{UserID: u.ID, UserName: u.Name, DisplayName: u.DisplayName, Comments: u.Comments,
		Arn: userARN(u.AccountID, u.Name), CreateDate: timestamp(u.CreatedAt), UpdateDate: timestamp(u.UpdatedAt)}
}

func userNotExist(name string) *Error {
	return notExist("User", "The user %s does not exist.", name)
}

// CreateUser creates a RAM user in accountID.
func (s *Service) CreateUser(ctx context.Context, accountID string, in UserInput) (*User, error) {
	if err := checkUserName(in.UserName); err != nil {
		return nil, err
	}
	if err := checkText("DisplayName", in.DisplayName, 128); err != nil {
		return nil, err
	}
	if err := checkText("Comments", in.Comments, 128); err != nil {
		return nil, err
	}

	now := s.now().UTC()
	u := &meta.User{AccountID: accountID, Name: in.UserName, DisplayName: in.DisplayName,
		Comments: in.Comments, CreatedAt: now, UpdatedAt: now}
	for attempt := 0; ; attempt++ {
		u.ID = newUserID()
		err := s.store.CreateUser(ctx, u)
		if err == nil {
			break
		}
		// An id collision and a taken name both give ErrExists; only a
		// name that GetUser finds is the caller's problem.
		if errors.Is(err, meta.ErrExists) {
			if _, getErr := s.store.GetUser(ctx, accountID, in.UserName); getErr == nil {
				return nil, alreadyExists("User", "The user %s already exists.", in.UserName)
			}
			if attempt < 3 {
				continue
			}
		}
		return nil, storeError(err, notExist("Account", "The account %s does not exist.", accountID), nil)
	}
	return userView(u), nil
}

// GetUser returns the RAM user named name.
func (s *Service) GetUser(ctx context.Context, accountID, name string) (*User, error) {
	u, err := s.store.GetUser(ctx, accountID, name)
	if err != nil {
		return nil, storeError(err, userNotExist(name), nil)
	}
	return userView(u), nil
}

// ListUsers returns the RAM users of accountID.
func (s *Service) ListUsers(ctx context.Context, accountID string) ([]*User, error) {
	us, err := s.store.ListUsers(ctx, accountID)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*User, 0, len(us))
	for _, u := range us {
		out = append(out, userView(u))
	}
	return out, nil
}

// DeleteUser deletes a RAM user with its access keys and policy
// attachments. Its keys stop working at once, and so do the temporary
// credentials it obtained with AssumeRole.
//
// NOTE: RAM refuses to delete a user that still has policies attached;
// ossfc detaches them, so that one call removes a user for good.
func (s *Service) DeleteUser(ctx context.Context, accountID, name string) error {
	err := s.store.DeleteUser(ctx, accountID, name)
	return storeError(err, userNotExist(name), nil)
}

// keyOwner resolves the owner of access keys: the RAM user named userName,
// or the account's root identity when userName is "".
func (s *Service) keyOwner(ctx context.Context, accountID, userName string) (userID string, err error) {
	if userName == "" {
		if _, err := s.store.GetAccount(ctx, accountID); err != nil {
			return "", storeError(err, notExist("Account", "The account %s does not exist.", accountID), nil)
		}
		return "", nil
	}
	u, err := s.store.GetUser(ctx, accountID, userName)
	if err != nil {
		return "", storeError(err, userNotExist(userName), nil)
	}
	return u.ID, nil
}

// CreateAccessKey creates an access key for the RAM user userName, or for
// the account's root identity when userName is "". The result is the only
// place the secret is ever returned.
func (s *Service) CreateAccessKey(ctx context.Context, accountID, userName string) (*AccessKey, error) {
	userID, err := s.keyOwner(ctx, accountID, userName)
	if err != nil {
		return nil, err
	}
	return s.createAccessKey(ctx, accountID, userID, userName)
}

func (s *Service) createAccessKey(ctx context.Context, accountID, userID, userName string) (*AccessKey, error) {
	limit := func(existing []*meta.AccessKey) error {
		if len(existing) >= MaxAccessKeys {
			owner := "the root identity of account " + accountID
			if userName != "" {
				owner = "user " + userName
			}
			return &Error{Code: CodeLimitExceeded + ".User.AccessKey", Status: http.StatusConflict,
				Message: fmt.Sprintf("%s already has %d access keys, the maximum; delete one first.", owner, MaxAccessKeys)}
		}
		return nil
	}

	secret := newAccessKeySecret()
	k := &meta.AccessKey{AccountID: accountID, UserID: userID, Status: meta.StatusActive, CreatedAt: s.now().UTC()}
	for attempt := 0; ; attempt++ {
		k.ID = newAccessKeyID()
		k.SealedSecret = s.sealSecret(k.ID, secret)
		err := s.store.CreateAccessKey(ctx, k, limit)
		if err == nil {
			break
		}
		if errors.Is(err, meta.ErrExists) && attempt < 3 {
			continue
		}
		return nil, storeError(err, userNotExist(userName), nil)
	}
	return &AccessKey{AccessKeyID: k.ID, AccessKeySecret: secret, Status: k.Status, UserName: userName,
		CreateDate: timestamp(k.CreatedAt)}, nil
}

// ListAccessKeys returns the access keys of the RAM user userName, or of the
// root identity when userName is "", without their secrets.
func (s *Service) ListAccessKeys(ctx context.Context, accountID, userName string) ([]*AccessKey, error) {
	userID, err := s.keyOwner(ctx, accountID, userName)
	if err != nil {
		return nil, err
	}
	ks, err := s.store.ListAccessKeys(ctx, accountID, userID)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*AccessKey, 0, len(ks))
	for _, k := range ks {
		out = append(out, &AccessKey{AccessKeyID: k.ID, Status: k.Status, UserName: userName,
			CreateDate: timestamp(k.CreatedAt)})
	}
	return out, nil
}

// ownedKey returns the key keyID if it belongs to the owner named by
// userName, and EntityNotExist otherwise, so that one identity cannot act on
// another's keys by guessing ids.
func (s *Service) ownedKey(ctx context.Context, accountID, userName, keyID string) (*meta.AccessKey, error) {
	userID, err := s.keyOwner(ctx, accountID, userName)
	if err != nil {
		return nil, err
	}
	k, err := s.store.GetAccessKey(ctx, keyID)
	if err == nil && (k.AccountID != accountID || k.UserID != userID) {
		err = meta.ErrNotFound
	}
	if err != nil {
		return nil, storeError(err, notExist("User.AccessKey", "The access key %s does not exist.", keyID), nil)
	}
	return k, nil
}

// UpdateAccessKeyStatus enables (Active) or disables (Inactive) an access
// key. A disabled key fails authentication at once, and so do temporary
// credentials obtained with it.
func (s *Service) UpdateAccessKeyStatus(ctx context.Context, accountID, userName, keyID, status string) error {
	if status != meta.StatusActive && status != meta.StatusInactive {
		return invalidParameter("Status", "The Status %q is invalid: use Active or Inactive.", status)
	}
	if _, err := s.ownedKey(ctx, accountID, userName, keyID); err != nil {
		return err
	}
	err := s.store.UpdateAccessKey(ctx, keyID, func(k *meta.AccessKey) error {
		k.Status = status
		return nil
	})
	return storeError(err, notExist("User.AccessKey", "The access key %s does not exist.", keyID), nil)
}

// DeleteAccessKey deletes an access key of the RAM user userName, or of the
// root identity when userName is "".
func (s *Service) DeleteAccessKey(ctx context.Context, accountID, userName, keyID string) error {
	if _, err := s.ownedKey(ctx, accountID, userName, keyID); err != nil {
		return err
	}
	err := s.store.DeleteAccessKey(ctx, keyID)
	return storeError(err, notExist("User.AccessKey", "The access key %s does not exist.", keyID), nil)
}
