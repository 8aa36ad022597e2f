package accesspoint

import (
	"context"
	"errors"
	"strings"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// CreateInput is the CreateAccessPointConfiguration of a new access point.
type CreateInput struct {
	Name          string
	NetworkOrigin string // internet or vpc
	VpcID         string // required for vpc
}

// Create creates an access point on bucket b, owned by b's account. It
// starts in the creating status, which turns enable after the provisioning
// delay.
func (s *Service) Create(ctx context.Context, b *meta.Bucket, in CreateInput) (*meta.AccessPoint, error) {
	// 1. The configuration.
	if in.Name == "" {
		return nil, missingArgument("AccessPointName")
	}
	if err := CheckName(in.Name); err != nil {
		return nil, err
	}
	switch in.NetworkOrigin {
	case NetworkInternet:
		in.VpcID = ""
	case NetworkVPC:
		if in.VpcID == "" {
			return nil, osserr.New(osserr.InvalidArgument, "The VpcConfiguration/VpcId element is required when NetworkOrigin is vpc.").
				With("ArgumentName", "VpcId")
		}
	case "":
		return nil, missingArgument("NetworkOrigin")
	default:
		return nil, osserr.Newf(osserr.InvalidArgument, "The NetworkOrigin %q is invalid: it must be internet or vpc.", in.NetworkOrigin).
			With("ArgumentName", "NetworkOrigin").With("ArgumentValue", in.NetworkOrigin)
	}

	// 2. The record, counted against the quotas in the same transaction.
	now := s.cfg.Now().UTC()
	ap := &meta.AccessPoint{
		AccountID: b.AccountID, Region: s.cfg.Region, Name: in.Name, Bucket: b.Name,
		Alias:         Alias(b.AccountID, s.cfg.Region, KindAccessPoint, in.Name),
		NetworkOrigin: in.NetworkOrigin, VpcID: in.VpcID,
		CreatedAt: now, ReadyAt: now.Add(s.cfg.ProvisioningDelay),
	}
	err := s.meta.AccessPoints().Create(ctx, ap, func(inAccount, inBucket int) error {
		if inAccount >= s.cfg.AccessPointsPerAccount {
			return osserr.Newf(osserr.TooManyAccessPoints,
				"The account already has %d access points in region %s, the maximum; delete one first.", inAccount, s.cfg.Region)
		}
		if inBucket >= s.cfg.AccessPointsPerBucket {
			return osserr.Newf(osserr.TooManyAccessPoints,
				"The bucket %s already has %d access points, the maximum; delete one first.", b.Name, inBucket)
		}
		return nil
	})
	switch {
	case errors.Is(err, meta.ErrExists):
		return nil, osserr.Newf(osserr.AccessPointAlreadyExists,
			"The access point name %s is already used in region %s by this account.", in.Name, s.cfg.Region)
	case errors.Is(err, meta.ErrNotFound):
		return nil, noSuchBucket(b.Name)
	case err != nil:
		return nil, passOrInternal(err)
	}
	return ap, nil
}

// ARN returns the access point's ARN.
func (s *Service) ARN(ap *meta.AccessPoint) string {
	return arn.AccessPoint(ap.Region, ap.AccountID, ap.Name)
}

// Get returns the access point name of bucket b, or NoSuchAccessPoint when
// b's account has none by that name on b.
func (s *Service) Get(ctx context.Context, b *meta.Bucket, name string) (*meta.AccessPoint, error) {
	if name == "" {
		return nil, missingArgument("x-oss-access-point-name")
	}
	ap, err := s.meta.AccessPoints().Get(ctx, b.AccountID, s.cfg.Region, name)
	if errors.Is(err, meta.ErrNotFound) || err == nil && ap.Bucket != b.Name {
		return nil, noSuchAccessPoint(name, b.Name)
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return ap, nil
}

// Page is one page of a listing of access points.
type Page struct {
	AccessPoints []*meta.AccessPoint
	MaxKeys      int    // the effective max-keys
	NextToken    string // "" on the last page
}

// List lists the access points of accountID in name order, only those of
// bucket unless it is "". maxKeys 0 means the default: 100 on a bucket, 1,000
// on the account. token is the NextContinuationToken of the previous page.
func (s *Service) List(ctx context.Context, accountID, bucket, token string, maxKeys int) (*Page, error) {
	def := maxAccountListKeys
	if bucket != "" {
		def = maxBucketListKeys
	}
	maxKeys, err := checkMaxKeys(maxKeys, def, def)
	if err != nil {
		return nil, err
	}
	after, err := decodeToken(token)
	if err != nil {
		return nil, err
	}

	aps, err := s.meta.AccessPoints().List(ctx, accountID, s.cfg.Region, bucket, after, maxKeys+1)
	if err != nil {
		return nil, osserr.Internal(err)
	}
	page := &Page{AccessPoints: aps, MaxKeys: maxKeys}
	if len(aps) > maxKeys {
		page.AccessPoints = aps[:maxKeys]
		page.NextToken = encodeToken(aps[maxKeys-1].Name)
	}
	return page, nil
}

// Delete deletes the access point name of bucket b. It fails with
// InvalidAccessPointStatus while the access point is still being created,
// and with AccessPointInUse, naming them, while Object FC Access Points use
// it.
func (s *Service) Delete(ctx context.Context, b *meta.Bucket, name string) error {
	ap, err := s.Get(ctx, b, name)
	if err != nil {
		return err
	}
	if s.Status(ap) == StatusCreating {
		return osserr.Newf(osserr.InvalidAccessPointStatus,
			"The access point %s is still being created; delete it when GetAccessPoint reports the status enable.", name)
	}

	err = s.meta.AccessPoints().Delete(ctx, b.AccountID, s.cfg.Region, name)
	if d := meta.Dependents(err); d != nil {
		return osserr.Newf(osserr.AccessPointInUse,
			"The access point %s is used by %s %s; delete them first.", name, d.Kind, strings.Join(d.Names, ", "))
	}
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchAccessPoint(name, b.Name)
	}
	if err != nil {
		return osserr.Internal(err)
	}
	return nil
}

// PutPolicy validates doc as a resource policy and stores it verbatim as the
// policy of access point name on bucket b.
func (s *Service) PutPolicy(ctx context.Context, b *meta.Bucket, name string, doc []byte) error {
	if _, err := s.Get(ctx, b, name); err != nil {
		return err
	}
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return err
	}
	return s.updateAccessPoint(ctx, b, name, func(ap *meta.AccessPoint) error {
		if ap.BlockPublicAccess && p.AllowsPublicAccess() {
			return publicPolicyBlocked("access point", name)
		}
		ap.Policy = doc
		return nil
	})
}

