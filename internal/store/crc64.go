package store

import "hash/crc64"

// ecmaTable is CRC-64/ECMA-182 in the reflected form Go's hash/crc64 uses,
// which is what OSS reports in x-oss-hash-crc64ecma.
var ecmaTable = crc64.MakeTable(crc64.ECMA)

// CombineCRC64 returns the CRC-64/ECMA of the concatenation A||B given
// crcA = CRC(A), crcB = CRC(B) and lenB = len(B). It uses the zlib method of
// applying lenB zero bytes to crcA through GF(2) matrix squaring, so it runs
// in O(log lenB) without the data.
func CombineCRC64(crcA, crcB uint64, lenB int64) uint64 {
	if lenB <= 0 {
		return crcA
	}

	// odd is the operator that advances the CRC register by one zero bit.
	var odd, even [64]uint64
	odd[0] = 0xC96C5795D7870F42 // reflected ECMA-182 polynomial
	row := uint64(1)
	for n := 1; n < 64; n++ {
		odd[n] = row
		row <<= 1
	}
	gf2Square(&even, &odd) // two zero bits
	gf2Square(&odd, &even) // four zero bits

	// Each pass squares the operator (one zero byte, then two, four, ...) and
	// applies it to crcA for every set bit of lenB.
	for {
		gf2Square(&even, &odd)
		if lenB&1 != 0 {
			crcA = gf2Times(&even, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
		gf2Square(&odd, &even)
		if lenB&1 != 0 {
			crcA = gf2Times(&odd, crcA)
		}
		lenB >>= 1
		if lenB == 0 {
			break
		}
	}
	return crcA ^ crcB
}

func gf2Times(mat *[64]uint64, vec uint64) uint64 {
	var sum uint64
	for i := 0; vec != 0; i++ {
		if vec&1 != 0 {
			sum ^= mat[i]
		}
		vec >>= 1
	}
	return sum
}

func gf2Square(square, mat *[64]uint64) {
	for n := range 64 {
		square[n] = gf2Times(mat, mat[n])
	}
}
