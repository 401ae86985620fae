package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// analyzeResult mirrors the documented JSON keys of rnnlab analyze that
// the tests check.
type analyzeResult struct {
	TauMs   float64   `json:"tau_ms"`
	SweepMs []float64 `json:"sweep_durations_ms"`
	PCA     *struct {
		Window                      string    `json:"window"`
		Eigenvalues                 []float64 `json:"eigenvalues"`
		ExplainedRatio              []float64 `json:"explained_ratio"`
		K99                         int       `json:"k99"`
		ParticipationRatio          float64   `json:"participation_ratio"`
		ParticipationRatioCorrected *float64  `json:"participation_ratio_corrected"`
		Windows                     map[string]struct {
			K99 int `json:"k99"`
		} `json:"windows"`
	} `json:"pca"`
	Geometry *struct {
		SlopePerMs float64 `json:"slope_per_ms"`
		R2         float64 `json:"r2"`
		MeanAbsCos float64 `json:"parallelism_mean_abs_cos"`
	} `json:"geometry"`
	Alignment *struct {
		Windows map[string]struct {
			K   int `json:"k"`
			WIn []struct {
				Captured           float64  `json:"captured"`
				ParticipationRatio float64  `json:"participation_ratio"`
				Signed             *float64 `json:"signed_participation_ratio_sign_dependent"`
			} `json:"w_in"`
			WOut []struct {
				Captured float64 `json:"captured"`
			} `json:"w_out"`
		} `json:"windows"`
		CosInOut []struct {
			Trained float64  `json:"trained"`
			Initial *float64 `json:"initial"`
		} `json:"cos_in_out"`
	} `json:"alignment"`
	Readout *struct {
		Lambda         float64   `json:"lambda"`
		Lambdas        []float64 `json:"lambdas"`
		AtGridEdge     bool      `json:"lambda_at_grid_edge"`
		K              int       `json:"k"`
		Interpretation string    `json:"interpretation"`
		Outputs        []struct {
			CosFull               float64  `json:"cos_full"`
			CosSubspace           float64  `json:"cos_subspace"`
			OutsideFraction       float64  `json:"outside_fraction"`
			ValidationMSE         float64  `json:"validation_mse"`
			CosOutsideWithInitial *float64 `json:"cos_outside_with_initial"`
		} `json:"outputs"`
	} `json:"readout"`
}

func runAnalyzeJSON(t *testing.T, args ...string) analyzeResult {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"analyze"}, append(args, "--json")...)...)
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	var res analyzeResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return res
}

func checkUnit(t *testing.T, name string, v, lo float64) {
	t.Helper()
	if !(v >= lo && v <= 1) {
		t.Errorf("%s = %v, want a number in [%v, 1]", name, v, lo)
	}
}

func checkFigures(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		decodePNG(t, filepath.Join(dir, runio.FiguresDir, name+".png"))
		if _, err := os.Stat(filepath.Join(dir, runio.FiguresDir, name+".svg")); err != nil {
			t.Errorf("%s.svg: %v", name, err)
		}
	}
}

