package geometry

import (
	"fmt"
	"math"
)

// LinearFit is an ordinary least-squares line y ≈ Intercept + Slope·x.
type LinearFit struct {
	Slope, Intercept float64
	// R2 is the coefficient of determination 1 − SS_res/SS_tot. It is 1 when
	// every y is equal, because the fitted line (slope 0) then reproduces
	// them exactly and SS_tot = 0.
	R2 float64
	// Points is the number of (x, y) pairs.
	Points int
}

// FitLine fits y ≈ a + b·x by ordinary least squares:
//
//	b  = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²
//	a  = ȳ − b·x̄
//	R² = 1 − Σ(y − a − b·x)² / Σ(y − ȳ)²
//
// It returns an error when there are fewer than two points, when the
// values are not finite, or when every x is equal (b is then undefined). It
// panics when the lengths differ. Cost: O(n).
func FitLine(x, y []float64) (LinearFit, error) {
	if len(x) != len(y) {
		panic(fmt.Sprintf("geometry: FitLine with %d x values and %d y values", len(x), len(y)))
	}
	n := len(x)
	if n < 2 {
		return LinearFit{}, fmt.Errorf("geometry: %d point(s); a line needs at least 2", n)
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return LinearFit{}, fmt.Errorf("geometry: point %d = (%g, %g) is not finite", i, x[i], y[i])
		}
	}

	xMean, yMean := 0.0, 0.0
	for i := range x {
		xMean += x[i]
		yMean += y[i]
	}
	xMean /= float64(n)
	yMean /= float64(n)
	sxx, sxy, syy := 0.0, 0.0, 0.0
	for i := range x {
		dx, dy := x[i]-xMean, y[i]-yMean
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return LinearFit{}, fmt.Errorf("geometry: all %d x values equal %g, so no slope is defined", n, x[0])
	}

	slope := sxy / sxx
	intercept := yMean - slope*xMean
	fit := LinearFit{Slope: slope, Intercept: intercept, R2: 1, Points: n}
	if syy > 0 {
		ssRes := 0.0
		for i := range x {
			r := y[i] - intercept - slope*x[i]
			ssRes += r * r
		}
		fit.R2 = 1 - ssRes/syy
	}
	return fit, nil
}
