package arn

import (
	"errors"
	"testing"
)

func TestRAMBuilders(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"root", Root(uid), "acs:ram::1283641064516515:root"},
		{"user", User(uid, "alice"), "acs:ram::1283641064516515:user/alice"},
		{"role", Role(uid, "aliyunfcdefaultrole"), "acs:ram::1283641064516515:role/aliyunfcdefaultrole"},
		{"assumed role", AssumedRole(uid, "fc-role", "s1"), "acs:ram::1283641064516515:assumed-role/fc-role/s1"},
		{"sts assumed role", STSAssumedRole(uid, "fc-role", "s1"), "arn:sts::1283641064516515:assumed-role/fc-role/s1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestParseRAM(t *testing.T) {
	tests := []struct {
		in        string
		want      RAM
		canonical string
	}{
		{"acs:ram::1283641064516515:root", RAM{Kind: RAMRoot, AccountID: uid}, ""},
		{"acs:ram::1283641064516515:user/alice@example", RAM{Kind: RAMUser, AccountID: uid, Name: "alice@example"}, ""},
		{"acs:ram::1283641064516515:role/AliyunFCDefaultRole", RAM{Kind: RAMRole, AccountID: uid, Name: "AliyunFCDefaultRole"}, ""},
		{"acs:ram::1283641064516515:assumed-role/fc-role/session-1", RAM{Kind: RAMAssumedRole, AccountID: uid, Name: "fc-role", Session: "session-1"}, ""},
		{
			"arn:sts::1283641064516515:assumed-role/fc-role/session-1",
			RAM{Kind: RAMAssumedRole, AccountID: uid, Name: "fc-role", Session: "session-1"},
			"acs:ram::1283641064516515:assumed-role/fc-role/session-1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRAM(tt.in)
			if err != nil {
				t.Fatalf("ParseRAM: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			want := tt.canonical
			if want == "" {
				want = tt.in
			}
			if s := got.String(); s != want {
				t.Errorf("String() = %q, want %q", s, want)
			}
		})
	}
}

func TestParseRAMInvalid(t *testing.T) {
	tests := []string{
		"",
		"acs:oss:cn-hangzhou:1283641064516515:photos",
		"acs:ram:cn-hangzhou:1283641064516515:root",
		"acs:ram::1283641064516515",
		"acs:ram:::root",
		"acs:ram::1283641064516515:group/devs",
		"acs:ram::1283641064516515:user/",
		"acs:ram::1283641064516515:role/",
		"acs:ram::1283641064516515:role/a/b",
		"acs:ram::1283641064516515:assumed-role/fc-role",
		"acs:ram::1283641064516515:assumed-role/fc-role/",
		"acs:ram::1283641064516515:assumed-role//s1",
		"arn:sts::1283641064516515:root",
		"arn:sts::1283641064516515:user/alice",
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			got, err := ParseRAM(in)
			if err == nil {
				t.Fatalf("ParseRAM(%q) = %+v, want an error", in, got)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
		})
	}
}

func TestRAMEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"acs:ram::1283641064516515:role/aliyunfcdefaultrole", "acs:ram::1283641064516515:role/AliyunFCDefaultRole", true},
		{"acs:ram::1283641064516515:assumed-role/AliyunFCDefaultRole/s1", "arn:sts::1283641064516515:assumed-role/aliyunfcdefaultrole/s1", true},
		{"acs:ram::1283641064516515:assumed-role/fc-role/s1", "acs:ram::1283641064516515:assumed-role/fc-role/S1", false},
		{"acs:ram::1283641064516515:user/Alice", "acs:ram::1283641064516515:user/alice", false},
		{"acs:ram::1283641064516515:role/fc-role", "acs:ram::9999999999999999:role/fc-role", false},
		{"acs:ram::1283641064516515:role/fc-role", "acs:ram::1283641064516515:user/fc-role", false},
		{"acs:ram::1283641064516515:root", "acs:ram::1283641064516515:root", true},
	}
	for _, tt := range tests {
		t.Run(tt.a+"="+tt.b, func(t *testing.T) {
			a, err := ParseRAM(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := ParseRAM(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got := a.Equal(b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestEqualRole(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"acs:ram::1283641064516515:role/aliyunossobjectfcforossdefaultrole", "acs:ram::1283641064516515:role/AliyunOSSObjectFcForOSSDefaultRole", true},
		{"acs:ram::1283641064516515:role/a", "acs:ram::1283641064516515:role/b", false},
		{"acs:ram::1283641064516515:assumed-role/a/s", "acs:ram::1283641064516515:assumed-role/a/s", false},
		{"not an arn", "acs:ram::1283641064516515:role/a", false},
		{"acs:ram::1283641064516515:role/a", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"="+tt.b, func(t *testing.T) {
			if got := EqualRole(tt.a, tt.b); got != tt.want {
				t.Errorf("EqualRole = %v, want %v", got, tt.want)
			}
		})
	}
}
