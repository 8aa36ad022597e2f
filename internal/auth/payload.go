package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"

	"github.com/ossfc/ossfc/internal/osserr"
)

// VerifyPayload returns body wrapped so that the read that reaches its end
// fails when the bytes read do not hash to PayloadHash: in place of io.EOF it
// returns BadDigest (400, EC 0002-00000214, the EC OSS documents for an
// invalid x-oss-content-sha256). It returns body itself when the payload is
// unsigned.
//
// The caller must read the body to io.EOF before it commits anything written
// from it, and must treat the error as the request's failure.
func (s *Signature) VerifyPayload(body io.ReadCloser) io.ReadCloser {
	want := s.PayloadHash()
	if want == "" || body == nil {
		return body
	}
	return &payloadVerifier{body: body, hash: sha256.New(), want: want}
}

// payloadVerifier hashes what is read through it and checks the sum at EOF.
type payloadVerifier struct {
	body io.ReadCloser
	hash hash.Hash
	want string // lower-case hex
	err  error  // sticky result once EOF was reached
}

func (p *payloadVerifier) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.body.Read(b)
	p.hash.Write(b[:n])
	if err != io.EOF {
		return n, err
	}

	if got := hex.EncodeToString(p.hash.Sum(nil)); got != p.want {
		p.err = osserr.New(osserr.BadDigest,
			"The x-oss-content-sha256 you specified did not match what we received: the body hashes to "+got+".").
			WithEC(ecV4ContentSHA256)
	} else {
		p.err = io.EOF
	}
	return n, p.err
}

func (p *payloadVerifier) Close() error { return p.body.Close() }
