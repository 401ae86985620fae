package model

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// simCase is one case of testdata/sim_reference.json, made by
// scripts/fixtures/make_model_fixtures.py with NumPy 1.24 float64 loops
// written directly from the model equations.
type simCase struct {
	Name               string
	N, Inputs, Outputs int
	Steps, Batch       int
	Alpha              float64
	SigmaRec           float64       `json:"sigma_rec"`
	W                  [][]float64   `json:"W"`
	WIn                [][]float64   `json:"W_in"`
	WOut               [][]float64   `json:"W_out"`
	B                  []float64     `json:"b"`
	BOut               []float64     `json:"b_out"`
	X0                 []float64     `json:"x0"`
	U                  [][][]float64 `json:"u"`
	Noise              [][][]float64 `json:"noise"`
	X                  [][][]float64 `json:"x"`
	R                  [][][]float64 `json:"r"`
	Z                  [][][]float64 `json:"z"`
}

func flat2(m [][]float64) []float64 {
	var out []float64
	for _, row := range m {
		out = append(out, row...)
	}
	return out
}

func flat3(m [][][]float64) []float64 {
	var out []float64
	for _, a := range m {
		out = append(out, flat2(a)...)
	}
	return out
}

// simTolerance is the maximum absolute difference allowed from the NumPy
// reference: both are float64 evaluations of the same recurrence, which
// differ only by summation order (about 1e-15 per step).
const simTolerance = 1e-9

func maxAbsDiff(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestSimulateMatchesNumPy(t *testing.T) {
	data, err := os.ReadFile("testdata/sim_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []simCase }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) < 2 {
		t.Fatalf("sim_reference.json has %d cases, want 2", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			w := &Weights{N: c.N, I: c.Inputs, O: c.Outputs, W: flat2(c.W), WIn: flat2(c.WIn),
				WOut: flat2(c.WOut), B: c.B, BOut: c.BOut, X0: c.X0}
			noise := flat3(c.Noise)
			opt := SimOptions{Record: true, SigmaRec: c.SigmaRec, Noise: func(t, b int, eps []float64) {
				copy(eps, noise[(t*c.Batch+b)*c.N:(t*c.Batch+b+1)*c.N])
			}}
			tr := Simulate(w, Tanh{}, c.Alpha, flat3(c.U), c.Steps, c.Batch, opt)
			if d := maxAbsDiff(tr.Z, flat3(c.Z)); !(d <= simTolerance) {
				t.Errorf("outputs: max |Δz| = %.3g, want ≤ %g", d, simTolerance)
			}
			if d := maxAbsDiff(tr.X, flat3(c.X)); !(d <= simTolerance) {
				t.Errorf("currents: max |Δx| = %.3g, want ≤ %g", d, simTolerance)
			}
			if d := maxAbsDiff(tr.R, flat3(c.R)); !(d <= simTolerance) {
				t.Errorf("rates: max |Δr| = %.3g, want ≤ %g", d, simTolerance)
			}
		})
	}
}
