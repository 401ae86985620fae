package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// EnsembleFeature is one scalar feature of every run of an ensemble.
type EnsembleFeature struct {
	// Name labels the panel and its axis.
	Name string
	// Values has one entry per run, NaN where the run lacks the feature.
	Values []float64
	// R and P are Pearson's r of precision with the feature and its
	// two-sided p-value, NaN when undefined.
	R, P float64
}

// EnsembleData is the ensemble drawn by [EnsembleCorrelations] and
// [EnsembleFeatures].
type EnsembleData struct {
	// Runs is the number of runs, shown in the note.
	Runs int
	// Precision is the task metric of every run (a mean squared error, so
	// lower is better).
	Precision []float64
	Features  []EnsembleFeature
}

// ensembleColumns is the number of panels per row of the ensemble figures.
const ensembleColumns = 4

// ensemblePanelHeight is the height of one row of panels.
const ensemblePanelHeight = 5.2 * vg.Centimeter

// ensemblePanelGap is the space in points between neighbouring panels.
const ensemblePanelGap = 8

// ensemblePanelTitleSize is the font size of the panel titles, smaller than
// labelSize because four panels share the figure's width.
const ensemblePanelTitleSize = 8.5

var (
	ensembleRunColor  = palette[0] // blue
	ensembleMeanColor = palette[6] // black
)

// EnsembleCorrelations writes <dir>/ensemble_correlations.png and .svg: a
// grid of scatter panels, one per feature, of the precision of every run
// against the feature, with Pearson's r and its p-value in the panel title.
// A run without the feature is left out of its panel.
//
// It returns an error if a feature's Values differ in length from
// Precision or there are no features.
func EnsembleCorrelations(dir string, d EnsembleData) error {
	if err := checkEnsemble(d); err != nil {
		return fmt.Errorf("report: EnsembleCorrelations: %w", err)
	}
	plots := make([]*plot.Plot, len(d.Features))
	for i, f := range d.Features {
		// No panel has a y label: a label in the first column only would
		// make those panels narrower, and the title names the y axis.
		p := newPlot(f.Name, "")
		p.X.Tick.Marker = linearTicks{maxLabels: 3}
		p.Y.Tick.Marker = linearTicks{maxLabels: 5}
		p.Title.Text = correlationTitle(f.R, f.P)
		p.Title.TextStyle.Font = withSize(sansFont, ensemblePanelTitleSize)
		p.Add(&points{x: f.Values, y: d.Precision, style: dot(ensembleRunColor, 2.6)})
		fixEmptyRanges(p)
		plots[i] = p
	}
	h := header{
		title: "Precision (y, MSE) against the features of each run",
		note:  fmt.Sprintf("one dot per run (%d runs);  r: Pearson correlation, p: two-sided;  lower precision is better", d.Runs),
	}
	return writeEnsembleGrid(dir, "ensemble_correlations", h, plots)
}

