package pca_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/analysis/pca"
)

// Four points around (100, 0) spread equally along both axes: the centred
// participation ratio is 2, while the uncentred one is close to 1 because
// the offset dominates the second-moment matrix.
func ExamplePCA() {
	x := []float64{
		101, 0,
		99, 0,
		100, 1,
		100, -1,
	}
	var p pca.PCA
	if err := p.Fit(x, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("variances %.4f\n", p.Variances(nil))
	fmt.Printf("centred PR %.4f\n", p.ParticipationRatio())

	un, err := pca.UncentredParticipationRatio(x, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("uncentred PR %.6f\n", un)
	// Output:
	// variances [0.6667 0.6667]
	// centred PR 2.0000
	// uncentred PR 1.000100
}

func ExamplePCA_KFor() {
	// Variances 9, 4 and 1 along the three unit axes.
	x := []float64{
		3, 0, 0,
		-3, 0, 0,
		0, 2, 0,
		0, -2, 0,
		0, 0, 1,
		0, 0, -1,
	}
	var p pca.PCA
	if err := p.Fit(x, 3); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cumulative %.3f\n", p.Cumulative(nil))
	fmt.Println("k for 90 %:", p.KFor(0.9))
	fmt.Println("k for 99 %:", p.KFor(0.99))
	// Output:
	// cumulative [0.643 0.929 1.000]
	// k for 90 %: 2
	// k for 99 %: 3
}
