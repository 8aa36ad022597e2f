package ram

import (
	"context"
	"errors"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// Account is an account as the admin API shows it.
type Account struct {
	AccountID   string    `json:"AccountId"`
	AccountName string    `json:"AccountName,omitempty"`
	Status      string    `json:"Status"` // Active or Inactive
	CreateDate  time.Time `json:"CreateDate"`
}

func accountView(a *meta.Account) *Account {
	return &Account{AccountID: a.ID, AccountName: a.Name, Status: a.Status, CreateDate: timestamp(a.CreatedAt)}
}

// CreateAccount creates an account with a new UID and an access key for its
// root identity, and returns both. The key's secret is in the result only
// here.
func (s *Service) CreateAccount(ctx context.Context, name string) (*Account, *AccessKey, error) {
	if err := checkText("AccountName", name, maxAccountNameLength); err != nil {
		return nil, nil, err
	}

	now := s.now().UTC()
	a := &meta.Account{Name: name, Status: meta.StatusActive, CreatedAt: now}
	for attempt := 0; ; attempt++ {
		a.ID = newAccountID()
		err := s.store.CreateAccount(ctx, a)
		if err == nil {
			break
		}
		if !errors.Is(err, meta.ErrExists) || attempt == 3 {
			return nil, nil, internal(err)
		}
	}

	key, err := s.createAccessKey(ctx, a.ID, "", "")
	if err != nil {
		return nil, nil, err
	}
	s.log.Info("created account", "account", a.ID)
	return accountView(a), key, nil
}

// GetAccount returns the account with id.
func (s *Service) GetAccount(ctx context.Context, id string) (*Account, error) {
	a, err := s.store.GetAccount(ctx, id)
	if err != nil {
		return nil, storeError(err, notExist("Account", "The account %s does not exist.", id), nil)
	}
	return accountView(a), nil
}

// ListAccounts returns every account.
func (s *Service) ListAccounts(ctx context.Context) ([]*Account, error) {
	as, err := s.store.ListAccounts(ctx)
	if err != nil {
		return nil, internal(err)
	}
	out := make([]*Account, 0, len(as))
	for _, a := range as {
		out = append(out, accountView(a))
	}
	return out, nil
}

// SetAccountStatus enables (Active) or disables (Inactive) an account. Every
// credential of a disabled account, temporary ones included, is rejected
// with UserDisable until the account is enabled again.
func (s *Service) SetAccountStatus(ctx context.Context, id, status string) error {
	if status != meta.StatusActive && status != meta.StatusInactive {
		return invalidParameter("Status", "The Status %q is invalid: use Active or Inactive.", status)
	}
	err := s.store.UpdateAccount(ctx, id, func(a *meta.Account) error {
		a.Status = status
		return nil
	})
	return storeError(err, notExist("Account", "The account %s does not exist.", id), nil)
}
