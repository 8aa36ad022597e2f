package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ossfc/ossfc/internal/meta"
)

// A function's settings are one JSON document (meta.FunctionConfig), so new
// settings need no migration; identity and ordering live in columns.
// last_version counts every version ever published, so ids are never reused.
var functionMigrations = []migration{
	{"functions", 1, `
CREATE TABLE functions (
	account_id   TEXT NOT NULL,
	name         TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	config       TEXT NOT NULL,
	code_id      TEXT NOT NULL,
	last_version INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (account_id, name)
);
CREATE INDEX functions_code ON functions (code_id);
CREATE TABLE function_versions (
	account_id  TEXT NOT NULL,
	function    TEXT NOT NULL,
	version     INTEGER NOT NULL,
	description TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	config      TEXT NOT NULL,
	code_id     TEXT NOT NULL,
	PRIMARY KEY (account_id, function, version),
	FOREIGN KEY (account_id, function) REFERENCES functions (account_id, name) ON DELETE CASCADE
);
CREATE INDEX function_versions_code ON function_versions (code_id);
CREATE TABLE function_aliases (
	account_id  TEXT NOT NULL,
	function    TEXT NOT NULL,
	name        TEXT NOT NULL,
	version     INTEGER NOT NULL,
	description TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	PRIMARY KEY (account_id, function, name),
	FOREIGN KEY (account_id, function, version) REFERENCES function_versions (account_id, function, version)
);`},
}

type functionStore struct{ s *Store }

const functionColumns = `account_id, name, created_at, updated_at, config`

type scanner interface{ Scan(...any) error }

func scanFunction(row scanner) (*meta.Function, error) {
	var (
		f                        meta.Function
		created, updated, config string
	)
	if err := row.Scan(&f.AccountID, &f.Name, &created, &updated, &config); err != nil {
		return nil, err
	}
	var err error
	if f.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("function %s: created_at: %w", f.Name, err)
	}
	if f.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("function %s: updated_at: %w", f.Name, err)
	}
	if err := json.Unmarshal([]byte(config), &f.Config); err != nil {
		return nil, fmt.Errorf("function %s: config: %w", f.Name, err)
	}
	return &f, nil
}

func configText(c *meta.FunctionConfig) (string, error) {
	b, err := json.Marshal(c)
	return string(b), err
}

// functionExists returns ErrNotFound, wrapped with the name, when the account
// has no such function.
func functionExists(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, accountID, name string) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM functions WHERE account_id = ? AND name = ?`,
		accountID, name).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("function %s: %w", name, meta.ErrNotFound)
	}
	return nil
}

func (fs *functionStore) Create(ctx context.Context, f *meta.Function) error {
	config, err := configText(&f.Config)
	if err != nil {
		return err
	}
	return fs.s.inTx(ctx, func(tx *txn) error {
		err := functionExists(ctx, tx, f.AccountID, f.Name)
		if err == nil {
			return fmt.Errorf("function %s: %w", f.Name, meta.ErrExists)
		}
		if !errors.Is(err, meta.ErrNotFound) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO functions (`+functionColumns+`, code_id) VALUES (?, ?, ?, ?, ?, ?)`,
			f.AccountID, f.Name, timeText(f.CreatedAt), timeText(f.UpdatedAt), config, f.Config.CodeID)
		return err
	})
}

