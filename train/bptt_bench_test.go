package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/task"
)

// benchProblem builds a batch of B random trials of T steps for a network
// of N units with I inputs and one output, every step counted.
func benchProblem(n, in, T, B int) (*model.Weights, []*task.Trial) {
	rng := rand.New(rand.NewPCG(1, 1))
	w := model.NewWeights(n, in, 1)
	for i := range w.W {
		w.W[i] = 1.5 * rng.NormFloat64() / math.Sqrt(float64(n))
	}
	for i := range w.WIn {
		w.WIn[i] = rng.NormFloat64()
	}
	for i := range w.WOut {
		w.WOut[i] = rng.NormFloat64() / math.Sqrt(float64(n))
	}
	trials := make([]*task.Trial, B)
	for b := range trials {
		tr := &task.Trial{Input: make([]float64, T*in), Target: make([]float64, T), Mask: make([]float64, T)}
		for i := range tr.Input {
			tr.Input[i] = rng.NormFloat64()
		}
		for i := range tr.Target {
			tr.Target[i] = rng.NormFloat64()
			tr.Mask[i] = 1
		}
		trials[b] = tr
	}
	return w, trials
}

// BenchmarkLossAndGrad times one forward and backward pass over a batch in
// one chunk, reporting the rate of its matrix products (4·B·T·N² flops,
// 6·B·T·N² when W trains) in GFLOP/s.
func BenchmarkLossAndGrad(b *testing.B) {
	cases := []struct {
		name        string
		n, in, T, B int
		alpha       float64
		trainW      bool
	}{
		{"thesis", 500, 1, 1000, 32, 0.01, false},
		{"small", 128, 3, 200, 64, 0.1, true},
	}
	for _, c := range cases {
		for _, dtype := range []string{"float32", "float64"} {
			b.Run(fmt.Sprintf("%s/%s", c.name, dtype), func(b *testing.B) {
				w, trials := benchProblem(c.n, c.in, c.T, c.B)
				flags := [numGroups]bool{gWIn: true, gWOut: true, gW: c.trainW, gB: c.trainW}
				flops := 4.0
				if c.trainW {
					flops = 6
				}
				flops *= float64(c.B * c.T * c.n * c.n)
				if dtype == "float32" {
					benchRun[float32](b, w, trials, c.alpha, &flags, flops)
				} else {
					benchRun[float64](b, w, trials, c.alpha, &flags, flops)
				}
			})
		}
	}
}

func benchRun[F float32 | float64](b *testing.B, w *model.Weights, trials []*task.Trial, alpha float64, flags *[numGroups]bool, flops float64) {
	p := newNet[F](w, alpha)
	c := newChunk[F](w.N, w.I, w.O, len(trials), len(trials[0].Mask), 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		lossAndGrad(p, c, trials, len(trials), flags, 0, nil)
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
