package sqlite

import (
	"context"
	"fmt"
)

// migration is one forward step of a component's schema. Versions of a
// component start at 1 and increase by one; a released migration never
// changes, a new one is added instead.
type migration struct {
	component string
	version   int
	sql       string
}

// migrations lists every component's steps. A component's steps must appear
// in version order.
func migrations() []migration {
	var all []migration
	all = append(all, bucketMigrations...)
	all = append(all, objectMigrations...)
	all = append(all, iamMigrations...)
	all = append(all, functionMigrations...)
	all = append(all, uploadMigrations...)
	all = append(all, accessPointMigrations...)
	return all
}

// migrate applies the steps not yet recorded in schema_migrations, each in its
// own transaction together with its record.
func (s *Store) migrate(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component TEXT NOT NULL,
		version   INTEGER NOT NULL,
		PRIMARY KEY (component, version))`)
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}

	for _, m := range migrations() {
		err := s.inTx(ctx, func(tx *txn) error {
			var applied int
			err := tx.QueryRowContext(ctx,
				`SELECT COUNT(*) FROM schema_migrations WHERE component = ? AND version = ?`,
				m.component, m.version).Scan(&applied)
			if err != nil || applied > 0 {
				return err
			}

			var latest int
			err = tx.QueryRowContext(ctx,
				`SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?`,
				m.component).Scan(&latest)
			if err != nil {
				return err
			}
			if m.version != latest+1 {
				return fmt.Errorf("migration %s/%d follows version %d", m.component, m.version, latest)
			}

			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx,
				`INSERT INTO schema_migrations (component, version) VALUES (?, ?)`,
				m.component, m.version)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s/%d: %w", m.component, m.version, err)
		}
	}
	return nil
}

// SchemaVersion returns the latest applied migration of component, or 0.
func (s *Store) SchemaVersion(ctx context.Context, component string) (int, error) {
	var v int
	err := s.read.QueryRowContext(ctx,
		`SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?`,
		component).Scan(&v)
	return v, err
}
