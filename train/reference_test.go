package train

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// gradCase is one case of testdata/grad_reference.json, made by
// scripts/fixtures/make_grad_fixtures.py with torch 1.13 float64 autograd.
type gradCase struct {
	Name               string
	N, Inputs, Outputs int
	Steps, Batch       int
	Alpha              float64
	SigmaRec           float64 `json:"sigma_rec"`
	W, WIn, WOut       [][]float64
	B, BOut, X0        []float64
	U, Noise, Target   [][][]float64
	Mask               [][]float64
	Loss               float64
	Grad               map[string]json.RawMessage
}

func (c *gradCase) UnmarshalJSON(data []byte) error {
	type plain gradCase
	var raw struct {
		plain
		WIn  [][]float64 `json:"W_in"`
		WOut [][]float64 `json:"W_out"`
		BOut []float64   `json:"b_out"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*c = gradCase(raw.plain)
	c.WIn, c.WOut, c.BOut = raw.WIn, raw.WOut, raw.BOut
	return nil
}

func flatten2(m [][]float64) []float64 {
	var out []float64
	for _, row := range m {
		out = append(out, row...)
	}
	return out
}

func flatten3(m [][][]float64) []float64 {
	var out []float64
	for _, a := range m {
		out = append(out, flatten2(a)...)
	}
	return out
}

// torchGradTolerance bounds the relative difference from torch's float64
// autograd; both are exact float64 evaluations of the same sums in
// different orders.
const torchGradTolerance = 1e-10

func TestGradientsMatchTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/grad_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []gradCase }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in grad_reference.json")
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			n, in, out, T, B := c.N, c.Inputs, c.Outputs, c.Steps, c.Batch
			w := &model.Weights{N: n, I: in, O: out, W: flatten2(c.W), WIn: flatten2(c.WIn),
				WOut: flatten2(c.WOut), B: c.B, BOut: c.BOut, X0: c.X0}
			trials := make([]*task.Trial, B)
			for b := range trials {
				tr := &task.Trial{}
				for s := 0; s < T; s++ {
					tr.Input = append(tr.Input, c.U[s][b]...)
					tr.Target = append(tr.Target, c.Target[s][b]...)
					tr.Mask = append(tr.Mask, c.Mask[s][b])
				}
				trials[b] = tr
			}
			all := [numGroups]bool{true, true, true, true, true, true}
			p := newNet[float64](w, c.Alpha)
			ch := newChunk[float64](n, in, out, B, T, 0)
			loss := lossAndGrad(p, ch, trials, B, &all, c.SigmaRec, fixedNoise(flatten3(c.Noise), B, n))
			if d := math.Abs(loss - c.Loss); d > torchGradTolerance*math.Abs(c.Loss) {
				t.Errorf("loss = %.17g, torch %.17g", loss, c.Loss)
			}
			for g, name := range model.Groups {
				var ref []float64
				var v any
				if err := json.Unmarshal(c.Grad[name], &v); err != nil {
					t.Fatalf("grad %s: %v", name, err)
				}
				switch x := v.(type) {
				case []any:
					for _, e := range x {
						switch y := e.(type) {
						case float64:
							ref = append(ref, y)
						case []any:
							for _, z := range y {
								ref = append(ref, z.(float64))
							}
						}
					}
				}
				if len(ref) != len(ch.grad[g]) {
					t.Fatalf("grad %s: fixture has %d entries, want %d", name, len(ref), len(ch.grad[g]))
				}
				diff, norm := 0.0, 0.0
				for i, r := range ref {
					d := ch.grad[g][i] - r
					diff += d * d
					norm += r * r
				}
				if rel := math.Sqrt(diff / norm); !(rel <= torchGradTolerance) {
					t.Errorf("grad %s: relative difference from torch %.3g, want ≤ %g", name, rel, torchGradTolerance)
				}
			}
		})
	}
}

func TestAdamMatchesTorch(t *testing.T) {
	data, err := os.ReadFile("testdata/adam_reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []struct {
			LR, Beta1, Beta2, Eps float64
			P0                    []float64
			Grads, Params         [][]float64
		}
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases in adam_reference.json")
	}
	// adamTolerance: torch 1.13 float64 and this code round the same
	// formula in a different order.
	const adamTolerance = 1e-14
	for ci, c := range file.Cases {
		opt := NewAdam[float64](c.LR, c.Beta1, c.Beta2, c.Eps, []int{len(c.P0)})
		p := append([]float64(nil), c.P0...)
		for s, g := range c.Grads {
			opt.Update([][]float64{p}, [][]float64{g})
			for i := range p {
				if d := math.Abs(p[i] - c.Params[s][i]); d > adamTolerance*math.Max(1, math.Abs(c.Params[s][i])) {
					t.Errorf("case %d step %d: p[%d] = %.17g, torch %.17g", ci, s+1, i, p[i], c.Params[s][i])
				}
			}
		}
	}
}
