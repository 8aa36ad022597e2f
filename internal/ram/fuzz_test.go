package ram

import (
	"bytes"
	"testing"
)

// FuzzDecodeToken feeds arbitrary security tokens to the decoder, which receives
// untrusted input on every request signed with temporary credentials. It
// must never panic, and must accept only tokens this key sealed for the
// AccessKeyId.
func FuzzDecodeToken(f *testing.F) {
	sl, err := newSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	sv := &Service{sealer: sl}
	valid, err := sv.encodeToken("STS.fuzzkey", &session{Secret: "s", AccountID: "1234567890123456",
		RoleID: "1", RoleName: "r", SessionName: "sn", Expiration: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("STS.fuzzkey", valid)
	f.Add("STS.other", valid)
	f.Add("STS.fuzzkey", tokenPrefix)
	f.Add("STS.fuzzkey", tokenPrefix+"!!!")
	f.Add("STS.fuzzkey", "CAISxyz")

	f.Fuzz(func(t *testing.T, accessKeyID, token string) {
		s, err := decodeToken(sl, accessKeyID, token)
		if err != nil {
			if s != nil {
				t.Fatal("decodeToken returned a session with an error")
			}
			return
		}
		// Only the sealed seed can open; its content must come back intact.
		// (Each fuzz worker seals its own copy, so compare content, not text.)
		if accessKeyID != "STS.fuzzkey" || s.Secret != "s" || s.RoleName != "r" || s.Expiration != 1 {
			t.Fatalf("decodeToken accepted a token it did not issue: %q for %q gave %+v", token, accessKeyID, s)
		}
	})
}
