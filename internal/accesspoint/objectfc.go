package accesspoint

import (
	"context"
	"errors"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
	"github.com/ossfc/ossfc/internal/policy"
)

// ObjectFCInput is the CreateAccessPointForObjectProcessConfiguration of a
// new Object FC Access Point.
type ObjectFCInput struct {
	// AccessPointName names the supporting access point, which must exist
	// on the addressed bucket.
	AccessPointName string

	// AllowAnonymousAccess is AllowAnonymousAccessForObjectProcess; nil
	// when the element is absent.
	AllowAnonymousAccess *string

	// Config is the ObjectProcessConfiguration; nil when absent.
	Config *meta.ObjectProcessConfig
}

// CreateObjectFC creates the Object FC Access Point name on bucket b, on top
// of the supporting access point in.AccessPointName. It starts in the
// creating status, which turns enable after the provisioning delay. The
// function and role ARNs are checked for syntax only: as in the cloud, a
// function or role that does not exist yet is accepted.
func (s *Service) CreateObjectFC(ctx context.Context, b *meta.Bucket, name string, in ObjectFCInput) (*meta.ObjectFCAccessPoint, error) {
	// 1. The name, the configuration and the supporting access point.
	if name == "" {
		return nil, missingArgument("x-oss-access-point-for-object-process-name")
	}
	if err := CheckObjectFCName(name); err != nil {
		return nil, err
	}
	if in.AccessPointName == "" {
		return nil, missingArgument("AccessPointName")
	}
	anonymous, err := checkAllowAnonymous(in.AllowAnonymousAccess)
	if err != nil {
		return nil, err
	}
	if err := s.CheckObjectProcessConfig(in.Config); err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, b, in.AccessPointName); err != nil {
		return nil, err
	}

	// 2. The record, counted against the quotas in the same transaction.
	now := s.cfg.Now().UTC()
	ap := &meta.ObjectFCAccessPoint{
		AccountID: b.AccountID, Region: s.cfg.Region, Name: name,
		Alias:       Alias(b.AccountID, s.cfg.Region, KindObjectFC, name),
		AccessPoint: in.AccessPointName, Bucket: b.Name,
		CreatedAt: now, ReadyAt: now.Add(s.cfg.ProvisioningDelay),
		AllowAnonymousAccess: anonymous, Config: in.Config,
	}
	err = s.meta.ObjectFCAccessPoints().Create(ctx, ap, func(inAccount, inBucket int) error {
		if inAccount >= s.cfg.ObjectFCAccessPointsPerAccount {
			return osserr.Newf(osserr.TooManyAccessPointsForObjectProcess,
				"The account already has %d Object FC Access Points in region %s, the maximum; delete one first.", inAccount, s.cfg.Region)
		}
		if inBucket >= s.cfg.ObjectFCAccessPointsPerBucket {
			return osserr.Newf(osserr.TooManyAccessPointsForObjectProcess,
				"The bucket %s already has %d Object FC Access Points, the maximum; delete one first.", b.Name, inBucket)
		}
		return nil
	})
	switch {
	case errors.Is(err, meta.ErrExists):
		return nil, osserr.Newf(osserr.AccessPointForObjectProcessAlreadyExists,
			"The Object FC Access Point name %s is already used in region %s by this account.", name, s.cfg.Region)
	case errors.Is(err, meta.ErrNotFound):
		return nil, noSuchAccessPoint(in.AccessPointName, b.Name)
	case err != nil:
		return nil, passOrInternal(err)
	}
	return ap, nil
}

// ObjectFCARN returns the Object FC Access Point's ARN.
func (s *Service) ObjectFCARN(ap *meta.ObjectFCAccessPoint) string {
	return arn.AccessPointForObjectProcess(ap.Region, ap.AccountID, ap.Name)
}

// GetObjectFC returns the Object FC Access Point name on bucket b, or
// NoSuchAccessPointForObjectProcess.
func (s *Service) GetObjectFC(ctx context.Context, b *meta.Bucket, name string) (*meta.ObjectFCAccessPoint, error) {
	if name == "" {
		return nil, missingArgument("x-oss-access-point-for-object-process-name")
	}
	ap, err := s.meta.ObjectFCAccessPoints().Get(ctx, b.AccountID, s.cfg.Region, name)
	if errors.Is(err, meta.ErrNotFound) || err == nil && ap.Bucket != b.Name {
		return nil, noSuchObjectFC(name, b.Name)
	}
	if err != nil {
		return nil, osserr.Internal(err)
	}
	return ap, nil
}

// ObjectFCPage is one page of a listing of Object FC Access Points.
type ObjectFCPage struct {
	AccessPoints []*meta.ObjectFCAccessPoint
	NextToken    string // "" on the last page
}

// ListObjectFC lists the Object FC Access Points of accountID in name order.
// maxKeys 0 means 1,000, the maximum. token is the NextContinuationToken of
// the previous page.
func (s *Service) ListObjectFC(ctx context.Context, accountID, token string, maxKeys int) (*ObjectFCPage, error) {
	maxKeys, err := checkMaxKeys(maxKeys, maxAccountListKeys, maxAccountListKeys)
	if err != nil {
		return nil, err
	}
	after, err := decodeToken(token)
	if err != nil {
		return nil, err
	}

	aps, err := s.meta.ObjectFCAccessPoints().List(ctx, accountID, s.cfg.Region, after, maxKeys+1)
	if err != nil {
		return nil, osserr.Internal(err)
	}
	page := &ObjectFCPage{AccessPoints: aps}
	if len(aps) > maxKeys {
		page.AccessPoints = aps[:maxKeys]
		page.NextToken = encodeToken(aps[maxKeys-1].Name)
	}
	return page, nil
}

