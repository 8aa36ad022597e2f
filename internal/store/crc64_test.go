package store

import (
	"hash/crc64"
	"math/rand/v2"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

func TestCombineCRC64(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sizes := range [][2]int{{0, 0}, {0, 5}, {5, 0}, {1, 1}, {100, 1 << 16}, {1 << 20, 3}, {7, 1<<20 + 13}} {
		a := make([]byte, sizes[0])
		b := make([]byte, sizes[1])
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		crcA := crc64.Checksum(a, ecmaTable)
		crcB := crc64.Checksum(b, ecmaTable)
		want := crc64.Checksum(append(append([]byte{}, a...), b...), ecmaTable)

		if got := CombineCRC64(crcA, crcB, int64(len(b))); got != want {
			t.Errorf("combine(%d, %d bytes) = %d, want %d", len(a), len(b), got, want)
		}
		if sdk := oss.CRC64Combine(crcA, crcB, uint64(len(b))); sdk != want {
			t.Errorf("the SDK's combine disagrees with the checksum for %v: %d", sizes, sdk)
		}
	}
}
