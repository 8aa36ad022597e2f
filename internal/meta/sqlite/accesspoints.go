package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
)

var accessPointMigrations = []migration{
	{"accesspoints", 1, `
CREATE TABLE access_points (
	account_id          TEXT NOT NULL,
	region              TEXT NOT NULL,
	name                TEXT NOT NULL,
	bucket              TEXT NOT NULL REFERENCES buckets (name),
	alias               TEXT NOT NULL UNIQUE,
	network_origin      TEXT NOT NULL,
	vpc_id              TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	ready_at            TEXT NOT NULL,
	policy              BLOB,
	block_public_access INTEGER NOT NULL,
	PRIMARY KEY (account_id, region, name)
);
CREATE INDEX access_points_bucket ON access_points (bucket, name);
CREATE TABLE object_fc_access_points (
	account_id          TEXT NOT NULL,
	region              TEXT NOT NULL,
	name                TEXT NOT NULL,
	alias               TEXT NOT NULL UNIQUE,
	access_point        TEXT NOT NULL,
	bucket              TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	ready_at            TEXT NOT NULL,
	allow_anonymous     TEXT NOT NULL,
	block_public_access INTEGER NOT NULL,
	config              TEXT NOT NULL,
	policy              BLOB,
	PRIMARY KEY (account_id, region, name),
	FOREIGN KEY (account_id, region, access_point) REFERENCES access_points (account_id, region, name)
);
CREATE INDEX object_fc_access_points_bucket ON object_fc_access_points (bucket);
CREATE INDEX object_fc_access_points_supporting ON object_fc_access_points (account_id, region, access_point);`},
}

type accessPointStore struct{ s *Store }

const accessPointColumns = `account_id, region, name, bucket, alias, network_origin, vpc_id,
	created_at, ready_at, policy, block_public_access`

func scanAccessPoint(row interface{ Scan(...any) error }) (*meta.AccessPoint, error) {
	var ap meta.AccessPoint
	var created, ready string
	err := row.Scan(&ap.AccountID, &ap.Region, &ap.Name, &ap.Bucket, &ap.Alias, &ap.NetworkOrigin, &ap.VpcID,
		&created, &ready, &ap.Policy, &ap.BlockPublicAccess)
	if err != nil {
		return nil, err
	}
	if ap.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("access point %s: created_at: %w", ap.Name, err)
	}
	if ap.ReadyAt, err = parseTime(ready); err != nil {
		return nil, fmt.Errorf("access point %s: ready_at: %w", ap.Name, err)
	}
	return &ap, nil
}

func (as *accessPointStore) Create(ctx context.Context, ap *meta.AccessPoint, admit func(inAccount, inBucket int) error) error {
	return as.s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, ap.Bucket).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("bucket %s: %w", ap.Bucket, meta.ErrNotFound)
		}
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_points
			WHERE (account_id = ? AND region = ? AND name = ?) OR alias = ?`,
			ap.AccountID, ap.Region, ap.Name, ap.Alias).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("access point %s: %w", ap.Name, meta.ErrExists)
		}

		var inAccount, inBucket int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_points WHERE account_id = ? AND region = ?`,
			ap.AccountID, ap.Region).Scan(&inAccount)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_points WHERE bucket = ?`, ap.Bucket).Scan(&inBucket); err != nil {
			return err
		}
		if err := admit(inAccount, inBucket); err != nil {
			return err
		}

		_, err = tx.ExecContext(ctx, `INSERT INTO access_points (`+accessPointColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ap.AccountID, ap.Region, ap.Name, ap.Bucket, ap.Alias, ap.NetworkOrigin, ap.VpcID,
			timeText(ap.CreatedAt), timeText(ap.ReadyAt), nullBlob(ap.Policy), ap.BlockPublicAccess)
		return err
	})
}

func (as *accessPointStore) Get(ctx context.Context, accountID, region, name string) (*meta.AccessPoint, error) {
	ap, err := scanAccessPoint(as.s.read.QueryRowContext(ctx, `SELECT `+accessPointColumns+` FROM access_points
		WHERE account_id = ? AND region = ? AND name = ?`, accountID, region, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("access point %s: %w", name, meta.ErrNotFound)
	}
	return ap, err
}

func (as *accessPointStore) GetByAlias(ctx context.Context, alias string) (*meta.AccessPoint, error) {
	ap, err := scanAccessPoint(as.s.read.QueryRowContext(ctx, `SELECT `+accessPointColumns+` FROM access_points
		WHERE alias = ?`, alias))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("access point alias %s: %w", alias, meta.ErrNotFound)
	}
	return ap, err
}

func (as *accessPointStore) List(ctx context.Context, accountID, region, bucket, after string, limit int) ([]*meta.AccessPoint, error) {
	rows, err := as.s.read.QueryContext(ctx, `SELECT `+accessPointColumns+` FROM access_points
		WHERE account_id = ? AND region = ? AND (? = '' OR bucket = ?) AND name > ?
		ORDER BY name LIMIT ?`, accountID, region, bucket, bucket, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.AccessPoint
	for rows.Next() {
		ap, err := scanAccessPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

func (as *accessPointStore) Update(ctx context.Context, accountID, region, name string, fn func(*meta.AccessPoint) error) error {
	return as.s.inTx(ctx, func(tx *txn) error {
		ap, err := scanAccessPoint(tx.QueryRowContext(ctx, `SELECT `+accessPointColumns+` FROM access_points
			WHERE account_id = ? AND region = ? AND name = ?`, accountID, region, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("access point %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(ap); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE access_points SET policy = ?, block_public_access = ?
			WHERE account_id = ? AND region = ? AND name = ?`,
			nullBlob(ap.Policy), ap.BlockPublicAccess, accountID, region, name)
		return err
	})
}

