package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/runio"
)

// activityResult is the part of rnnlab activity's JSON that the tests read.
type activityResult struct {
	VarianceX       float64 `json:"variance_x"`
	ZeroVariance    bool    `json:"zero_variance"`
	Autocorrelation struct {
		LagTau      []float64 `json:"lag_tau"`
		C           []float64 `json:"c"`
		CNormalised []float64 `json:"c_normalised"`
	} `json:"autocorrelation"`
	HalfTimeTau         *float64  `json:"half_time_tau"`
	HalfTimeStatus      string    `json:"half_time_status"`
	PRRates             *float64  `json:"participation_ratio_rates"`
	PRCorrectedCurrents *float64  `json:"participation_ratio_corrected_currents"`
	TauMs               float64   `json:"tau_ms"`
	N                   int       `json:"n"`
	DurationTau         float64   `json:"duration_tau"`
	DMFTDelta0          *float64  `json:"dmft_delta0"`
	DMFTAutocorrelation []float64 `json:"dmft_autocorrelation"`
}

// initRandomRun draws an untrained random network with α = 0.1.
func initRandomRun(t *testing.T, n, g string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "rand")
	if code, _, stderr := runCLI(t, "init", "--n", n, "--g", g, "--tau", "10", "--dt", "1", "--out", out); code != 0 {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	return out
}

func runActivityJSON(t *testing.T, dir string, args ...string) activityResult {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"activity", dir, "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("activity: exit %d: %s", code, stderr)
	}
	var res activityResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	return res
}

func TestActivityChaoticNetwork(t *testing.T) {
	dir := initRandomRun(t, "300", "2")
	res := runActivityJSON(t, dir, "--duration", "200")

	// Δ₀ = 1.924805 at g = 2 (Sompolinsky, Crisanti & Sommers 1988, continuous
	// time). The tolerance is 10 % because one network of N = 300 differs from
	// N → ∞ by a few per cent (3.3 % standard deviation over networks at
	// N = 1000), and subtracting each unit's mean over 200 τ removes about
	// 2·∫C(s)ds/T ≈ 5 % more. This network gave 1.811 (−5.9 %).
	const delta0 = 1.924805
	if math.Abs(res.VarianceX-delta0) > 0.10*delta0 {
		t.Errorf("variance_x = %.4f, want Δ₀ = %.4f ± 10 %%", res.VarianceX, delta0)
	}
	if res.DMFTDelta0 == nil || math.Abs(*res.DMFTDelta0-delta0) > 1e-5 {
		t.Errorf("dmft_delta0 = %v, want %v", res.DMFTDelta0, delta0)
	}
	if res.HalfTimeTau == nil || !(*res.HalfTimeTau > 0) || math.IsInf(*res.HalfTimeTau, 0) || res.HalfTimeStatus != halfTimeReached {
		t.Errorf("half_time_tau = %v (%q), want a positive finite lag", res.HalfTimeTau, res.HalfTimeStatus)
	}
	lags := len(res.Autocorrelation.LagTau)
	if lags < 2 || len(res.Autocorrelation.C) != lags || len(res.Autocorrelation.CNormalised) != lags || len(res.DMFTAutocorrelation) != lags {
		t.Errorf("lengths of lag_tau %d, c %d, c_normalised %d, dmft_autocorrelation %d; want equal and ≥ 2",
			lags, len(res.Autocorrelation.C), len(res.Autocorrelation.CNormalised), len(res.DMFTAutocorrelation))
	}
	if lags > 0 && res.Autocorrelation.CNormalised[0] != 1 {
		t.Errorf("c_normalised[0] = %v, want 1", res.Autocorrelation.CNormalised[0])
	}
	if res.PRRates == nil || !(*res.PRRates > 1) || res.PRCorrectedCurrents == nil {
		t.Errorf("participation ratios %v, %v; want defined, rates > 1", res.PRRates, res.PRCorrectedCurrents)
	}
	if res.TauMs != 10 || res.N != 300 || res.DurationTau != 200 {
		t.Errorf("tau_ms %v, n %d, duration_tau %v; want 10, 300, 200", res.TauMs, res.N, res.DurationTau)
	}
	for _, f := range []string{
		filepath.Join(runio.AnalysisDir, "activity.json"),
		filepath.Join(runio.AnalysisDir, "activity.npz"),
		filepath.Join(runio.FiguresDir, "activity.png"),
		filepath.Join(runio.FiguresDir, "activity.svg"),
	} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestActivityStableNetworkDecays(t *testing.T) {
	dir := initRandomRun(t, "300", "0.5")
	res := runActivityJSON(t, dir, "--duration", "200")

	// g = 0.5 < 1: every trajectory decays to x = 0 like e^{−(1−g)·t}, so
	// after the 100 τ burn-in the fluctuations are about e^{−50} ≈ 2e-22.
	if !(res.VarianceX >= 0 && res.VarianceX < 1e-30) || !res.ZeroVariance {
		t.Errorf("variance_x = %v, zero_variance %v; want ≈ 0 and true", res.VarianceX, res.ZeroVariance)
	}
	if res.HalfTimeTau != nil || res.HalfTimeStatus != halfTimeZeroVariance {
		t.Errorf("half_time_tau = %v (%q), want null and %q", res.HalfTimeTau, res.HalfTimeStatus, halfTimeZeroVariance)
	}
	if res.Autocorrelation.CNormalised != nil || res.PRRates != nil {
		t.Errorf("c_normalised %v, participation_ratio_rates %v; want null", res.Autocorrelation.CNormalised, res.PRRates)
	}
	for k, c := range res.Autocorrelation.C {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			t.Errorf("c[%d] = %v, want finite", k, c)
		}
	}
	if res.DMFTDelta0 == nil || *res.DMFTDelta0 != 0 {
		t.Errorf("dmft_delta0 = %v, want 0 below the critical gain", res.DMFTDelta0)
	}
	if _, err := os.Stat(filepath.Join(dir, runio.FiguresDir, "activity.png")); err != nil {
		t.Errorf("figure: %v", err)
	}
}

func TestActivityBadFlagsExitTwo(t *testing.T) {
	dir := initRandomRun(t, "20", "2")
	cases := map[string][]string{
		"no directory":        {"activity"},
		"two directories":     {"activity", dir, dir},
		"missing directory":   {"activity", filepath.Join(t.TempDir(), "absent")},
		"negative duration":   {"activity", dir, "--duration", "-1"},
		"NaN burn-in":         {"activity", dir, "--burn-in", "NaN"},
		"lag beyond duration": {"activity", dir, "--duration", "10", "--max-lag", "20"},
		"unknown start state": {"activity", dir, "--x0", "zero"},
		"unknown flag":        {"activity", dir, "--lags", "5"},
	}
	for name, args := range cases {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
	}
}
