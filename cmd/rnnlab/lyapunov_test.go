package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

func TestInitThenLyapunovJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "rand")
	if code, _, stderr := runCLI(t, "init", "--n", "40", "--g", "0.5", "--tau", "10", "--dt", "1", "--out", out); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "lyapunov", out, "--k", "40", "--duration", "100", "--json")
	if code != 0 {
		t.Fatalf("lyapunov: exit %d: %s", code, stderr)
	}
	var res struct {
		Exponents   []float64 `json:"lyapunov_exponents"`
		LambdaMax   float64   `json:"lambda_max"`
		KaplanYorke float64   `json:"kaplan_yorke_dimension"`
		Entropy     float64   `json:"entropy_rate"`
		Units       string    `json:"units"`
		TauMs       float64   `json:"tau_ms"`
		SumRule     *float64  `json:"sum_rule_relative_error"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	if len(res.Exponents) != 40 || res.Units != "1/tau" || res.TauMs != 10 {
		t.Errorf("%d exponents, units %q, tau_ms %v; want 40, 1/tau, 10", len(res.Exponents), res.Units, res.TauMs)
	}
	// g = 0.5 < 1: activity decays to the origin, where every exponent is
	// negative and λ_max ≈ g − 1 in the continuous limit (α = 0.1 here).
	if !(res.LambdaMax < -0.3 && res.LambdaMax > -0.7) || res.KaplanYorke != 0 || res.Entropy != 0 {
		t.Errorf("λ_max %v, D_KY %v, entropy %v; want about −0.5, 0, 0", res.LambdaMax, res.KaplanYorke, res.Entropy)
	}
	if res.SumRule == nil || math.Abs(*res.SumRule) > 1e-9 {
		t.Errorf("sum rule relative error %v, want ≤ 1e-9", res.SumRule)
	}
	for _, f := range []string{"lyapunov.json", "lyapunov.npz"} {
		if _, err := os.Stat(filepath.Join(out, runio.AnalysisDir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if code, _, _ := runCLI(t, "lyapunov", out, "--k", "41"); code != exitUsage {
		t.Errorf("--k 41 for N = 40: exit %d, want %d", code, exitUsage)
	}
}

func TestLyapunovPeriodsSplitTheAverage(t *testing.T) {
	// Two periods that tile the trial must average, weighted by their
	// time, to the exponent of the whole observation.
	out := filepath.Join(t.TempDir(), "rand")
	if code, _, stderr := runCLI(t, "init", "--n", "60", "--g", "2", "--tau", "10", "--dt", "1", "--out", out); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "lyapunov", out, "--input", "task", "--duration", "50", "--burn-in", "20",
		"--frame-burn-in", "5", "--periods", "early=0-400,late=400-1000", "--json")
	if code != 0 {
		t.Fatalf("lyapunov: exit %d: %s", code, stderr)
	}
	var res struct {
		LambdaMax float64 `json:"lambda_max"`
		Periods   map[string]struct {
			LambdaMax float64 `json:"lambda_max"`
			TimeTau   float64 `json:"time_tau"`
		} `json:"periods"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	early, late := res.Periods["early"], res.Periods["late"]
	if math.Abs(early.TimeTau+late.TimeTau-50) > 1e-9 {
		t.Errorf("period times %v + %v τ, want the 50 τ observed", early.TimeTau, late.TimeTau)
	}
	mean := (early.LambdaMax*early.TimeTau + late.LambdaMax*late.TimeTau) / 50
	if math.Abs(mean-res.LambdaMax) > 1e-9 {
		t.Errorf("time-weighted period mean %v, whole observation %v", mean, res.LambdaMax)
	}
	if code, _, _ := runCLI(t, "lyapunov", out, "--periods", "a=0-10"); code != exitUsage {
		t.Errorf("--periods without --input task: exit %d, want %d", code, exitUsage)
	}
}
