package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

// ensembleFeature is one scalar column of ensemble.csv. Path is a
// dot-separated key path into analyze.json (a number selects a list
// element), or empty for a feature that evaluate computes.
type ensembleFeature struct {
	Name        string
	Label       string // axis label of the figures
	Description string
	Path        string
}

// ensembleFeatures are the feature columns in CSV order. Their names are
// stable: scripts select columns by them. The first vector of W_in and
// W_out and the first output are used, which for pulse-duration (one input,
// one output) are the only ones.
var ensembleFeatures = []ensembleFeature{
	{"weight_correlation", "cos(W_in, W_out)", "cosine of W_in and W_out after training (evaluate)", ""},
	{"weight_correlation_init", "cos(W_in, W_out) init", "cosine of W_in and W_out before training (evaluate, from init.safetensors)", ""},
	{"pca_memory_k99", "k99 (memory)", "components holding 99 % of the memory window's variance", "pca.windows.memory.k99"},
	{"pca_memory_participation_ratio", "PR (memory)", "participation ratio (Σλ)²/Σλ² of the memory window", "pca.windows.memory.participation_ratio"},
	{"geometry_slope_per_ms", "distance slope /ms", "slope of the memory-period distance against the duration difference, per ms", "geometry.slope_per_ms"},
	{"geometry_r2", "distance fit R²", "R² of that linear fit", "geometry.r2"},
	{"geometry_mean_abs_cos", "velocity mean |cos|", "parallelism: mean |cos| between the conditions' velocities", "geometry.parallelism_mean_abs_cos"},
	{"alignment_memory_w_in_captured", "W_in captured", "fraction of ‖W_in‖² inside the memory window's top-k99 components", "alignment.windows.memory.w_in.0.captured"},
	{"alignment_memory_w_out_captured", "W_out captured", "fraction of ‖W_out‖² inside the memory window's top-k99 components", "alignment.windows.memory.w_out.0.captured"},
	{"readout_cos_full", "readout cos (full)", "cosine of the analytic and the trained readout in full space", "readout.outputs.0.cos_full"},
	{"readout_cos_subspace", "readout cos (top-k)", "the same cosine inside the top-k99 components of the whole-trial rates", "readout.outputs.0.cos_subspace"},
	{"readout_outside_fraction", "W_out outside", "fraction of the trained readout's norm outside those components", "readout.outputs.0.outside_fraction"},
}

// ensembleRow is one run's line of ensemble.csv. Features follow
// ensembleFeatures, and a missing feature is NaN.
type ensembleRow struct {
	Seed      uint64
	RunDir    string // relative to the ensemble directory when inside it
	Precision float64
	Features  []float64
}

// MarshalJSON writes the row as an object with the CSV's column names as
// keys and null for a missing feature.
func (r ensembleRow) MarshalJSON() ([]byte, error) {
	m := map[string]any{"seed": r.Seed, "run_dir": r.RunDir, ensembleMetric: r.Precision}
	for i, f := range ensembleFeatures {
		m[f.Name] = optionalFinite(r.Features[i])
	}
	return json.Marshal(m)
}

// optionalFinite returns nil for NaN or ±Inf, so JSON gets null.
func optionalFinite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// ensembleAnalyzeMarker records, inside a run's analysis directory, the
// analyze options and the weights behind its analyze.json, so a rerun
// reuses the analysis.
const ensembleAnalyzeMarker = "ensemble_analyze.json"

// ensembleMarker is the content of ensembleAnalyzeMarker.
type ensembleMarker struct {
	Analyze ensembleAnalyzeArgs `json:"analyze"`
	// WeightsModified is the modification time of weights.safetensors, so
	// a run trained again is analysed again.
	WeightsModified string `json:"weights_modified"`
}

