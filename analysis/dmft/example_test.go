package dmft_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/dmft"
)

func ExampleDelta0() {
	d0, err := dmft.Delta0(2)
	if err != nil {
		panic(err)
	}
	lambda, err := dmft.LambdaMax(2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Δ₀ = %.6f, λ_max = %.6f per τ\n", d0, lambda)
	// Output: Δ₀ = 1.924805, λ_max = 0.112458 per τ
}

func ExampleTheory_Solve() {
	sol, err := dmft.Theory{Act: dmft.Tanh}.Solve(3)
	if err != nil {
		panic(err)
	}
	for _, s := range []float64{0, 1, 5} {
		fmt.Printf("Δ(%g) = %.4f\n", s, sol.At(s))
	}
	// Output:
	// Δ(0) = 5.4463
	// Δ(1) = 5.1318
	// Δ(5) = 2.1389
}