func (as *accessPointStore) Delete(ctx context.Context, accountID, region, name string) error {
	return as.s.inTx(ctx, func(tx *txn) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_points WHERE account_id = ? AND region = ? AND name = ?`,
			accountID, region, name).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("access point %s: %w", name, meta.ErrNotFound)
		}
		users, err := queryNames(ctx, tx, `SELECT name FROM object_fc_access_points
			WHERE account_id = ? AND region = ? AND access_point = ? ORDER BY name`, accountID, region, name)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return &meta.DependentsError{Kind: "Object FC Access Points", Names: users}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM access_points WHERE account_id = ? AND region = ? AND name = ?`,
			accountID, region, name)
		return err
	})
}

type objectFCAccessPointStore struct{ s *Store }

const objectFCAccessPointColumns = `account_id, region, name, alias, access_point, bucket,
	created_at, ready_at, allow_anonymous, block_public_access, config, policy`

func scanObjectFCAccessPoint(row interface{ Scan(...any) error }) (*meta.ObjectFCAccessPoint, error) {
	var ap meta.ObjectFCAccessPoint
	var created, ready, config string
	err := row.Scan(&ap.AccountID, &ap.Region, &ap.Name, &ap.Alias, &ap.AccessPoint, &ap.Bucket,
		&created, &ready, &ap.AllowAnonymousAccess, &ap.BlockPublicAccess, &config, &ap.Policy)
	if err != nil {
		return nil, err
	}
	if ap.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("Object FC Access Point %s: created_at: %w", ap.Name, err)
	}
	if ap.ReadyAt, err = parseTime(ready); err != nil {
		return nil, fmt.Errorf("Object FC Access Point %s: ready_at: %w", ap.Name, err)
	}
	if config != "" {
		ap.Config = &meta.ObjectProcessConfig{}
		if err := json.Unmarshal([]byte(config), ap.Config); err != nil {
			return nil, fmt.Errorf("Object FC Access Point %s: config: %w", ap.Name, err)
		}
	}
	return &ap, nil
}

// processConfigText encodes an ObjectProcessConfiguration as JSON, "" for none.
func processConfigText(c *meta.ObjectProcessConfig) (string, error) {
	if c == nil {
		return "", nil
	}
	b, err := json.Marshal(c)
	return string(b), err
}

