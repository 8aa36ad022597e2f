package ram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// Config configures a Service.
type Config struct {
	// Store holds the identities. Required.
	Store meta.IAMStore

	// Dir is the data directory. The sealing key is read from Dir/ram.key,
	// which is created (mode 0600) on first use. Required.
	Dir string

	// Now returns the current time. Nil means time.Now; tests pass a fake
	// clock to expire credentials.
	Now func() time.Time

	// Logger receives lifecycle and error records. Nil discards them.
	Logger *slog.Logger
}

// Service manages identities and credentials. It is safe for concurrent use.
type Service struct {
	store  meta.IAMStore
	sealer *sealer
	now    func() time.Time
	log    *slog.Logger

	policies policyCache

	mu           sync.RWMutex
	adminAccount string // set by Bootstrap
}

// New returns a Service over cfg.Store, loading or creating the sealing key
// in cfg.Dir.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("ram: Config.Store is required")
	}
	if cfg.Dir == "" {
		return nil, errors.New("ram: Config.Dir is required")
	}
	key, err := loadOrCreateKey(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("ram: %w", err)
	}
	s, err := newSealer(key)
	if err != nil {
		return nil, fmt.Errorf("ram: %w", err)
	}

	svc := &Service{sealer: s, now: cfg.Now, log: cfg.Logger}
	if svc.now == nil {
		svc.now = time.Now
	}
	svc.store = newIAMCache(cfg.Store, svc.now)
	if svc.log == nil {
		svc.log = slog.New(slog.DiscardHandler)
	}
	return svc, nil
}

// Bootstrap makes sure that account accountID exists and that its root
// identity has the access key rootKeyID with secret rootSecret, as the
// server's start-up configuration sets them. It creates what is missing,
// replaces a different stored secret, and enables the key if it was
// disabled, because the configured key is the operator's way in. The account becomes the admin
// account, the one whose root identity may create and list accounts.
func (s *Service) Bootstrap(ctx context.Context, accountID, rootKeyID, rootSecret string) error {
	if !isAccountID(accountID) {
		return fmt.Errorf("ram: account id %q is not 16 digits", accountID)
	}
	if rootKeyID == "" || strings.HasPrefix(rootKeyID, stsAccessKeyPrefix) || !nameChars(rootKeyID, "._-") {
		return fmt.Errorf("ram: root AccessKeyId %q must be letters, digits, '.', '_' or '-', and must not start with %q",
			rootKeyID, stsAccessKeyPrefix)
	}
	if rootSecret == "" {
		return errors.New("ram: root AccessKeySecret is empty")
	}

	now := s.now().UTC()
	err := s.store.CreateAccount(ctx, &meta.Account{ID: accountID, Status: meta.StatusActive, CreatedAt: now})
	switch {
	case err == nil:
		s.log.Info("created account", "account", accountID)
	case !errors.Is(err, meta.ErrExists):
		return fmt.Errorf("ram: create account %s: %w", accountID, err)
	}

	key := &meta.AccessKey{ID: rootKeyID, AccountID: accountID, Status: meta.StatusActive,
		SealedSecret: s.sealSecret(rootKeyID, rootSecret), CreatedAt: now}
	err = s.store.CreateAccessKey(ctx, key, nil)
	if errors.Is(err, meta.ErrExists) {
		err = s.store.UpdateAccessKey(ctx, rootKeyID, func(k *meta.AccessKey) error {
			if k.AccountID != accountID || k.UserID != "" {
				return fmt.Errorf("access key %s belongs to another identity", rootKeyID)
			}
			if k.Status != meta.StatusActive {
				s.log.Warn("enabled the configured root access key again", "account", accountID, "access_key_id", rootKeyID)
				k.Status = meta.StatusActive
			}
			if stored, err := s.openSecret(k); err != nil || stored != rootSecret {
				k.SealedSecret = s.sealSecret(rootKeyID, rootSecret)
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("ram: root access key %s: %w", rootKeyID, err)
	}

	s.mu.Lock()
	s.adminAccount = accountID
	s.mu.Unlock()
	return nil
}

// AdminAccountID returns the account passed to Bootstrap, or "".
func (s *Service) AdminAccountID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.adminAccount
}

// secretAAD binds a sealed access key secret to its AccessKeyId.
func secretAAD(accessKeyID string) string { return "ossfc/access-key-secret/" + accessKeyID }

func (s *Service) sealSecret(accessKeyID, secret string) []byte {
	return s.sealer.seal([]byte(secret), secretAAD(accessKeyID))
}

func (s *Service) openSecret(k *meta.AccessKey) (string, error) {
	plain, err := s.sealer.open(k.SealedSecret, secretAAD(k.ID))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// timestamp renders t as RAM does: UTC, whole seconds.
func timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