// measure evaluates and analyses one run and returns its row.
func (s *ensembleSettings) measure(ctx context.Context, r ensembleRun) (ensembleRow, error) {
	dir := r.job.Dir
	row := ensembleRow{Seed: r.seed, RunDir: filepath.ToSlash(dir)}
	if rel, err := filepath.Rel(s.out, dir); err == nil && !strings.HasPrefix(rel, "..") {
		row.RunDir = filepath.ToSlash(rel)
	}
	ev, err := evaluateRun(dir)
	if err != nil {
		return row, err
	}
	precision, ok := ev.Metrics[ensembleMetric]
	if !ok {
		return row, fmt.Errorf("%s: evaluate returned no metric %q", dir, ensembleMetric)
	}
	row.Precision = precision
	analysed, err := s.analyse(ctx, dir)
	if err != nil {
		return row, err
	}

	row.Features = make([]float64, len(ensembleFeatures))
	for i, f := range ensembleFeatures {
		switch f.Name {
		case "weight_correlation":
			row.Features[i] = valueOrNaN(ev.WeightCorrelation)
		case "weight_correlation_init":
			row.Features[i] = valueOrNaN(ev.WeightCorrelationInit)
		default:
			row.Features[i] = lookupNumber(analysed, f.Path)
		}
	}
	return row, nil
}

func valueOrNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
}

// analyse returns the decoded analyze.json of the run, running rnnlab
// analyze first unless the marker shows the same options.
func (s *ensembleSettings) analyse(ctx context.Context, dir string) (map[string]any, error) {
	adir := runio.Path(dir, runio.AnalysisDir)
	resultPath := runio.Path(adir, "analyze.json")
	markerPath := runio.Path(adir, ensembleAnalyzeMarker)
	info, err := os.Stat(runio.Path(dir, runio.WeightsFile))
	if err != nil {
		return nil, err
	}
	want, err := json.Marshal(ensembleMarker{Analyze: s.analyze, WeightsModified: info.ModTime().UTC().Format(time.RFC3339Nano)})
	if err != nil {
		return nil, err
	}
	reuse := false
	if got, err := os.ReadFile(markerPath); err == nil {
		_, serr := os.Stat(resultPath)
		reuse = bytes.Equal(bytes.TrimSpace(got), want) && serr == nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if !reuse {
		var stderr bytes.Buffer
		if err := runAnalyze(ctx, append([]string{dir}, s.analyze.flags()...), io.Discard, &stderr); err != nil {
			return nil, fmt.Errorf("analyze %s: %w", dir, err)
		}
		if err := runio.WriteBytesAtomic(markerPath, append(want, '\n')); err != nil {
			return nil, err
		}
	}
	data, err := os.ReadFile(resultPath)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", resultPath, err)
	}
	return out, nil
}

// lookupNumber follows a dot-separated key path through decoded JSON and
// returns the number at its end. It returns NaN when a key is missing, the
// value is not a number, or an object on the way has zero_variance set
// (its statistics are undefined).
func lookupNumber(v any, path string) float64 {
	for _, key := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			if zero, _ := node["zero_variance"].(bool); zero {
				return math.NaN()
			}
			v = node[key]
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return math.NaN()
			}
			v = node[i]
		default:
			return math.NaN()
		}
	}
	if x, ok := v.(float64); ok {
		return x
	}
	return math.NaN()
}

// ensembleFeatureSummary is one feature's statistics over the runs.
type ensembleFeatureSummary struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// N is the number of runs with a finite value.
	N    int      `json:"n"`
	Mean *float64 `json:"mean"`
	SD   *float64 `json:"sd"`
	// Correlation is Pearson's r of precision with the feature over the
	// NPairs runs that have both; null for fewer than 3 runs or a constant.
	NPairs      int      `json:"n_pairs"`
	Correlation *float64 `json:"pearson_r"`
	PValue      *float64 `json:"p_value"`
}

