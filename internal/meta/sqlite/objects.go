package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ossfc/ossfc/internal/meta"
)

// Versions of a key are ordered by id, which AUTOINCREMENT never reuses, so a
// larger id is always a newer version.
var objectMigrations = []migration{
	{"objects", 1, `
CREATE TABLE objects (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket              TEXT NOT NULL REFERENCES buckets (name),
	key                 TEXT NOT NULL,
	version_id          TEXT NOT NULL,
	is_latest           INTEGER NOT NULL,
	delete_marker       INTEGER NOT NULL,
	size                INTEGER NOT NULL,
	etag                TEXT NOT NULL,
	crc64               INTEGER NOT NULL,
	type                TEXT NOT NULL,
	storage_class       TEXT NOT NULL,
	acl                 TEXT NOT NULL,
	content_type        TEXT NOT NULL,
	cache_control       TEXT NOT NULL,
	content_disposition TEXT NOT NULL,
	content_encoding    TEXT NOT NULL,
	content_language    TEXT NOT NULL,
	expires             TEXT NOT NULL,
	user_meta           TEXT NOT NULL,
	tags                TEXT NOT NULL,
	mod_time            TEXT NOT NULL,
	segments            TEXT NOT NULL
);
CREATE UNIQUE INDEX objects_version ON objects (bucket, key, version_id);
CREATE INDEX objects_key ON objects (bucket, key, id);
CREATE INDEX objects_latest ON objects (bucket, key) WHERE is_latest = 1;`},
}

type objectStore struct{ s *Store }

const objectColumns = `id, bucket, key, version_id, is_latest, delete_marker, size, etag, crc64, type,
	storage_class, acl, content_type, cache_control, content_disposition, content_encoding,
	content_language, expires, user_meta, tags, mod_time, segments`

// objectRow is an object with its row id, which orders versions.
type objectRow struct {
	id int64
	*meta.Object
}

func scanObject(row interface{ Scan(...any) error }) (objectRow, error) {
	var (
		o                        meta.Object
		id, crc                  int64
		isLatest, marker         bool
		userMeta, modTime, segms string
	)
	err := row.Scan(&id, &o.Bucket, &o.Key, &o.VersionID, &isLatest, &marker, &o.Size, &o.ETag, &crc, &o.Type,
		&o.StorageClass, &o.ACL, &o.ContentType, &o.CacheControl, &o.ContentDisposition, &o.ContentEncoding,
		&o.ContentLanguage, &o.Expires, &userMeta, &o.Tags, &modTime, &segms)
	if err != nil {
		return objectRow{}, err
	}
	o.IsLatest, o.DeleteMarker = isLatest, marker
	o.CRC64 = uint64(crc)
	if o.ModTime, err = parseTime(modTime); err != nil {
		return objectRow{}, fmt.Errorf("object %s/%s: mod_time: %w", o.Bucket, o.Key, err)
	}
	if err := json.Unmarshal([]byte(userMeta), &o.UserMeta); err != nil {
		return objectRow{}, fmt.Errorf("object %s/%s: user_meta: %w", o.Bucket, o.Key, err)
	}
	if err := json.Unmarshal([]byte(segms), &o.Segments); err != nil {
		return objectRow{}, fmt.Errorf("object %s/%s: segments: %w", o.Bucket, o.Key, err)
	}
	return objectRow{id, &o}, nil
}

