package arn

import (
	"errors"
	"testing"
)

// FuzzParseOSS checks that ParseOSS never panics, that its errors wrap
// ErrInvalid, and that a parsed ARN prints back to the input.
func FuzzParseOSS(f *testing.F) {
	f.Add("acs:oss:cn-hangzhou:1283641064516515:*")
	f.Add("acs:oss:cn-hangzhou:1283641064516515:photos/a.jpg")
	f.Add("acs:oss:cn-hangzhou:1283641064516515:accesspoint/ap-01/object/k")
	f.Add("acs:oss:cn-hangzhou:1283641064516515:accesspointforobjectprocess/fc/object/k")
	f.Add("acs:oss:a:b:accesspoint/x/")
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ParseOSS(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		if got := o.String(); got != s {
			t.Fatalf("ParseOSS(%q).String() = %q", s, got)
		}
	})
}

// FuzzParseRAM checks that ParseRAM never panics, that its errors wrap
// ErrInvalid, and that a parsed ARN reparses to an equal identity.
func FuzzParseRAM(f *testing.F) {
	f.Add("acs:ram::1283641064516515:root")
	f.Add("acs:ram::1283641064516515:user/alice")
	f.Add("acs:ram::1283641064516515:role/AliyunFCDefaultRole")
	f.Add("arn:sts::1283641064516515:assumed-role/r/s")
	f.Add("acs:ram::1:assumed-role/r/s/t")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRAM(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		again, err := ParseRAM(r.String())
		if err != nil {
			t.Fatalf("ParseRAM(%q) reparse of %q: %v", s, r.String(), err)
		}
		if !again.Equal(r) {
			t.Fatalf("reparse of %q gave %+v, want %+v", s, again, r)
		}
	})
}

// FuzzNormalizeAccessPoint checks that normalizing is idempotent and never
// panics.
func FuzzNormalizeAccessPoint(f *testing.F) {
	f.Add("arn:acs:oss-cn-hangzhou:1283641064516515:accesspoint/ap-01")
	f.Add("acs:oss:oss-cn-hangzhou:1:accesspoint/a")
	f.Add("arn:arn:acs:oss:x")
	f.Fuzz(func(t *testing.T, s string) {
		once := NormalizeAccessPoint(s)
		if twice := NormalizeAccessPoint(once); twice != once {
			t.Fatalf("NormalizeAccessPoint not idempotent: %q -> %q -> %q", s, once, twice)
		}
	})
}
