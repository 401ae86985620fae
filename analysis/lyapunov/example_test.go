package lyapunov_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
	"github.com/rnnlab/rnnlab/model"
)

// A random network below the transition to chaos (g = 0.5) decays to the
// origin, where every exponent is ln|1 − α + α·μ|/α for an eigenvalue μ of
// W, close to Re μ − 1 per τ.
func ExampleSpectrum() {
	cfg := model.DefaultConfig()
	cfg.N = 50
	cfg.G = 0.5
	cfg.Seeds = model.DeriveSeeds(1)
	w, err := model.Init(&cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := lyapunov.Spectrum(w, model.Tanh{}, 0.1, lyapunov.Options{K: 3, Duration: 200})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("λ₁…λ₃ = %.2f per τ (%s)\n", res.Exponents, lyapunov.Units)
	fmt.Printf("Kaplan–Yorke dimension %.0f, entropy rate %.0f\n", res.KaplanYorke, res.EntropyRate)
	// Output:
	// λ₁…λ₃ = [-0.58 -0.64 -0.64] per τ (1/tau)
	// Kaplan–Yorke dimension 0, entropy rate 0
}

func ExampleKaplanYorke() {
	dim, saturated := lyapunov.KaplanYorke([]float64{0.2, 0.05, -0.1, -0.5})
	fmt.Printf("D_KY = %.2f, lower bound only: %v\n", dim, saturated)
	// Output: D_KY = 3.30, lower bound only: false
}