func (fs *functionStore) Get(ctx context.Context, accountID, name string) (*meta.Function, error) {
	f, err := scanFunction(fs.s.read.QueryRowContext(ctx,
		`SELECT `+functionColumns+` FROM functions WHERE account_id = ? AND name = ?`, accountID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("function %s: %w", name, meta.ErrNotFound)
	}
	return f, err
}

func (fs *functionStore) List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*meta.Function, error) {
	rows, err := fs.s.read.QueryContext(ctx, `SELECT `+functionColumns+` FROM functions
		WHERE account_id = ? AND name > ? AND substr(name, 1, length(?)) = ?
		ORDER BY name LIMIT ?`, accountID, marker, prefix, prefix, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.Function
	for rows.Next() {
		f, err := scanFunction(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (fs *functionStore) Update(ctx context.Context, accountID, name string, fn func(*meta.Function) error) error {
	return fs.s.inTx(ctx, func(tx *txn) error {
		f, err := scanFunction(tx.QueryRowContext(ctx,
			`SELECT `+functionColumns+` FROM functions WHERE account_id = ? AND name = ?`, accountID, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("function %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
		config, err := configText(&f.Config)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE functions SET updated_at = ?, config = ?, code_id = ?
			WHERE account_id = ? AND name = ?`, timeText(f.UpdatedAt), config, f.Config.CodeID, accountID, name)
		return err
	})
}

func (fs *functionStore) Delete(ctx context.Context, accountID, name string) error {
	return fs.s.inTx(ctx, func(tx *txn) error {
		if err := functionExists(ctx, tx, accountID, name); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM function_aliases WHERE account_id = ? AND function = ?`,
			`DELETE FROM function_versions WHERE account_id = ? AND function = ?`,
			`DELETE FROM functions WHERE account_id = ? AND name = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, accountID, name); err != nil {
				return err
			}
		}
		return nil
	})
}

const versionColumns = `account_id, function, version, description, created_at, config`

func scanVersion(row scanner) (*meta.FunctionVersion, error) {
	var (
		v               meta.FunctionVersion
		id              int64
		created, config string
	)
	if err := row.Scan(&v.AccountID, &v.FunctionName, &id, &v.Description, &created, &config); err != nil {
		return nil, err
	}
	v.VersionID = strconv.FormatInt(id, 10)
	var err error
	if v.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("function %s version %s: created_at: %w", v.FunctionName, v.VersionID, err)
	}
	if err := json.Unmarshal([]byte(config), &v.Config); err != nil {
		return nil, fmt.Errorf("function %s version %s: config: %w", v.FunctionName, v.VersionID, err)
	}
	return &v, nil
}

// versionNumber parses a version id; ids that are not positive decimal
// numbers name no version.
func versionNumber(name, versionID string) (int64, error) {
	n, err := strconv.ParseInt(versionID, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != versionID {
		return 0, fmt.Errorf("function %s version %q: %w", name, versionID, meta.ErrNotFound)
	}
	return n, nil
}

func (fs *functionStore) PublishVersion(ctx context.Context, accountID, name, description string, now time.Time) (*meta.FunctionVersion, error) {
	var v *meta.FunctionVersion
	err := fs.s.inTx(ctx, func(tx *txn) error {
		var (
			config, codeID string
			last           int64
		)
		err := tx.QueryRowContext(ctx, `SELECT config, code_id, last_version FROM functions
			WHERE account_id = ? AND name = ?`, accountID, name).Scan(&config, &codeID, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("function %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}

		id := last + 1
		_, err = tx.ExecContext(ctx, `INSERT INTO function_versions (`+versionColumns+`, code_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, accountID, name, id, description, timeText(now), config, codeID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE functions SET last_version = ? WHERE account_id = ? AND name = ?`,
			id, accountID, name)
		if err != nil {
			return err
		}

		v, err = scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM function_versions
			WHERE account_id = ? AND function = ? AND version = ?`, accountID, name, id))
		return err
	})
	return v, err
}

func (fs *functionStore) GetVersion(ctx context.Context, accountID, name, versionID string) (*meta.FunctionVersion, error) {
	id, err := versionNumber(name, versionID)
	if err != nil {
		return nil, err
	}
	v, err := scanVersion(fs.s.read.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM function_versions
		WHERE account_id = ? AND function = ? AND version = ?`, accountID, name, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("function %s version %s: %w", name, versionID, meta.ErrNotFound)
	}
	return v, err
}

func (fs *functionStore) ListVersions(ctx context.Context, accountID, name string) ([]*meta.FunctionVersion, error) {
	if err := functionExists(ctx, fs.s.read, accountID, name); err != nil {
		return nil, err
	}
	rows, err := fs.s.read.QueryContext(ctx, `SELECT `+versionColumns+` FROM function_versions
		WHERE account_id = ? AND function = ? ORDER BY version DESC`, accountID, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.FunctionVersion
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (fs *functionStore) DeleteVersion(ctx context.Context, accountID, name, versionID string) error {
	id, err := versionNumber(name, versionID)
	if err != nil {
		return err
	}
	return fs.s.inTx(ctx, func(tx *txn) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM function_versions
			WHERE account_id = ? AND function = ? AND version = ?`, accountID, name, id).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("function %s version %s: %w", name, versionID, meta.ErrNotFound)
		}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM function_aliases
			WHERE account_id = ? AND function = ? AND version = ?`, accountID, name, id).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("function %s version %s is used by %d alias(es): %w", name, versionID, n, meta.ErrNotEmpty)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM function_versions
			WHERE account_id = ? AND function = ? AND version = ?`, accountID, name, id)
		return err
	})
}

const aliasColumns = `account_id, function, name, version, description, created_at, updated_at`

func scanAlias(row scanner) (*meta.FunctionAlias, error) {
	var (
		a                meta.FunctionAlias
		version          int64
		created, updated string
	)
	if err := row.Scan(&a.AccountID, &a.FunctionName, &a.Name, &version, &a.Description, &created, &updated); err != nil {
		return nil, err
	}
	a.VersionID = strconv.FormatInt(version, 10)
	var err error
	if a.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("alias %s: created_at: %w", a.Name, err)
	}
	if a.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("alias %s: updated_at: %w", a.Name, err)
	}
	return &a, nil
}

