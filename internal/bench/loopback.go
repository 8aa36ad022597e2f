package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"
)

// runLoopbackCopy measures a plain TCP copy over 127.0.0.1 inside the
// benchmark process: one goroutine writes the pattern, another reads and
// discards it. It copies with 32 KiB buffers, io.Copy's size, and with
// 1 MiB buffers. A GET that copies its data through user space cannot be
// faster on the same machine. A direct GET can be, because the server
// sends files with sendfile(2).
func runLoopbackCopy(ctx context.Context, env *Env) ([]Result, error) {
	size := env.size(gib)
	settle()
	var out []Result
	for _, buffer := range []int{32 * kib, mib} {
		elapsed, err := tcpCopy(ctx, size, buffer)
		if err != nil {
			return out, err
		}
		note := fmt.Sprintf("%s over one TCP connection on 127.0.0.1, in this process", byteSize(size))
		out = append(out, Result{"loopback-copy", "TCP copy, " + byteSize(int64(buffer)) + " buffers", float64(size) / mib / elapsed.Seconds(), "MiB/s", note})
	}
	return out, nil
}

// tcpCopy sends size bytes over a new loopback connection, writing and
// reading buffer bytes at a time, and returns the time until the reader
// got the last byte.
func tcpCopy(ctx context.Context, size int64, buffer int) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()

	type result struct {
		n   int64
		err error
	}
	received := make(chan result, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			received <- result{0, err}
			return
		}
		defer conn.Close()
		buf := make([]byte, buffer)
		var n int64
		for {
			m, err := conn.Read(buf)
			n += int64(m)
			if err == io.EOF {
				received <- result{n, nil}
				return
			}
			if err != nil {
				received <- result{n, err}
				return
			}
		}
	}()

	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		return 0, err
	}
	start := time.Now()
	pattern := newPattern(size)
	buf := make([]byte, buffer)
	for {
		n, rerr := pattern.Read(buf)
		if _, err = conn.Write(buf[:n]); err != nil || rerr == io.EOF {
			break
		}
	}
	conn.Close()
	r := <-received
	elapsed := time.Since(start)
	switch {
	case err != nil:
		return 0, err
	case r.err != nil:
		return 0, r.err
	case r.n != size:
		return 0, fmt.Errorf("received %d bytes, want %d", r.n, size)
	}
	return elapsed, nil
}
