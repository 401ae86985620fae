package main

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/runio"
)

// ensembleAnalyzeFlags keep rnnlab analyze small: three sweep durations and
// eight readout trials.
var ensembleAnalyzeFlags = []string{"--sweep", "50,150,300", "--readout-trials", "8"}

// TestEnsembleSmallConfig trains four seeds of the small network, checks the
// CSV, JSON and figures, and checks that a rerun trains nothing.
func TestEnsembleSmallConfig(t *testing.T) {
	path := writeConfig(t, smallConfig)
	out := filepath.Join(t.TempDir(), "ens")
	args := append([]string{"ensemble", "--config", path, "--seeds", "1-4", "--out", out, "--workers", "2"}, ensembleAnalyzeFlags...)

	start := time.Now()
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("ensemble: exit %d: %s", code, stderr)
	}
	t.Logf("first run took %v", time.Since(start))
	if !strings.Contains(stdout, "4 trained") {
		t.Errorf("stdout does not report 4 trained runs:\n%s", stdout)
	}

	f, err := os.Open(filepath.Join(out, "ensemble.csv"))
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 5 {
		t.Fatalf("ensemble.csv has %d lines, want a header and 4 rows", len(records))
	}
	header := records[0]
	wantColumns := []string{"seed", "run_dir", "precision", "weight_correlation", "weight_correlation_init",
		"pca_memory_k99", "pca_memory_participation_ratio", "geometry_slope_per_ms", "geometry_r2",
		"geometry_mean_abs_cos", "alignment_memory_w_in_captured", "alignment_memory_w_out_captured",
		"readout_cos_full", "readout_cos_subspace", "readout_outside_fraction"}
	if strings.Join(header, ",") != strings.Join(wantColumns, ",") {
		t.Errorf("CSV header\n%v\nwant\n%v", header, wantColumns)
	}
	for i, rec := range records[1:] {
		if rec[0] != []string{"1", "2", "3", "4"}[i] {
			t.Errorf("row %d: seed %s, want %d", i, rec[0], i+1)
		}
		if rec[1] != "runs/seed="+rec[0] {
			t.Errorf("row %d: run_dir %q", i, rec[1])
		}
		if rec[2] == "" {
			t.Errorf("row %d: precision is empty", i)
		}
	}

	data, err := os.ReadFile(filepath.Join(out, "ensemble.json"))
	if err != nil {
		t.Fatal(err)
	}
	var summary struct {
		Runs     int `json:"runs"`
		Features []struct {
			Name   string   `json:"name"`
			N      int      `json:"n"`
			Mean   *float64 `json:"mean"`
			NPairs int      `json:"n_pairs"`
			R      *float64 `json:"pearson_r"`
			P      *float64 `json:"p_value"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &summary); err != nil {
		t.Fatal(err)
	}
	if summary.Runs != 4 || len(summary.Features) != len(wantColumns)-3 {
		t.Errorf("ensemble.json: %d runs and %d features, want 4 and %d", summary.Runs, len(summary.Features), len(wantColumns)-3)
	}
	for _, feature := range summary.Features {
		if feature.Name == "pca_memory_k99" && (feature.N != 4 || feature.Mean == nil) {
			t.Errorf("pca_memory_k99: n = %d, mean %v; want 4 finite values", feature.N, feature.Mean)
		}
		if feature.R != nil && (*feature.R < -1 || *feature.R > 1 || feature.P == nil || *feature.P < 0 || *feature.P > 1) {
			t.Errorf("%s: r = %v, p = %v out of range", feature.Name, *feature.R, feature.P)
		}
	}
	checkFigures(t, out, "ensemble_correlations", "ensemble_features")

	code, stdout, stderr = runCLI(t, args...)
	if code != 0 {
		t.Fatalf("ensemble rerun: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "0 trained, 4 done already") {
		t.Errorf("rerun did not skip the trained runs:\n%s", stdout)
	}
}

// TestEnsembleGivenRuns analyses run directories given with --runs-glob
// without training them.
func TestEnsembleGivenRuns(t *testing.T) {
	path := writeConfig(t, smallConfig)
	runs := t.TempDir()
	for _, seed := range []string{"5", "6", "7"} {
		dir := filepath.Join(runs, "seed="+seed)
		if code, _, stderr := runCLI(t, "train", "--config", path, "--seed", seed, "--out", dir); code != 0 {
			t.Fatalf("train: exit %d: %s", code, stderr)
		}
	}
	out := filepath.Join(t.TempDir(), "ens")
	args := append([]string{"ensemble", "--runs-glob", filepath.Join(runs, "seed=*"), "--out", out, "--json"}, ensembleAnalyzeFlags...)
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("ensemble: exit %d: %s", code, stderr)
	}
	var summary struct {
		Runs int `json:"runs"`
		Rows []struct {
			Seed uint64 `json:"seed"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(stdout), &summary); err != nil {
		t.Fatalf("--json output: %v\n%s", err, stdout)
	}
	if summary.Runs != 3 || len(summary.Rows) != 3 || summary.Rows[0].Seed != 5 {
		t.Errorf("got %d runs, rows %+v; want seeds 5, 6, 7", summary.Runs, summary.Rows)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); err == nil {
		t.Error("--runs-glob created DIR/runs")
	}
	checkFigures(t, out, "ensemble_correlations")
}

func TestEnsembleUsageErrors(t *testing.T) {
	path := writeConfig(t, smallConfig)
	out := filepath.Join(t.TempDir(), "ens")
	notRun := t.TempDir()
	for _, args := range [][]string{
		{"ensemble", "--config", path, "--out", out},
		{"ensemble", "--config", path, "--seeds", "1-4"},
		{"ensemble", "--seeds", "1-4", "--out", out},
		{"ensemble", "--preset", "demo", "--config", path, "--seeds", "1", "--out", out},
		{"ensemble", "--config", path, "--seeds", "4-1", "--out", out},
		{"ensemble", "--config", path, "--seeds", "1", "--out", out, "--workers", "0"},
		{"ensemble", "--config", path, "--seeds", "1", "--out", out, "--sweep", "50,x"},
		{"ensemble", "--config", path, "--seeds", "1", "--out", out, "--epochs", "-1"},
		{"ensemble", "--config", path, "--seeds", "1", "--out", out, "--nonsense"},
		{"ensemble", "--runs", notRun, "--out", out},
		{"ensemble", "--runs", notRun, "--seeds", "1", "--out", out},
		{"ensemble", "--runs-glob", filepath.Join(notRun, "none*"), "--out", out},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args[1:], code, exitUsage, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(out, runio.FiguresDir)); err == nil {
		t.Error("a rejected command wrote figures")
	}
}

func TestPearsonKnownAndFlat(t *testing.T) {
	// Expected r from numpy.corrcoef([1, 2, 3, 4], [2, 4, 5, 9]).
	r, n := pearson([]float64{1, 2, 3, 4}, []float64{2, 4, 5, 9})
	if n != 4 || math.Abs(r-0.9647638212377321) > 1e-15 {
		t.Errorf("pearson = %v over %d pairs, want 0.9647638212377321 over 4", r, n)
	}
	// A weight correlation of 1 up to rounding, as three imported runs
	// gave: no correlation, not one with rounding noise.
	r, _ = pearson([]float64{0.9999999999999997, 1.0000000000000007, 1}, []float64{0.016, 0.027, 0.09})
	if !math.IsNaN(r) {
		t.Errorf("pearson with a feature constant up to rounding = %v, want NaN", r)
	}
}
