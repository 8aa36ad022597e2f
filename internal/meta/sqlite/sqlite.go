// Package sqlite implements meta.Store on an embedded SQLite database
// (modernc.org/sqlite, pure Go) in WAL mode.
//
// Writes go through one connection with BEGIN IMMEDIATE transactions, so
// writers queue instead of failing with SQLITE_BUSY; reads use a separate pool
// and see the last committed state. Each component (buckets, objects, ...)
// owns its tables and its numbered forward migrations, recorded in the
// schema_migrations table, so components evolve independently.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/ossfc/ossfc/internal/meta"
)

// Store is the SQLite implementation of meta.Store.
type Store struct {
	write *db // one connection; every write transaction
	read  *db // a pool for reads

	buckets   *bucketStore
	objects   *objectStore
	iam       *iamStore
	functions *functionStore
	uploads   *uploadStore

	accessPoints         *accessPointStore
	objectFCAccessPoints *objectFCAccessPointStore
}

var _ meta.Store = (*Store)(nil)

// Open opens or creates the database file at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	dsn := func(txlock string) string {
		q := url.Values{}
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "foreign_keys(ON)")
		q.Set("_txlock", txlock)
		return "file:" + path + "?" + q.Encode()
	}

	write, err := sql.Open("sqlite", dsn("immediate"))
	if err != nil {
		return nil, fmt.Errorf("open metadata database %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)

	read, err := sql.Open("sqlite", dsn("deferred"))
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open metadata database %s: %w", path, err)
	}
	// Idle read connections stay open, so their prepared statements and
	// page caches survive between requests.
	readers := max(4, runtime.GOMAXPROCS(0)*2)
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	read.SetConnMaxIdleTime(0)

	s := &Store{write: &db{DB: write}, read: &db{DB: read}}
	s.buckets = &bucketStore{s}
	s.objects = &objectStore{s}
	s.iam = &iamStore{s}
	s.functions = &functionStore{s}
	s.uploads = &uploadStore{s}
	s.accessPoints = &accessPointStore{s}
	s.objectFCAccessPoints = &objectFCAccessPointStore{s}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Buckets implements meta.Store.
func (s *Store) Buckets() meta.BucketStore { return s.buckets }

// Objects implements meta.Store.
func (s *Store) Objects() meta.ObjectStore { return s.objects }

// IAM implements meta.Store.
func (s *Store) IAM() meta.IAMStore { return s.iam }

// Functions implements meta.Store.
func (s *Store) Functions() meta.FunctionStore { return s.functions }

// Uploads implements meta.Store.
func (s *Store) Uploads() meta.UploadStore { return s.uploads }

// AccessPoints implements meta.Store.
func (s *Store) AccessPoints() meta.AccessPointStore { return s.accessPoints }

// ObjectFCAccessPoints implements meta.Store.
func (s *Store) ObjectFCAccessPoints() meta.ObjectFCAccessPointStore { return s.objectFCAccessPoints }

// Close implements meta.Store.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

// WalkBlobs implements meta.Store.
func (s *Store) WalkBlobs(ctx context.Context, fn func(blobID string) error) error {
	for _, walk := range []func(context.Context, func(string) error) error{
		s.objects.walkBlobs,
		s.uploads.walkBlobs,
	} {
		if err := walk(ctx, fn); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	sqlTx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	tx := &txn{Tx: sqlTx, d: s.write}
	defer tx.prepareMissing(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// timeText and parseTime store times as RFC 3339 with nanoseconds in UTC, so
// they sort as text and round-trip exactly.
func timeText(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