// DeleteObjectFC deletes the Object FC Access Point name on bucket b and its
// policy. It fails with InvalidAccessPointStatus while the Object FC Access
// Point is still being created.
func (s *Service) DeleteObjectFC(ctx context.Context, b *meta.Bucket, name string) error {
	ap, err := s.GetObjectFC(ctx, b, name)
	if err != nil {
		return err
	}
	if s.ObjectFCStatus(ap) == StatusCreating {
		return osserr.Newf(osserr.InvalidAccessPointStatus,
			"The Object FC Access Point %s is still being created; delete it when GetAccessPointForObjectProcess reports the status enable.", name)
	}
	err = s.meta.ObjectFCAccessPoints().Delete(ctx, b.AccountID, s.cfg.Region, name)
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchObjectFC(name, b.Name)
	}
	if err != nil {
		return osserr.Internal(err)
	}
	return nil
}

// ObjectFCConfigInput is a PutAccessPointConfigForObjectProcessConfiguration.
// A nil field leaves the stored value as it is.
type ObjectFCConfigInput struct {
	AllowAnonymousAccess *string
	BlockPublicAccess    *bool
	Config               *meta.ObjectProcessConfig
}

// PutObjectFCConfig changes the configuration of the Object FC Access Point
// name on bucket b. A given ObjectProcessConfiguration replaces the stored
// one as a whole. The name, alias and supporting access point never change.
func (s *Service) PutObjectFCConfig(ctx context.Context, b *meta.Bucket, name string, in ObjectFCConfigInput) error {
	if _, err := s.GetObjectFC(ctx, b, name); err != nil {
		return err
	}
	anonymous, err := checkAllowAnonymous(in.AllowAnonymousAccess)
	if err != nil {
		return err
	}
	if err := s.CheckObjectProcessConfig(in.Config); err != nil {
		return err
	}
	return s.updateObjectFC(ctx, b, name, func(ap *meta.ObjectFCAccessPoint) error {
		if in.AllowAnonymousAccess != nil {
			ap.AllowAnonymousAccess = anonymous
		}
		if in.BlockPublicAccess != nil {
			ap.BlockPublicAccess = *in.BlockPublicAccess
		}
		if in.Config != nil {
			ap.Config = in.Config
		}
		return nil
	})
}

// PutObjectFCPolicy validates doc as a resource policy and stores it
// verbatim as the policy of the Object FC Access Point name on bucket b.
func (s *Service) PutObjectFCPolicy(ctx context.Context, b *meta.Bucket, name string, doc []byte) error {
	if _, err := s.GetObjectFC(ctx, b, name); err != nil {
		return err
	}
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return err
	}
	return s.updateObjectFC(ctx, b, name, func(ap *meta.ObjectFCAccessPoint) error {
		if ap.BlockPublicAccess && p.AllowsPublicAccess() {
			return publicPolicyBlocked("Object FC Access Point", name)
		}
		ap.Policy = doc
		return nil
	})
}

// GetObjectFCPolicy returns the policy of the Object FC Access Point name on
// bucket b exactly as it was put, or NoSuchAccessPointPolicy.
func (s *Service) GetObjectFCPolicy(ctx context.Context, b *meta.Bucket, name string) ([]byte, error) {
	ap, err := s.GetObjectFC(ctx, b, name)
	if err != nil {
		return nil, err
	}
	if ap.Policy == nil {
		return nil, osserr.Newf(osserr.NoSuchAccessPointPolicy, "The Object FC Access Point %s has no policy.", name)
	}
	return ap.Policy, nil
}

// DeleteObjectFCPolicy removes the policy of the Object FC Access Point name
// on bucket b. Removing a missing policy is not an error.
func (s *Service) DeleteObjectFCPolicy(ctx context.Context, b *meta.Bucket, name string) error {
	if _, err := s.GetObjectFC(ctx, b, name); err != nil {
		return err
	}
	return s.updateObjectFC(ctx, b, name, func(ap *meta.ObjectFCAccessPoint) error {
		ap.Policy = nil
		return nil
	})
}

func (s *Service) updateObjectFC(ctx context.Context, b *meta.Bucket, name string, fn func(*meta.ObjectFCAccessPoint) error) error {
	err := s.meta.ObjectFCAccessPoints().Update(ctx, b.AccountID, s.cfg.Region, name, fn)
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchObjectFC(name, b.Name)
	}
	return passOrInternal(err)
}

// checkAllowAnonymous accepts AllowAnonymousAccessForObjectProcess only as
// "false" (or absent), because Object FC Access Points do not support
// anonymous access. It returns the value to store.
func checkAllowAnonymous(v *string) (string, error) {
	if v == nil {
		return "", nil
	}
	if *v != "false" {
		return "", osserr.Newf(osserr.InvalidArgument,
			"The AllowAnonymousAccessForObjectProcess value %q is invalid: Object FC Access Points do not support anonymous access, so only false is accepted.", *v).
			With("ArgumentName", "AllowAnonymousAccessForObjectProcess").With("ArgumentValue", *v)
	}
	return *v, nil
}

func noSuchObjectFC(name, bucket string) error {
	return osserr.Newf(osserr.NoSuchAccessPointForObjectProcess,
		"The Object FC Access Point %s does not exist on bucket %s.", name, bucket).
		With("AccessPointForObjectProcessName", name)
}
