package auth

import (
	"net/http"
	"testing"
	"time"

	"github.com/ossfc/ossfc/internal/osserr"
)

func TestCheckTimeHeaderForm(t *testing.T) {
	signed := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	s := &Signature{Version: V4, Time: signed}
	tests := []struct {
		name string
		now  time.Time
		ok   bool
	}{
		{"same time", signed, true},
		{"15 minutes later", signed.Add(MaxClockSkew), true},
		{"15 minutes earlier", signed.Add(-MaxClockSkew), true},
		{"just over 15 minutes later", signed.Add(MaxClockSkew + time.Second), false},
		{"just over 15 minutes earlier", signed.Add(-MaxClockSkew - time.Second), false},
		{"a day later", signed.Add(24 * time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.CheckTime(tc.now)
			if tc.ok {
				if err != nil {
					t.Errorf("CheckTime: %v", err)
				}
				return
			}
			e := wantOSSError(t, err, osserr.RequestTimeTooSkewed, "0002-00000504")
			if got, want := e.Header.Get("Date"), tc.now.Format(http.TimeFormat); got != want {
				t.Errorf("Date header = %q, want %q", got, want)
			}
			if got := field(e, "RequestTime"); got != "2024-05-01T12:00:00.000Z" {
				t.Errorf("RequestTime = %q", got)
			}
			if got, want := field(e, "ServerTime"), ossTime(tc.now); got != want {
				t.Errorf("ServerTime = %q, want %q", got, want)
			}
			if e.HTTPStatus() != http.StatusForbidden {
				t.Errorf("status = %d, want 403", e.HTTPStatus())
			}
		})
	}
}

// TestSkewedClockCorrection checks the contract the SDKs rely on: the Date of
// the RequestTimeTooSkewed response minus the signing time is the offset that
// makes the retried request pass.
func TestSkewedClockCorrection(t *testing.T) {
	server := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clientClock := server.Add(-2 * time.Hour)
	s := &Signature{Version: V1, Time: clientClock}

	e := osserr.From(s.CheckTime(server))
	date, err := http.ParseTime(e.Header.Get("Date"))
	if err != nil {
		t.Fatalf("Date header %q: %v", e.Header.Get("Date"), err)
	}
	offset := date.Sub(clientClock)
	retried := &Signature{Version: V1, Time: clientClock.Add(offset)}
	if err := retried.CheckTime(server.Add(time.Second)); err != nil {
		t.Errorf("retry with the corrected clock: %v", err)
	}
}

func TestCheckTimePresigned(t *testing.T) {
	signed := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	expires := signed.Add(time.Hour)
	tests := []struct {
		name    string
		s       *Signature
		now     time.Time
		code    osserr.Code
		ec      string
		expires string
	}{
		{"v1 before expiry", &Signature{Version: V1, Presigned: true, Expires: expires}, expires.Add(-time.Second), "", "", ""},
		{"v1 at expiry", &Signature{Version: V1, Presigned: true, Expires: expires}, expires.Add(999 * time.Millisecond), "", "", ""},
		{"v1 after expiry", &Signature{Version: V1, Presigned: true, Expires: expires}, expires.Add(time.Second), osserr.AccessDenied, "0002-00000069", "2024-05-01T13:00:00.000Z"},
		{"v1 long expired", &Signature{Version: V1, Presigned: true, Expires: expires}, expires.Add(24 * time.Hour), osserr.AccessDenied, "0002-00000069", "2024-05-01T13:00:00.000Z"},
		{"v4 valid", &Signature{Version: V4, Presigned: true, Time: signed, Expires: expires}, signed, "", "", ""},
		{"v4 signed slightly in the future", &Signature{Version: V4, Presigned: true, Time: signed, Expires: expires}, signed.Add(-MaxClockSkew), "", "", ""},
		{"v4 signed far in the future", &Signature{Version: V4, Presigned: true, Time: signed, Expires: expires}, signed.Add(-MaxClockSkew - time.Second), osserr.AccessDenied, "0002-00000235", ""},
		{"v4 expired", &Signature{Version: V4, Presigned: true, Time: signed, Expires: expires}, expires.Add(time.Second), osserr.AccessDenied, "0002-00000069", "2024-05-01T13:00:00.000Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.CheckTime(tc.now)
			if tc.code == "" {
				if err != nil {
					t.Errorf("CheckTime: %v", err)
				}
				return
			}
			e := wantOSSError(t, err, tc.code, tc.ec)
			if tc.expires != "" && field(e, "Expires") != tc.expires {
				t.Errorf("Expires field = %q, want %q", field(e, "Expires"), tc.expires)
			}
			if tc.ec == "0002-00000069" && e.Message != "Request has expired." {
				t.Errorf("message = %q", e.Message)
			}
		})
	}
}
