package ram

import (
	"github.com/ossfc/ossfc/internal/policy"
)

// The service roles that Object FC Access Points use, as the console's
// quick authorization creates them.
const (
	// FCDefaultRole is assumed by Function Compute for a function without a
	// role of its own; WriteGetObjectResponse needs it.
	FCDefaultRole = "AliyunFCDefaultRole"

	// OSSObjectFCRole is assumed by OSS to invoke the function of an Object
	// FC Access Point and to read the object on the function's behalf.
	OSSObjectFCRole = "AliyunOSSObjectFcForOSSDefaultRole"
)

// Service principals of the trust policies.
const (
	ServiceFC  = "fc.aliyuncs.com"
	ServiceOSS = "oss.aliyuncs.com"
)

// SystemPolicy is a policy built into ossfc, the counterpart of RAM's system
// policies. System policies exist in every account, cannot be changed or
// deleted, and are attached with PolicyType "System".
type SystemPolicy struct {
	Name        string
	Description string
	Document    string
}

// systemPolicies lists the built-in policies. Besides the two that quick
// authorization attaches to the service roles, it holds the common
// RAM system policies for OSS, Function Compute, RAM and STS, so that users
// and roles can be granted broad access without writing a policy.
var systemPolicies = []SystemPolicy{
	{"AliyunFCDefaultRolePolicy", "Lets functions send WriteGetObjectResponse.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:WriteGetObjectResponse","Resource":"*"}]}`},
	{"AliyunOSSObjectFcForOSSDefaultRolePolicy", "Lets OSS invoke the functions of Object FC Access Points and read objects for them.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"fc:InvokeFunction","Resource":"*"},` +
			`{"Effect":"Allow","Action":["oss:GetObject","oss:GetObjectVersion"],"Resource":"*"}]}`},
	{"AliyunOSSFullAccess", "Full access to OSS.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:*","Resource":"*"}]}`},
	{"AliyunOSSReadOnlyAccess", "Read-only access to OSS.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:Get*","oss:List*","oss:Head*"],"Resource":"*"}]}`},
	{"AliyunFCFullAccess", "Full access to Function Compute.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"fc:*","Resource":"*"},` +
			`{"Effect":"Allow","Action":"ram:PassRole","Resource":"*"}]}`},
	{"AliyunRAMFullAccess", "Full access to RAM: users, access keys, roles and policies.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"ram:*","Resource":"*"}]}`},
	{"AliyunSTSAssumeRoleAccess", "Lets the identity call AssumeRole.",
		`{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`},
}

// systemPolicyDocs holds the parsed system policies by name.
var systemPolicyDocs = func() map[string]*policy.Policy {
	m := make(map[string]*policy.Policy, len(systemPolicies))
	for _, sp := range systemPolicies {
		p, err := policy.Parse([]byte(sp.Document), policy.Identity)
		if err != nil {
			panic("ram: system policy " + sp.Name + ": " + err.Error())
		}
		m[sp.Name] = p
	}
	return m
}()

func findSystemPolicy(name string) *SystemPolicy {
	for i := range systemPolicies {
		if systemPolicies[i].Name == name {
			return &systemPolicies[i]
		}
	}
	return nil
}

// trustServiceDocument returns a trust policy that lets service assume the
// role.
func trustServiceDocument(service string) string {
	return `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":["` +
		service + `"]}}],"Version":"1"}`
}
