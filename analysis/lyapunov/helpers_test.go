package lyapunov

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/rnnlab/rnnlab/model"
)

// identity is the linear activation φ(x) = x, φ′ = 1, which turns the
// network into the linear map x(t+1) = ((1−α)·I + α·W)·x(t) + α·(W_in·u + b)
// with a constant Jacobian.
type identity struct{}

func (identity) Name() string                  { return "identity" }
func (identity) Apply(x float64) float64       { return x }
func (identity) DerivFromRate(float64) float64 { return 1 }

// randomNetwork returns the network of model.Init with N units, gain g and
// no inputs: W = g·J₀, J₀ᵢⱼ ~ N(0, 1/N) from the connectivity stream of the
// run seed.
func randomNetwork(t testing.TB, n int, g float64, seed uint64) *model.Weights {
	t.Helper()
	cfg := model.DefaultConfig()
	cfg.N = n
	cfg.G = g
	cfg.Seeds = model.DeriveSeeds(seed)
	w, err := model.Init(&cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// linearWeights returns a network with N units, W = a (N×N row-major) and
// no inputs or bias.
func linearWeights(n int, a []float64) *model.Weights {
	w := model.NewWeights(n, 0, 0)
	copy(w.W, a)
	return w
}

// randomState returns N draws of N(0, scale²).
func randomState(n int, scale float64, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, seed))
	x := make([]float64, n)
	for i := range x {
		x[i] = scale * rng.NormFloat64()
	}
	return x
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func relDiff(got, want float64) float64 {
	return math.Abs(got-want) / math.Abs(want)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func allFinite(v []float64) bool {
	return firstNonFinite(v) < 0
}
