package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/rnnlab/rnnlab/analysis/lyapunov"
	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

// gainSweepRow is one run's line of gainsweep.csv and gainsweep.json.
type gainSweepRow struct {
	G                    float64 `json:"g"`
	Seed                 uint64  `json:"seed"`
	LambdaMaxSpontaneous float64 `json:"lambda_max_spontaneous"`
	LambdaMaxDriven      float64 `json:"lambda_max_driven"`
	Precision            float64 `json:"precision"`
	FinalLoss            float64 `json:"final_loss"`
	// RunDir is relative to the sweep directory.
	RunDir string `json:"run_dir"`
}

// gainSweepLyapunovFile caches a run's two λ_max values inside the run
// directory, so a resumed sweep does not compute them again.
const gainSweepLyapunovFile = "gainsweep_lyapunov.json"

// runLyapunovJSON is the content of gainSweepLyapunovFile.
type runLyapunovJSON struct {
	Spontaneous float64 `json:"lambda_max_spontaneous"`
	Driven      float64 `json:"lambda_max_driven"`
	Units       string  `json:"units"`
	TauMs       float64 `json:"tau_ms"`
	Weights     string  `json:"weights"`
	K           int     `json:"k"`
	BurnInTau   float64 `json:"burn_in_tau"`
	DurationTau float64 `json:"duration_tau"`
	Seed        uint64  `json:"seed"`
}

// measure returns the row of a finished run: λ_max of its initial weights
// (from the cache when its settings match), the precision from the
// manifest and the last loss from metrics.csv.
func (s *gainSweepSettings) measure(r gainSweepRun) (gainSweepRow, error) {
	dir := r.job.Dir
	row := gainSweepRow{G: r.g, Seed: r.seed}
	rel, err := filepath.Rel(s.out, dir)
	if err != nil {
		rel = dir
	}
	row.RunDir = filepath.ToSlash(rel)

	man, err := runio.ReadManifest(dir)
	if err != nil {
		return row, err
	}
	precision, ok := man.Metrics[gainSweepMetric]
	if !ok {
		return row, fmt.Errorf("%s: the manifest has no metric %q", runio.Path(dir, runio.ManifestFile), gainSweepMetric)
	}
	row.Precision = precision
	if row.FinalLoss, err = lastLoss(runio.Path(dir, runio.MetricsFile)); err != nil {
		return row, err
	}
	lam, err := s.initLyapunov(dir, r.seed)
	if err != nil {
		return row, err
	}
	row.LambdaMaxSpontaneous, row.LambdaMaxDriven = lam.Spontaneous, lam.Driven
	return row, nil
}

// lastLoss returns the loss column of the last row of a metrics.csv.
func lastLoss(path string) (float64, error) {
	header, rows, err := runio.ReadMetrics(path)
	if err != nil {
		return 0, err
	}
	col := slices.Index(header, "loss")
	if col < 0 || len(rows) == 0 {
		return 0, fmt.Errorf("%s: no loss column or no rows", path)
	}
	return rows[len(rows)-1][col], nil
}

