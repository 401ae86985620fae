package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// dmftResult mirrors the documented JSON keys of rnnlab dmft.
type dmftResult struct {
	G               float64  `json:"g"`
	Dynamics        string   `json:"dynamics"`
	Activation      string   `json:"activation"`
	CriticalGain    float64  `json:"critical_gain"`
	LambdaMax       float64  `json:"lambda_max"`
	Units           string   `json:"units"`
	Delta0          *float64 `json:"delta0"`
	DecayRate       *float64 `json:"decay_rate"`
	Q               *float64 `json:"q"`
	Autocorrelation *struct {
		STau  []float64 `json:"s_tau"`
		Delta []float64 `json:"delta"`
	} `json:"autocorrelation"`
}

func runDMFTJSON(t *testing.T, args ...string) dmftResult {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"dmft", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("dmft %v: exit %d: %s", args, code, stderr)
	}
	var res dmftResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return res
}

func TestDMFTPublishedValuesFlow(t *testing.T) {
	res := runDMFTJSON(t, "--g", "2")
	// The reference values that analysis/dmft's tests check: Δ₀ = 1.924805
	// solves Δ₀²/2 = g²·Var[ln cosh(√Δ₀·z)] at g = 2, and λ_max = 0.112458
	// per τ follows from the ground state of the DMFT operator.
	if res.Delta0 == nil || math.Abs(*res.Delta0-1.924805)/1.924805 > 1e-4 {
		t.Errorf("delta0 = %v, want 1.924805 within 1e-4 relative", res.Delta0)
	}
	if math.Abs(res.LambdaMax-0.112458) > 1e-3 {
		t.Errorf("lambda_max = %v, want 0.112458 within 1e-3", res.LambdaMax)
	}
	if res.Dynamics != "flow" || res.Units != "1/tau" || res.CriticalGain != 1 || res.Activation != "tanh" {
		t.Errorf("dynamics %q, units %q, critical_gain %v, activation %q; want flow, 1/tau, 1, tanh",
			res.Dynamics, res.Units, res.CriticalGain, res.Activation)
	}
	if res.DecayRate == nil || !(*res.DecayRate > 0) || res.Q != nil {
		t.Errorf("decay_rate %v, q %v; want a positive decay rate and no q", res.DecayRate, res.Q)
	}

	ac := res.Autocorrelation
	if ac == nil || len(ac.STau) != 201 || len(ac.Delta) != 201 {
		t.Fatalf("autocorrelation %+v, want 201 lags", ac)
	}
	if ac.STau[0] != 0 || ac.Delta[0] != *res.Delta0 {
		t.Errorf("Δ(%v) = %v, want Δ(0) = delta0 = %v", ac.STau[0], ac.Delta[0], *res.Delta0)
	}
	for i := 1; i < len(ac.Delta); i++ {
		if !(ac.Delta[i] < ac.Delta[i-1]) || !(ac.Delta[i] > 0) {
			t.Fatalf("Δ(s) at s = %v is %v after %v; want positive and decreasing", ac.STau[i], ac.Delta[i], ac.Delta[i-1])
		}
	}
	if last := ac.Delta[len(ac.Delta)-1] / *res.Delta0; !(last < 0.01) {
		t.Errorf("the automatic grid ends at Δ/Δ₀ = %v, want below 0.01", last)
	}
}

func TestDMFTPublishedValuesMap(t *testing.T) {
	res := runDMFTJSON(t, "--map", "--g", "3")
	// Mean-field map x(t+1) = J·tanh(x(t)) at g = 3: q = 6.30539 and
	// λ_max = ½·ln(g²·E[sech⁴(√q z)]) = 0.310249 per step.
	if math.Abs(res.LambdaMax-0.310249) > 1e-5 {
		t.Errorf("lambda_max = %v, want 0.310249", res.LambdaMax)
	}
	if res.Q == nil || math.Abs(*res.Q-6.30539) > 1e-4 {
		t.Errorf("q = %v, want 6.30539", res.Q)
	}
	if res.Dynamics != "map" || res.Units != "1/step" || res.Delta0 != nil || res.Autocorrelation != nil {
		t.Errorf("dynamics %q, units %q, delta0 %v, autocorrelation present %v; want map, 1/step, none, none",
			res.Dynamics, res.Units, res.Delta0, res.Autocorrelation != nil)
	}
}

func TestDMFTBelowCriticalGain(t *testing.T) {
	res := runDMFTJSON(t, "--g", "0.5")
	// Exact for g < 1: the origin is stable, Δ ≡ 0 and λ_max = g − 1.
	if res.Delta0 == nil || *res.Delta0 != 0 {
		t.Errorf("delta0 = %v, want 0", res.Delta0)
	}
	if res.LambdaMax != -0.5 {
		t.Errorf("lambda_max = %v, want −0.5", res.LambdaMax)
	}
	if res.DecayRate != nil {
		t.Errorf("decay_rate = %v, want absent for g ≤ 1", *res.DecayRate)
	}
	for i, d := range res.Autocorrelation.Delta {
		if d != 0 {
			t.Fatalf("Δ(%v) = %v, want 0", res.Autocorrelation.STau[i], d)
		}
	}
	mapRes := runDMFTJSON(t, "--map", "--g", "0.5")
	if mapRes.Q == nil || *mapRes.Q != 0 || math.Abs(mapRes.LambdaMax-math.Log(0.5)) > 1e-15 {
		t.Errorf("map at g = 0.5: q %v, lambda_max %v; want 0 and ln 0.5", mapRes.Q, mapRes.LambdaMax)
	}
}

