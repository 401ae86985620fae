package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestFusedKernelsMatchGo compares the float32 kernels of the build (C in
// the openblas build, Go otherwise) with the Go loops they must reproduce.
// On amd64 neither side fuses multiply-adds, so the bits must agree. Other
// architectures may fuse, and then agree to a few ulps.
func TestFusedKernelsMatchGo(t *testing.T) {
	const rows, cols, ld = 5, 37, 41
	for _, in := range []int{1, 3} {
		for _, out := range []int{1, 2} {
			for _, noisy := range []bool{false, true} {
				t.Run(fmt.Sprintf("in=%d/out=%d/noise=%v", in, out, noisy), func(t *testing.T) {
					checkFusedKernels(t, rows, cols, ld, in, out, noisy)
				})
			}
		}
	}
}

func checkFusedKernels(t *testing.T, rows, cols, ld, in, out int, noisy bool) {
	rng := rand.New(rand.NewPCG(uint64(in), uint64(out)))
	random := func(size int, scale float64) []float32 {
		s := make([]float32, size)
		for i := range s {
			s[i] = float32(scale * rng.NormFloat64())
		}
		return s
	}
	span := (rows-1)*ld + cols
	x, pre := random(span, 2), random(span, 3)
	var eps []float32
	if noisy {
		eps = random(span, 1)
	}
	bias, winT, u := random(cols, 1), random((in-1)*ld+cols, 1), random(rows*in, 1)
	u[0] = 0 // a zero input, which StepGrads skips
	alpha, scale := float32(0.1), float32(0.05)

	xC, xGo := slices.Clone(x), slices.Clone(x)
	rC, rGo := make([]float32, span), make([]float32, span)
	LeakTanh(rows, cols, ld, xC, rC, pre, eps, bias, winT, in, u, alpha, scale)
	leakTanhGo(rows, cols, ld, xGo, rGo, pre, eps, bias, winT, in, u, alpha, scale)
	compareBits(t, "LeakTanh x", xC, xGo)
	compareBits(t, "LeakTanh r", rC, rGo)

	v, next := random(span, 1), random(span, 1)
	dz, wout := random(rows*out, 1), random((out-1)*ld+cols, 1)
	dz[1] = 0 // a row without readout error
	aC, aGo := make([]float32, span), make([]float32, span)
	Adjoint(rows, cols, ld, aC, rGo, v, next, out, dz, wout, alpha)
	adjointGo(rows, cols, ld, aGo, rGo, v, next, out, dz, wout, alpha)
	compareBits(t, "Adjoint", aC, aGo)

	gout, gin, gb := random((out-1)*ld+cols, 1), random((in-1)*ld+cols, 1), random(cols, 1)
	goutC, ginC, gbC := slices.Clone(gout), slices.Clone(gin), slices.Clone(gb)
	StepGrads(rows, cols, ld, rGo, aGo, out, dz, goutC, in, u, ginC, gbC, alpha)
	stepGradsGo(rows, cols, ld, rGo, aGo, out, dz, gout, in, u, gin, gb, alpha)
	compareBits(t, "StepGrads W_out", goutC, gout)
	compareBits(t, "StepGrads W_in", ginC, gin)
	compareBits(t, "StepGrads b", gbC, gb)
}

// fusedULPs is the difference allowed off amd64, where a compiler may fuse
// a multiply and an add: a few roundings of float32 per element.
const fusedULPs = 8

func compareBits(t *testing.T, name string, got, want []float32) {
	t.Helper()
	for i := range want {
		if got[i] == want[i] || (math.IsNaN(float64(got[i])) && math.IsNaN(float64(want[i]))) {
			continue
		}
		if runtime.GOARCH != "amd64" {
			ulp := math.Nextafter32(float32(math.Abs(float64(want[i]))), float32(math.Inf(1))) - float32(math.Abs(float64(want[i])))
			if math.Abs(float64(got[i]-want[i])) <= fusedULPs*float64(ulp) {
				continue
			}
		}
		t.Errorf("%s[%d] = %v, Go loop gives %v", name, i, got[i], want[i])
		return
	}
}

func TestFusedKernelsRejectShortSlices(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("LeakTanh accepted an x shorter than rows×ld")
		}
	}()
	s := make([]float32, 10)
	LeakTanh(2, 5, 8, s, make([]float32, 13), make([]float32, 13), nil, s, s, 1, s, 0.1, 0)
}
