package readout

import "math"

// Outside splits v (length N) into its part inside the span of the rows of
// basis, a k×N row-major matrix with orthonormal rows E, and the part
// outside:
//
//	r = v − Eᵀ·(E·v)
//	fraction = ‖r‖/‖v‖
//
// It stores r in dst and returns dst with the fraction. The fraction lies in
// [0, 1], and fraction² + Alignment.Captured = 1 for the same axes. A nil dst
// is allocated, and dst may be v itself. It returns an error when the rows are
// not orthonormal to 1e-8 or when v is zero or not finite. It panics when
// len(basis) ≠ k·N, len(v) ≠ N, or a non-nil dst has length other than N.
// Cost: O(k²·N) for the orthonormality check and O(k·N) for the split.
func Outside(dst, basis []float64, n, k int, v []float64) (r []float64, fraction float64, err error) {
	checkBasis(basis, n, k, v)
	if dst == nil {
		dst = make([]float64, n)
	}
	if len(dst) != n {
		panic("readout: Outside destination length is not N")
	}
	if err := checkOrthonormal(basis, n, k); err != nil {
		return dst, 0, err
	}
	norm, err := vectorNorm(v)
	if err != nil {
		return dst, 0, err
	}

	coef := make([]float64, k)
	for i := range k {
		coef[i] = dot(basis[i*n:(i+1)*n], v)
	}
	copy(dst, v)
	for i, c := range coef {
		ei := basis[i*n : (i+1)*n]
		for j := range dst {
			dst[j] -= c * ei[j]
		}
	}
	return dst, min(1, math.Sqrt(dot(dst, dst))/norm), nil
}