// initLyapunov returns λ_max of the run's initial network, spontaneous and
// driven by the test trials, with K = 1 and x(0) ~ N(0, 1) drawn from the
// run seed. It reads the cache when it was computed with the same settings
// and writes it otherwise.
func (s *gainSweepSettings) initLyapunov(dir string, seed uint64) (*runLyapunovJSON, error) {
	cachePath := runio.Path(runio.Path(dir, runio.AnalysisDir), gainSweepLyapunovFile)
	want := runLyapunovJSON{Units: lyapunov.Units, Weights: runio.InitFile, K: 1,
		BurnInTau: s.burnIn, DurationTau: s.duration, Seed: seed}
	if data, err := os.ReadFile(cachePath); err == nil {
		var got runLyapunovJSON
		if json.Unmarshal(data, &got) == nil && got.Weights == want.Weights && got.K == want.K &&
			got.BurnInTau == want.BurnInTau && got.DurationTau == want.DurationTau && got.Seed == want.Seed {
			return &got, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}

	cfg, tk, _, err := openRun(dir)
	if err != nil {
		return nil, err
	}
	w, _, err := runio.LoadWeights(runio.Path(dir, runio.InitFile))
	if err != nil {
		return nil, err
	}
	act, err := model.LookupActivation(cfg.Model.Activation)
	if err != nil {
		return nil, err
	}
	opts := lyapunov.Options{K: 1, BurnIn: s.burnIn, Duration: s.duration, Seed: seed, Checkpoints: -1}
	if s.burnIn == 0 {
		opts.BurnIn = -1 // zero selects the default in lyapunov.Options
	}
	alpha := cfg.Model.Alpha()
	spontaneous, err := lyapunov.Spectrum(w, act, alpha, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: spontaneous λ_max: %w", dir, err)
	}
	trials := tk.TestTrials()
	if len(trials) == 0 || w.I == 0 {
		return nil, fmt.Errorf("%s: task %s has no inputs to drive the network with", dir, tk.Name())
	}
	T := tk.Steps()
	opts.Input = func(step int, u []float64) {
		tr := trials[(step/T)%len(trials)]
		t := step % T
		copy(u, tr.Input[t*w.I:(t+1)*w.I])
	}
	driven, err := lyapunov.Spectrum(w, act, alpha, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: driven λ_max: %w", dir, err)
	}
	want.Spontaneous, want.Driven, want.TauMs = spontaneous.LambdaMax, driven.LambdaMax, cfg.Model.TauMs

	if err := os.MkdirAll(filepath.Dir(cachePath), 0o755); err != nil {
		return nil, err
	}
	if err := runio.WriteJSON(cachePath, want); err != nil {
		return nil, err
	}
	return &want, nil
}

// gainSweepStat is the mean and sample standard deviation of a quantity
// over the seeds at one gain. SD is null in JSON for a single seed.
type gainSweepStat struct {
	Mean float64  `json:"mean"`
	SD   *float64 `json:"sd"`
}

// gainSweepPoint summarises the runs at one gain.
type gainSweepPoint struct {
	G                    float64       `json:"g"`
	Runs                 int           `json:"runs"`
	LambdaMaxSpontaneous gainSweepStat `json:"lambda_max_spontaneous"`
	LambdaMaxDriven      gainSweepStat `json:"lambda_max_driven"`
	Precision            gainSweepStat `json:"precision"`
	FinalLoss            gainSweepStat `json:"final_loss"`
}

// gainSweepJSON is the stable JSON output of rnnlab gainsweep.
type gainSweepJSON struct {
	Task        string           `json:"task"`
	Metric      string           `json:"metric"`
	Config      string           `json:"config"`
	N           int              `json:"n"`
	TauMs       float64          `json:"tau_ms"`
	Units       string           `json:"units"`
	BurnInTau   float64          `json:"burn_in_tau"`
	DurationTau float64          `json:"duration_tau"`
	Seeds       []uint64         `json:"seeds"`
	Summary     []gainSweepPoint `json:"summary"`
	Rows        []gainSweepRow   `json:"rows"`
}

// writeGainSweep writes gainsweep.csv, gainsweep.json and the figure and
// returns the summary.
func writeGainSweep(s *gainSweepSettings, rows []gainSweepRow) (*gainSweepJSON, error) {
	cfg, err := s.runConfig(s.gains[0], s.seeds[0])
	if err != nil {
		return nil, err
	}
	out := &gainSweepJSON{Task: s.taskName, Metric: gainSweepMetric, Config: "preset " + s.preset,
		N: cfg.Model.N, TauMs: cfg.Model.TauMs, Units: lyapunov.Units,
		BurnInTau: s.burnIn, DurationTau: s.duration, Seeds: s.seeds, Rows: rows}
	if s.configPath != "" {
		out.Config = s.configPath
	}
	for _, g := range s.gains {
		var sp, dr, pr, fl []float64
		for _, r := range rows {
			if r.G == g {
				sp, dr = append(sp, r.LambdaMaxSpontaneous), append(dr, r.LambdaMaxDriven)
				pr, fl = append(pr, r.Precision), append(fl, r.FinalLoss)
			}
		}
		out.Summary = append(out.Summary, gainSweepPoint{G: g, Runs: len(sp),
			LambdaMaxSpontaneous: meanSD(sp), LambdaMaxDriven: meanSD(dr), Precision: meanSD(pr), FinalLoss: meanSD(fl)})
	}

	if err := os.MkdirAll(runio.Path(s.out, runio.FiguresDir), 0o755); err != nil {
		return nil, err
	}
	if err := runio.WriteBytesAtomic(runio.Path(s.out, "gainsweep.csv"), gainSweepCSV(rows)); err != nil {
		return nil, err
	}
	if err := runio.WriteJSON(runio.Path(s.out, "gainsweep.json"), out); err != nil {
		return nil, err
	}
	return out, report.GainSweep(runio.Path(s.out, runio.FiguresDir), gainSweepFigureData(out))
}

// meanSD returns the mean and the sample standard deviation (n − 1 in the
// denominator) of v, which must not be empty.
func meanSD(v []float64) gainSweepStat {
	mean := 0.0
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	st := gainSweepStat{Mean: mean}
	if len(v) > 1 {
		ss := 0.0
		for _, x := range v {
			ss += (x - mean) * (x - mean)
		}
		sd := math.Sqrt(ss / float64(len(v)-1))
		st.SD = &sd
	}
	return st
}

func gainSweepCSV(rows []gainSweepRow) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"g", "seed", "lambda_max_spontaneous", "lambda_max_driven", "precision", "final_loss", "run_dir"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, r := range rows {
		w.Write([]string{f(r.G), strconv.FormatUint(r.Seed, 10), f(r.LambdaMaxSpontaneous), f(r.LambdaMaxDriven),
			f(r.Precision), f(r.FinalLoss), r.RunDir})
	}
	w.Flush()
	return buf.Bytes()
}