// EnsembleFeatures writes <dir>/ensemble_features.png and .svg: a grid of
// panels, one per feature, each showing the value of every run as a dot,
// spread sideways so the dots do not overlap, and the mean ± one sample
// standard deviation as a black marker with an error bar beside them.
//
// It returns an error if a feature's Values differ in length from
// Precision or there are no features.
func EnsembleFeatures(dir string, d EnsembleData) error {
	if err := checkEnsemble(d); err != nil {
		return fmt.Errorf("report: EnsembleFeatures: %w", err)
	}
	plots := make([]*plot.Plot, len(d.Features))
	for i, f := range d.Features {
		p := newPlot("", "")
		p.Title.Text = f.Name
		p.Title.TextStyle.Font = withSize(sansFont, ensemblePanelTitleSize)
		p.Y.Tick.Marker = linearTicks{maxLabels: 5}
		p.X.Tick.Marker = plot.ConstantTicks(nil)

		spread := make([]float64, len(f.Values))
		for j := range spread {
			spread[j] = -0.6 + 0.5*float64(j+1)/float64(len(spread)+1)
		}
		mean, sd := meanAndSD(f.Values)
		stat := SweepStat{Mean: []float64{mean}, SD: []float64{sd}}
		p.Add(&points{x: spread, y: f.Values, style: dot(ensembleRunColor, 2.4)},
			newSeriesMarks([]float64{0.3}, stat, 0, dot(ensembleMeanColor, 3.2)))
		p.X.Min, p.X.Max = -0.8, 0.6
		fixEmptyRanges(p)
		plots[i] = p
	}
	h := header{
		title: "Features across the runs of the ensemble",
		legend: []legendEntry{
			{name: "one run", thumbs: []plot.Thumbnailer{&points{style: dot(ensembleRunColor, 2.4)}}},
			{name: "mean ± SD", thumbs: []plot.Thumbnailer{&seriesMarks{mark: dot(ensembleMeanColor, 3.2)}}},
		},
		note: fmt.Sprintf("%d runs;  SD with n − 1 in the denominator;  a run without the feature is left out", d.Runs),
	}
	return writeEnsembleGrid(dir, "ensemble_features", h, plots)
}

// correlationTitle formats r and p for a panel title.
func correlationTitle(r, p float64) string {
	if math.IsNaN(r) {
		return "r undefined"
	}
	return fmt.Sprintf("r = %+.2f  (p = %.2g)", r, p)
}

// meanAndSD returns the mean and the sample standard deviation of the
// finite values of v: NaN for no value, and an SD of NaN for one value.
func meanAndSD(v []float64) (float64, float64) {
	var sum float64
	n := 0
	for _, x := range v {
		if isFinite(x) {
			sum += x
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean := sum / float64(n)
	if n == 1 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range v {
		if isFinite(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	return mean, math.Sqrt(ss / float64(n-1))
}

// fixEmptyRanges gives an axis without finite data the range [−1, 1] and
// pads every range, so a constant feature still gets a visible axis.
func fixEmptyRanges(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if math.IsInf(a.Min, 0) || math.IsInf(a.Max, 0) || math.IsNaN(a.Min) || math.IsNaN(a.Max) {
			a.Min, a.Max = -1, 1
		}
		a.Min, a.Max = paddedRange(a.Min, a.Max)
	}
}

// writeEnsembleGrid draws the header and the plots in rows of
// ensembleColumns panels and writes the figure.
func writeEnsembleGrid(dir, base string, h header, plots []*plot.Plot) error {
	rows := (len(plots) + ensembleColumns - 1) / ensembleColumns
	height := vg.Length(rows)*ensemblePanelHeight + 2*vg.Centimeter
	return writeFigure(dir, base, figureWidth, height, func(c draw.Canvas) {
		body := h.draw(c)
		width := (body.Max.X - body.Min.X - ensemblePanelGap*(ensembleColumns-1)) / ensembleColumns
		rowHeight := (body.Max.Y - body.Min.Y - ensemblePanelGap*vg.Length(rows-1)) / vg.Length(rows)
		for row := range rows {
			lo := row * ensembleColumns
			hi := min(lo+ensembleColumns, len(plots))
			canvases := make([]draw.Canvas, hi-lo)
			for col := range canvases {
				cell := body
				cell.Min.X = body.Min.X + vg.Length(col)*(width+ensemblePanelGap)
				cell.Max.X = cell.Min.X + width
				cell.Max.Y = body.Max.Y - vg.Length(row)*(rowHeight+ensemblePanelGap)
				cell.Min.Y = cell.Max.Y - rowHeight
				canvases[col] = cell
			}
			for col, p := range plots[lo:hi] {
				p.Draw(canvases[col])
			}
		}
	})
}

func checkEnsemble(d EnsembleData) error {
	if len(d.Features) == 0 {
		return fmt.Errorf("no features")
	}
	for _, f := range d.Features {
		if err := checkLength(f.Name+" values", f.Values, len(d.Precision), "Precision"); err != nil {
			return err
		}
	}
	return nil
}
