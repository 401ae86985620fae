package train

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/internal/kernel"
)

var update = flag.Bool("update", false, "rewrite testdata/backend_reference.json (only with the pure-Go backend)")

// backendReference is a short float32 and float64 training run recorded
// with the pure-Go backend, so that every backend is compared with it.
type backendReference struct {
	Backend string
	Loss    map[string][]float64
	WOut    map[string][]float64
}

// Tolerances between backends: both compute the same sums but BLAS
// kernels order them differently. Measured between OpenBLAS 0.3.21 and
// gonum: 8e-8 (float32) and 4e-16 (float64) relative over these 12 steps;
// the bounds leave two to four orders of margin for other CPUs and builds.
var backendTolerance = map[string]float64{"float32": 1e-5, "float64": 1e-12}

func TestBackendsAgreeOnTraining(t *testing.T) {
	got := backendReference{Backend: kernel.Backend(), Loss: map[string][]float64{}, WOut: map[string][]float64{}}
	for _, dtype := range []string{"float32", "float64"} {
		w, steps := runCollect(t, smallSetup(t, dtype), nil, Hooks{})
		for _, s := range steps {
			got.Loss[dtype] = append(got.Loss[dtype], s.Loss)
		}
		got.WOut[dtype] = w.WOut
	}
	const path = "testdata/backend_reference.json"
	if *update {
		if kernel.Backend() != "gonum" {
			t.Fatalf("regenerate %s with the pure-Go backend, not %s", path, kernel.Backend())
		}
		data, _ := json.MarshalIndent(got, "", " ")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ref backendReference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	for dtype, tol := range backendTolerance {
		worst := 0.0
		for i, l := range got.Loss[dtype] {
			r := ref.Loss[dtype][i]
			worst = math.Max(worst, math.Abs(l-r)/math.Abs(r))
			if math.Abs(l-r) > tol*math.Abs(r) {
				t.Errorf("%s step %d: loss %.10g on %s, %.10g on %s", dtype, i+1, l, got.Backend, r, ref.Backend)
			}
		}
		diff, norm := 0.0, 0.0
		for i, v := range got.WOut[dtype] {
			d := v - ref.WOut[dtype][i]
			diff += d * d
			norm += ref.WOut[dtype][i] * ref.WOut[dtype][i]
		}
		t.Logf("%s: largest relative loss difference %.3g, final W_out %.3g (%s against %s)",
			dtype, worst, math.Sqrt(diff/norm), got.Backend, ref.Backend)
		if rel := math.Sqrt(diff / norm); !(rel <= tol) {
			t.Errorf("%s: final W_out differs by %.3g relative between %s and %s", dtype, rel, got.Backend, ref.Backend)
		}
	}
}
