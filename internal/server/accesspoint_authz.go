package server

import (
	"github.com/ossfc/ossfc/internal/accesspoint"
	"github.com/ossfc/ossfc/internal/authz"
	"github.com/ossfc/ossfc/internal/ossapi"
	"github.com/ossfc/ossfc/internal/policy"
)

// accessPointLayers adds to in the layers of the access point and the
// Object FC Access Point that acc came through. These are their policies
// with the resource forms they are evaluated against, their Block Public
// Access switches, and the delegation condition keys that bucket policies
// may test.
func (a *authorizer) accessPointLayers(in *authz.Input, acc *ossapi.Access) error {
	ap, fc := acc.AccessPoint, acc.ObjectFCAccessPoint
	if ap == nil {
		return nil
	}

	var err error
	in.Path = authz.ViaAccessPoint
	in.AccessPointResource = accesspoint.PolicyResource(ap, acc.Key)
	if in.AccessPointPolicy, err = a.policies.get(ap.Policy); err != nil {
		return err
	}
	in.BlockPublicAccess.AccessPoint = ap.BlockPublicAccess
	keys := in.Request.Context.Keys
	keys[policy.KeyDataAccessPointArn] = []string{accesspoint.PolicyResource(ap, "")}
	keys[policy.KeyDataAccessPointAccount] = []string{ap.AccountID}
	keys[policy.KeyAccessPointNetworkOrigin] = []string{ap.NetworkOrigin}

	if fc != nil {
		in.Path = authz.ViaFCAccessPoint
		in.FCAccessPointResource = accesspoint.ObjectFCPolicyResource(fc, acc.Key)
		if in.FCAccessPointPolicy, err = a.policies.get(fc.Policy); err != nil {
			return err
		}
		in.BlockPublicAccess.FCAccessPoint = fc.BlockPublicAccess
	}
	return nil
}
