package mask

import "io"

// blockSize is how many bytes a maskReader masks at a time. Each block is
// masked together with Context bytes on each side, so memory stays at about
// blockSize + 2*Context bytes whatever the object's size.
const blockSize = 64 << 10

// maskReader masks the bytes read from src. The start and the end of src
// are treated as the start and the end of the text.
type maskReader struct {
	src      io.Reader
	jsonMode bool

	// buf holds input not yet returned, preceded by up to Context bytes that
	// were returned already and serve as context for the next block.
	buf     []byte
	emitted int // length of that leading context in buf

	masked []byte // scratch space for maskBlock
	out    []byte // masked bytes ready to be returned
	err    error  // error to return once out is empty
}

func newMaskReader(src io.Reader, jsonMode bool) *maskReader {
	return &maskReader{
		src:      src,
		jsonMode: jsonMode,
		buf:      make([]byte, 0, blockSize+2*Context),
		masked:   make([]byte, blockSize+2*Context),
	}
}

func (m *maskReader) Read(p []byte) (int, error) {
	for len(m.out) == 0 {
		if m.err != nil {
			return 0, m.err
		}
		m.fill()
	}
	n := copy(p, m.out)
	m.out = m.out[n:]
	return n, nil
}

// fill reads until a block and the Context bytes after it are buffered (or
// src ends), masks the buffer, and makes the block ready to return. Bytes
// within Context of the buffer's end wait for the next fill, because bytes
// not yet read may change them.
func (m *maskReader) fill() {
	eof := false
	for len(m.buf)-m.emitted < blockSize+Context {
		n, err := m.src.Read(m.buf[len(m.buf):cap(m.buf)])
		m.buf = m.buf[:len(m.buf)+n]
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			m.err = err
			return
		}
	}

	ready := len(m.buf)
	if !eof {
		ready -= Context
	}
	maskBlock(m.masked[:len(m.buf)], m.buf, m.jsonMode)
	m.out = m.masked[m.emitted:ready]

	keep := max(0, ready-Context)
	m.emitted = ready - keep
	m.buf = m.buf[:copy(m.buf, m.buf[keep:])]
	if eof {
		m.err = io.EOF
	}
}