func (fs *functionStore) PutAlias(ctx context.Context, a *meta.FunctionAlias, create bool) error {
	id, err := versionNumber(a.FunctionName, a.VersionID)
	if err != nil {
		return err
	}
	return fs.s.inTx(ctx, func(tx *txn) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM function_versions
			WHERE account_id = ? AND function = ? AND version = ?`, a.AccountID, a.FunctionName, id).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			if err := functionExists(ctx, tx, a.AccountID, a.FunctionName); err != nil {
				return err
			}
			return fmt.Errorf("function %s version %s: %w", a.FunctionName, a.VersionID, meta.ErrNotFound)
		}

		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM function_aliases
			WHERE account_id = ? AND function = ? AND name = ?`, a.AccountID, a.FunctionName, a.Name).Scan(&n)
		if err != nil {
			return err
		}
		switch {
		case create && n > 0:
			return fmt.Errorf("function %s alias %s: %w", a.FunctionName, a.Name, meta.ErrExists)
		case !create && n == 0:
			return fmt.Errorf("function %s alias %s: %w", a.FunctionName, a.Name, meta.ErrNotFound)
		case create:
			_, err = tx.ExecContext(ctx, `INSERT INTO function_aliases (`+aliasColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				a.AccountID, a.FunctionName, a.Name, id, a.Description, timeText(a.CreatedAt), timeText(a.UpdatedAt))
		default:
			_, err = tx.ExecContext(ctx, `UPDATE function_aliases SET version = ?, description = ?, updated_at = ?
				WHERE account_id = ? AND function = ? AND name = ?`,
				id, a.Description, timeText(a.UpdatedAt), a.AccountID, a.FunctionName, a.Name)
		}
		return err
	})
}

func (fs *functionStore) GetAlias(ctx context.Context, accountID, name, alias string) (*meta.FunctionAlias, error) {
	a, err := scanAlias(fs.s.read.QueryRowContext(ctx, `SELECT `+aliasColumns+` FROM function_aliases
		WHERE account_id = ? AND function = ? AND name = ?`, accountID, name, alias))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("function %s alias %s: %w", name, alias, meta.ErrNotFound)
	}
	return a, err
}

func (fs *functionStore) ListAliases(ctx context.Context, accountID, name string) ([]*meta.FunctionAlias, error) {
	if err := functionExists(ctx, fs.s.read, accountID, name); err != nil {
		return nil, err
	}
	rows, err := fs.s.read.QueryContext(ctx, `SELECT `+aliasColumns+` FROM function_aliases
		WHERE account_id = ? AND function = ? ORDER BY name`, accountID, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.FunctionAlias
	for rows.Next() {
		a, err := scanAlias(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (fs *functionStore) DeleteAlias(ctx context.Context, accountID, name, alias string) error {
	res, err := fs.s.write.ExecContext(ctx, `DELETE FROM function_aliases
		WHERE account_id = ? AND function = ? AND name = ?`, accountID, name, alias)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("function %s alias %s: %w", name, alias, meta.ErrNotFound)
	}
	return nil
}

func (fs *functionStore) CodeInUse(ctx context.Context, codeID string) (bool, error) {
	var n int
	err := fs.s.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM functions WHERE code_id = ?) +
		(SELECT COUNT(*) FROM function_versions WHERE code_id = ?)`, codeID, codeID).Scan(&n)
	return n > 0, err
}
