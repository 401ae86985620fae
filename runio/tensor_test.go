package runio

import (
	"math"
	"slices"
	"testing"
)

func TestTensorFloat64(t *testing.T) {
	f64 := []float64{1, 2}
	if got := (Tensor{F64: f64}).Float64(); &got[0] != &f64[0] {
		t.Error("Float64 of an F64 tensor copied the slice, want the slice itself")
	}

	f32 := Tensor{F32: []float32{0.1, -2, float32(math.Inf(1))}}
	got := f32.Float64()
	want := []float64{float64(float32(0.1)), -2, math.Inf(1)}
	if !slices.Equal(got, want) {
		t.Errorf("Float64 of F32 = %v, want %v", got, want)
	}

	if got := (Tensor{}).Float64(); got != nil {
		t.Errorf("Float64 of an empty Tensor = %v, want nil", got)
	}
}

func TestTensorLen(t *testing.T) {
	if n := (Tensor{F32: make([]float32, 3)}).Len(); n != 3 {
		t.Errorf("Len of F32 tensor = %d, want 3", n)
	}
	if n := (Tensor{F64: make([]float64, 5)}).Len(); n != 5 {
		t.Errorf("Len of F64 tensor = %d, want 5", n)
	}
	if n := (Tensor{}).Len(); n != 0 {
		t.Errorf("Len of empty Tensor = %d, want 0", n)
	}
}

func TestElementCount(t *testing.T) {
	for i, tc := range []struct {
		shape   []int
		want    int
		wantErr string
	}{
		{nil, 1, ""},
		{[]int{}, 1, ""},
		{[]int{7}, 7, ""},
		{[]int{2, 3, 4}, 24, ""},
		{[]int{5, 0, 3}, 0, ""},
		// A zero dimension wins over a product that would overflow.
		{[]int{math.MaxInt, math.MaxInt, 0}, 0, ""},
		{[]int{1 << 32, 1 << 32}, 0, "overflows"},
		{[]int{3, -1}, 0, "dimension 1 is -1"},
	} {
		got, err := elementCount(tc.shape)
		if tc.wantErr != "" {
			checkErrorContains(t, err, tc.wantErr)
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%d: elementCount(%v) = %d, %v, want %d", i, tc.shape, got, err, tc.want)
		}
	}
}

func TestValidateForWrite(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tensor  Tensor
		wantErr string
	}{
		{"both slices", Tensor{Name: "x", Shape: []int{1}, F32: []float32{1}, F64: []float64{1}}, "both F32 and F64"},
		{"no slice", Tensor{Name: "x", Shape: []int{0}}, "neither F32 nor F64"},
		{"too few values", Tensor{Name: "x", Shape: []int{2, 3}, F32: make([]float32, 5)}, "shape [2 3] needs 6 values, but F32 has 5"},
		{"scalar without value", Tensor{Name: "x", F64: []float64{}}, "shape [] needs 1 values, but F64 has 0"},
		{"negative dimension", Tensor{Name: "x", Shape: []int{-2}, F64: []float64{}}, "expected a non-negative size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErrorContains(t, tc.tensor.validateForWrite(), `tensor "x"`, tc.wantErr)
		})
	}
}

func TestFloat16ToFloat32(t *testing.T) {
	// Bit patterns and values from the IEEE 754 binary16 definition: bias 15,
	// 10 fraction bits, subnormals scaled by 2⁻²⁴.
	for _, tc := range []struct {
		bits uint16
		want float32
	}{
		{0x0000, 0},
		{0x3c00, 1},
		{0xc000, -2},
		{0x3555, 0.333251953125},
		{0x7bff, 65504},                 // largest finite
		{0x0400, 1.0 / (1 << 14)},       // smallest normal
		{0x0001, 1.0 / (1 << 24)},       // smallest subnormal
		{0x03ff, 1023.0 / (1 << 24)},    // largest subnormal
		{0x83ff, -1023.0 / (1 << 24)},   // negative subnormal
		{0x7c00, float32(math.Inf(1))},  // +Inf
		{0xfc00, float32(math.Inf(-1))}, // -Inf
	} {
		if got := float16ToFloat32(tc.bits); got != tc.want {
			t.Errorf("float16ToFloat32(%#04x) = %v, want %v", tc.bits, got, tc.want)
		}
	}

	if got := float16ToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("float16ToFloat32(0x8000) = %v, want -0", got)
	}
	if got := float16ToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("float16ToFloat32(0x7e00) = %v, want NaN", got)
	}
	if got := float16ToFloat32(0xfd01); !math.IsNaN(float64(got)) {
		t.Errorf("float16ToFloat32(0xfd01) = %v, want NaN", got)
	}
}

func TestFloat16ToFloat32Monotonic(t *testing.T) {
	// Positive finite binary16 patterns are ordered like their values, and
	// the conversion must keep that order with no two patterns equal.
	prev := float16ToFloat32(0)
	for bits := uint16(1); bits < 0x7c00; bits++ {
		v := float16ToFloat32(bits)
		if !(v > prev) {
			t.Fatalf("float16ToFloat32(%#04x) = %v, not above %v of the previous pattern", bits, v, prev)
		}
		if neg := float16ToFloat32(bits | 0x8000); neg != -v {
			t.Fatalf("float16ToFloat32(%#04x) = %v, want %v", bits|0x8000, neg, -v)
		}
		prev = v
	}
}

func TestBfloat16ToFloat32(t *testing.T) {
	for _, tc := range []struct {
		bits uint16
		want float32
	}{
		{0x3f80, 1},
		{0xc010, -2.25},
		{0x3bc0, 3.0 / 512},
		{0x7f80, float32(math.Inf(1))},
	} {
		if got := bfloat16ToFloat32(tc.bits); got != tc.want {
			t.Errorf("bfloat16ToFloat32(%#04x) = %v, want %v", tc.bits, got, tc.want)
		}
	}
}

func TestColumnMajorToRowMajor(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		src   []float64
		want  []float64
	}{
		// The 2×3 matrix [[0 1 2] [3 4 5]] stored column by column.
		{[]int{2, 3}, []float64{0, 3, 1, 4, 2, 5}, []float64{0, 1, 2, 3, 4, 5}},
		{[]int{3, 2}, []float64{0, 2, 4, 1, 3, 5}, []float64{0, 1, 2, 3, 4, 5}},
		// 2×2×2: element (i, j, k) is at column-major offset i + 2j + 4k.
		{[]int{2, 2, 2}, []float64{0, 4, 2, 6, 1, 5, 3, 7}, []float64{0, 1, 2, 3, 4, 5, 6, 7}},
		{[]int{4}, []float64{1, 2, 3, 4}, []float64{1, 2, 3, 4}},
		{nil, []float64{9}, []float64{9}},
		{[]int{0, 3}, []float64{}, []float64{}},
	} {
		got := columnMajorToRowMajor(tc.src, tc.shape)
		if !slices.Equal(got, tc.want) {
			t.Errorf("columnMajorToRowMajor(%v, %v) = %v, want %v", tc.src, tc.shape, got, tc.want)
		}
	}
}
