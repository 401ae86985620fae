package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/cmplx"
	"os"
	"slices"

	"github.com/rnnlab/rnnlab/analysis/spectrum"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

const spectrumUsage = `spectrum DIR [--json]

Computes the eigenvalues μ of the run's recurrent weights W and compares
them with the circular law: a matrix with independent entries of variance
r²/N has its eigenvalues spread uniformly over the disk |μ| ≤ r as N → ∞.
For W = g·J₀ as drawn by rnnlab the radius is r = g (model.g). Eigenvalues
beyond r·(1 + 4/√N) are outliers, because the edge of a finite random
matrix stays inside that.
The origin x = 0 of a network with φ′(0) = 1 loses stability when some
Re μ exceeds 1, so the disk shows how far a random network is from chaos,
and outliers show the structure that training added.

When init.safetensors holds a different W, the trained change
ΔW = W − W_init is analysed the same way against the disk of radius
√N·std(ΔW), the disk that ΔW would fill if its entries were independent.
Outliers of ΔW point to a structured, low-rank part. A ΔW close to low
rank also puts most eigenvalues near 0, so inner_fraction approaches 1.

An imported network need not have W = g·J₀ (rnnlab import records g but
applies it only with the thesis preset), so compare with empirical_radius
= √N·std(W) as well. The figure draws that circle dashed.

Writes DIR/analysis/spectrum.json, DIR/analysis/spectrum.npz
(eigenvalues_real, eigenvalues_imag, radius, and delta_w_eigenvalues_real,
delta_w_eigenvalues_imag, delta_w_radius when ΔW is analysed) and the
figure DIR/figures/spectrum.png and .svg. Eigenvalues are sorted by
decreasing modulus, so the outliers come first.

JSON keys: n, g, radius (r = g), empirical_radius (√N·std(W)), max_modulus,
max_modulus_ratio (max |μ|/r), inner_fraction (fraction with |μ| < r/2,
1/4 for the circular law), edge_tolerance (4/√N), outliers ([[re, im], ...]),
eigenvalues ([[re, im], ...]), imported (the run came from rnnlab
import), and delta_w, present only when ΔW is not zero, with the keys
radius (= empirical_radius = √N·std(ΔW)), empirical_radius, max_modulus,
max_modulus_ratio, inner_fraction, edge_tolerance, outliers and
eigenvalues of ΔW.`

// spectrumJSON is the stable JSON output of rnnlab spectrum.
type spectrumJSON struct {
	N int     `json:"n"`
	G float64 `json:"g"`
	spectrumSummary
	Imported bool             `json:"imported"`
	DeltaW   *spectrumSummary `json:"delta_w,omitempty"`
}

// spectrumSummary is the comparison of one matrix's eigenvalues with the
// circular law of radius Radius. Complex numbers are [re, im] pairs.
type spectrumSummary struct {
	Radius          float64      `json:"radius"`
	EmpiricalRadius float64      `json:"empirical_radius"`
	MaxModulus      float64      `json:"max_modulus"`
	MaxModulusRatio float64      `json:"max_modulus_ratio"`
	InnerFraction   float64      `json:"inner_fraction"`
	EdgeTolerance   float64      `json:"edge_tolerance"`
	Outliers        [][2]float64 `json:"outliers"`
	Eigenvalues     [][2]float64 `json:"eigenvalues"`

	values []complex128
}

func runSpectrum(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("spectrum", spectrumUsage, stderr)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("spectrum: want one run directory, got %d arguments", len(rest))
	}
	dir := rest[0]
	cfg, _, w, err := openRun(dir)
	if err != nil {
		return err
	}
	man, err := runio.ReadManifest(dir)
	if err != nil {
		return err
	}
	initW, err := loadInitW(dir, w.N)
	if err != nil {
		return err
	}

	out := spectrumJSON{N: w.N, G: cfg.Model.G, Imported: man.Source != nil}
	if !(out.G > 0) || math.IsInf(out.G, 1) {
		return fmt.Errorf("spectrum %s: model.g = %v in %s, expected a positive gain", dir, out.G, runio.ConfigFile)
	}
	full, err := compareWithCircle(w.W, w.N, out.G)
	if err != nil {
		return fmt.Errorf("spectrum %s: W: %w", dir, err)
	}
	out.spectrumSummary = *full
	if initW != nil && !slices.Equal(initW, w.W) {
		delta := make([]float64, len(w.W))
		for k := range delta {
			delta[k] = w.W[k] - initW[k]
		}
		if out.DeltaW, err = compareWithCircle(delta, w.N, 0); err != nil {
			return fmt.Errorf("spectrum %s: ΔW: %w", dir, err)
		}
	}

	if err := writeSpectrum(dir, &out); err != nil {
		return err
	}
	figs := runio.Path(dir, runio.FiguresDir)
	if err := os.MkdirAll(figs, 0o755); err != nil {
		return err
	}
	if err := report.Spectrum(figs, "Eigenvalues of the recurrent weights",
		spectrumPanels(&out, w, cfg.Model.Alpha())); err != nil {
		return fmt.Errorf("spectrum figure: %w", err)
	}

	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printSpectrum(stdout, "W", &out.spectrumSummary, "g")
	if out.Imported {
		fmt.Fprintf(stdout, "   imported network, so W need not be g·J₀: compare with √N·std(W) = %.4g\n", out.EmpiricalRadius)
	}
	if out.DeltaW != nil {
		printSpectrum(stdout, "ΔW = W − W_init", out.DeltaW, "√N·std(ΔW)")
	}
	fmt.Fprintf(stdout, "results in %s, figure %s\n", runio.Path(dir, runio.AnalysisDir),
		runio.Path(runio.Path(dir, runio.FiguresDir), "spectrum.png"))
	return nil
}