func queryObjects(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]objectRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var out []objectRow
	for rows.Next() {
		r, err := scanObject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (os *objectStore) Put(ctx context.Context, o *meta.Object, opts meta.PutOptions) ([]*meta.Object, error) {
	var replaced []*meta.Object
	err := os.s.inTx(ctx, func(tx *txn) error {
		var err error
		replaced, err = putObjectTx(ctx, tx, o, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	o.IsLatest = true
	return replaced, nil
}

// putObjectTx is Put inside the caller's transaction; o.IsLatest is set by
// the caller once the transaction commits.
func putObjectTx(ctx context.Context, tx *txn, o *meta.Object, opts meta.PutOptions) ([]*meta.Object, error) {
	var replaced []*meta.Object
	err := func() error {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, o.Bucket).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fmt.Errorf("bucket %s: %w", o.Bucket, meta.ErrNotFound)
		}

		latest, err := queryObjects(ctx, tx, `SELECT `+objectColumns+` FROM objects
			WHERE bucket = ? AND key = ? AND is_latest = 1`, o.Bucket, o.Key)
		if err != nil {
			return err
		}
		if opts.Check != nil {
			var current *meta.Object
			if len(latest) > 0 {
				current = latest[0].Object
			}
			if err := opts.Check(current); err != nil {
				return err
			}
		}

		userMeta, err := json.Marshal(nonNilMap(o.UserMeta))
		if err != nil {
			return err
		}
		segments, err := json.Marshal(nonNilSegments(o.Segments))
		if err != nil {
			return err
		}

		same, err := queryObjects(ctx, tx, `SELECT `+objectColumns+` FROM objects
			WHERE bucket = ? AND key = ? AND version_id = ?`, o.Bucket, o.Key, o.VersionID)
		if err != nil {
			return err
		}
		for _, r := range same {
			if o.VersionID != meta.NullVersion && !opts.ReplaceVersion {
				return fmt.Errorf("object %s/%s version %s: %w", o.Bucket, o.Key, o.VersionID, meta.ErrExists)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE id = ?`, r.id); err != nil {
				return err
			}
			replaced = append(replaced, r.Object)
		}

		if _, err := tx.ExecContext(ctx, `UPDATE objects SET is_latest = 0
			WHERE bucket = ? AND key = ? AND is_latest = 1`, o.Bucket, o.Key); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO objects (bucket, key, version_id, is_latest, delete_marker,
			size, etag, crc64, type, storage_class, acl, content_type, cache_control, content_disposition,
			content_encoding, content_language, expires, user_meta, tags, mod_time, segments)
			VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.Bucket, o.Key, o.VersionID, o.DeleteMarker, o.Size, o.ETag, int64(o.CRC64), o.Type,
			o.StorageClass, o.ACL, o.ContentType, o.CacheControl, o.ContentDisposition, o.ContentEncoding,
			o.ContentLanguage, o.Expires, string(userMeta), o.Tags, timeText(o.ModTime), string(segments))
		return err
	}()
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

func (os *objectStore) Get(ctx context.Context, bucket, key, versionID string) (*meta.Object, error) {
	var rows []objectRow
	var err error
	if versionID == "" {
		rows, err = queryObjects(ctx, os.s.read, `SELECT `+objectColumns+` FROM objects
			WHERE bucket = ? AND key = ? AND is_latest = 1`, bucket, key)
	} else {
		rows, err = queryObjects(ctx, os.s.read, `SELECT `+objectColumns+` FROM objects
			WHERE bucket = ? AND key = ? AND version_id = ?`, bucket, key, versionID)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("object %s/%s version %q: %w", bucket, key, versionID, meta.ErrNotFound)
	}
	return rows[0].Object, nil
}

func (os *objectStore) Delete(ctx context.Context, bucket, key, versionID string) (*meta.Object, error) {
	var deleted *meta.Object
	err := os.s.inTx(ctx, func(tx *txn) error {
		rows, err := queryObjects(ctx, tx, `SELECT `+objectColumns+` FROM objects
			WHERE bucket = ? AND key = ? AND version_id = ?`, bucket, key, versionID)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("object %s/%s version %q: %w", bucket, key, versionID, meta.ErrNotFound)
		}
		r := rows[0]
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE id = ?`, r.id); err != nil {
			return err
		}
		if r.IsLatest {
			_, err = tx.ExecContext(ctx, `UPDATE objects SET is_latest = 1 WHERE id =
				(SELECT MAX(id) FROM objects WHERE bucket = ? AND key = ?)`, bucket, key)
			if err != nil {
				return err
			}
		}
		deleted = r.Object
		return nil
	})
	return deleted, err
}

func (os *objectStore) Scan(ctx context.Context, bucket string, opts meta.ScanOptions) ([]*meta.Object, error) {
	if opts.Limit <= 0 {
		return nil, fmt.Errorf("scan %s: limit %d must be positive", bucket, opts.Limit)
	}

	var where []string
	args := []any{bucket}
	where = append(where, "bucket = ?")
	if opts.Prefix != "" {
		where = append(where, "key >= ?")
		args = append(args, opts.Prefix)
		if end, ok := prefixEnd(opts.Prefix); ok {
			where = append(where, "key < ?")
			args = append(args, end)
		}
	}

	if opts.Start != "" {
		where = append(where, "key >= ?")
		args = append(args, opts.Start)
	}

	order := "key"
	if opts.AllVersions {
		order = "key, id DESC"
		if opts.AfterVersion != "" {
			var afterID int64
			err := os.s.read.QueryRowContext(ctx, `SELECT id FROM objects WHERE bucket = ? AND key = ? AND version_id = ?`,
				bucket, opts.After, opts.AfterVersion).Scan(&afterID)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				where = append(where, "key > ?")
				args = append(args, opts.After)
			case err != nil:
				return nil, err
			default:
				where = append(where, "(key > ? OR (key = ? AND id < ?))")
				args = append(args, opts.After, opts.After, afterID)
			}
		} else if opts.After != "" {
			where = append(where, "key > ?")
			args = append(args, opts.After)
		}
	} else {
		where = append(where, "is_latest = 1", "delete_marker = 0")
		if opts.After != "" {
			where = append(where, "key > ?")
			args = append(args, opts.After)
		}
	}
	args = append(args, opts.Limit)

	rows, err := queryObjects(ctx, os.s.read, `SELECT `+objectColumns+` FROM objects WHERE `+
		strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*meta.Object, len(rows))
	for i, r := range rows {
		out[i] = r.Object
	}
	return out, nil
}

func (os *objectStore) Stat(ctx context.Context, bucket string) (meta.BucketUsage, error) {
	u := meta.BucketUsage{Classes: map[string]meta.Usage{}}
	rows, err := os.s.read.QueryContext(ctx, `SELECT storage_class, COUNT(*), SUM(size), SUM(MAX(size, ?))
		FROM objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0
		GROUP BY storage_class`, meta.MinBilledSize, bucket)
	if err != nil {
		return u, err
	}
	defer rows.Close()
	for rows.Next() {
		var class string
		var c meta.Usage
		if err := rows.Scan(&class, &c.Count, &c.Size, &c.BilledSize); err != nil {
			return u, err
		}
		u.Classes[class] = c
	}
	if err := rows.Err(); err != nil {
		return u, err
	}

	err = os.s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM objects WHERE bucket = ? AND delete_marker = 1`,
		bucket).Scan(&u.DeleteMarkers)
	return u, err
}

func (os *objectStore) walkBlobs(ctx context.Context, fn func(string) error) error {
	rows, err := os.s.read.QueryContext(ctx, `SELECT segments FROM objects WHERE delete_marker = 0`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return err
		}
		var segments []meta.Segment
		if err := json.Unmarshal([]byte(text), &segments); err != nil {
			return err
		}
		for _, s := range segments {
			if err := fn(s.BlobID); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

// prefixEnd returns the smallest string greater than every string starting
// with prefix, or false when there is none (prefix is all 0xff bytes).
func prefixEnd(prefix string) (string, bool) {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1]), true
		}
	}
	return "", false
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSegments(s []meta.Segment) []meta.Segment {
	if s == nil {
		return []meta.Segment{}
	}
	return s
}
