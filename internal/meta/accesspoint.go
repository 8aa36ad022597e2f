package meta

import (
	"context"
	"errors"
	"strings"
	"time"
)

// AccessPoint is a plain access point: a named entry to one bucket with its
// own policy and network origin, addressed on the data path by its alias.
// Names are unique per account and region, aliases across the deployment.
type AccessPoint struct {
	AccountID string // UID of the account that owns the bucket
	Region    string
	Name      string
	Bucket    string
	Alias     string // <name>-<hash>-ossalias, immutable

	NetworkOrigin string // "internet" or "vpc"
	VpcID         string // set when NetworkOrigin is "vpc"

	CreatedAt time.Time

	// ReadyAt is when the access point leaves the creating status: the
	// creation time plus the provisioning delay.
	ReadyAt time.Time

	// Policy is the access point policy exactly as it was put; nil when
	// there is none.
	Policy []byte

	BlockPublicAccess bool
}

// ObjectFCAccessPoint is an Object FC Access Point: an alias whose GetObject
// requests run a function, on top of a supporting plain access point of the
// same account and region.
type ObjectFCAccessPoint struct {
	AccountID   string
	Region      string
	Name        string
	Alias       string // <name>-<hash>-opapalias, immutable
	AccessPoint string // name of the supporting access point
	Bucket      string // bucket of the supporting access point

	CreatedAt time.Time
	ReadyAt   time.Time // as for AccessPoint

	// AllowAnonymousAccess is AllowAnonymousAccessForObjectProcess as the
	// client sent it; "" when it sent none.
	AllowAnonymousAccess string

	BlockPublicAccess bool

	// Config is the ObjectProcessConfiguration; nil when none was given.
	Config *ObjectProcessConfig

	// Policy is the Object FC Access Point policy exactly as it was put;
	// nil when there is none.
	Policy []byte
}

// ObjectProcessConfig is the ObjectProcessConfiguration of an Object FC
// Access Point. Values are kept as the client sent them, so that Get returns
// them unchanged.
type ObjectProcessConfig struct {
	AllowedFeatures []string // e.g. "GetObject-Range"

	// Transformations has at most one element in ossfc, because GetObject
	// is the only action that can be transformed.
	Transformations []Transformation
}

// Transformation is one TransformationConfiguration.
type Transformation struct {
	Actions               []string // "GetObject", matched without regard to case
	FunctionArn           string
	FunctionAssumeRoleArn string
	CustomForwardHeaders  []string
}

// AccessPointStore holds plain access points.
type AccessPointStore interface {
	// Create adds ap. In the same transaction it counts the access points
	// the account has in ap's region and those of ap's bucket, and calls
	// admit with the counts. An error from admit aborts the creation and is
	// returned as is. Create returns ErrNotFound when the bucket does not
	// exist and ErrExists when the account already has an access point with
	// that name in the region or the alias is taken.
	Create(ctx context.Context, ap *AccessPoint, admit func(inAccount, inBucket int) error) error

	// Get returns the access point name of accountID in region, or
	// ErrNotFound.
	Get(ctx context.Context, accountID, region, name string) (*AccessPoint, error)

	// GetByAlias returns the access point with alias, or ErrNotFound.
	GetByAlias(ctx context.Context, alias string) (*AccessPoint, error)

	// List returns the access points of accountID in region whose names
	// sort after after, in name order, at most limit of them. A bucket
	// other than "" keeps only that bucket's access points.
	List(ctx context.Context, accountID, region, bucket, after string, limit int) ([]*AccessPoint, error)

	// Update applies fn to the stored access point inside one transaction
	// and saves its policy and Block Public Access setting. An error from fn
	// aborts the update and is returned as is. Other fields cannot change.
	Update(ctx context.Context, accountID, region, name string, fn func(*AccessPoint) error) error

	// Delete removes the access point and its policy. It returns
	// ErrNotFound for an unknown access point and a *DependentsError while
	// an Object FC Access Point uses it.
	Delete(ctx context.Context, accountID, region, name string) error
}

// ObjectFCAccessPointStore holds Object FC Access Points.
type ObjectFCAccessPointStore interface {
	// Create adds ap. In the same transaction it counts the Object FC
	// Access Points the account has in ap's region and those on ap's
	// bucket, and calls admit with the counts. An error from admit aborts the
	// creation and is returned as is. Create returns ErrNotFound when the
	// supporting access point does not exist and ErrExists when the account
	// already has an Object FC Access Point with that name in the region or
	// the alias is taken.
	Create(ctx context.Context, ap *ObjectFCAccessPoint, admit func(inAccount, inBucket int) error) error

	// Get returns the Object FC Access Point name of accountID in region,
	// or ErrNotFound.
	Get(ctx context.Context, accountID, region, name string) (*ObjectFCAccessPoint, error)

	// GetByAlias returns the Object FC Access Point with alias, or
	// ErrNotFound.
	GetByAlias(ctx context.Context, alias string) (*ObjectFCAccessPoint, error)

	// List returns the Object FC Access Points of accountID in region whose
	// names sort after after, in name order, at most limit of them.
	List(ctx context.Context, accountID, region, after string, limit int) ([]*ObjectFCAccessPoint, error)

	// Update applies fn to the stored Object FC Access Point inside one
	// transaction and saves its configuration, anonymous access setting,
	// Block Public Access setting and policy. An error from fn aborts the
	// update and is returned as is. Name, alias and supporting access point
	// cannot change.
	Update(ctx context.Context, accountID, region, name string, fn func(*ObjectFCAccessPoint) error) error

	// Delete removes the Object FC Access Point and its policy, or returns
	// ErrNotFound.
	Delete(ctx context.Context, accountID, region, name string) error
}

// DependentsError reports that a record cannot be removed while others
// depend on it, and names them. It wraps ErrNotEmpty.
type DependentsError struct {
	// Kind names the dependants in messages, e.g. "access points".
	Kind  string
	Names []string
}

func (e *DependentsError) Error() string {
	return "meta: still used by " + e.Kind + " " + strings.Join(e.Names, ", ")
}

// Unwrap returns ErrNotEmpty, so errors.Is(err, ErrNotEmpty) holds.
func (e *DependentsError) Unwrap() error { return ErrNotEmpty }

// Dependents returns the DependentsError in err's chain, or nil.
func Dependents(err error) *DependentsError {
	var d *DependentsError
	if errors.As(err, &d) {
		return d
	}
	return nil
}