// ensembleJSON is the stable JSON output of rnnlab ensemble.
type ensembleJSON struct {
	Config    string                   `json:"config"`
	Metric    string                   `json:"metric"`
	Runs      int                      `json:"runs"`
	Analyze   ensembleAnalyzeArgs      `json:"analyze"`
	Precision ensembleFeatureSummary   `json:"precision"`
	Features  []ensembleFeatureSummary `json:"features"`
	Rows      []ensembleRow            `json:"rows"`
}

// summariseEnsemble computes the per-feature statistics of rows.
func summariseEnsemble(s *ensembleSettings, rows []ensembleRow) *ensembleJSON {
	out := &ensembleJSON{Metric: ensembleMetric, Runs: len(rows), Analyze: s.analyze, Rows: rows}
	switch {
	case s.configPath != "":
		out.Config = s.configPath
	case s.preset != "":
		out.Config = "preset " + s.preset
	default:
		out.Config = "given run directories"
	}
	precision := make([]float64, len(rows))
	for i, r := range rows {
		precision[i] = r.Precision
	}
	out.Precision = summariseFeature(ensembleMetric, "the task metric after training: a mean squared error, lower is better", precision, nil)
	for i, f := range ensembleFeatures {
		values := make([]float64, len(rows))
		for j, r := range rows {
			values[j] = r.Features[i]
		}
		out.Features = append(out.Features, summariseFeature(f.Name, f.Description, values, precision))
	}
	return out
}

// summariseFeature returns the mean and SD of the finite values and, when
// precision is given, their Pearson correlation with it.
func summariseFeature(name, description string, values, precision []float64) ensembleFeatureSummary {
	sum := ensembleFeatureSummary{Name: name, Description: description}
	var finite []float64
	for _, v := range values {
		if isFiniteNumber(v) {
			finite = append(finite, v)
		}
	}
	sum.N = len(finite)
	if sum.N > 0 {
		st := meanSD(finite)
		sum.Mean, sum.SD = &st.Mean, st.SD
	}
	if precision != nil {
		r, n := pearson(precision, values)
		sum.NPairs = n
		if !math.IsNaN(r) {
			sum.Correlation = &r
			p := pearsonPValue(r, n)
			sum.PValue = &p
		}
	}
	return sum
}

func isFiniteNumber(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// constantSpread is the spread below which pearson treats a variable as
// constant: an SD under 1e-12 of the largest magnitude is rounding, as in a
// weight correlation of 1 ± 5e-16, and a correlation with it would be noise.
const constantSpread = 1e-12

// pearson returns Pearson's r of x and y over the indices where both are
// finite, and the number of those pairs. r is NaN for fewer than 3 pairs
// or when either variable is constant up to constantSpread.
func pearson(x, y []float64) (float64, int) {
	var xs, ys []float64
	for i := range x {
		if isFiniteNumber(x[i]) && isFiniteNumber(y[i]) {
			xs, ys = append(xs, x[i]), append(ys, y[i])
		}
	}
	n := len(xs)
	if n < 3 {
		return math.NaN(), n
	}
	mx, my := meanSD(xs).Mean, meanSD(ys).Mean
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if flat(xs, sxx) || flat(ys, syy) {
		return math.NaN(), n
	}
	r := sxy / math.Sqrt(sxx*syy)
	return math.Max(-1, math.Min(1, r)), n
}

// flat reports whether values, whose sum of squared deviations from the
// mean is ss, are constant up to constantSpread.
func flat(values []float64, ss float64) bool {
	largest := 0.0
	for _, v := range values {
		largest = max(largest, math.Abs(v))
	}
	return math.Sqrt(ss/float64(len(values))) <= constantSpread*largest
}

// pearsonPValue returns the two-sided p-value of r under the null
// hypothesis of no correlation in bivariate normal data: t = r·√((n−2)/(1−r²))
// has Student's t distribution with n − 2 degrees of freedom.
func pearsonPValue(r float64, n int) float64 {
	if math.Abs(r) >= 1 {
		return 0
	}
	t := math.Abs(r) * math.Sqrt(float64(n-2)/(1-r*r))
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.Survival(t)
}

// writeEnsemble writes ensemble.csv, ensemble.json and the two figures and
// returns the summary.
func writeEnsemble(s *ensembleSettings, rows []ensembleRow) (*ensembleJSON, error) {
	out := summariseEnsemble(s, rows)
	figDir := runio.Path(s.out, runio.FiguresDir)
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return nil, err
	}
	if err := runio.WriteBytesAtomic(runio.Path(s.out, "ensemble.csv"), ensembleCSV(rows)); err != nil {
		return nil, err
	}
	if err := runio.WriteJSON(runio.Path(s.out, "ensemble.json"), out); err != nil {
		return nil, err
	}
	fig := ensembleFigureData(out)
	if err := report.EnsembleCorrelations(figDir, fig); err != nil {
		return nil, err
	}
	return out, report.EnsembleFeatures(figDir, fig)
}

