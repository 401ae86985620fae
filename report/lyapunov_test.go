package report

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// runningLambda returns n running estimates over 1000 τ that start with
// large swings and settle near 0.09 per τ, like the QR method's average
// of noisy local expansion rates.
func runningLambda(n int, seed uint64) (timeTau, lambda []float64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	var sum float64
	for i := range n {
		t := 1000 * float64(i+1) / float64(n)
		sum += 0.09 + 1.5*rng.NormFloat64()
		timeTau = append(timeTau, t)
		lambda = append(lambda, sum/float64(i+1))
	}
	return timeTau, lambda
}

func sampleTrace() LyapunovTrace {
	timeTau, lambda := runningLambda(1000, 1)
	return LyapunovTrace{
		Title: "Largest Lyapunov exponent, N = 500, g = 2", TimeTau: timeTau, LambdaMax: lambda,
		Final: lambda[len(lambda)-1], Theory: 0.112458, TheoryLabel: "mean-field theory (N → ∞)",
		Note: "α = 0.1, burn-in 100 τ, QR every 1 τ, seed 1\nFinite N lowers λ_max below the theory",
	}
}

func TestLyapunovConvergenceFigure(t *testing.T) {
	dir := t.TempDir()
	tr := sampleTrace()
	if err := LyapunovConvergence(dir, tr); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "lyapunov_convergence", figureWidth, figureHeight)
	checkSVGTexts(t, dir, "lyapunov_convergence",
		"Largest Lyapunov exponent, N = 500, g = 2", "running estimate", "mean-field theory (N → ∞): 0.1125",
		"observation time (τ)", "running estimate of λ_max (per τ)", "Finite N lowers λ_max below the theory")
	// The early swings of ±1.5 per τ must not set the y range.
	texts := strings.Join(svgTexts(t, dir, "lyapunov_convergence"), "\n")
	if !strings.Contains(texts, "early estimates beyond the y axis not shown") {
		t.Errorf("lyapunov_convergence.svg does not say that early estimates were cut off:\n%s", texts)
	}
}

func TestLyapunovConvergenceWithoutTheory(t *testing.T) {
	dir := t.TempDir()
	tr := sampleTrace()
	tr.Theory, tr.TheoryLabel, tr.Note = math.NaN(), "", ""
	if err := LyapunovConvergence(dir, tr); err != nil {
		t.Fatal(err)
	}
	texts := strings.Join(svgTexts(t, dir, "lyapunov_convergence"), "\n")
	if strings.Contains(texts, "mean-field") {
		t.Errorf("lyapunov_convergence.svg without a theory mentions it:\n%s", texts)
	}
}

func TestLyapunovConvergenceErrors(t *testing.T) {
	with := func(change func(tr *LyapunovTrace)) LyapunovTrace {
		tr := sampleTrace()
		change(&tr)
		return tr
	}
	cases := []struct {
		name string
		tr   LyapunovTrace
		want string
	}{
		{"no time", with(func(tr *LyapunovTrace) { tr.TimeTau, tr.LambdaMax = nil, nil }), "TimeTau is empty"},
		{"short estimates", with(func(tr *LyapunovTrace) { tr.LambdaMax = tr.LambdaMax[:10] }), "LambdaMax has 10 values"},
		{"all NaN", with(func(tr *LyapunovTrace) { fill(tr.LambdaMax, math.NaN()) }), "no finite value"},
		{"NaN final", with(func(tr *LyapunovTrace) { tr.Final = math.NaN() }), "Final is NaN"},
		{"infinite theory", with(func(tr *LyapunovTrace) { tr.Theory = math.Inf(1) }), "Theory is +Inf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			checkError(t, LyapunovConvergence(dir, c.tr), c.want)
			checkNoFiles(t, dir)
		})
	}
}
