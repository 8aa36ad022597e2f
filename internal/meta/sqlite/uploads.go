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

// Uploads are ordered within a key by id, which AUTOINCREMENT never reuses,
// so a larger id is a later initiation. Parts reference their upload's row,
// and removing an upload removes its parts.
var uploadMigrations = []migration{
	{"uploads", 1, `
CREATE TABLE uploads (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	bucket    TEXT NOT NULL REFERENCES buckets (name),
	key       TEXT NOT NULL,
	upload_id TEXT NOT NULL UNIQUE,
	initiated TEXT NOT NULL,
	attrs     TEXT NOT NULL
);
CREATE INDEX uploads_key ON uploads (bucket, key, id);
CREATE TABLE upload_parts (
	upload      INTEGER NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
	part_number INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	etag        TEXT NOT NULL,
	crc64       INTEGER NOT NULL,
	mod_time    TEXT NOT NULL,
	blob_id     TEXT NOT NULL,
	PRIMARY KEY (upload, part_number)
);`},
}

type uploadStore struct{ s *Store }

// uploadAttrs is the JSON form of the object attributes an upload carries.
type uploadAttrs struct {
	StorageClass       string            `json:"storageClass,omitempty"`
	ACL                string            `json:"acl,omitempty"`
	ContentType        string            `json:"contentType,omitempty"`
	CacheControl       string            `json:"cacheControl,omitempty"`
	ContentDisposition string            `json:"contentDisposition,omitempty"`
	ContentEncoding    string            `json:"contentEncoding,omitempty"`
	ContentLanguage    string            `json:"contentLanguage,omitempty"`
	Expires            string            `json:"expires,omitempty"`
	UserMeta           map[string]string `json:"userMeta,omitempty"`
	Tags               string            `json:"tags,omitempty"`
}

const uploadColumns = `id, bucket, key, upload_id, initiated, attrs`

// uploadRow is an upload with its row id, which orders initiations.
type uploadRow struct {
	id int64
	*meta.Upload
}

func scanUpload(row interface{ Scan(...any) error }) (uploadRow, error) {
	var (
		u                  meta.Upload
		id                 int64
		initiated, attrsJS string
		a                  uploadAttrs
	)
	if err := row.Scan(&id, &u.Bucket, &u.Key, &u.UploadID, &initiated, &attrsJS); err != nil {
		return uploadRow{}, err
	}
	var err error
	if u.Initiated, err = parseTime(initiated); err != nil {
		return uploadRow{}, fmt.Errorf("upload %s: initiated: %w", u.UploadID, err)
	}
	if err := json.Unmarshal([]byte(attrsJS), &a); err != nil {
		return uploadRow{}, fmt.Errorf("upload %s: attrs: %w", u.UploadID, err)
	}
	u.StorageClass, u.ACL, u.ContentType, u.CacheControl = a.StorageClass, a.ACL, a.ContentType, a.CacheControl
	u.ContentDisposition, u.ContentEncoding, u.ContentLanguage = a.ContentDisposition, a.ContentEncoding, a.ContentLanguage
	u.Expires, u.UserMeta, u.Tags = a.Expires, a.UserMeta, a.Tags
	return uploadRow{id, &u}, nil
}

type querier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// getUpload returns the upload row with uploadID in bucket, or ErrNotFound.
func getUpload(ctx context.Context, q querier, bucket, uploadID string) (uploadRow, error) {
	r, err := scanUpload(q.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads
		WHERE bucket = ? AND upload_id = ?`, bucket, uploadID))
	if errors.Is(err, sql.ErrNoRows) {
		return uploadRow{}, fmt.Errorf("upload %s in bucket %s: %w", uploadID, bucket, meta.ErrNotFound)
	}
	return r, err
}

func (us *uploadStore) Create(ctx context.Context, u *meta.Upload) error {
	attrs, err := json.Marshal(uploadAttrs{
		StorageClass: u.StorageClass, ACL: u.ACL, ContentType: u.ContentType, CacheControl: u.CacheControl,
		ContentDisposition: u.ContentDisposition, ContentEncoding: u.ContentEncoding,
		ContentLanguage: u.ContentLanguage, Expires: u.Expires, UserMeta: u.UserMeta, Tags: u.Tags,
	})
	if err != nil {
		return err
	}
	return us.s.inTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM buckets WHERE name = ?`, u.Bucket).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("bucket %s: %w", u.Bucket, meta.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM uploads WHERE upload_id = ?`, u.UploadID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("upload %s: %w", u.UploadID, meta.ErrExists)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads (bucket, key, upload_id, initiated, attrs)
			VALUES (?, ?, ?, ?, ?)`, u.Bucket, u.Key, u.UploadID, timeText(u.Initiated), string(attrs))
		return err
	})
}

func (us *uploadStore) Get(ctx context.Context, bucket, uploadID string) (*meta.Upload, error) {
	r, err := getUpload(ctx, us.s.read, bucket, uploadID)
	if err != nil {
		return nil, err
	}
	return r.Upload, nil
}

