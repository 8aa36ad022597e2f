package sqlite

import (
	"context"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
)

func (os *objectStore) Update(ctx context.Context, bucket, key, versionID string, fn func(*meta.Object) error) (*meta.Object, error) {
	var updated *meta.Object
	err := os.s.inTx(ctx, func(tx *txn) error {
		var rows []objectRow
		var err error
		if versionID == "" {
			rows, err = queryObjects(ctx, tx, `SELECT `+objectColumns+` FROM objects
				WHERE bucket = ? AND key = ? AND is_latest = 1`, bucket, key)
		} else {
			rows, err = queryObjects(ctx, tx, `SELECT `+objectColumns+` FROM objects
				WHERE bucket = ? AND key = ? AND version_id = ?`, bucket, key, versionID)
		}
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("object %s/%s version %q: %w", bucket, key, versionID, meta.ErrNotFound)
		}
		r := rows[0]
		changed := *r.Object
		if err := fn(&changed); err != nil {
			return err
		}
		r.ACL, r.Tags = changed.ACL, changed.Tags
		if _, err := tx.ExecContext(ctx, `UPDATE objects SET acl = ?, tags = ? WHERE id = ?`, r.ACL, r.Tags, r.id); err != nil {
			return err
		}
		updated = r.Object
		return nil
	})
	return updated, err
}
