package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// db is a *sql.DB whose queries are prepared once and reused. SQLite parses
// and plans a statement on every unprepared query; for the short lookups
// behind each request that parsing took most of the query time.
type db struct {
	*sql.DB
	stmts stmtCache
}

// maxCachedStatements bounds the cache; queries built at run time beyond it
// are run unprepared.
const maxCachedStatements = 1024

// stmtCache maps query text to its prepared statement.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// stmt returns the prepared statement of query, preparing it on first use,
// or nil when query is not cacheable (it holds several statements) or the
// cache is full.
func (d *db) stmt(ctx context.Context, query string) *sql.Stmt {
	if st, ok := d.cached(query); ok || st != nil {
		return st
	}
	if !cacheable(query) {
		return nil
	}
	st, err := d.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	c := &d.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[query]; ok {
		st.Close()
		return old
	}
	if len(c.stmts) >= maxCachedStatements {
		st.Close()
		return nil
	}
	if c.stmts == nil {
		c.stmts = make(map[string]*sql.Stmt)
	}
	c.stmts[query] = st
	return st
}

// cached returns the prepared statement of query if there is one.
func (d *db) cached(query string) (*sql.Stmt, bool) {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	st, ok := d.stmts.stmts[query]
	return st, ok
}

func cacheable(query string) bool { return !strings.Contains(query, ";") }

func (d *db) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := d.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return d.DB.QueryContext(ctx, query, args...)
}

func (d *db) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := d.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.DB.QueryRowContext(ctx, query, args...)
}

func (d *db) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := d.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return d.DB.ExecContext(ctx, query, args...)
}

// Close closes the cached statements and the database.
func (d *db) Close() error {
	d.stmts.mu.Lock()
	for _, st := range d.stmts.stmts {
		st.Close()
	}
	d.stmts.stmts = nil
	d.stmts.mu.Unlock()
	return d.DB.Close()
}

// txn is a write transaction that runs the cached statements of its
// database. The write database has one connection, which the transaction
// holds, so a statement cannot be prepared on the database during it; a
// query met for the first time runs unprepared and is prepared after the
// transaction ends.
type txn struct {
	*sql.Tx
	d       *db
	missing []string
}

// stmt returns query's statement bound to the transaction, or nil when it
// is not prepared yet.
func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	st, ok := t.d.cached(query)
	if !ok {
		if cacheable(query) {
			t.missing = append(t.missing, query)
		}
		return nil
	}
	return t.Tx.StmtContext(ctx, st)
}

// prepareMissing prepares the queries the transaction ran unprepared; the
// caller runs it once the transaction has ended.
func (t *txn) prepareMissing(ctx context.Context) {
	for _, q := range t.missing {
		t.d.stmt(ctx, q)
	}
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}
