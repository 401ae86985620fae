package runio

import (
	"encoding/binary"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the current writers")

// randomSeed fixes the values of the randomized round trips. Pass
// -seed=N to vary them.
var randomSeed = flag.Uint64("seed", 1, "seed for the random tensor values")

// newTestRand returns a generator seeded from -seed.
func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(*randomSeed, 3)) }

// randomTensor returns a tensor of the given shape with values drawn from
// N(0, 1), as F64 when f64 is true and as F32 otherwise.
func randomTensor(rng *rand.Rand, name string, shape []int, f64 bool) Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	t := Tensor{Name: name, Shape: slices.Clone(shape)}
	if f64 {
		t.F64 = make([]float64, n)
		for i := range t.F64 {
			t.F64[i] = rng.NormFloat64()
		}
	} else {
		t.F32 = make([]float32, n)
		for i := range t.F32 {
			t.F32[i] = float32(rng.NormFloat64())
		}
	}
	return t
}

// sampleTensors returns tensors covering both dtypes and 0-D, 1-D, 2-D,
// 3-D and empty shapes.
func sampleTensors() []Tensor {
	rng := rand.New(rand.NewPCG(*randomSeed, 2))
	return []Tensor{
		randomTensor(rng, "W", []int{4, 4}, false),
		randomTensor(rng, "W_in", []int{4, 2}, true),
		randomTensor(rng, "trajectory", []int{3, 2, 4}, false),
		randomTensor(rng, "b", []int{4}, true),
		randomTensor(rng, "scalar", nil, true),
		randomTensor(rng, "scalar32", []int{}, false),
		{Name: "empty", Shape: []int{0}, F32: []float32{}},
		{Name: "empty_3d", Shape: []int{2, 0, 3}, F64: []float64{}},
		{Name: "specials", Shape: []int{6}, F64: []float64{math.Inf(1), math.Inf(-1), math.NaN(), math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64}},
	}
}

// checkTensorEqual reports any difference between got and want in name,
// shape, dtype or value bits. NaNs compare equal when their bits do.
func checkTensorEqual(t *testing.T, got, want Tensor) {
	t.Helper()
	if got.Name != want.Name {
		t.Errorf("name = %q, want %q", got.Name, want.Name)
	}
	if !slices.Equal(got.Shape, want.Shape) {
		t.Errorf("tensor %q: shape = %v, want %v", want.Name, got.Shape, want.Shape)
	}
	if got.dtypeName() != want.dtypeName() {
		t.Errorf("tensor %q: dtype = %q, want %q", want.Name, got.dtypeName(), want.dtypeName())
		return
	}
	if got.Len() != want.Len() {
		t.Errorf("tensor %q: %d values, want %d", want.Name, got.Len(), want.Len())
		return
	}
	for i := range got.F32 {
		if math.Float32bits(got.F32[i]) != math.Float32bits(want.F32[i]) {
			t.Errorf("tensor %q: F32[%d] = %v, want %v", want.Name, i, got.F32[i], want.F32[i])
			return
		}
	}
	for i := range got.F64 {
		if math.Float64bits(got.F64[i]) != math.Float64bits(want.F64[i]) {
			t.Errorf("tensor %q: F64[%d] = %v, want %v", want.Name, i, got.F64[i], want.F64[i])
			return
		}
	}
}

// checkErrorContains fails unless err is non-nil and contains every
// fragment.
func checkErrorContains(t *testing.T, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("error = nil, want one containing %q", fragments)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not contain %q", err, f)
		}
	}
}

// checkGolden compares got with testdata/name, or rewrites the file under
// -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (%d bytes, want %d); if the change is intended, run go test -run %s -update", path, len(got), len(want), t.Name())
	}
}

// le64 returns v as 8 little-endian bytes.
func le64(v uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, v)
}
