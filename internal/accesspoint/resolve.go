package accesspoint

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/ossfc/ossfc/internal/arn"
	"github.com/ossfc/ossfc/internal/meta"
	"github.com/ossfc/ossfc/internal/osserr"
)

// Resolved is the target of an alias.
type Resolved struct {
	// AccessPoint is the access point a plain alias names, or the supporting
	// access point of an Object FC Access Point. Its Bucket is the bucket
	// that stores the data.
	AccessPoint *meta.AccessPoint

	// ObjectFC is the Object FC Access Point an -opapalias alias names; nil
	// for a plain alias.
	ObjectFC *meta.ObjectFCAccessPoint
}

// Resolve returns the access point, and for an Object FC alias the Object FC
// Access Point, that alias names. An unknown alias is NoSuchBucket with the
// alias as the bucket name, because to a client an alias is a bucket name.
// An access point that is still being created gives AccessDenied.
func (s *Service) Resolve(ctx context.Context, alias string) (*Resolved, error) {
	res := &Resolved{}
	switch {
	case strings.HasSuffix(alias, ObjectFCAliasSuffix):
		fc, err := s.meta.ObjectFCAccessPoints().GetByAlias(ctx, alias)
		if err != nil {
			return nil, aliasErr(err, alias)
		}
		if s.ObjectFCStatus(fc) == StatusCreating {
			return nil, osserr.Newf(osserr.AccessDenied,
				"The Object FC Access Point %s is still being created; retry when its status is enable.", fc.Name)
		}
		ap, err := s.meta.AccessPoints().Get(ctx, fc.AccountID, fc.Region, fc.AccessPoint)
		if err != nil {
			return nil, aliasErr(err, alias)
		}
		res.AccessPoint, res.ObjectFC = ap, fc

	case strings.HasSuffix(alias, AliasSuffix):
		ap, err := s.meta.AccessPoints().GetByAlias(ctx, alias)
		if err != nil {
			return nil, aliasErr(err, alias)
		}
		res.AccessPoint = ap

	default:
		return nil, noSuchBucket(alias)
	}

	if s.Status(res.AccessPoint) == StatusCreating {
		return nil, osserr.Newf(osserr.AccessDenied,
			"The access point %s is still being created; retry when its status is enable.", res.AccessPoint.Name)
	}
	return res, nil
}

func aliasErr(err error, alias string) error {
	if errors.Is(err, meta.ErrNotFound) {
		return noSuchBucket(alias)
	}
	return osserr.Internal(err)
}

// CheckNetwork returns AccessDenied when ap accepts requests only from its
// VPC (NetworkOrigin vpc) and the request came neither on the internal
// listener nor from an address in the configured VPC ranges. remoteAddr is
// the connection's host:port.
func (s *Service) CheckNetwork(ap *meta.AccessPoint, internal bool, remoteAddr string) error {
	if ap.NetworkOrigin != NetworkVPC || internal {
		return nil
	}
	host := remoteAddr
	if h, _, err := net.SplitHostPort(remoteAddr); err == nil {
		host = h
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		addr = addr.Unmap()
		for _, p := range s.cfg.VPCCIDRs {
			if p.Contains(addr) {
				return nil
			}
		}
	}
	return osserr.Newf(osserr.AccessDenied,
		"The access point %s accepts requests only from its VPC; send the request to the internal endpoint or from an address in a VPC range.", ap.Name)
}

// PolicyResource returns the ARN that an access point policy is evaluated
// against for a request through ap: the access point itself for
// bucket-level operations (key ""), else accesspoint/<name>/object/<key>.
func PolicyResource(ap *meta.AccessPoint, key string) string {
	if key == "" {
		return arn.AccessPoint(ap.Region, ap.AccountID, ap.Name)
	}
	return arn.AccessPointObject(ap.Region, ap.AccountID, ap.Name, key)
}

// ObjectFCPolicyResource returns the ARN that an Object FC Access Point
// policy is evaluated against for a request through ap.
func ObjectFCPolicyResource(ap *meta.ObjectFCAccessPoint, key string) string {
	if key == "" {
		return arn.AccessPointForObjectProcess(ap.Region, ap.AccountID, ap.Name)
	}
	return arn.AccessPointForObjectProcessObject(ap.Region, ap.AccountID, ap.Name, key)
}
