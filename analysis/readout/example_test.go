package readout_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/readout"
)

// A readout vector 3·e₁ + 4·e₂ lies entirely in the plane of the first two
// axes: it projects 0.6 and 0.8 on them and spreads over about 1.85 axes.
func ExampleAlignBasis() {
	basis := []float64{
		1, 0, 0, // e₁
		0, 1, 0, // e₂
	}
	v := []float64{3, 4, 0}
	a, err := readout.AlignBasis(basis, 3, 2, v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("k = %d, c = %.2f, captured %.2f, PR %.4f\n", a.K, a.Projections, a.Captured, a.ParticipationRatio)
	// Output: k = 2, c = [0.60 0.80], captured 1.00, PR 1.8546
}

// With an unpenalised intercept, a large offset in the target goes into b
// and only the slope is shrunk.
func ExampleRidge_Fit() {
	x := []float64{-2, -1, 0, 1, 2}
	y := []float64{46, 48, 50, 52, 54} // 50 + 2x
	var r readout.Ridge
	if err := r.Fit(x, 1, y, 1, 10); err != nil {
		fmt.Println(err)
		return
	}
	// Sxx = 10, so the slope is 2·10/(10 + 10) = 1.
	fmt.Printf("λ = %g: slope %.3f, intercept %.3f\n", r.Lambda, r.W[0], r.B[0])
	// Output: λ = 10: slope 1.000, intercept 50.000
}