func gainSweepFigureData(out *gainSweepJSON) report.GainSweepData {
	d := report.GainSweepData{Task: out.Task, Seeds: len(out.Seeds)}
	add := func(s *report.SweepStat, st gainSweepStat) {
		s.Mean = append(s.Mean, st.Mean)
		sd := math.NaN()
		if st.SD != nil {
			sd = *st.SD
		}
		s.SD = append(s.SD, sd)
	}
	for _, p := range out.Summary {
		d.G = append(d.G, p.G)
		add(&d.Precision, p.Precision)
		add(&d.LambdaSpontaneous, p.LambdaMaxSpontaneous)
		add(&d.LambdaDriven, p.LambdaMaxDriven)
	}
	return d
}

// printGainSweep prints the summary as a table or as JSON.
func printGainSweep(w io.Writer, dir string, out *gainSweepJSON, asJSON bool, trained, skipped int) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "%d runs: %d trained, %d skipped (done already)\n", trained+skipped, trained, skipped)
	fmt.Fprintf(w, "mean ± SD over seeds; λ_max per τ (τ = %g ms) of the untrained network; precision: lower is better\n", out.TauMs)
	fmt.Fprintf(w, "%8s  %-20s  %-20s  %-20s\n", "g", "λ_max spontaneous", "λ_max driven", "precision")
	cell := func(st gainSweepStat) string {
		if st.SD == nil {
			return fmt.Sprintf("%.4g", st.Mean)
		}
		return fmt.Sprintf("%.4g ± %.2g", st.Mean, *st.SD)
	}
	for _, p := range out.Summary {
		fmt.Fprintf(w, "%8g  %-20s  %-20s  %-20s\n", p.G, cell(p.LambdaMaxSpontaneous), cell(p.LambdaMaxDriven), cell(p.Precision))
	}
	fmt.Fprintf(w, "results: %s, %s; figure: %s\n", runio.Path(dir, "gainsweep.csv"), runio.Path(dir, "gainsweep.json"),
		filepath.Join(dir, runio.FiguresDir, "gainsweep.png"))
	return nil
}
