package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
)

var bucketMigrations = []migration{
	{"buckets", 1, `
CREATE TABLE buckets (
	name                 TEXT PRIMARY KEY,
	account_id           TEXT NOT NULL,
	region               TEXT NOT NULL,
	created_at           TEXT NOT NULL,
	acl                  TEXT NOT NULL,
	storage_class        TEXT NOT NULL,
	data_redundancy_type TEXT NOT NULL,
	resource_group_id    TEXT NOT NULL,
	versioning           TEXT NOT NULL
);
CREATE INDEX buckets_account ON buckets (account_id, name);
CREATE TABLE bucket_configs (
	bucket TEXT NOT NULL REFERENCES buckets (name) ON DELETE CASCADE,
	name   TEXT NOT NULL,
	value  BLOB NOT NULL,
	PRIMARY KEY (bucket, name)
);`},
}

type bucketStore struct{ s *Store }

const bucketColumns = `name, account_id, region, created_at, acl, storage_class,
	data_redundancy_type, resource_group_id, versioning`

func scanBucket(row interface{ Scan(...any) error }) (*meta.Bucket, error) {
	var b meta.Bucket
	var created string
	err := row.Scan(&b.Name, &b.AccountID, &b.Region, &created, &b.ACL, &b.StorageClass,
		&b.DataRedundancyType, &b.ResourceGroupID, &b.Versioning)
	if err != nil {
		return nil, err
	}
	if b.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("bucket %s: created_at: %w", b.Name, err)
	}
	return &b, nil
}

func (bs *bucketStore) Create(ctx context.Context, b *meta.Bucket) error {
	return bs.s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, b.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("bucket %s: %w", b.Name, meta.ErrExists)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO buckets (`+bucketColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.Name, b.AccountID, b.Region, timeText(b.CreatedAt), b.ACL, b.StorageClass,
			b.DataRedundancyType, b.ResourceGroupID, b.Versioning)
		return err
	})
}

func (bs *bucketStore) Get(ctx context.Context, name string) (*meta.Bucket, error) {
	b, err := scanBucket(bs.s.read.QueryRowContext(ctx, `SELECT `+bucketColumns+` FROM buckets WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("bucket %s: %w", name, meta.ErrNotFound)
	}
	return b, err
}

func (bs *bucketStore) List(ctx context.Context, accountID, prefix, marker string, limit int) ([]*meta.Bucket, error) {
	rows, err := bs.s.read.QueryContext(ctx, `SELECT `+bucketColumns+` FROM buckets
		WHERE account_id = ? AND name > ? AND substr(name, 1, length(?)) = ?
		ORDER BY name LIMIT ?`, accountID, marker, prefix, prefix, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []*meta.Bucket
	for rows.Next() {
		b, err := scanBucket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (bs *bucketStore) Count(ctx context.Context, accountID string) (int, error) {
	var n int
	err := bs.s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE account_id = ?`, accountID).Scan(&n)
	return n, err
}

func (bs *bucketStore) Update(ctx context.Context, name string, fn func(*meta.Bucket) error) error {
	return bs.s.inTx(ctx, func(tx *txn) error {
		b, err := scanBucket(tx.QueryRowContext(ctx, `SELECT `+bucketColumns+` FROM buckets WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("bucket %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(b); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE buckets SET region = ?, acl = ?, storage_class = ?,
			data_redundancy_type = ?, resource_group_id = ?, versioning = ? WHERE name = ?`,
			b.Region, b.ACL, b.StorageClass, b.DataRedundancyType, b.ResourceGroupID, b.Versioning, name)
		return err
	})
}

// bucketDependents are the tables whose rows keep a bucket from being deleted.
// Components that add such tables append a query returning a count.
var bucketDependents = []string{
	`SELECT COUNT(*) FROM (SELECT 1 FROM objects WHERE bucket = ? LIMIT 1)`,
	`SELECT COUNT(*) FROM (SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1)`,
}

// bucketNamedDependents are queries that list, by name, the records that keep
// a bucket from being deleted; a non-empty list gives a *meta.DependentsError.
var bucketNamedDependents = []struct{ kind, query string }{
	{"access points", `SELECT name FROM access_points WHERE bucket = ? ORDER BY name`},
}

func (bs *bucketStore) Delete(ctx context.Context, name string) error {
	return bs.s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, name).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("bucket %s: %w", name, meta.ErrNotFound)
		}
		for _, q := range bucketDependents {
			if err := tx.QueryRowContext(ctx, q, name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("bucket %s: %w", name, meta.ErrNotEmpty)
			}
		}
		for _, d := range bucketNamedDependents {
			names, err := queryNames(ctx, tx, d.query, name)
			if err != nil {
				return err
			}
			if len(names) > 0 {
				return &meta.DependentsError{Kind: d.kind, Names: names}
			}
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM buckets WHERE name = ?`, name)
		return err
	})
}

func (bs *bucketStore) PutConfig(ctx context.Context, bucket, name string, value []byte) error {
	return bs.s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, bucket).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("bucket %s: %w", bucket, meta.ErrNotFound)
		}
		if value == nil {
			value = []byte{}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO bucket_configs (bucket, name, value) VALUES (?, ?, ?)
			ON CONFLICT (bucket, name) DO UPDATE SET value = excluded.value`, bucket, name, value)
		return err
	})
}

func (bs *bucketStore) GetConfig(ctx context.Context, bucket, name string) ([]byte, error) {
	var value []byte
	err := bs.s.read.QueryRowContext(ctx, `SELECT value FROM bucket_configs WHERE bucket = ? AND name = ?`,
		bucket, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("bucket %s config %s: %w", bucket, name, meta.ErrNotFound)
	}
	return value, err
}

func (bs *bucketStore) DeleteConfig(ctx context.Context, bucket, name string) error {
	_, err := bs.s.write.ExecContext(ctx, `DELETE FROM bucket_configs WHERE bucket = ? AND name = ?`, bucket, name)
	return err
}