func (us *uploadStore) Scan(ctx context.Context, bucket string, opts meta.UploadScanOptions) ([]*meta.Upload, error) {
	if opts.Limit <= 0 {
		return nil, fmt.Errorf("scan uploads of %s: limit %d must be positive", bucket, opts.Limit)
	}

	where := []string{"bucket = ?"}
	args := []any{bucket}
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

	// Resume after the marker upload when it exists; otherwise after the
	// whole marker key.
	if opts.KeyMarker != "" || opts.UploadIDMarker != "" {
		var markerID int64
		err := sql.ErrNoRows
		if opts.UploadIDMarker != "" {
			err = us.s.read.QueryRowContext(ctx, `SELECT id FROM uploads WHERE bucket = ? AND key = ? AND upload_id = ?`,
				bucket, opts.KeyMarker, opts.UploadIDMarker).Scan(&markerID)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			where = append(where, "key > ?")
			args = append(args, opts.KeyMarker)
		case err != nil:
			return nil, err
		default:
			where = append(where, "(key > ? OR (key = ? AND id > ?))")
			args = append(args, opts.KeyMarker, opts.KeyMarker, markerID)
		}
	}
	args = append(args, opts.Limit)

	rows, err := us.s.read.QueryContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE `+
		strings.Join(where, " AND ")+` ORDER BY key, id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*meta.Upload
	for rows.Next() {
		r, err := scanUpload(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.Upload)
	}
	return out, rows.Err()
}

func (us *uploadStore) Count(ctx context.Context, bucket string) (int64, error) {
	var n int64
	err := us.s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM uploads WHERE bucket = ?`, bucket).Scan(&n)
	return n, err
}

func (us *uploadStore) PartUsage(ctx context.Context, bucket string) (meta.Usage, error) {
	var u meta.Usage
	err := us.s.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(p.size), 0)
		FROM upload_parts p JOIN uploads u ON u.id = p.upload WHERE u.bucket = ?`, bucket).Scan(&u.Count, &u.Size)
	u.BilledSize = u.Size
	return u, err
}

const partColumns = `part_number, size, etag, crc64, mod_time, blob_id`

func scanPart(row interface{ Scan(...any) error }, uploadID string) (*meta.Part, error) {
	var (
		p       meta.Part
		crc     int64
		modTime string
	)
	if err := row.Scan(&p.PartNumber, &p.Size, &p.ETag, &crc, &modTime, &p.BlobID); err != nil {
		return nil, err
	}
	p.UploadID = uploadID
	p.CRC64 = uint64(crc)
	var err error
	if p.ModTime, err = parseTime(modTime); err != nil {
		return nil, fmt.Errorf("upload %s part %d: mod_time: %w", uploadID, p.PartNumber, err)
	}
	return &p, nil
}

// queryParts returns the parts of the upload row with numbers above after,
// at most limit of them unless limit is 0.
func queryParts(ctx context.Context, q querier, u uploadRow, after, limit int) ([]*meta.Part, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := q.QueryContext(ctx, `SELECT `+partColumns+` FROM upload_parts
		WHERE upload = ? AND part_number > ? ORDER BY part_number LIMIT ?`, u.id, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*meta.Part
	for rows.Next() {
		p, err := scanPart(rows, u.UploadID)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (us *uploadStore) PutPart(ctx context.Context, bucket string, p *meta.Part) (*meta.Part, error) {
	var replaced *meta.Part
	err := us.s.inTx(ctx, func(tx *txn) error {
		replaced = nil
		u, err := getUpload(ctx, tx, bucket, p.UploadID)
		if err != nil {
			return err
		}
		old, err := scanPart(tx.QueryRowContext(ctx, `SELECT `+partColumns+` FROM upload_parts
			WHERE upload = ? AND part_number = ?`, u.id, p.PartNumber), u.UploadID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			replaced = old
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO upload_parts (upload, `+partColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (upload, part_number) DO UPDATE SET size = excluded.size, etag = excluded.etag,
			crc64 = excluded.crc64, mod_time = excluded.mod_time, blob_id = excluded.blob_id`,
			u.id, p.PartNumber, p.Size, p.ETag, int64(p.CRC64), timeText(p.ModTime), p.BlobID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

func (us *uploadStore) Parts(ctx context.Context, bucket, uploadID string, after, limit int) ([]*meta.Part, error) {
	u, err := getUpload(ctx, us.s.read, bucket, uploadID)
	if err != nil {
		return nil, err
	}
	return queryParts(ctx, us.s.read, u, after, limit)
}

func (us *uploadStore) Abort(ctx context.Context, bucket, uploadID string) ([]*meta.Part, error) {
	var parts []*meta.Part
	err := us.s.inTx(ctx, func(tx *txn) error {
		u, err := getUpload(ctx, tx, bucket, uploadID)
		if err != nil {
			return err
		}
		if parts, err = queryParts(ctx, tx, u, 0, 0); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, u.id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return parts, nil
}

func (us *uploadStore) Complete(ctx context.Context, bucket, uploadID string, build func(*meta.Upload, []*meta.Part) (*meta.Object, error),
	opts meta.PutOptions) (*meta.Object, []*meta.Object, []*meta.Part, error) {
	var (
		o        *meta.Object
		replaced []*meta.Object
		unused   []*meta.Part
	)
	err := us.s.inTx(ctx, func(tx *txn) error {
		o, replaced, unused = nil, nil, nil
		u, err := getUpload(ctx, tx, bucket, uploadID)
		if err != nil {
			return err
		}
		parts, err := queryParts(ctx, tx, u, 0, 0)
		if err != nil {
			return err
		}
		if o, err = build(u.Upload, parts); err != nil {
			return err
		}
		if replaced, err = putObjectTx(ctx, tx, o, opts); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE id = ?`, u.id); err != nil {
			return err
		}

		used := make(map[string]bool, len(o.Segments))
		for _, seg := range o.Segments {
			used[seg.BlobID] = true
		}
		for _, p := range parts {
			if !used[p.BlobID] {
				unused = append(unused, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	o.IsLatest = true
	return o, replaced, unused, nil
}

func (us *uploadStore) walkBlobs(ctx context.Context, fn func(string) error) error {
	rows, err := us.s.read.QueryContext(ctx, `SELECT blob_id FROM upload_parts`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if err := fn(id); err != nil {
			return err
		}
	}
	return rows.Err()
}
