package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
)

// iamMigrations create the tables of accounts, RAM users, access keys, roles,
// custom policies and attachments. Role names are unique by name_key, the
// lower-cased name, because RAM matches role names without regard to case.
var iamMigrations = []migration{
	{"iam", 1, `
CREATE TABLE accounts (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	status     TEXT NOT NULL,
	created_at TEXT NOT NULL
);
CREATE TABLE ram_users (
	id           TEXT PRIMARY KEY,
	account_id   TEXT NOT NULL REFERENCES accounts (id),
	name         TEXT NOT NULL,
	display_name TEXT NOT NULL,
	comments     TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	UNIQUE (account_id, name)
);
CREATE TABLE access_keys (
	id            TEXT PRIMARY KEY,
	account_id    TEXT NOT NULL REFERENCES accounts (id),
	user_id       TEXT NOT NULL,
	status        TEXT NOT NULL,
	sealed_secret BLOB NOT NULL,
	created_at    TEXT NOT NULL
);
CREATE INDEX access_keys_owner ON access_keys (account_id, user_id, created_at);
CREATE TABLE ram_roles (
	id                   TEXT PRIMARY KEY,
	account_id           TEXT NOT NULL REFERENCES accounts (id),
	name                 TEXT NOT NULL,
	name_key             TEXT NOT NULL,
	description          TEXT NOT NULL,
	trust_policy         BLOB NOT NULL,
	max_session_duration INTEGER NOT NULL,
	created_at           TEXT NOT NULL,
	updated_at           TEXT NOT NULL,
	UNIQUE (account_id, name_key)
);
CREATE TABLE ram_policies (
	account_id  TEXT NOT NULL REFERENCES accounts (id),
	name        TEXT NOT NULL,
	description TEXT NOT NULL,
	document    BLOB NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (account_id, name)
);
CREATE TABLE ram_attachments (
	account_id     TEXT NOT NULL,
	policy_type    TEXT NOT NULL,
	policy_name    TEXT NOT NULL,
	principal_type TEXT NOT NULL,
	principal_id   TEXT NOT NULL,
	attach_date    TEXT NOT NULL,
	PRIMARY KEY (account_id, principal_type, principal_id, policy_type, policy_name)
);
CREATE INDEX ram_attachments_policy ON ram_attachments (account_id, policy_type, policy_name);`},
}

type iamStore struct{ s *Store }

// rowScanner is the Scan method shared by *sql.Row and *sql.Rows.
type rowScanner interface{ Scan(...any) error }

// exists reports whether query, which must select a count, finds a row.
func exists(ctx context.Context, tx *txn, query string, args ...any) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// scanAll reads every row of rows with scan.
func scanAll[T any](rows *sql.Rows, err error, scan func(rowScanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Accounts.

func scanAccount(row rowScanner) (*meta.Account, error) {
	var a meta.Account
	var created string
	if err := row.Scan(&a.ID, &a.Name, &a.Status, &created); err != nil {
		return nil, err
	}
	t, err := parseTime(created)
	if err != nil {
		return nil, fmt.Errorf("account %s: created_at: %w", a.ID, err)
	}
	a.CreatedAt = t
	return &a, nil
}

const accountColumns = `id, name, status, created_at`

func (st *iamStore) CreateAccount(ctx context.Context, a *meta.Account) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, a.ID)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("account %s: %w", a.ID, meta.ErrExists)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`) VALUES (?, ?, ?, ?)`,
			a.ID, a.Name, a.Status, timeText(a.CreatedAt))
		return err
	})
}

func (st *iamStore) GetAccount(ctx context.Context, id string) (*meta.Account, error) {
	a, err := scanAccount(st.s.read.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("account %s: %w", id, meta.ErrNotFound)
	}
	return a, err
}

func (st *iamStore) ListAccounts(ctx context.Context) ([]*meta.Account, error) {
	rows, err := st.s.read.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts ORDER BY id`)
	return scanAll(rows, err, scanAccount)
}

func (st *iamStore) UpdateAccount(ctx context.Context, id string, fn func(*meta.Account) error) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		a, err := scanAccount(tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("account %s: %w", id, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET name = ?, status = ? WHERE id = ?`, a.Name, a.Status, id)
		return err
	})
}

// requireAccount returns ErrNotFound when the account does not exist.
func requireAccount(ctx context.Context, tx *txn, accountID string) error {
	found, err := exists(ctx, tx, `SELECT COUNT(*) FROM accounts WHERE id = ?`, accountID)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("account %s: %w", accountID, meta.ErrNotFound)
	}
	return nil
}

