package main

import (
	"encoding/json"
	"image"
	"image/png"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// spectrumResult mirrors the documented JSON keys of rnnlab spectrum.
type spectrumResult struct {
	N               int          `json:"n"`
	G               float64      `json:"g"`
	Radius          float64      `json:"radius"`
	EmpiricalRadius float64      `json:"empirical_radius"`
	MaxModulus      float64      `json:"max_modulus"`
	MaxModulusRatio float64      `json:"max_modulus_ratio"`
	InnerFraction   float64      `json:"inner_fraction"`
	EdgeTolerance   float64      `json:"edge_tolerance"`
	Outliers        [][2]float64 `json:"outliers"`
	Eigenvalues     [][2]float64 `json:"eigenvalues"`
	Imported        bool         `json:"imported"`
	DeltaW          *struct {
		Radius          float64      `json:"radius"`
		EmpiricalRadius float64      `json:"empirical_radius"`
		MaxModulus      float64      `json:"max_modulus"`
		MaxModulusRatio float64      `json:"max_modulus_ratio"`
		InnerFraction   float64      `json:"inner_fraction"`
		Outliers        [][2]float64 `json:"outliers"`
		Eigenvalues     [][2]float64 `json:"eigenvalues"`
	} `json:"delta_w"`
}

// runSpectrumJSON runs rnnlab spectrum DIR --json and decodes its output.
func runSpectrumJSON(t *testing.T, dir string) spectrumResult {
	t.Helper()
	code, stdout, stderr := runCLI(t, "spectrum", dir, "--json")
	if code != 0 {
		t.Fatalf("spectrum: exit %d: %s", code, stderr)
	}
	var res spectrumResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return res
}

// decodePNG decodes a PNG file and returns its size in pixels.
func decodePNG(t *testing.T, path string) image.Point {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s does not decode: %v", path, err)
	}
	return img.Bounds().Size()
}

// checkNonEmpty fails unless every file exists and is not empty.
func checkNonEmpty(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("%s is missing or empty (%v)", p, err)
		}
	}
}

