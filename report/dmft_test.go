package report

import (
	"math"
	"testing"
)

// sechCorrelation returns a mean-field state whose Δ(s)/Δ₀ = sech(κ·s),
// close in shape to the chaotic state at g = 2 and with the exponential
// tail 2·e^{−κ·s}, on n lags from 0 to sMax.
func sechCorrelation(n int, sMax, kappa float64) MeanField {
	mf := MeanField{Gain: 2, Delta0: 1.9248, DecayRate: kappa, LambdaMax: 0.1125}
	for i := range n {
		s := sMax * float64(i) / float64(n-1)
		mf.STau = append(mf.STau, s)
		mf.Delta = append(mf.Delta, mf.Delta0/math.Cosh(kappa*s))
	}
	return mf
}

func TestMeanFieldAutocorrelationFigure(t *testing.T) {
	dir := t.TempDir()
	if err := MeanFieldAutocorrelation(dir, sechCorrelation(201, 50, 0.228)); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "dmft_autocorrelation", figureWidth, figureHeight)
	checkSVGTexts(t, dir, "dmft_autocorrelation",
		"Mean-field autocorrelation at g = 2 (N → ∞)", "Δ(s)/Δ₀", "lag s (τ)", "Δ(s) / Δ₀", "Δ(s) / Δ₀ (log scale)",
		"exponential tail A·e^(−κs), κ = 0.228 per τ", "0.001")
}

func TestMeanFieldQuiescentFigure(t *testing.T) {
	dir := t.TempDir()
	mf := MeanField{Gain: 0.5, STau: []float64{0, 5, 10}, Delta: []float64{0, 0, 0}, LambdaMax: -0.5}
	if err := MeanFieldAutocorrelation(dir, mf); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "dmft_autocorrelation", figureWidth, figureHeight)
	checkSVGTexts(t, dir, "dmft_autocorrelation", "Δ(s) = 0", "Δ(s)")
}

func TestMeanFieldAutocorrelationErrors(t *testing.T) {
	good := sechCorrelation(11, 10, 0.2)
	with := func(change func(mf *MeanField)) MeanField {
		mf := good
		mf.STau = append([]float64(nil), good.STau...)
		mf.Delta = append([]float64(nil), good.Delta...)
		change(&mf)
		return mf
	}
	cases := []struct {
		name string
		mf   MeanField
		want string
	}{
		{"no lags", with(func(mf *MeanField) { mf.STau, mf.Delta = nil, nil }), "STau is empty"},
		{"one lag", with(func(mf *MeanField) { mf.STau, mf.Delta = mf.STau[:1], mf.Delta[:1] }), "at least two"},
		{"repeated lag", with(func(mf *MeanField) { mf.STau[3] = mf.STau[2] }), "STau must increase"},
		{"short delta", with(func(mf *MeanField) { mf.Delta = mf.Delta[:5] }), "Delta has 5 values"},
		{"negative delta", with(func(mf *MeanField) { mf.Delta[4] = -1 }), "Delta[4] is -1"},
		{"NaN delta0", with(func(mf *MeanField) { mf.Delta0 = math.NaN() }), "Delta0 is NaN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			checkError(t, MeanFieldAutocorrelation(dir, c.mf), c.want)
			checkNoFiles(t, dir)
		})
	}
}