// TestAnalyzeThesisA1 runs every analysis on the imported thesis network
// with a short sweep and few readout trials, so it stays near 20 s.
func TestAnalyzeThesisA1(t *testing.T) {
	state := filepath.Join("..", "..", "..", "shared", "data", "thesis", "sys_A1_state.pth")
	init := filepath.Join("..", "..", "..", "shared", "data", "thesis", "sys_A1_init.npz")
	for _, f := range []string{state, init} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("thesis checkpoint missing: %v", err)
		}
	}
	dir := filepath.Join(t.TempDir(), "a1")
	if code, _, stderr := runCLI(t, "import", state, "--preset", "thesis", "--init", init, "--out", dir); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	res := runAnalyzeJSON(t, dir, "--sweep", "50,150,300", "--readout-trials", "8", "--signed")

	if res.TauMs != 100 {
		t.Errorf("tau_ms = %v, want 100", res.TauMs)
	}
	if res.PCA == nil || res.Geometry == nil || res.Alignment == nil || res.Readout == nil {
		t.Fatalf("missing sections: %+v", res)
	}
	if len(res.PCA.Eigenvalues) != 20 || len(res.PCA.ExplainedRatio) != 20 {
		t.Errorf("pca has %d eigenvalues and %d ratios, want 20 each", len(res.PCA.Eigenvalues), len(res.PCA.ExplainedRatio))
	}
	if res.PCA.K99 < 1 || res.PCA.K99 > 500 {
		t.Errorf("pca.k99 = %d, want 1 to 500", res.PCA.K99)
	}
	if !(res.PCA.ParticipationRatio >= 1) || res.PCA.ParticipationRatioCorrected == nil {
		t.Errorf("participation ratios %v, %v; want ≥ 1 and a corrected value", res.PCA.ParticipationRatio, res.PCA.ParticipationRatioCorrected)
	}
	for _, w := range []string{"whole", "memory", "spontaneous"} {
		if _, ok := res.PCA.Windows[w]; !ok {
			t.Errorf("pca.windows has no %q", w)
		}
	}

	if !(res.Geometry.SlopePerMs > 0) {
		t.Errorf("geometry.slope_per_ms = %v, want longer pulses further apart", res.Geometry.SlopePerMs)
	}
	checkUnit(t, "geometry.r2", res.Geometry.R2, 0)
	checkUnit(t, "geometry.parallelism_mean_abs_cos", res.Geometry.MeanAbsCos, 0)

	whole := res.Alignment.Windows["whole"]
	if len(whole.WIn) != 1 || len(whole.WOut) != 1 {
		t.Fatalf("alignment.windows.whole has %d w_in and %d w_out entries, want 1 each", len(whole.WIn), len(whole.WOut))
	}
	checkUnit(t, "w_in captured", whole.WIn[0].Captured, 0)
	checkUnit(t, "w_out captured", whole.WOut[0].Captured, 0)
	if whole.WIn[0].Signed == nil {
		t.Error("--signed gave no signed_participation_ratio_sign_dependent")
	}
	if len(res.Alignment.CosInOut) != 1 {
		t.Fatalf("cos_in_out has %d entries, want 1", len(res.Alignment.CosInOut))
	}
	// The thesis's published weight correlation of A1, and the same-draw
	// start w₀ = I₀/√500 before training.
	if c := res.Alignment.CosInOut[0]; abs(c.Trained-0.8806139230728149) > 1e-6 || c.Initial == nil || abs(*c.Initial-1) > 1e-6 {
		t.Errorf("cos_in_out = %v, initial %v; want 0.8806139 and 1", c.Trained, c.Initial)
	}

	r := res.Readout
	if len(r.Outputs) != 1 || r.Interpretation == "" || r.K < 1 {
		t.Fatalf("readout: %d outputs, k = %d, interpretation %q", len(r.Outputs), r.K, r.Interpretation)
	}
	if edge := r.Lambda == r.Lambdas[0] || r.Lambda == r.Lambdas[len(r.Lambdas)-1]; r.AtGridEdge != edge {
		t.Errorf("lambda_at_grid_edge = %v for λ = %v on the grid %v", r.AtGridEdge, r.Lambda, r.Lambdas)
	}
	o := r.Outputs[0]
	checkUnit(t, "readout cos_full", o.CosFull, -1)
	checkUnit(t, "readout cos_subspace", o.CosSubspace, -1)
	checkUnit(t, "readout outside_fraction", o.OutsideFraction, 0)
	if o.CosOutsideWithInitial == nil {
		t.Error("readout has no cos_outside_with_initial although init.safetensors exists")
	} else {
		checkUnit(t, "readout cos_outside_with_initial", *o.CosOutsideWithInitial, -1)
	}

	checkFigures(t, dir, "pca_trajectories", "pca_variance", "geometry_distance", "readout_comparison")
	for _, f := range []string{"analyze.json", "analyze_pca.npz", "analyze_geometry.npz", "analyze_readout.npz"} {
		if _, err := os.Stat(filepath.Join(dir, runio.AnalysisDir, f)); err != nil {
			t.Errorf("analysis file: %v", err)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestAnalyzeSmallRunOnly trains the small network and runs a subset of
// the analyses on its memory window in currents.
func TestAnalyzeSmallRunOnly(t *testing.T) {
	path := writeConfig(t, smallConfig)
	dir := filepath.Join(t.TempDir(), "run")
	if code, _, stderr := runCLI(t, "train", "--config", path, "--out", dir); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr)
	}
	res := runAnalyzeJSON(t, dir, "--only", "pca,alignment", "--window", "memory", "--space", "currents")
	if res.PCA == nil || res.Alignment == nil {
		t.Fatalf("missing pca or alignment: %+v", res)
	}
	if res.Geometry != nil || res.Readout != nil {
		t.Error("--only pca,alignment also ran geometry or readout")
	}
	if res.PCA.Window != "memory" {
		t.Errorf("pca.window = %q, want memory", res.PCA.Window)
	}
	for name, w := range res.Alignment.Windows {
		if w.K > 30 {
			t.Errorf("alignment window %s: k = %d exceeds N = 30", name, w.K)
		}
	}
	checkFigures(t, dir, "pca_trajectories", "pca_variance")

	// The default sweep (25, 50, …, 300 ms) is rounded to the run's
	// dt = 10 ms rather than rejected: 25 ms becomes 30 ms.
	geo := runAnalyzeJSON(t, dir, "--only", "geometry")
	want := []float64{30, 50, 80, 100, 130, 150, 180, 200, 230, 250, 280, 300}
	if !slices.Equal(geo.SweepMs, want) {
		t.Errorf("default sweep on dt = 10 ms: %v, want %v", geo.SweepMs, want)
	}
	if code, _, stderr := runCLI(t, "analyze", dir, "--only", "geometry", "--sweep", "25,50,100"); code != 2 ||
		!strings.Contains(stderr, "25 ms is not a whole number of steps") {
		t.Errorf("explicit --sweep 25,50,100 on dt = 10 ms: exit %d, stderr %q; want exit 2 naming 25 ms", code, stderr)
	}
}

func TestAnalyzeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"analyze", dir, "--only", "nonsense"},
		{"analyze", dir, "--window", "late"},
		{"analyze", dir, "--space", "spikes"},
		{"analyze"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitUsage, stderr)
		}
	}
}