func ensembleCSV(rows []ensembleRow) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"seed", "run_dir", ensembleMetric}
	for _, f := range ensembleFeatures {
		header = append(header, f.Name)
	}
	w.Write(header)
	format := func(x float64) string {
		if !isFiniteNumber(x) {
			return "" // a missing feature is an empty cell
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	for _, r := range rows {
		record := []string{strconv.FormatUint(r.Seed, 10), r.RunDir, format(r.Precision)}
		for _, v := range r.Features {
			record = append(record, format(v))
		}
		w.Write(record)
	}
	w.Flush()
	return buf.Bytes()
}

func ensembleFigureData(out *ensembleJSON) report.EnsembleData {
	d := report.EnsembleData{Runs: out.Runs}
	for _, r := range out.Rows {
		d.Precision = append(d.Precision, r.Precision)
	}
	for i, f := range ensembleFeatures {
		sum := out.Features[i]
		feature := report.EnsembleFeature{Name: f.Label, R: math.NaN(), P: math.NaN()}
		if sum.Correlation != nil {
			feature.R, feature.P = *sum.Correlation, *sum.PValue
		}
		for _, r := range out.Rows {
			feature.Values = append(feature.Values, r.Features[i])
		}
		d.Features = append(d.Features, feature)
	}
	return d
}

// printEnsemble prints the summary as a table or as JSON.
func printEnsemble(w io.Writer, dir string, out *ensembleJSON, asJSON bool, trained, skipped int) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Fprintf(w, "%d runs: %d trained, %d done already or given\n", trained+skipped, trained, skipped)
	fmt.Fprintf(w, "mean ± SD over runs; r = Pearson correlation with precision (lower precision is better)\n")
	cell := func(f ensembleFeatureSummary) string {
		switch {
		case f.Mean == nil:
			return "n/a"
		case f.SD == nil:
			return fmt.Sprintf("%.4g", *f.Mean)
		}
		return fmt.Sprintf("%.4g ± %.2g", *f.Mean, *f.SD)
	}
	fmt.Fprintf(w, "%-32s  %-22s  %s\n", "feature", "mean ± SD", "r (p, n)")
	fmt.Fprintf(w, "%-32s  %-22s\n", out.Precision.Name, cell(out.Precision))
	for _, f := range out.Features {
		corr := "n/a"
		if f.Correlation != nil {
			corr = fmt.Sprintf("%+.3f (p = %.2g, n = %d)", *f.Correlation, *f.PValue, f.NPairs)
		}
		fmt.Fprintf(w, "%-32s  %-22s  %s\n", f.Name, cell(f), corr)
	}
	fmt.Fprintf(w, "results: %s, %s; figures: %s, %s\n", runio.Path(dir, "ensemble.csv"), runio.Path(dir, "ensemble.json"),
		filepath.Join(dir, runio.FiguresDir, "ensemble_correlations.png"), filepath.Join(dir, runio.FiguresDir, "ensemble_features.png"))
	return nil
}