// compareWithCircle computes the eigenvalues of the n×n matrix m and
// compares them with the circular law of the given radius, or of radius
// √N·std(m) when radius is 0. A matrix whose entries all equal c has
// std(m) = 0 and so no disk to compare with. Its eigenvalues are N·c and
// N − 1 zeros, so every eigenvalue above rounding (1e-8·max |μ|) counts as
// an outlier, and the ratio and inner fraction are 0.
func compareWithCircle(m []float64, n int, radius float64) (*spectrumSummary, error) {
	values, err := spectrum.Eigenvalues(m, n)
	if err != nil {
		return nil, err
	}
	s := &spectrumSummary{EmpiricalRadius: empiricalRadius(m, n), values: values}
	if radius == 0 {
		radius = s.EmpiricalRadius
	}
	s.Radius = radius
	s.Eigenvalues = pairs(values)
	if radius > 0 {
		c := spectrum.CircularLaw(values, radius)
		s.MaxModulus, s.MaxModulusRatio, s.InnerFraction, s.EdgeTolerance = c.MaxModulus, c.MaxModulusRatio, c.InnerFraction, c.EdgeTolerance
		s.Outliers = pairs(c.Outliers)
		return s, nil
	}
	for _, mu := range values {
		s.MaxModulus = math.Max(s.MaxModulus, cmplx.Abs(mu))
	}
	var outliers []complex128
	for _, mu := range values {
		if cmplx.Abs(mu) > 1e-8*s.MaxModulus {
			outliers = append(outliers, mu)
		}
	}
	s.Outliers = pairs(outliers)
	return s, nil
}

