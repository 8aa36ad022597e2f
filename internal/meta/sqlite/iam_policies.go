package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ossfc/ossfc/internal/meta"
)

const policyColumns = `account_id, name, description, document, created_at, updated_at`

func scanPolicy(row rowScanner) (*meta.Policy, error) {
	var p meta.Policy
	var created, updated string
	if err := row.Scan(&p.AccountID, &p.Name, &p.Description, &p.Document, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if p.CreatedAt, err = parseTime(created); err != nil {
		return nil, fmt.Errorf("policy %s: created_at: %w", p.Name, err)
	}
	if p.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, fmt.Errorf("policy %s: updated_at: %w", p.Name, err)
	}
	return &p, nil
}

func (st *iamStore) CreatePolicy(ctx context.Context, p *meta.Policy) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		if err := requireAccount(ctx, tx, p.AccountID); err != nil {
			return err
		}
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_policies WHERE account_id = ? AND name = ?`,
			p.AccountID, p.Name)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("policy %s: %w", p.Name, meta.ErrExists)
		}
		doc := p.Document
		if doc == nil {
			doc = []byte{}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ram_policies (`+policyColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			p.AccountID, p.Name, p.Description, doc, timeText(p.CreatedAt), timeText(p.UpdatedAt))
		return err
	})
}

func (st *iamStore) GetPolicy(ctx context.Context, accountID, name string) (*meta.Policy, error) {
	p, err := scanPolicy(st.s.read.QueryRowContext(ctx,
		`SELECT `+policyColumns+` FROM ram_policies WHERE account_id = ? AND name = ?`, accountID, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy %s: %w", name, meta.ErrNotFound)
	}
	return p, err
}

func (st *iamStore) ListPolicies(ctx context.Context, accountID string) ([]*meta.Policy, error) {
	rows, err := st.s.read.QueryContext(ctx,
		`SELECT `+policyColumns+` FROM ram_policies WHERE account_id = ? ORDER BY name`, accountID)
	return scanAll(rows, err, scanPolicy)
}

func (st *iamStore) UpdatePolicy(ctx context.Context, accountID, name string, fn func(*meta.Policy) error) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		p, err := scanPolicy(tx.QueryRowContext(ctx,
			`SELECT `+policyColumns+` FROM ram_policies WHERE account_id = ? AND name = ?`, accountID, name))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("policy %s: %w", name, meta.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ram_policies SET description = ?, document = ?, updated_at = ?
			WHERE account_id = ? AND name = ?`, p.Description, p.Document, timeText(p.UpdatedAt), accountID, name)
		return err
	})
}

func (st *iamStore) DeletePolicy(ctx context.Context, accountID, name string) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_policies WHERE account_id = ? AND name = ?`,
			accountID, name)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("policy %s: %w", name, meta.ErrNotFound)
		}
		attached, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_attachments
			WHERE account_id = ? AND policy_type = ? AND policy_name = ?`, accountID, meta.PolicyCustom, name)
		if err != nil {
			return err
		}
		if attached {
			return fmt.Errorf("policy %s is attached: %w", name, meta.ErrNotEmpty)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM ram_policies WHERE account_id = ? AND name = ?`, accountID, name)
		return err
	})
}

// Attachments.

const attachmentColumns = `account_id, policy_type, policy_name, principal_type, principal_id, attach_date`

func scanAttachment(row rowScanner) (*meta.Attachment, error) {
	var a meta.Attachment
	var attached string
	if err := row.Scan(&a.AccountID, &a.PolicyType, &a.PolicyName, &a.PrincipalType, &a.PrincipalID, &attached); err != nil {
		return nil, err
	}
	t, err := parseTime(attached)
	if err != nil {
		return nil, fmt.Errorf("attachment of %s: attach_date: %w", a.PolicyName, err)
	}
	a.AttachDate = t
	return &a, nil
}

func (st *iamStore) Attach(ctx context.Context, a *meta.Attachment) error {
	return st.s.inTx(ctx, func(tx *txn) error {
		var principalQuery string
		switch a.PrincipalType {
		case meta.PrincipalUser:
			principalQuery = `SELECT COUNT(*) FROM ram_users WHERE account_id = ? AND id = ?`
		case meta.PrincipalRole:
			principalQuery = `SELECT COUNT(*) FROM ram_roles WHERE account_id = ? AND id = ?`
		default:
			return fmt.Errorf("attach policy %s: unknown principal type %q", a.PolicyName, a.PrincipalType)
		}
		found, err := exists(ctx, tx, principalQuery, a.AccountID, a.PrincipalID)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%s id %s: %w", a.PrincipalType, a.PrincipalID, meta.ErrNotFound)
		}

		if a.PolicyType == meta.PolicyCustom {
			found, err := exists(ctx, tx, `SELECT COUNT(*) FROM ram_policies WHERE account_id = ? AND name = ?`,
				a.AccountID, a.PolicyName)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("policy %s: %w", a.PolicyName, meta.ErrNotFound)
			}
		}

		found, err = exists(ctx, tx, `SELECT COUNT(*) FROM ram_attachments WHERE account_id = ?
			AND principal_type = ? AND principal_id = ? AND policy_type = ? AND policy_name = ?`,
			a.AccountID, a.PrincipalType, a.PrincipalID, a.PolicyType, a.PolicyName)
		if err != nil {
			return err
		}
		if found {
			return fmt.Errorf("policy %s already attached: %w", a.PolicyName, meta.ErrExists)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO ram_attachments (`+attachmentColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
			a.AccountID, a.PolicyType, a.PolicyName, a.PrincipalType, a.PrincipalID, timeText(a.AttachDate))
		return err
	})
}

func (st *iamStore) Detach(ctx context.Context, a *meta.Attachment) error {
	res, err := st.s.write.ExecContext(ctx, `DELETE FROM ram_attachments WHERE account_id = ?
		AND principal_type = ? AND principal_id = ? AND policy_type = ? AND policy_name = ?`,
		a.AccountID, a.PrincipalType, a.PrincipalID, a.PolicyType, a.PolicyName)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("attachment of policy %s: %w", a.PolicyName, meta.ErrNotFound)
	}
	return nil
}

func (st *iamStore) ListAttachments(ctx context.Context, accountID, principalType, principalID string) ([]*meta.Attachment, error) {
	rows, err := st.s.read.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM ram_attachments
		WHERE account_id = ? AND principal_type = ? AND principal_id = ?
		ORDER BY policy_type, policy_name`, accountID, principalType, principalID)
	return scanAll(rows, err, scanAttachment)
}

func (st *iamStore) ListPolicyAttachments(ctx context.Context, accountID, policyType, policyName string) ([]*meta.Attachment, error) {
	rows, err := st.s.read.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM ram_attachments
		WHERE account_id = ? AND policy_type = ? AND policy_name = ?
		ORDER BY principal_type, principal_id`, accountID, policyType, policyName)
	return scanAll(rows, err, scanAttachment)
}