// Users.

const userColumns = `id, account_id, name, display_name, comments, created_at, updated_at`

func scanUser(row rowScanner) (*meta.User, error) {
	var u meta.User
	var created, updated string
	if err := row.Scan(&u.ID, &u.AccountID, &u.Name, &u.DisplayName, &u.Comments, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if u.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("user %s: created_at: %w", u.ID, err)
	}
	if u.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("user %s: updated_at: %w", u.ID, err)
	}
	return &u, nil
}

func (st *iamStore) CreateUser(ctx context.Context, u *meta.User) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		if err := requireAccount(ctx, tx, u.AccountID); err != nil {
			return err
		}
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_users WHERE id = ? OR (account_id = ? AND name = ?)`,
			u.ID, u.AccountID, u.Name)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("user %s: %w", u.Name, meta.ErrExists)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ram_users (`+userColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			u.ID, u.AccountID, u.Name, u.DisplayName, u.Comments, timeText(u.CreatedAt), timeText(u.UpdatedAt))
		return err
	})
}

func (st *iamStore) GetUser(ctx context.Context, accountID, name string) (*meta.User, error) {
	u, err := scanUser(st.s.read.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM ram_users WHERE account_id = ? AND name = ?`, accountID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %s: %w", name, meta.ErrNotFound)
	}
	return u, err
}

func (st *iamStore) GetUserByID(ctx context.Context, accountID, id string) (*meta.User, error) {
	u, err := scanUser(st.s.read.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM ram_users WHERE account_id = ? AND id = ?`, accountID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user id %s: %w", id, meta.ErrNotFound)
	}
	return u, err
}

func (st *iamStore) ListUsers(ctx context.Context, accountID string) ([]*meta.User, error) {
	rows, err := st.s.read.QueryContext(ctx,
		`SELECT `+userColumns+` FROM ram_users WHERE account_id = ? ORDER BY name`, accountID)
	return scanAll(rows, err, scanUser)
}

func (st *iamStore) DeleteUser(ctx context.Context, accountID, name string) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM ram_users WHERE account_id = ? AND name = ?`,
			accountID, name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM access_keys WHERE account_id = ? AND user_id = ?`,
			`DELETE FROM ram_attachments WHERE account_id = ? AND principal_type = 'User' AND principal_id = ?`,
			`DELETE FROM ram_users WHERE account_id = ? AND id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, accountID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// Access keys.

const accessKeyColumns = `id, account_id, user_id, status, sealed_secret, created_at`

func scanAccessKey(row rowScanner) (*meta.AccessKey, error) {
	var k meta.AccessKey
	var created string
	if err := row.Scan(&k.ID, &k.AccountID, &k.UserID, &k.Status, &k.SealedSecret, &created); err != nil {
		return nil, err
	}
	t, err := parseTime(created)
	if err != nil {
		return nil, fmt.Errorf("access key %s: created_at: %w", k.ID, err)
	}
	k.CreatedAt = t
	return &k, nil
}

func (st *iamStore) CreateAccessKey(ctx context.Context, k *meta.AccessKey, check func([]*meta.AccessKey) error) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		if err := requireAccount(ctx, tx, k.AccountID); err != nil {
			return err
		}
		if k.UserID != "" {
			found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_users WHERE account_id = ? AND id = ?`,
				k.AccountID, k.UserID)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("user id %s: %w", k.UserID, meta.ErrNotFound)
			}
		}
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM access_keys WHERE id = ?`, k.ID)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("access key %s: %w", k.ID, meta.ErrExists)
		}

		if check != nil {
			rows, err := tx.QueryContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys
				WHERE account_id = ? AND user_id = ? ORDER BY created_at, rowid`, k.AccountID, k.UserID)
			existing, err := scanAll(rows, err, scanAccessKey)
			if err != nil {
				return err
			}
			if err := check(existing); err != nil {
				return err
			}
		}

		_, err = tx.ExecContext(ctx, `INSERT INTO access_keys (`+accessKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			k.ID, k.AccountID, k.UserID, k.Status, k.SealedSecret, timeText(k.CreatedAt))
		return err
	})
}

