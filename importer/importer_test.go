package importer

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/model"
)

func flat3(m [][][]float64) []float64 {
	var out []float64
	for _, a := range m {
		for _, row := range a {
			out = append(out, row...)
		}
	}
	return out
}

// torchRNNTolerance bounds the output difference from torch's float32
// forward pass over 50 steps: float32 rounding (6e-8 per operation) grows
// mildly through the tanh recurrence; rnnlab simulates in float64.
const torchRNNTolerance = 1e-6

// The fixtures come from scripts/fixtures/make_import_fixtures.py (torch
// 1.13 nn.RNN + nn.Linear, float32 forward pass).
func TestTorchRNNMatchesTorchOutputs(t *testing.T) {
	data, err := os.ReadFile("testdata/torch_rnn_io.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Cases []struct {
			File                    string
			Inputs, Hidden, Outputs int
			U, Z                    [][][]float64
		}
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	p, err := LookupPreset("torch-rnn")
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.Mapping(PresetOptions{RNN: "rnn", Readout: "fc", H0: "h0"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range fixture.Cases {
		t.Run(c.File, func(t *testing.T) {
			src, err := Load("testdata/" + c.File)
			if err != nil {
				t.Fatal(err)
			}
			w, err := Build(src, m)
			if err != nil {
				t.Fatal(err)
			}
			if w.N != c.Hidden || w.I != c.Inputs || w.O != c.Outputs {
				t.Fatalf("N, I, O = %d, %d, %d, want %d, %d, %d", w.N, w.I, w.O, c.Hidden, c.Inputs, c.Outputs)
			}
			T, B := len(c.U), len(c.U[0])
			traj := model.Simulate(w, model.Tanh{}, 1, flat3(c.U), T, B, model.SimOptions{})
			want := flat3(c.Z)
			oneStep, all := 0.0, 0.0
			for i, z := range traj.Z {
				d := math.Abs(z - want[i])
				all = math.Max(all, d)
				if i < B*c.Outputs {
					oneStep = math.Max(oneStep, d)
				}
			}
			if !(oneStep <= torchRNNTolerance) {
				t.Errorf("one-step outputs differ from torch by %.3g, want ≤ %g", oneStep, torchRNNTolerance)
			}
			if !(all <= torchRNNTolerance) {
				t.Errorf("50-step outputs differ from torch by %.3g, want ≤ %g", all, torchRNNTolerance)
			}
		})
	}
}

func TestFortranOrderNPZImport(t *testing.T) {
	data, err := os.ReadFile("testdata/fortran_io.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Tau, Dt float64
		U, Z    [][][]float64
	}
	if err := json.Unmarshal(data, &fixture); err != nil {
		t.Fatal(err)
	}
	src, err := Load("testdata/fortran.npz")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := LookupPreset("rnnlab")
	m, _ := p.Mapping(PresetOptions{})
	m["b"] = Expr{Terms: []Term{{Name: "b", Scale: 1}}}
	w, err := Build(src, m)
	if err != nil {
		t.Fatal(err)
	}
	T, B := len(fixture.U), len(fixture.U[0])
	traj := model.Simulate(w, model.Tanh{}, fixture.Dt/fixture.Tau, flat3(fixture.U), T, B, model.SimOptions{})
	want := flat3(fixture.Z)
	for i, z := range traj.Z {
		// Both are float64 evaluations of the same recurrence.
		if d := math.Abs(z - want[i]); !(d <= 1e-12) {
			t.Fatalf("output %d = %v, NumPy %v: Fortran-order arrays were not read in logical order", i, z, want[i])
		}
	}
}

func TestBuildRejectsWrongShapes(t *testing.T) {
	src, err := Load("testdata/torch_rnn.pth")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		m    Mapping
		want string
	}{
		{"W_in as W", Mapping{"W": mustExpr(t, "rnn.weight_ih_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0"), "W_out": mustExpr(t, "fc.weight")}, "square"},
		{"W_out transposed", Mapping{"W": mustExpr(t, "rnn.weight_hh_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0"), "W_out": mustExpr(t, "fc.weight^T")}, "W_out"},
		{"missing W_out", Mapping{"W": mustExpr(t, "rnn.weight_hh_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0")}, "--map W_out"},
		{"unknown name", Mapping{"W": mustExpr(t, "rnn.weight_hh_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0"), "W_out": mustExpr(t, "readout.weight")}, "not found"},
		{"bias of wrong size", Mapping{"W": mustExpr(t, "rnn.weight_hh_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0"), "W_out": mustExpr(t, "fc.weight"), "b": mustExpr(t, "fc.bias")}, "b (fc.bias)"},
		{"rates out of range", Mapping{"W": mustExpr(t, "rnn.weight_hh_l0"), "W_in": mustExpr(t, "rnn.weight_ih_l0"), "W_out": mustExpr(t, "fc.weight"), "x0": mustExpr(t, "atanh(3*h0)")}, ""},
	}
	for _, c := range cases {
		_, err := Build(src, c.m)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "torch_rnn.pth") && c.name != "missing W_out" {
			t.Errorf("%s: error %q does not mention %q and the file", c.name, err, c.want)
		}
	}
}

func mustExpr(t *testing.T, s string) Expr {
	t.Helper()
	e, err := ParseExpr(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestParseExprRoundTrip(t *testing.T) {
	for _, s := range []string{"W", "1.5*G", "w^T", "bias_ih_l0+bias_hh_l0", "atanh(h0)", "fc.weight", "-2*a^T+b"} {
		e, err := ParseExpr(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if got := e.String(); got != s {
			t.Errorf("ParseExpr(%q).String() = %q", s, got)
		}
	}
	for _, s := range []string{"", "a+", "2*", "atanh(", "x^T^T", "a b"} {
		if _, err := ParseExpr(s); err == nil {
			t.Errorf("ParseExpr(%q) gave no error", s)
		}
	}
}
