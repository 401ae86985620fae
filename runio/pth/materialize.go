package pth

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/rnnlab/rnnlab/runio"
)

// materialize copies the elements of t into a new contiguous row-major
// tensor. Element (i₀, …, iₖ₋₁) of the result is storage element
//
//	offset + Σⱼ iⱼ·stride[j]
//
// which rebuildTensor has checked to lie inside the storage. float32,
// float16 and bfloat16 storages fill F32, every other supported dtype F64.
// The caller must not pass a tensor whose dtype has kind 0.
func materialize(t *tensor) runio.Tensor {
	dt := t.storage.dtype
	data := t.storage.bytes()
	var order binary.ByteOrder = binary.LittleEndian
	if t.storage.raw.bigEndian {
		order = binary.BigEndian
	}
	out := runio.Tensor{Shape: slices.Clone(t.size)}
	if out.Shape == nil {
		out.Shape = []int{}
	}
	if dt.float32Out() {
		values := make([]float32, t.numel)
		forEachElement(t, func(i, e int) {
			values[i] = decodeFloat32(data[e*dt.size:], dt, order)
		})
		out.F32 = values
	} else {
		values := make([]float64, t.numel)
		forEachElement(t, func(i, e int) {
			values[i] = decodeFloat64(data[e*dt.size:], dt, order)
		})
		out.F64 = values
	}
	return out
}

// forEachElement calls visit(i, e) for every element of t in row-major
// order, with i the element's position in the contiguous result and e its
// index in the storage.
func forEachElement(t *tensor, visit func(i, e int)) {
	if t.numel == 0 {
		return
	}
	index := make([]int, len(t.size))
	e := t.offset
	for i := 0; i < t.numel; i++ {
		visit(i, e)
		// Advance the multi-index like an odometer, last dimension fastest.
		for k := len(t.size) - 1; k >= 0; k-- {
			index[k]++
			e += t.stride[k]
			if index[k] < t.size[k] {
				break
			}
			e -= t.stride[k] * t.size[k]
			index[k] = 0
		}
	}
}

// decodeFloat32 decodes the element at the start of b for the dtypes that
// fill Tensor.F32. Every value is exact in float32.
func decodeFloat32(b []byte, dt *dtype, order binary.ByteOrder) float32 {
	switch dt.kind {
	case 'h':
		return float16ToFloat32(order.Uint16(b))
	case 'b':
		return math.Float32frombits(uint32(order.Uint16(b)) << 16)
	}
	return math.Float32frombits(order.Uint32(b))
}

// decodeFloat64 decodes the element at the start of b for the dtypes that
// fill Tensor.F64. Integers of up to 32 bits and bools are exact; int64
// values beyond ±2⁵³ are rounded to the nearest float64.
func decodeFloat64(b []byte, dt *dtype, order binary.ByteOrder) float64 {
	switch dt.kind {
	case 'i':
		switch dt.size {
		case 1:
			return float64(int8(b[0]))
		case 2:
			return float64(int16(order.Uint16(b)))
		case 4:
			return float64(int32(order.Uint32(b)))
		}
		return float64(int64(order.Uint64(b)))
	case 'u':
		return float64(b[0])
	case '?':
		if b[0] != 0 {
			return 1
		}
		return 0
	}
	return math.Float64frombits(order.Uint64(b))
}

// float16ToFloat32 converts an IEEE 754 binary16 value (sign bit, 5-bit
// exponent with bias 15, 10-bit fraction) to float32. binary32 represents
// every binary16 value, so the result is exact.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exponent := uint32(h>>10) & 0x1f
	fraction := uint32(h & 0x3ff)
	switch exponent {
	case 0:
		// Zero or subnormal: fraction·2⁻²⁴, a product of two float32 values
		// that is itself exact in float32.
		v := float32(fraction) * 0x1p-24
		return math.Float32frombits(math.Float32bits(v) | sign)
	case 0x1f:
		// Infinity or NaN; the payload moves to the top of the fraction.
		return math.Float32frombits(sign | 0x7f800000 | fraction<<13)
	}
	return math.Float32frombits(sign | (exponent+112)<<23 | fraction<<13)
}