// empiricalRadius returns √N·std(m) over the n² entries, the radius of the
// disk that the eigenvalues of a matrix with independent entries of that
// spread would fill. The mean is subtracted, because a common mean adds a
// single real eigenvalue of about N·mean and does not widen the disk.
func empiricalRadius(m []float64, n int) float64 {
	if len(m) == 0 {
		return 0
	}
	var mean float64
	for _, v := range m {
		mean += v
	}
	mean /= float64(len(m))
	var ss float64
	for _, v := range m {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt(float64(n) * ss / float64(len(m)))
}

// pairs converts complex numbers to [re, im] pairs for JSON. It never
// returns nil, so an empty list encodes as [].
func pairs(values []complex128) [][2]float64 {
	out := make([][2]float64, len(values))
	for i, v := range values {
		out[i] = [2]float64{real(v), imag(v)}
	}
	return out
}

// loadInitW returns W of DIR/init.safetensors, or nil when the run has no
// such file.
func loadInitW(dir string, n int) ([]float64, error) {
	path := runio.Path(dir, runio.InitFile)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	w0, _, err := runio.LoadWeights(path)
	if err != nil {
		return nil, err
	}
	if w0.N != n {
		return nil, fmt.Errorf("%s: W is %d×%d, but %s has N = %d", path, w0.N, w0.N, runio.WeightsFile, n)
	}
	return w0.W, nil
}

// writeSpectrum stores the result as DIR/analysis/spectrum.json and the
// eigenvalues as spectrum.npz.
func writeSpectrum(dir string, out *spectrumJSON) error {
	arrays := eigenTensors("", &out.spectrumSummary)
	if out.DeltaW != nil {
		arrays = append(arrays, eigenTensors("delta_w_", out.DeltaW)...)
	}
	return runio.WriteAnalysis(dir, "spectrum", out, arrays)
}

func eigenTensors(prefix string, s *spectrumSummary) []runio.Tensor {
	re := make([]float64, len(s.values))
	im := make([]float64, len(s.values))
	for i, v := range s.values {
		re[i], im[i] = real(v), imag(v)
	}
	return []runio.Tensor{
		{Name: prefix + "eigenvalues_real", Shape: []int{len(re)}, F64: re},
		{Name: prefix + "eigenvalues_imag", Shape: []int{len(im)}, F64: im},
		{Name: prefix + "radius", Shape: []int{}, F64: []float64{s.Radius}},
	}
}

// spectrumPanels describes the figure: W, and ΔW when it was analysed.
// The edge of stability of x = 0 is drawn only for a network without
// recurrent bias, because otherwise x = 0 is not a fixed point.
func spectrumPanels(out *spectrumJSON, w *model.Weights, alpha float64) []report.SpectrumPanel {
	full := report.SpectrumPanel{
		Title:       fmt.Sprintf("W (N = %d)", out.N),
		Note:        fmt.Sprintf("r = g = %.4g, max |μ|/r = %.3g, %s", out.Radius, out.MaxModulusRatio, outlierCount(len(out.Outliers))),
		Eigenvalues: out.values,
		Radius:      out.Radius,
		Outliers:    out.spectrumSummary.complexOutliers(),
	}
	if out.Imported {
		full.EmpiricalRadius = out.EmpiricalRadius
		full.Note = fmt.Sprintf("r = g = %.4g, √N·std(W) = %.3g, %s", out.Radius, out.EmpiricalRadius, outlierCount(len(out.Outliers)))
	}
	if !slices.ContainsFunc(w.B, func(b float64) bool { return b != 0 }) {
		full.StabilityAlpha = alpha
	}
	panels := []report.SpectrumPanel{full}
	if d := out.DeltaW; d != nil && d.Radius > 0 {
		panels = append(panels, report.SpectrumPanel{
			Title:       "ΔW = W − W_init",
			Note:        fmt.Sprintf("r = √N·std(ΔW) = %.3g, %s", d.Radius, outlierCount(len(d.Outliers))),
			Eigenvalues: d.values,
			Radius:      d.Radius,
			Outliers:    d.complexOutliers(),
		})
	}
	return panels
}

func (s *spectrumSummary) complexOutliers() []complex128 {
	out := make([]complex128, len(s.Outliers))
	for i, p := range s.Outliers {
		out[i] = complex(p[0], p[1])
	}
	return out
}

func outlierCount(n int) string {
	switch n {
	case 0:
		return "no outliers"
	case 1:
		return "1 outlier"
	}
	return fmt.Sprintf("%d outliers", n)
}

// printSpectrum points out that most eigenvalues sit near 0 when the inner
// fraction exceeds lowRankInnerFraction, twice the circular law's 1/4, for
// N ≥ lowRankMinN. At N = 100 the inner fraction of a random matrix has a
// binomial spread of about 0.04, so 0.5 is 6 of those away.
const (
	lowRankInnerFraction = 0.5
	lowRankMinN          = 100
)

// printSpectrum prints the comparison of one matrix with its disk.
func printSpectrum(w io.Writer, name string, s *spectrumSummary, radiusName string) {
	fmt.Fprintf(w, "%s: circular law of radius r = %s = %.4g\n", name, radiusName, s.Radius)
	if s.Radius == 0 {
		fmt.Fprintf(w, "   all entries are equal, so there is no disk; max |μ| = %.4g\n", s.MaxModulus)
		return
	}
	fmt.Fprintf(w, "   max |μ| = %.4g = %.3g·r; %.1f %% of the eigenvalues inside r/2 (law: 25 %%)\n",
		s.MaxModulus, s.MaxModulusRatio, 100*s.InnerFraction)
	if len(s.Eigenvalues) >= lowRankMinN && s.InnerFraction > lowRankInnerFraction {
		fmt.Fprintf(w, "   so many eigenvalues near 0 mean the entries are far from independent, e.g. a matrix close to low rank\n")
	}
	fmt.Fprintf(w, "   %s beyond r·(1 + 4/√N) = %.4g", outlierCount(len(s.Outliers)), s.Radius*(1+s.EdgeTolerance))
	for i, o := range s.Outliers {
		if i == 5 {
			fmt.Fprintf(w, ", …")
			break
		}
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(w, "%s%.4g%+.4gi", sep, o[0], o[1])
	}
	fmt.Fprintln(w)
}