func (st *iamStore) GetAccessKey(ctx context.Context, id string) (*meta.AccessKey, error) {
	k, err := scanAccessKey(st.s.read.QueryRowContext(ctx,
		`SELECT `+accessKeyColumns+` FROM access_keys WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("access key %s: %w", id, meta.ErrNotFound)
	}
	return k, err
}

func (st *iamStore) ListAccessKeys(ctx context.Context, accountID, userID string) ([]*meta.AccessKey, error) {
	rows, err := st.s.read.QueryContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys
		WHERE account_id = ? AND user_id = ? ORDER BY created_at, rowid`, accountID, userID)
	return scanAll(rows, err, scanAccessKey)
}

func (st *iamStore) UpdateAccessKey(ctx context.Context, id string, fn func(*meta.AccessKey) error) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		k, err := scanAccessKey(tx.QueryRowContext(ctx,
			`SELECT `+accessKeyColumns+` FROM access_keys WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("access key %s: %w", id, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE access_keys SET status = ?, sealed_secret = ? WHERE id = ?`,
			k.Status, k.SealedSecret, id)
		return err
	})
}

func (st *iamStore) DeleteAccessKey(ctx context.Context, id string) error {
	res, err := st.s.write.ExecContext(ctx, `DELETE FROM access_keys WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("access key %s: %w", id, meta.ErrNotFound)
	}
	return nil
}

// Roles.

const roleColumns = `id, account_id, name, description, trust_policy, max_session_duration, created_at, updated_at`

func scanRole(row rowScanner) (*meta.Role, error) {
	var r meta.Role
	var created, updated string
	err := row.Scan(&r.ID, &r.AccountID, &r.Name, &r.Description, &r.AssumeRolePolicyDocument,
		&r.MaxSessionDuration, &created, &updated)
	if err != nil {
		return nil, err
	}
	if r.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("role %s: created_at: %w", r.ID, err)
	}
	if r.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("role %s: updated_at: %w", r.ID, err)
	}
	return &r, nil
}

// roleKey is the column role names are unique and looked up by.
func roleKey(name string) string { return strings.ToLower(name) }

func (st *iamStore) CreateRole(ctx context.Context, r *meta.Role) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		if err := requireAccount(ctx, tx, r.AccountID); err != nil {
			return err
		}
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_roles WHERE id = ? OR (account_id = ? AND name_key = ?)`,
			r.ID, r.AccountID, roleKey(r.Name))
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("role %s: %w", r.Name, meta.ErrExists)
		}
		doc := r.AssumeRolePolicyDocument
		if doc == nil {
			doc = []byte{}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ram_roles (`+roleColumns+`, name_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.AccountID, r.Name, r.Description, doc, r.MaxSessionDuration,
			timeText(r.CreatedAt), timeText(r.UpdatedAt), roleKey(r.Name))
		return err
	})
}

func (st *iamStore) GetRole(ctx context.Context, accountID, name string) (*meta.Role, error) {
	r, err := scanRole(st.s.read.QueryRowContext(ctx,
		`SELECT `+roleColumns+` FROM ram_roles WHERE account_id = ? AND name_key = ?`, accountID, roleKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("role %s: %w", name, meta.ErrNotFound)
	}
	return r, err
}

func (st *iamStore) ListRoles(ctx context.Context, accountID string) ([]*meta.Role, error) {
	rows, err := st.s.read.QueryContext(ctx,
		`SELECT `+roleColumns+` FROM ram_roles WHERE account_id = ? ORDER BY name_key`, accountID)
	return scanAll(rows, err, scanRole)
}

func (st *iamStore) UpdateRole(ctx context.Context, accountID, name string, fn func(*meta.Role) error) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		r, err := scanRole(tx.QueryRowContext(ctx,
			`SELECT `+roleColumns+` FROM ram_roles WHERE account_id = ? AND name_key = ?`, accountID, roleKey(name)))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("role %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ram_roles SET description = ?, trust_policy = ?,
			max_session_duration = ?, updated_at = ? WHERE id = ?`,
			r.Description, r.AssumeRolePolicyDocument, r.MaxSessionDuration, timeText(r.UpdatedAt), r.ID)
		return err
	})
}

func (st *iamStore) DeleteRole(ctx context.Context, accountID, name string) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM ram_roles WHERE account_id = ? AND name_key = ?`,
			accountID, roleKey(name)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("role %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM ram_attachments
			WHERE account_id = ? AND principal_type = 'Role' AND principal_id = ?`, accountID, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ram_roles WHERE id = ?`, id)
		return err
	})
}
