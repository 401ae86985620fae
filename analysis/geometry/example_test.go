package geometry_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/geometry"
)

// Three conditions move along the same direction, offset in proportion to
// their stimulus value: the mean distance grows linearly with the value
// difference, and the trajectories are parallel.
func ExampleDistanceVsValue() {
	values := []float64{1, 2, 4}
	const steps = 5
	tr := geometry.Trajectories{Data: make([]float64, 3*steps*2), C: 3, T: steps, D: 2}
	for c, v := range values {
		for t := range steps {
			x := tr.State(c, t)
			x[0] = float64(t) // common motion along the first axis
			x[1] = 0.5 * v    // offset along the second
		}
	}
	fit, err := geometry.DistanceVsValue(tr, values, geometry.Window{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope %.2f, intercept %.2f, R² %.2f over %d pairs\n", fit.Slope, fit.Intercept, fit.R2, fit.Points)

	par, err := geometry.Parallelism(tr, 0, 2, geometry.Window{Start: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("mean cos %.2f over %d steps\n", par.MeanCos, par.Steps)
	// Output:
	// slope 0.50, intercept 0.00, R² 1.00 over 3 pairs
	// mean cos 1.00 over 3 steps
}
