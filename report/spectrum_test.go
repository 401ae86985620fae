package report

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// diskSpectrum returns n values spread uniformly over the disk |μ| < r in
// conjugate pairs (plus one real value when n is odd), like the spectrum
// of a real random matrix.
func diskSpectrum(n int, r float64, seed uint64) []complex128 {
	rng := rand.New(rand.NewPCG(seed, 2))
	values := make([]complex128, 0, n)
	for len(values) < n {
		rho := r * math.Sqrt(rng.Float64())
		phi := math.Pi * rng.Float64()
		if n-len(values) == 1 {
			values = append(values, complex(r*(2*rng.Float64()-1), 0))
			break
		}
		values = append(values, complex(rho*math.Cos(phi), rho*math.Sin(phi)), complex(rho*math.Cos(phi), -rho*math.Sin(phi)))
	}
	return values
}

// samplePanels returns a panel for W (N = 300, g = 1.5, one real outlier
// at 2.4) and one for a small trained change ΔW with two outliers.
func samplePanels() []SpectrumPanel {
	w := append(diskSpectrum(299, 1.5, 1), 2.4)
	dw := append(diskSpectrum(298, 0.02, 2), 0.09+0.03i, 0.09-0.03i)
	return []SpectrumPanel{
		{Title: "W (N = 300)", Note: "r = g = 1.5 · max |μ|/r = 1.6 · 1 outlier", Eigenvalues: w,
			Radius: 1.5, Outliers: []complex128{2.4}, StabilityAlpha: 0.01},
		{Title: "ΔW = W − W_init", Note: "r = √N·std(ΔW) = 0.02 · 2 outliers", Eigenvalues: dw,
			Radius: 0.02, Outliers: []complex128{0.09 + 0.03i, 0.09 - 0.03i}},
	}
}

func TestSpectrumFigure(t *testing.T) {
	dir := t.TempDir()
	panels := samplePanels()
	if err := Spectrum(dir, "Eigenvalues of the connectivity", panels); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "spectrum", 2*spectrumPanelWidth, spectrumPanelWidth+spectrumExtraHeight)
	checkSVGTexts(t, dir, "spectrum",
		"Eigenvalues of the connectivity", "W (N = 300)", "ΔW = W − W_init", "Re μ", "Im μ",
		"eigenvalue μ", "outlier", "circular law |μ| = r", "x = 0 unstable beyond (Re μ ≈ 1)")
}

func TestSpectrumErrors(t *testing.T) {
	good := samplePanels()[0]
	cases := []struct {
		name   string
		panels []SpectrumPanel
		want   string
	}{
		{"no panel", nil, "panels is empty"},
		{"four panels", []SpectrumPanel{good, good, good, good}, "at most 3"},
		{"zero radius", []SpectrumPanel{{Title: "W", Eigenvalues: good.Eigenvalues}}, "Radius is 0"},
		{"infinite radius", []SpectrumPanel{{Title: "W", Eigenvalues: good.Eigenvalues, Radius: math.Inf(1)}}, "Radius is +Inf"},
		{"no eigenvalue", []SpectrumPanel{{Title: "W", Radius: 1}}, "no finite value"},
		{"only NaN", []SpectrumPanel{{Title: "W", Radius: 1, Eigenvalues: []complex128{complex(math.NaN(), 0)}}}, "no finite value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			checkError(t, Spectrum(dir, "", c.panels), c.want)
			checkNoFiles(t, dir)
		})
	}
}

func TestSpectrumSinglePanel(t *testing.T) {
	dir := t.TempDir()
	panel := samplePanels()[0]
	panel.Outliers = nil
	panel.EmpiricalRadius = 1.2
	if err := Spectrum(dir, "", []SpectrumPanel{panel}); err != nil {
		t.Fatal(err)
	}
	checkPNG(t, dir, "spectrum", spectrumMinWidth, spectrumPanelWidth+spectrumExtraHeight)
	texts := strings.Join(svgTexts(t, dir, "spectrum"), "\n")
	if strings.Contains(texts, "\noutlier\n") {
		t.Errorf("spectrum.svg without outliers has an outlier legend entry:\n%s", texts)
	}
	if !strings.Contains(texts, "|μ| = √N·std of the entries") {
		t.Errorf("spectrum.svg with an empirical radius has no legend entry for it:\n%s", texts)
	}
}
