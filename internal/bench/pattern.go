package bench

import (
	"errors"
	"io"
	"math/rand/v2"
)

// patternBlockSize is the length of the random block a pattern repeats.
const patternBlockSize = 1 << 20

// patternBlock is random data, generated once, that pattern readers repeat
// so that large bodies cost no memory and little CPU on the client side.
var patternBlock = func() []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, patternBlockSize)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}()

// patternReader is a virtual file of size bytes repeating patternBlock. It
// implements io.ReaderAt and io.Seeker, so the SDK can learn its length and
// the Uploader can read parts concurrently.
type patternReader struct {
	size int64
	off  int64
}

func newPattern(size int64) *patternReader { return &patternReader{size: size} }

func (p *patternReader) ReadAt(b []byte, off int64) (int, error) {
	if off >= p.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(b) && off < p.size {
		i := off % patternBlockSize
		m := copy(b[n:], patternBlock[i:min(int64(patternBlockSize), i+p.size-off)])
		n += m
		off += int64(m)
	}
	if n < len(b) {
		return n, io.EOF
	}
	return n, nil
}

func (p *patternReader) Read(b []byte) (int, error) {
	n, err := p.ReadAt(b, p.off)
	p.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (p *patternReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += p.off
	case io.SeekEnd:
		offset += p.size
	default:
		return 0, errors.New("pattern: invalid whence")
	}
	if offset < 0 {
		return 0, errors.New("pattern: negative position")
	}
	p.off = offset
	return offset, nil
}
