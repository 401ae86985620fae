package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/task"
)

const analyzeUsage = `analyze DIR [--only NAMES] [--window whole|spontaneous|memory] [--space rates|currents] [--json]

Analyses the activity of a pulse-duration run's final network. The network
is simulated in float64 without noise on the task's test trials, on a sweep
of pulse durations (--sweep, onset at test_onset_ms), and without input from
x(0) = 0.1 in every unit (spontaneous activity, the thesis's choice) over
the trial length.

Analyses (--only takes a comma-separated subset, default all):

  pca        principal components of one window (--window) of the test
             trials' activity (--space): eigenvalues, explained variance,
             k99 (components holding 99 % of the variance), participation
             ratio (Σλ)²/Σλ², plain and bias-corrected; projections of
             every condition. Windows: whole (every step), memory (from
             eval_onset_ms to the end), spontaneous (the run without input).
  geometry   distance between the sweep's conditions in the memory period,
             its fit against the duration difference (slope per ms,
             intercept, R²) and the parallelism of their velocities.
  alignment  for each window: k99, the fraction of ‖v‖² captured by those
             components and the sign-free participation ratio
             (Σcᵢ²)²/Σcᵢ⁴ of each column of W_in and row of W_out; the
             cosine of W_in and W_out after training and, with
             init.safetensors, before. --signed adds the thesis's
             (Σcᵢ)²/Σcᵢ², which depends on the arbitrary signs of the
             eigenvectors.
  readout    the ridge readout (unpenalised intercept, λ chosen on held-out
             trials) fitted on the network's own rates over the counted
             steps of --readout-trials training-like trials, compared with
             the trained readout in full space and inside the top-k99
             components of the whole-trial rates.

Writes DIR/analysis/analyze.json (the sections run), analyze_pca.npz,
analyze_geometry.npz and analyze_readout.npz, and the figures
pca_trajectories, pca_variance, geometry_distance and readout_comparison
(.png and .svg) in DIR/figures. docs/analysis.md lists the JSON keys.`

var analyzeSections = []string{"pca", "geometry", "alignment", "readout"}

var analyzeWindows = []string{"whole", "memory", "spontaneous"}

// analyzeOptions are the parsed flags of rnnlab analyze.
type analyzeOptions struct {
	only          map[string]bool
	window, space string
	sweepMs       []float64
	// roundSweep is set when sweepMs is the default, whose durations are
	// rounded to whole steps of the run's dt instead of being rejected.
	roundSweep      bool
	readoutTrials   int
	readoutEveryTau float64
	seed            uint64
	signed          bool
	asJSON          bool
}

// analyzeJSON is the stable JSON output of rnnlab analyze.
type analyzeJSON struct {
	TauMs           float64        `json:"tau_ms"`
	DtMs            float64        `json:"dt_ms"`
	N               int            `json:"n"`
	Space           string         `json:"space"`
	TestDurationsMs []float64      `json:"test_durations_ms"`
	SweepMs         []float64      `json:"sweep_durations_ms"`
	SpontaneousX0   float64        `json:"spontaneous_x0"`
	PCA             *pcaJSON       `json:"pca,omitempty"`
	Geometry        *geometryJSON  `json:"geometry,omitempty"`
	Alignment       *alignmentJSON `json:"alignment,omitempty"`
	Readout         *readoutJSON   `json:"readout,omitempty"`
}

// defaultSweep is the default of --sweep, 25 to 300 ms in steps of 25 ms.
const defaultSweep = "25,50,75,100,125,150,175,200,225,250,275,300"

func parseAnalyzeOptions(args []string, stderr io.Writer) (string, *analyzeOptions, error) {
	fs := newFlagSet("analyze", analyzeUsage, stderr)
	only := fs.String("only", strings.Join(analyzeSections, ","), "comma-separated `NAMES` of the analyses to run: "+strings.Join(analyzeSections, ", "))
	window := fs.String("window", "whole", "window of the pca section and figures: whole, memory or spontaneous")
	space := fs.String("space", "rates", "activity analysed: rates r = tanh(x) or currents x")
	sweep := fs.String("sweep", defaultSweep, "pulse durations of the geometry sweep, in `ms`, comma-separated (the default rounds each to a whole number of steps)")
	trials := fs.Int("readout-trials", 200, "training-like trials for the analytic readout (three quarters fit, one quarter selects λ)")
	every := fs.Float64("readout-every", 0.25, "spacing of the counted steps used for the analytic readout, in τ")
	seed := fs.Uint64("seed", 1, "seed of the training-like trials of the readout section")
	signed := fs.Bool("signed", false, "add the thesis's sign-dependent participation ratio (Σcᵢ)²/Σcᵢ² to the alignment")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return "", nil, err
	}
	if len(rest) != 1 {
		return "", nil, usagef("analyze: want one run directory, got %d arguments", len(rest))
	}
	o := &analyzeOptions{only: map[string]bool{}, window: *window, space: *space, readoutTrials: *trials,
		readoutEveryTau: *every, seed: *seed, signed: *signed, roundSweep: *sweep == defaultSweep}
	for _, name := range strings.Split(*only, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(analyzeSections, name) {
			return "", nil, usagef("analyze: --only: unknown analysis %q; choose from %s", name, strings.Join(analyzeSections, ", "))
		}
		o.only[name] = true
	}
	if !slices.Contains(analyzeWindows, o.window) {
		return "", nil, usagef("analyze: --window must be whole, memory or spontaneous, got %q", o.window)
	}
	if o.space != "rates" && o.space != "currents" {
		return "", nil, usagef("analyze: --space must be rates or currents, got %q", o.space)
	}
	for _, v := range strings.Split(*sweep, ",") {
		d, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || d < 0 {
			return "", nil, usagef("analyze: --sweep: invalid duration %q; give durations in ms, such as 50,150,300", v)
		}
		o.sweepMs = append(o.sweepMs, d)
	}
	if o.only["geometry"] && len(o.sweepMs) < 3 {
		return "", nil, usagef("analyze: --sweep needs at least 3 durations for a line through the pairs, got %d", len(o.sweepMs))
	}
	if o.only["readout"] && o.readoutTrials < 4 {
		return "", nil, usagef("analyze: --readout-trials must be at least 4 (3 to fit, 1 to choose λ), got %d", o.readoutTrials)
	}
	if !(o.readoutEveryTau > 0) {
		return "", nil, usagef("analyze: --readout-every must be a positive time in τ, got %v", o.readoutEveryTau)
	}
	o.asJSON = *asJSON
	return rest[0], o, nil
}

func runAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	dir, opt, err := parseAnalyzeOptions(args, stderr)
	if err != nil {
		return err
	}
	cfg, tk, w, err := openRun(dir)
	if err != nil {
		return err
	}
	pd, ok := tk.(*task.PulseDuration)
	if !ok {
		return usagef("analyze: task %s is not supported; analyze works on pulse-duration runs", tk.Name())
	}
	act, err := model.LookupActivation(cfg.Model.Activation)
	if err != nil {
		return err
	}
	initW, err := loadInitWeights(dir, w)
	if err != nil {
		return err
	}

	an, err := newAnalysis(cfg, pd, w, initW, act, opt)
	if err != nil {
		return err
	}
	out := &analyzeJSON{TauMs: cfg.Model.TauMs, DtMs: cfg.Model.DtMs, N: w.N, Space: opt.space,
		TestDurationsMs: pd.P.TestDurationsMs, SweepMs: an.sweepDurations(), SpontaneousX0: spontaneousStart}
	if err := an.run(ctx, out, dir); err != nil {
		return err
	}
	if err := writeAnalyzeJSON(dir, out); err != nil {
		return err
	}

	if opt.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printAnalyze(stdout, out)
	fmt.Fprintf(stdout, "results in %s, figures in %s\n", runio.Path(dir, runio.AnalysisDir), runio.Path(dir, runio.FiguresDir))
	return nil
}

// loadInitWeights returns the weights before training from
// init.safetensors, or nil when the run has none.
func loadInitWeights(dir string, w *model.Weights) (*model.Weights, error) {
	path := runio.Path(dir, runio.InitFile)
	if _, err := os.Stat(path); err != nil {
		return nil, nil
	}
	w0, _, err := runio.LoadWeights(path)
	if err != nil {
		return nil, err
	}
	if w0.N != w.N || w0.I != w.I || w0.O != w.O {
		return nil, fmt.Errorf("%s: N, I, O = %d, %d, %d, but %s has %d, %d, %d", path, w0.N, w0.I, w0.O, runio.WeightsFile, w.N, w.I, w.O)
	}
	return w0, nil
}

func writeAnalyzeJSON(dir string, out *analyzeJSON) error {
	return runio.WriteAnalysis(dir, "analyze", out, nil)
}

func printAnalyze(stdout io.Writer, out *analyzeJSON) {
	if p := out.PCA; p != nil {
		if p.ZeroVariance {
			fmt.Fprintf(stdout, "pca (%s, %s): zero variance, no components\n", p.Window, p.Space)
		} else {
			fmt.Fprintf(stdout, "pca (%s, %s): k99 = %d, participation ratio %.3f (bias-corrected %s)\n",
				p.Window, p.Space, p.K99, p.ParticipationRatio, formatOptional(p.ParticipationRatioCorrected))
		}
	}
	if g := out.Geometry; g != nil {
		fmt.Fprintf(stdout, "geometry (memory period): distance ≈ %.4g + %.4g·|Δduration/ms|, R² = %.3f; mean |cos| of velocities %.3f\n",
			g.Intercept, g.SlopePerMs, g.R2, g.MeanAbsCos)
	}
	if a := out.Alignment; a != nil {
		for _, name := range analyzeWindows {
			wa, ok := a.Windows[name]
			if !ok || wa.ZeroVariance {
				continue
			}
			for _, v := range append(slices.Clone(wa.WIn), wa.WOut...) {
				fmt.Fprintf(stdout, "alignment (%s, k = %d): %s captured %.3f, participation ratio %.2f\n",
					name, wa.K, v.Name, v.Captured, v.ParticipationRatio)
			}
		}
		for _, c := range a.CosInOut {
			fmt.Fprintf(stdout, "cos(W_in[:,%d], W_out[%d,:]) = %.4f after training, %s before\n", c.Input, c.Output, c.Trained, formatOptional(c.Initial))
		}
	}
	if r := out.Readout; r != nil {
		for _, o := range r.Outputs {
			fmt.Fprintf(stdout, "readout %d (λ = %g): cos with trained %.3f in full space, %.3f inside the top %d PCs; %.3f of the trained readout's norm lies outside them\n",
				o.Output, r.Lambda, o.CosFull, o.CosSubspace, r.K, o.OutsideFraction)
		}
		if r.LambdaAtGridEdge {
			fmt.Fprintf(stdout, "note: λ = %g is at the edge of the searched grid, so the best penalty may lie beyond it\n", r.Lambda)
		}
	}
}

func formatOptional(v *float64) string {
	if v == nil {
		return "n/a"
	}
	return strconv.FormatFloat(*v, 'g', 4, 64)
}

// ptr returns a pointer to a copy of v, for optional JSON numbers.
func ptr(v float64) *float64 { return &v }
