package arn

import (
	"errors"
	"testing"
)

const (
	region = "cn-hangzhou"
	uid    = "1283641064516515"
)

func TestOSSBuilders(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"service", Service(region, uid), "acs:oss:cn-hangzhou:1283641064516515:*"},
		{"bucket", Bucket(region, uid, "photos"), "acs:oss:cn-hangzhou:1283641064516515:photos"},
		{"object", Object(region, uid, "photos", "2024/a.jpg"), "acs:oss:cn-hangzhou:1283641064516515:photos/2024/a.jpg"},
		{"access point", AccessPoint(region, uid, "ap-01"), "acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01"},
		{"access point object", AccessPointObject(region, uid, "ap-01", "dir1/x.txt"), "acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/object/dir1/x.txt"},
		{"fc access point", AccessPointForObjectProcess(region, uid, "fc-ap-01"), "acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess/fc-ap-01"},
		{"fc access point object", AccessPointForObjectProcessObject(region, uid, "fc-ap-01", "a b.txt"), "acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess/fc-ap-01/object/a b.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestParseOSS(t *testing.T) {
	tests := []struct {
		in   string
		want OSS
	}{
		{"acs:oss:cn-hangzhou:1283641064516515:*", OSS{Kind: OSSService, Region: region, AccountID: uid}},
		{"acs:oss:cn-hangzhou:1283641064516515:photos", OSS{Kind: OSSBucket, Region: region, AccountID: uid, Bucket: "photos"}},
		{"acs:oss:cn-hangzhou:1283641064516515:photos/a.jpg", OSS{Kind: OSSObject, Region: region, AccountID: uid, Bucket: "photos", Key: "a.jpg"}},
		{"acs:oss:cn-hangzhou:1283641064516515:photos/dir/", OSS{Kind: OSSObject, Region: region, AccountID: uid, Bucket: "photos", Key: "dir/"}},
		{"acs:oss:cn-hangzhou:1283641064516515:photos/a:b/object/c", OSS{Kind: OSSObject, Region: region, AccountID: uid, Bucket: "photos", Key: "a:b/object/c"}},
		{"acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01", OSS{Kind: OSSAccessPoint, Region: region, AccountID: uid, AccessPoint: "ap-01"}},
		{"acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/object/dir1/object/x", OSS{Kind: OSSAccessPointObject, Region: region, AccountID: uid, AccessPoint: "ap-01", Key: "dir1/object/x"}},
		{"acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess/fc-ap-01", OSS{Kind: OSSAccessPointForObjectProcess, Region: region, AccountID: uid, AccessPoint: "fc-ap-01"}},
		{"acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess/fc-ap-01/object/k", OSS{Kind: OSSAccessPointForObjectProcessObject, Region: region, AccountID: uid, AccessPoint: "fc-ap-01", Key: "k"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseOSS(tt.in)
			if err != nil {
				t.Fatalf("ParseOSS: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if s := got.String(); s != tt.in {
				t.Errorf("String() = %q, want the input back", s)
			}
		})
	}
}

func TestParseOSSInvalid(t *testing.T) {
	tests := []string{
		"",
		"acs:ram::1283641064516515:root",
		"arn:acs:oss:cn-hangzhou:1283641064516515:photos",
		"acs:oss:cn-hangzhou",
		"acs:oss::1283641064516515:photos",
		"acs:oss:cn-hangzhou::photos",
		"acs:oss:cn-hangzhou:1283641064516515",
		"acs:oss:cn-hangzhou:1283641064516515:",
		"acs:oss:cn-hangzhou:1283641064516515:photos/",
		"acs:oss:cn-hangzhou:1283641064516515:accesspoint/",
		"acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/",
		"acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/objects/x",
		"acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/object/",
		"acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess//object/x",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			got, err := ParseOSS(in)
			if err == nil {
				t.Fatalf("ParseOSS(%q) = %+v, want an error", in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestNormalizeAccessPoint(t *testing.T) {
	const canonical = "acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01"
	tests := []struct {
		in   string
		want string
	}{
		{canonical, canonical},
		{"arn:acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01", canonical},
		{"arn:acs:oss-cn-hangzhou:1283641064516515:accesspoint/ap-01", canonical},
		{"acs:oss-cn-hangzhou:1283641064516515:accesspoint/ap-01", canonical},
		{"acs:oss:oss-cn-hangzhou:1283641064516515:accesspoint/ap-01", canonical},
		{"arn:acs:oss:oss-cn-hangzhou:1283641064516515:accesspoint/ap-01", canonical},
		{"acs:oss:oss-*:1283641064516515:accesspoint/*", "acs:oss:*:1283641064516515:accesspoint/*"},
		{"acs:oss:*:*:accesspoint/ap-*", "acs:oss:*:*:accesspoint/ap-*"},
		{"ap-01", "ap-01"},
		{"acs:ram::1283641064516515:root", "acs:ram::1283641064516515:root"},
		{"acs:oss-", "acs:oss-"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormalizeAccessPoint(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
