package fntest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
)

// patternBlock is one MiB of fixed pseudo-random bytes.
var patternBlock = func() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

// PatternReader returns size bytes of binary test data made by repeating a
// fixed pseudo-random block, without holding them in memory.
func PatternReader(size int64) io.Reader {
	return io.LimitReader(&repeatReader{block: patternBlock}, size)
}

// PatternSHA256 returns the hex SHA-256 of PatternReader(size).
func PatternSHA256(size int64) string {
	h := sha256.New()
	io.Copy(h, PatternReader(size))
	return hex.EncodeToString(h.Sum(nil))
}

// RepeatReader returns size bytes made by repeating block.
func RepeatReader(block []byte, size int64) io.Reader {
	return io.LimitReader(&repeatReader{block: block}, size)
}

type repeatReader struct {
	block []byte
	off   int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], r.block[r.off:])
		n += c
		r.off = (r.off + c) % len(r.block)
	}
	return n, nil
}

// SHA256Reader returns the hex SHA-256 of everything r returns.
func SHA256Reader(r io.Reader) string {
	h := sha256.New()
	io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil))
}