// GetPolicy returns the policy of access point name on bucket b exactly as
// it was put, or NoSuchAccessPointPolicy.
func (s *Service) GetPolicy(ctx context.Context, b *meta.Bucket, name string) ([]byte, error) {
	ap, err := s.Get(ctx, b, name)
	if err != nil {
		return nil, err
	}
	if ap.Policy == nil {
		return nil, osserr.Newf(osserr.NoSuchAccessPointPolicy, "The access point %s has no policy.", name)
	}
	return ap.Policy, nil
}

// DeletePolicy removes the policy of access point name on bucket b.
// Removing a missing policy is not an error.
func (s *Service) DeletePolicy(ctx context.Context, b *meta.Bucket, name string) error {
	if _, err := s.Get(ctx, b, name); err != nil {
		return err
	}
	return s.updateAccessPoint(ctx, b, name, func(ap *meta.AccessPoint) error {
		ap.Policy = nil
		return nil
	})
}

// PutBlockPublicAccess sets the Block Public Access switch of access point
// name on bucket b. Deleting the configuration sets it to false, its
// default.
func (s *Service) PutBlockPublicAccess(ctx context.Context, b *meta.Bucket, name string, block bool) error {
	if _, err := s.Get(ctx, b, name); err != nil {
		return err
	}
	return s.updateAccessPoint(ctx, b, name, func(ap *meta.AccessPoint) error {
		ap.BlockPublicAccess = block
		return nil
	})
}

func (s *Service) updateAccessPoint(ctx context.Context, b *meta.Bucket, name string, fn func(*meta.AccessPoint) error) error {
	err := s.meta.AccessPoints().Update(ctx, b.AccountID, s.cfg.Region, name, fn)
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchAccessPoint(name, b.Name)
	}
	return passOrInternal(err)
}

func noSuchAccessPoint(name, bucket string) error {
	return osserr.Newf(osserr.NoSuchAccessPoint, "The access point %s does not exist on bucket %s.", name, bucket).
		With("AccessPointName", name)
}

func noSuchBucket(name string) error {
	return osserr.New(osserr.NoSuchBucket, "").With("BucketName", name)
}

func missingArgument(name string) error {
	return osserr.Newf(osserr.MissingArgument, "The %s argument is missing.", name).With("ArgumentName", name)
}

func publicPolicyBlocked(kind, name string) error {
	return osserr.Newf(osserr.AccessDenied,
		"The policy grants public access, which Block Public Access of the %s %s does not allow; turn Block Public Access off first.", kind, name)
}

// passOrInternal returns err unchanged when it is an *osserr.Error (raised
// by an update or admit function), otherwise InternalError.
func passOrInternal(err error) error {
	if err == nil {
		return nil
	}
	var oe *osserr.Error
	if errors.As(err, &oe) {
		return oe
	}
	return osserr.Internal(err)
}