func (fs *objectFCAccessPointStore) Create(ctx context.Context, ap *meta.ObjectFCAccessPoint, admit func(inAccount, inBucket int) error) error {
	config, err := processConfigText(ap.Config)
	if err != nil {
		return err
	}
	return fs.s.inTx(ctx, func(tx *txn) error {
		var n int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM access_points
			WHERE account_id = ? AND region = ? AND name = ? AND bucket = ?`,
			ap.AccountID, ap.Region, ap.AccessPoint, ap.Bucket).Scan(&n)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("access point %s on bucket %s: %w", ap.AccessPoint, ap.Bucket, meta.ErrNotFound)
		}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM object_fc_access_points
			WHERE (account_id = ? AND region = ? AND name = ?) OR alias = ?`,
			ap.AccountID, ap.Region, ap.Name, ap.Alias).Scan(&n)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("Object FC Access Point %s: %w", ap.Name, meta.ErrExists)
		}

		var inAccount, inBucket int
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM object_fc_access_points WHERE account_id = ? AND region = ?`,
			ap.AccountID, ap.Region).Scan(&inAccount)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM object_fc_access_points WHERE bucket = ?`, ap.Bucket).Scan(&inBucket)
		if err != nil {
			return err
		}
		if err := admit(inAccount, inBucket); err != nil {
			return err
		}

		_, err = tx.ExecContext(ctx, `INSERT INTO object_fc_access_points (`+objectFCAccessPointColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ap.AccountID, ap.Region, ap.Name, ap.Alias, ap.AccessPoint, ap.Bucket,
			timeText(ap.CreatedAt), timeText(ap.ReadyAt), ap.AllowAnonymousAccess, ap.BlockPublicAccess,
			config, nullBlob(ap.Policy))
		return err
	})
}

func (fs *objectFCAccessPointStore) Get(ctx context.Context, accountID, region, name string) (*meta.ObjectFCAccessPoint, error) {
	ap, err := scanObjectFCAccessPoint(fs.s.read.QueryRowContext(ctx, `SELECT `+objectFCAccessPointColumns+`
		FROM object_fc_access_points WHERE account_id = ? AND region = ? AND name = ?`, accountID, region, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("Object FC Access Point %s: %w", name, meta.ErrNotFound)
	}
	return ap, err
}

func (fs *objectFCAccessPointStore) GetByAlias(ctx context.Context, alias string) (*meta.ObjectFCAccessPoint, error) {
	ap, err := scanObjectFCAccessPoint(fs.s.read.QueryRowContext(ctx, `SELECT `+objectFCAccessPointColumns+`
		FROM object_fc_access_points WHERE alias = ?`, alias))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("Object FC Access Point alias %s: %w", alias, meta.ErrNotFound)
	}
	return ap, err
}

func (fs *objectFCAccessPointStore) List(ctx context.Context, accountID, region, after string, limit int) ([]*meta.ObjectFCAccessPoint, error) {
	rows, err := fs.s.read.QueryContext(ctx, `SELECT `+objectFCAccessPointColumns+` FROM object_fc_access_points
		WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?`, accountID, region, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.ObjectFCAccessPoint
	for rows.Next() {
		ap, err := scanObjectFCAccessPoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ap)
	}
	return out, rows.Err()
}

func (fs *objectFCAccessPointStore) Update(ctx context.Context, accountID, region, name string, fn func(*meta.ObjectFCAccessPoint) error) error {
	return fs.s.inTx(ctx, func(tx *txn) error {
		ap, err := scanObjectFCAccessPoint(tx.QueryRowContext(ctx, `SELECT `+objectFCAccessPointColumns+`
			FROM object_fc_access_points WHERE account_id = ? AND region = ? AND name = ?`, accountID, region, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("Object FC Access Point %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(ap); err != nil {
			return err
		}
		config, err := processConfigText(ap.Config)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE object_fc_access_points
			SET allow_anonymous = ?, block_public_access = ?, config = ?, policy = ?
			WHERE account_id = ? AND region = ? AND name = ?`,
			ap.AllowAnonymousAccess, ap.BlockPublicAccess, config, nullBlob(ap.Policy), accountID, region, name)
		return err
	})
}

func (fs *objectFCAccessPointStore) Delete(ctx context.Context, accountID, region, name string) error {
	res, err := fs.s.write.ExecContext(ctx, `DELETE FROM object_fc_access_points
		WHERE account_id = ? AND region = ? AND name = ?`, accountID, region, name)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("Object FC Access Point %s: %w", name, meta.ErrNotFound)
	}
	return nil
}

// nullBlob stores a nil document as NULL, so it reads back as nil.
func nullBlob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// queryNames runs a query that returns one text column.
func queryNames(ctx context.Context, tx *txn, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	return names, rows.Err()
}
