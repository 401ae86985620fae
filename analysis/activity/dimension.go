package activity

import (
	"errors"

	"github.com/rnnlab/rnnlab/analysis/pca"
)

// Dimension is the participation ratio PR = (Σλᵢ)²/Σλᵢ² of the eigenvalues
// λᵢ of the centred covariance of one window.
type Dimension struct {
	// PR is the plain ratio of the sample covariance, which is biased low
	// when T is not much larger than N.
	PR float64
	// Corrected is the bias-corrected estimate of pca.ParticipationRatioCorrected
	// with T − 1 degrees of freedom. CorrectedOK is false when that
	// estimate is undefined, and Corrected is then 0.
	//
	// NOTE: the correction assumes independent samples. Successive time
	// steps of a trajectory are correlated over about the correlation time,
	// so the effective number of samples is smaller than T and the
	// corrected value still lies below the population PR.
	Corrected   float64
	CorrectedOK bool
	// ZeroVariance is set when every unit is constant over the window,
	// and PR and Corrected are then 0.
	ZeroVariance bool
}

// ParticipationRatio computes the participation ratio of the T×N row-major
// trajectory x by a PCA of its centred covariance. A window of constant
// units gives ZeroVariance and no error. It returns an error when T < 2, x
// holds NaN or ±Inf, or the eigensolver fails. Cost: O(T·N²) for the
// covariance plus O(N³) for the eigendecomposition, with about T·N + 4·N²
// float64 values of workspace.
func ParticipationRatio(x []float64, n int) (Dimension, error) {
	if _, err := checkTrajectory(x, n); err != nil {
		return Dimension{}, err
	}
	var p pca.PCA
	if err := p.Fit(x, n); err != nil {
		if errors.Is(err, pca.ErrZeroVariance) {
			return Dimension{ZeroVariance: true}, nil
		}
		return Dimension{}, err
	}
	d := Dimension{PR: p.ParticipationRatio()}
	d.Corrected, d.CorrectedOK = p.ParticipationRatioCorrected()
	return d, nil
}