func TestDMFTOutWritesJSONAndFigure(t *testing.T) {
	for _, g := range []string{"2", "0.5"} {
		dir := filepath.Join(t.TempDir(), "dmft")
		code, stdout, stderr := runCLI(t, "dmft", "--g", g, "--s-max", "30", "--points", "61", "--out", dir)
		if code != 0 {
			t.Fatalf("g = %s: exit %d: %s", g, code, stderr)
		}
		if !strings.Contains(stdout, "λ_max") {
			t.Errorf("g = %s: text output %q has no λ_max", g, stdout)
		}
		data, err := os.ReadFile(filepath.Join(dir, "dmft.json"))
		if err != nil {
			t.Fatal(err)
		}
		var res dmftResult
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatalf("dmft.json: %v", err)
		}
		if ac := res.Autocorrelation; ac == nil || len(ac.STau) != 61 || ac.STau[60] != 30 {
			t.Errorf("g = %s: dmft.json autocorrelation %+v, want 61 lags up to 30 τ", g, ac)
		}
		checkNonEmpty(t, filepath.Join(dir, "dmft_autocorrelation.svg"))
		if size := decodePNG(t, filepath.Join(dir, "dmft_autocorrelation.png")); size.X != 945 {
			t.Errorf("g = %s: dmft_autocorrelation.png is %d pixels wide, want 945", g, size.X)
		}
	}

	// --map writes the JSON only, and without --out nothing is written.
	dir := filepath.Join(t.TempDir(), "map")
	mustRunCLI(t, "dmft", "--map", "--g", "3", "--out", dir)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != "dmft.json" {
		t.Errorf("--map --out wrote %v (%v), want only dmft.json", entries, err)
	}
	cwd := t.TempDir()
	t.Chdir(cwd)
	mustRunCLI(t, "dmft", "--g", "2")
	if entries, _ := os.ReadDir(cwd); len(entries) != 0 {
		t.Errorf("dmft without --out wrote %v into the working directory", entries)
	}
}

func TestDMFTUsageErrors(t *testing.T) {
	cases := [][]string{
		{"dmft"},
		{"dmft", "--g"},
		{"dmft", "--g", "two"},
		{"dmft", "--g", "0"},
		{"dmft", "--g", "-1"},
		{"dmft", "--g", "NaN"},
		{"dmft", "--g", "+Inf"},
		{"dmft", "--g", "2", "extra"},
		{"dmft", "--g", "2", "--points", "1"},
		{"dmft", "--g", "2", "--s-max", "-3"},
		{"dmft", "--g", "2", "--map", "--points", "10"},
		{"dmft", "--g", "2", "--frobnicate"},
	}
	for _, args := range cases {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit code %d, want %d; stderr: %s", args, code, exitUsage, stderr)
		}
	}
}

// lyapunovResult holds the JSON keys of rnnlab lyapunov that the figure
// tests read.
type lyapunovResult struct {
	LambdaMax     float64  `json:"lambda_max"`
	DMFTLambdaMax *float64 `json:"dmft_lambda_max"`
}

func TestLyapunovFigureDMFTLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rand")
	mustRunCLI(t, "init", "--n", "100", "--g", "2", "--tau", "10", "--dt", "1", "--out", dir)
	code, stdout, stderr := runCLI(t, "lyapunov", dir, "--duration", "50", "--burn-in", "20", "--json")
	if code != 0 {
		t.Fatalf("lyapunov: exit %d: %s", code, stderr)
	}
	var res lyapunovResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	// An untrained random network at α = 0.1: the continuous-time theory,
	// 0.112458 per τ at g = 2.
	if res.DMFTLambdaMax == nil || math.Abs(*res.DMFTLambdaMax-0.112458) > 1e-6 {
		t.Errorf("dmft_lambda_max = %v, want 0.112458", res.DMFTLambdaMax)
	}
	saved, err := os.ReadFile(filepath.Join(dir, runio.AnalysisDir, "lyapunov.json"))
	if err != nil || !strings.Contains(string(saved), `"dmft_lambda_max"`) {
		t.Errorf("analysis/lyapunov.json lacks dmft_lambda_max (%v)", err)
	}

	figs := filepath.Join(dir, runio.FiguresDir)
	decodePNG(t, filepath.Join(figs, "lyapunov_convergence.png"))
	svg, err := os.ReadFile(filepath.Join(figs, "lyapunov_convergence.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"mean-field theory (N → ∞)", "Finite N lowers λ_max"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("lyapunov_convergence.svg has no text %q", want)
		}
	}
}

func TestLyapunovFigureNoDMFTLineForTrainedRun(t *testing.T) {
	path := writeConfig(t, smallConfig+"trainable = [\"W\", \"W_in\", \"W_out\"]\n")
	dir := filepath.Join(t.TempDir(), "run")
	mustRunCLI(t, "train", "--config", path, "--out", dir)
	code, stdout, stderr := runCLI(t, "lyapunov", dir, "--duration", "30", "--burn-in", "10", "--json")
	if code != 0 {
		t.Fatalf("lyapunov: exit %d: %s", code, stderr)
	}
	var res lyapunovResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if res.DMFTLambdaMax != nil {
		t.Errorf("dmft_lambda_max = %v for a trained network, want absent", *res.DMFTLambdaMax)
	}
	svg, err := os.ReadFile(filepath.Join(dir, runio.FiguresDir, "lyapunov_convergence.svg"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(svg), "mean-field") {
		t.Error("the convergence figure of a trained network shows the mean-field line")
	}
}
