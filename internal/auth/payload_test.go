package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/ossfc/ossfc/internal/osserr"
)

func TestVerifyPayload(t *testing.T) {
	sum := sha256.Sum256([]byte("hello world"))
	hash := hex.EncodeToString(sum[:])
	tests := []struct {
		name     string
		declared string // x-oss-content-sha256, "" for none
		body     string
		wantErr  bool
	}{
		{"matching hash", hash, "hello world", false},
		{"matching upper-case hash", strings.ToUpper(hash), "hello world", false},
		{"different body", hash, "hello World", true},
		{"truncated body", hash, "hello", true},
		{"unsigned payload", "UNSIGNED-PAYLOAD", "anything", false},
		{"no header", "", "anything", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{
				"Authorization: OSS4-HMAC-SHA256 Credential=" + v4Credential + ",Signature=" + v4Signature, v4Date,
			}
			if tc.declared != "" {
				headers = append(headers, "x-oss-content-sha256: "+tc.declared)
			}
			r := wireRequest(t, "PUT", "/key", "bucket.oss-cn-hangzhou.aliyuncs.com", headers...)
			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			body := io.NopCloser(strings.NewReader(tc.body))
			wrapped := s.VerifyPayload(body)
			if tc.declared == "" || tc.declared == "UNSIGNED-PAYLOAD" {
				if wrapped != body {
					t.Errorf("VerifyPayload wrapped an unsigned body")
				}
			}
			got, err := io.ReadAll(wrapped)
			if string(got) != tc.body {
				t.Errorf("read %q, want %q", got, tc.body)
			}
			if !tc.wantErr {
				if err != nil {
					t.Errorf("ReadAll: %v", err)
				}
				return
			}
			wantOSSError(t, err, osserr.BadDigest, "0002-00000214")
			if _, again := wrapped.Read(make([]byte, 1)); again != err {
				t.Errorf("second Read after EOF = %v, want the same error", again)
			}
		})
	}
}

func TestVerifyPayloadNilSignature(t *testing.T) {
	var s *Signature
	body := io.NopCloser(strings.NewReader("x"))
	if s.VerifyPayload(body) != body {
		t.Errorf("VerifyPayload on an anonymous request wrapped the body")
	}
}