func TestSpectrumRandomNetworkCircularLaw(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rand")
	mustRunCLI(t, "init", "--n", "300", "--g", "1.5", "--out", dir)
	res := runSpectrumJSON(t, dir)

	if res.N != 300 || res.G != 1.5 || res.Radius != 1.5 {
		t.Errorf("n = %d, g = %v, radius = %v; want 300, 1.5, 1.5", res.N, res.G, res.Radius)
	}
	// Circular law: max |μ| → g, and a quarter of the eigenvalues lie inside
	// g/2 as N → ∞. The tolerances allow for the fluctuations at N = 300.
	if res.MaxModulusRatio < 0.9 || res.MaxModulusRatio > 1.1 {
		t.Errorf("max_modulus_ratio = %v, want in [0.9, 1.1]", res.MaxModulusRatio)
	}
	if math.Abs(res.InnerFraction-0.25) > 0.05 {
		t.Errorf("inner_fraction = %v, want 0.25 ± 0.05", res.InnerFraction)
	}
	if len(res.Outliers) != 0 {
		t.Errorf("a Gaussian W has outliers %v", res.Outliers)
	}
	if math.Abs(res.EmpiricalRadius-1.5) > 0.02 {
		t.Errorf("empirical_radius = %v, want √N·std(W) ≈ g = 1.5", res.EmpiricalRadius)
	}
	if res.Imported || res.DeltaW != nil {
		t.Errorf("imported = %v, delta_w = %v; want false and absent for a network from init", res.Imported, res.DeltaW)
	}

	if len(res.Eigenvalues) != 300 {
		t.Fatalf("%d eigenvalues, want 300", len(res.Eigenvalues))
	}
	modulus := func(p [2]float64) float64 { return cmplx.Abs(complex(p[0], p[1])) }
	for i := 1; i < len(res.Eigenvalues); i++ {
		if modulus(res.Eigenvalues[i]) > modulus(res.Eigenvalues[i-1]) {
			t.Fatalf("eigenvalues[%d] has a larger modulus than eigenvalues[%d]; want decreasing", i, i-1)
		}
	}
	if got := modulus(res.Eigenvalues[0]); got != res.MaxModulus {
		t.Errorf("max_modulus = %v, but |eigenvalues[0]| = %v", res.MaxModulus, got)
	}

	adir := filepath.Join(dir, runio.AnalysisDir)
	arrays, err := runio.LoadNPZ(filepath.Join(adir, "spectrum.npz"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range arrays {
		if (a.Name == "eigenvalues_real" || a.Name == "eigenvalues_imag") && a.Len() != 300 {
			t.Errorf("spectrum.npz: %s has %d values, want 300", a.Name, a.Len())
		}
		if a.Name == "eigenvalues_real" && a.F64[0] != res.Eigenvalues[0][0] {
			t.Errorf("spectrum.npz: eigenvalues_real[0] = %v, JSON has %v", a.F64[0], res.Eigenvalues[0][0])
		}
	}
	if len(arrays) != 3 {
		t.Errorf("spectrum.npz has %d arrays, want 3 (eigenvalues_real, eigenvalues_imag, radius)", len(arrays))
	}

	figs := filepath.Join(dir, runio.FiguresDir)
	checkNonEmpty(t, filepath.Join(adir, "spectrum.json"), filepath.Join(figs, "spectrum.png"), filepath.Join(figs, "spectrum.svg"))
	// One panel: the figure is 11 cm wide, 650 pixels at 150 dpi.
	if size := decodePNG(t, filepath.Join(figs, "spectrum.png")); size.X != 650 {
		t.Errorf("spectrum.png is %d pixels wide, want 650 for one panel", size.X)
	}
}

func TestSpectrumTrainedRunReportsDeltaW(t *testing.T) {
	// smallConfig trains only W_in and W_out, as the thesis did.
	path := writeConfig(t, smallConfig+"trainable = [\"W\", \"W_in\", \"W_out\"]\n")
	dir := filepath.Join(t.TempDir(), "run")
	mustRunCLI(t, "train", "--config", path, "--out", dir)
	res := runSpectrumJSON(t, dir)

	if res.DeltaW == nil {
		t.Fatal("a trained run has no delta_w")
	}
	d := res.DeltaW
	if len(d.Eigenvalues) != 30 || !(d.Radius > 0) || d.Radius != d.EmpiricalRadius {
		t.Errorf("delta_w: %d eigenvalues, radius %v, empirical_radius %v; want 30 and radius = empirical_radius > 0",
			len(d.Eigenvalues), d.Radius, d.EmpiricalRadius)
	}
	// A few Adam steps change W by far less than its own spread g.
	if !(d.Radius < 0.5*res.Radius) {
		t.Errorf("delta_w radius %v is not small against g = %v", d.Radius, res.Radius)
	}
	if d.Outliers == nil {
		t.Error("delta_w outliers is null, want a list")
	}

	arrays, err := runio.LoadNPZ(filepath.Join(dir, runio.AnalysisDir, "spectrum.npz"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range arrays {
		names = append(names, a.Name)
	}
	for _, want := range []string{"delta_w_eigenvalues_real", "delta_w_eigenvalues_imag", "delta_w_radius"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("spectrum.npz has %v, no %s", names, want)
		}
	}
	// Two panels: 16 cm, 945 pixels at 150 dpi.
	if size := decodePNG(t, filepath.Join(dir, runio.FiguresDir, "spectrum.png")); size.X != 945 {
		t.Errorf("spectrum.png is %d pixels wide, want 945 for the W and ΔW panels", size.X)
	}

	code, stdout, stderr := runCLI(t, "spectrum", dir)
	if code != 0 || !strings.Contains(stdout, "ΔW = W − W_init") {
		t.Errorf("text output: exit %d, stdout %q, stderr %q; want a ΔW line", code, stdout, stderr)
	}
}

func TestSpectrumFrozenWHasNoDeltaW(t *testing.T) {
	// smallConfig trains only W_in and W_out, so W equals W_init.
	path := writeConfig(t, smallConfig)
	dir := filepath.Join(t.TempDir(), "run")
	mustRunCLI(t, "train", "--config", path, "--out", dir)
	if res := runSpectrumJSON(t, dir); res.DeltaW != nil {
		t.Errorf("delta_w = %+v for a run whose W was frozen, want absent", res.DeltaW)
	}
}

func TestSpectrumImportedNetworkEmpiricalRadius(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "imported")
	mustRunCLI(t, pulseRNNImportArgs(dir)...)
	res := runSpectrumJSON(t, dir)
	if !res.Imported || res.N != 8 || len(res.Eigenvalues) != 8 {
		t.Errorf("imported = %v, n = %d, %d eigenvalues; want true, 8, 8", res.Imported, res.N, len(res.Eigenvalues))
	}
	if !(res.EmpiricalRadius > 0) {
		t.Errorf("empirical_radius = %v, want > 0", res.EmpiricalRadius)
	}
	checkNonEmpty(t, filepath.Join(dir, runio.FiguresDir, "spectrum.png"))
}

func TestSpectrumUsageErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rand")
	mustRunCLI(t, "init", "--n", "10", "--g", "1.5", "--out", dir)
	cases := [][]string{
		{"spectrum"},
		{"spectrum", dir, dir},
		{"spectrum", dir, "--frobnicate"},
		{"spectrum", filepath.Join(t.TempDir(), "missing")},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit code %d, want %d; stderr: %s", args, code, exitUsage, stderr)
		}
	}
}
