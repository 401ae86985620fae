package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// smallSweepConfig is the demo network's time step with a tiny training
// set, so that each run of the CLI test trains in well under a second.
const smallSweepConfig = `[model]
dt_ms = 10

[train]
trials = 16
batch_size = 8
`

// gainSweepResult is the part of gainsweep.json the tests read.
type gainSweepResult struct {
	Task    string `json:"task"`
	Metric  string `json:"metric"`
	Units   string `json:"units"`
	Summary []struct {
		G                    float64 `json:"g"`
		Runs                 int     `json:"runs"`
		LambdaMaxSpontaneous struct {
			Mean float64  `json:"mean"`
			SD   *float64 `json:"sd"`
		} `json:"lambda_max_spontaneous"`
		Precision struct {
			Mean float64  `json:"mean"`
			SD   *float64 `json:"sd"`
		} `json:"precision"`
	} `json:"summary"`
	Rows []gainSweepRow `json:"rows"`
}

func TestGainSweepEndToEnd(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "small.toml")
	if err := os.WriteFile(cfgPath, []byte(smallSweepConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sweep")
	args := []string{"gainsweep", "--task", "pulse-duration", "--g", "0.5,1.5,2.5", "--seeds", "1-2",
		"--n", "20", "--epochs", "1", "--batches-per-epoch", "2", "--config", cfgPath, "--workers", "2",
		"--duration", "200", "--out", out}
	start := time.Now()
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("gainsweep: exit %d: %s", code, stderr)
	}
	t.Logf("first sweep took %v", time.Since(start))
	if !strings.Contains(stdout, "6 runs: 6 trained, 0 skipped") {
		t.Errorf("stdout does not report 6 trained runs:\n%s", stdout)
	}

	rows := readSweepCSV(t, filepath.Join(out, "gainsweep.csv"))
	if len(rows) != 6 {
		t.Fatalf("gainsweep.csv has %d rows, want 6", len(rows))
	}
	wantIDs := []string{"g=0.5/seed=1", "g=0.5/seed=2", "g=1.5/seed=1", "g=1.5/seed=2", "g=2.5/seed=1", "g=2.5/seed=2"}
	for i, row := range rows {
		if want := "runs/" + wantIDs[i]; row["run_dir"] != want {
			t.Errorf("row %d: run_dir %q, want %q", i, row["run_dir"], want)
		}
		for _, col := range []string{"lambda_max_spontaneous", "lambda_max_driven", "precision", "final_loss"} {
			v, err := strconv.ParseFloat(row[col], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("row %d: %s = %q, want a finite number", i, col, row[col])
			}
		}
		if _, err := os.Stat(filepath.Join(out, row["run_dir"], "weights.safetensors")); err != nil {
			t.Errorf("row %d: run directory has no final weights: %v", i, err)
		}
	}

	var res gainSweepResult
	data, err := os.ReadFile(filepath.Join(out, "gainsweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("gainsweep.json: %v", err)
	}
	if res.Task != "pulse-duration" || res.Metric != "precision" || res.Units != "1/tau" {
		t.Errorf("task %q, metric %q, units %q; want pulse-duration, precision, 1/tau", res.Task, res.Metric, res.Units)
	}
	if len(res.Summary) != 3 || len(res.Rows) != 6 {
		t.Fatalf("%d summary points and %d rows, want 3 and 6", len(res.Summary), len(res.Rows))
	}
	for i, p := range res.Summary {
		a, b := res.Rows[2*i], res.Rows[2*i+1]
		if p.G != a.G || p.Runs != 2 {
			t.Errorf("summary %d: g %v with %d runs, want g %v with 2", i, p.G, p.Runs, a.G)
		}
		if want := (a.Precision + b.Precision) / 2; math.Abs(p.Precision.Mean-want) > 1e-12 {
			t.Errorf("g = %v: mean precision %v, want %v", p.G, p.Precision.Mean, want)
		}
		wantSD := math.Abs(a.LambdaMaxSpontaneous-b.LambdaMaxSpontaneous) / math.Sqrt2
		if sd := p.LambdaMaxSpontaneous.SD; sd == nil || math.Abs(*sd-wantSD) > 1e-12 {
			t.Errorf("g = %v: SD of λ_max spontaneous %v, want %v", p.G, sd, wantSD)
		}
	}
	// g = 0.5 < 1: the untrained network decays to the origin.
	if l := res.Summary[0].LambdaMaxSpontaneous.Mean; !(l < 0) {
		t.Errorf("λ_max spontaneous at g = 0.5 is %v, want negative", l)
	}
	for _, r := range res.Rows[:2] {
		if !(r.LambdaMaxSpontaneous < 0) {
			t.Errorf("seed %d: λ_max spontaneous at g = 0.5 is %v, want negative", r.Seed, r.LambdaMaxSpontaneous)
		}
	}

	f, err := os.Open(filepath.Join(out, "figures", "gainsweep.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("gainsweep.png does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 500 {
		t.Errorf("gainsweep.png is %d × %d pixels, want at least 500 × 500", b.Dx(), b.Dy())
	}
	svg, err := os.ReadFile(filepath.Join(out, "figures", "gainsweep.svg"))
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("gainsweep.svg is missing or not SVG: %v", err)
	}

	// A second invocation skips every done run and rewrites the same rows.
	manifest := filepath.Join(out, "runs", "g=1.5", "seed=2", "manifest.json")
	before, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, args...)
	if code != 0 {
		t.Fatalf("second gainsweep: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "6 runs: 0 trained, 6 skipped") {
		t.Errorf("second sweep does not report 6 skipped runs:\n%s", stdout)
	}
	after, err := os.Stat(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the second sweep rewrote %s", manifest)
	}
	again := readSweepCSV(t, filepath.Join(out, "gainsweep.csv"))
	for i := range rows {
		for col, v := range rows[i] {
			if again[i][col] != v {
				t.Errorf("row %d: %s changed from %s to %s on the rerun", i, col, v, again[i][col])
			}
		}
	}

	// A done run with another config is not silently mixed in.
	changed := append([]string{}, args...)
	changed[len(changed)-3] = "100" // --duration keeps the runs; --epochs changes them
	changed = append(changed, "--epochs", "2")
	if code, _, stderr := runCLI(t, changed...); code != 2 {
		t.Errorf("sweep with another config over done runs: exit %d, want 2: %s", code, stderr)
	}
}

// readSweepCSV reads gainsweep.csv into one map per row, keyed by column.
func readSweepCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	records, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	want := []string{"g", "seed", "lambda_max_spontaneous", "lambda_max_driven", "precision", "final_loss", "run_dir"}
	if strings.Join(records[0], ",") != strings.Join(want, ",") {
		t.Fatalf("%s: header %v, want %v", path, records[0], want)
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestGainSweepRejectsBadFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sweep")
	base := []string{"gainsweep", "--task", "pulse-duration", "--out", out}
	cases := []struct {
		name string
		args []string
	}{
		{"task none", []string{"gainsweep", "--task", "none", "--g", "1", "--seeds", "1", "--out", out}},
		{"unknown task", []string{"gainsweep", "--task", "no-such-task", "--g", "1", "--seeds", "1", "--out", out}},
		{"missing task", []string{"gainsweep", "--g", "1", "--seeds", "1", "--out", out}},
		{"g not a number", append(base, "--g", "0.5,abc", "--seeds", "1")},
		{"g empty item", append(base, "--g", "0.5,,1", "--seeds", "1")},
		{"g repeated", append(base, "--g", "0.5,0.5", "--seeds", "1")},
		{"g negative", append(base, "--g", "-1", "--seeds", "1")},
		{"g NaN", append(base, "--g", "NaN", "--seeds", "1")},
		{"seeds reversed range", append(base, "--g", "1", "--seeds", "3-1")},
		{"seeds negative", append(base, "--g", "1", "--seeds", "-1")},
		{"seeds not a number", append(base, "--g", "1", "--seeds", "1,x")},
		{"seeds repeated", append(base, "--g", "1", "--seeds", "1-3,2")},
		{"workers zero", append(base, "--g", "1", "--seeds", "1", "--workers", "0")},
		{"preset and config", append(base, "--g", "1", "--seeds", "1", "--preset", "demo", "--config", "x.toml")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr: %s", code, stderr)
			}
			if strings.Contains(stderr, "goroutine") {
				t.Errorf("stderr shows a panic trace: %s", stderr)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a rejected sweep created %s", out)
	}
}
