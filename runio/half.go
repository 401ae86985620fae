package runio

import "math"

// float16ToFloat32 converts an IEEE 754 binary16 value (1 sign bit, 5
// exponent bits with bias 15, 10 fraction bits) to float32. Every binary16
// value, including subnormals, ±0, ±Inf and NaN payloads, is exactly
// representable in binary32, so the conversion is exact.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exponent := uint32(h>>10) & 0x1f
	fraction := uint32(h) & 0x3ff

	switch exponent {
	case 0x1f:
		// Inf (fraction 0) or NaN. The fraction moves to the top of the
		// 23-bit float32 fraction, which keeps quiet NaNs quiet.
		return math.Float32frombits(sign | 0x7f800000 | fraction<<13)
	case 0:
		// ±0 or a subnormal, whose value is fraction·2⁻²⁴. Both factors are
		// exact in float32, and so is their product.
		v := float32(fraction) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	// Normal number: rebias the exponent from 15 to 127.
	return math.Float32frombits(sign | (exponent+127-15)<<23 | fraction<<13)
}

// bfloat16ToFloat32 converts a bfloat16 value, which is the top half of a
// float32 bit pattern, to float32. The conversion is exact.
func bfloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}
