package runio

import (
	"errors"
	"fmt"
	"math"
)

// Tensor is a named N-D array of float32 or float64 values, as stored in
// safetensors and NumPy files.
//
// The values are laid out row-major (C order): for Shape [d₀, d₁, …, dₖ₋₁]
// the element at index (i₀, i₁, …, iₖ₋₁) is at offset
//
//	((i₀·d₁ + i₁)·d₂ + i₂)·… + iₖ₋₁
//
// A 0-D tensor (a scalar) has an empty Shape and one value. A tensor with a
// zero-length dimension has no values, but its slice must still be non-nil
// so that its dtype is known.
//
// Exactly one of F32 and F64 is non-nil, and its length is the product of
// Shape. Readers always return tensors that satisfy this. Writers check it
// and return an error otherwise.
type Tensor struct {
	Name  string
	Shape []int
	F32   []float32
	F64   []float64
}

// Float64 returns the values as float64. It returns t.F64 itself when it is
// set, so the caller must not modify the result in that case, and otherwise a
// new slice converted from t.F32 (the conversion is exact). It returns nil
// when neither slice is set.
func (t Tensor) Float64() []float64 {
	if t.F64 != nil {
		return t.F64
	}
	if t.F32 == nil {
		return nil
	}
	out := make([]float64, len(t.F32))
	for i, v := range t.F32 {
		out[i] = float64(v)
	}
	return out
}

// Len returns the number of stored values: len(t.F64) when F64 is set,
// otherwise len(t.F32).
func (t Tensor) Len() int {
	if t.F64 != nil {
		return len(t.F64)
	}
	return len(t.F32)
}

// dtypeName returns "F32" or "F64" for the slice that is set, and "" when
// zero or both slices are set.
func (t Tensor) dtypeName() string {
	switch {
	case t.F32 != nil && t.F64 == nil:
		return "F32"
	case t.F64 != nil && t.F32 == nil:
		return "F64"
	}
	return ""
}

// validateForWrite checks the invariants a writer relies on: exactly one
// data slice set, no negative dimension, and as many values as the shape
// needs.
func (t Tensor) validateForWrite() error {
	if t.F32 != nil && t.F64 != nil {
		return fmt.Errorf("tensor %q: both F32 and F64 are set, expected exactly one", t.Name)
	}
	if t.F32 == nil && t.F64 == nil {
		return fmt.Errorf("tensor %q: neither F32 nor F64 is set, expected exactly one (use an empty, non-nil slice for a tensor without values)", t.Name)
	}
	count, err := elementCount(t.Shape)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", t.Name, err)
	}
	if count != t.Len() {
		return fmt.Errorf("tensor %q: shape %v needs %d values, but %s has %d", t.Name, t.Shape, count, t.dtypeName(), t.Len())
	}
	return nil
}

var errShapeOverflow = errors.New("element count overflows int")

// elementCount returns the product of shape, which is 1 for an empty shape.
// It rejects negative dimensions and products that overflow int.
func elementCount(shape []int) (int, error) {
	count := 1
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("shape %v: dimension %d is %d, expected a non-negative size", shape, i, d)
		}
	}
	// A zero dimension makes the product zero whatever the other sizes are,
	// so it is checked first and overflow is only possible without one.
	for _, d := range shape {
		if d == 0 {
			return 0, nil
		}
	}
	for _, d := range shape {
		if count > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v: %w", shape, errShapeOverflow)
		}
		count *= d
	}
	return count, nil
}

// byteCount returns count·itemSize, or false when the product overflows int.
func byteCount(count, itemSize int) (int, bool) {
	if itemSize != 0 && count > math.MaxInt/itemSize {
		return 0, false
	}
	return count * itemSize, true
}
