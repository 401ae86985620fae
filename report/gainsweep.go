package report

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// SweepStat is the mean and the sample standard deviation of one quantity
// over the seeds of a sweep, one value per gain. An SD that is NaN (one
// seed) draws no error bar, and a Mean that is NaN draws no marker.
type SweepStat struct {
	Mean, SD []float64
}

// GainSweepData is the summary of a gain sweep drawn by [GainSweep].
type GainSweepData struct {
	// Task names the task in the title.
	Task string
	// Seeds is the number of seeds behind each mean, shown in the note.
	Seeds int
	// G are the gains, finite and increasing.
	G []float64
	// Precision is the task metric after training (a mean squared error,
	// so lower is better).
	Precision SweepStat
	// LambdaSpontaneous and LambdaDriven are λ_max per τ of the untrained
	// network without input and driven by the task's test trials.
	LambdaSpontaneous, LambdaDriven SweepStat
}

var (
	precisionColor   = palette[6] // black
	spontaneousColor = palette[0] // blue
	drivenColor      = palette[1] // vermillion
	referenceColor   = noteColor
)

// gainSweepHeight is the height of the two-panel figure.
const gainSweepHeight = 15 * vg.Centimeter

// gainSweepDodge is the x offset, as a fraction of the g axis, of the
// spontaneous (left) and driven (right) λ markers, so that their error bars
// stay apart where the two means are close.
const gainSweepDodge = 0.008

// GainSweep writes <dir>/gainsweep.png and .svg: two panels that share the
// g axis. The top panel shows the precision after training, the bottom
// panel λ_max of the untrained network per τ, spontaneous and driven, each
// as the mean over seeds with error bars of ± one standard deviation. A
// dashed vertical line marks g = 1, the transition to chaos of a large
// random network, and the bottom panel has a line at λ = 0. The g axis
// always includes g = 1.
//
// It returns an error if G is empty, not finite or not increasing, or if a
// Mean or SD slice differs in length from G.
func GainSweep(dir string, d GainSweepData) error {
	if err := checkGainSweep(d); err != nil {
		return fmt.Errorf("report: GainSweep: %w", err)
	}
	xmin, xmax := gainAxisRange(d.G)
	dodge := gainSweepDodge * (xmax - xmin)

	perf := newPlot("", "precision (MSE, lower is better)")
	lam := newPlot("gain g", "λ_max (per τ)")
	perf.X.Tick.Marker = unlabelledTicks{linearTicks{maxLabels: 8}}

	precision := newSeriesMarks(d.G, d.Precision, 0, dot(precisionColor, 3.2))
	spontaneous := newSeriesMarks(d.G, d.LambdaSpontaneous, -dodge, dot(spontaneousColor, 3.2))
	driven := newSeriesMarks(d.G, d.LambdaDriven, dodge, draw.GlyphStyle{Color: drivenColor, Radius: 3.4, Shape: draw.BoxGlyph{}})
	gOne := &vLine{x: 1, style: draw.LineStyle{Color: referenceColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}}
	zero := &hLine{y: 0, style: draw.LineStyle{Color: referenceColor, Width: vg.Points(0.8)}}

	perf.Add(gOne, precision)
	lam.Add(zero, gOne, spontaneous, driven)
	for _, p := range []*plot.Plot{perf, lam} {
		p.X.Min, p.X.Max = xmin, xmax
		if math.IsInf(p.Y.Min, 0) || math.IsInf(p.Y.Max, 0) { // no finite mean to draw
			p.Y.Min, p.Y.Max = -1, 1
		}
		p.Y.Min, p.Y.Max = paddedRange(p.Y.Min, p.Y.Max)
	}
	if finiteMin(d.Precision.Mean) >= 0 {
		perf.Y.Min = 0 // a mean squared error is never negative, so its axis starts at 0
	}

	h := header{
		title: fmt.Sprintf("Gain sweep on %s", d.Task),
		legend: []legendEntry{
			{name: "precision after training", thumbs: []plot.Thumbnailer{precision}},
			{name: "λ_max spontaneous (no input)", thumbs: []plot.Thumbnailer{spontaneous}},
			{name: "λ_max driven (test trials)", thumbs: []plot.Thumbnailer{driven}},
			{name: "g = 1", thumbs: []plot.Thumbnailer{gOne}},
		},
		note: fmt.Sprintf("mean ± SD over %d seeds;  λ_max of the untrained network W = g·J₀", d.Seeds),
	}
	if d.Seeds == 1 {
		h.note = "one seed, so no error bars;  λ_max of the untrained network W = g·J₀"
	}
	return writeFigure(dir, "gainsweep", figureWidth, gainSweepHeight, func(c draw.Canvas) {
		body := h.draw(c)
		mid := (body.Min.Y + body.Max.Y) / 2
		top, bottom := body, body
		top.Min.Y = mid + gainSweepPanelGap/2
		bottom.Max.Y = mid + gainSweepPanelGap/2
		// The top panel has no x label or tick labels, so it is given the
		// same data height as the bottom one by moving the split point.
		bottom.Max.Y += lam.DataCanvas(bottom).Min.Y - bottom.Min.Y - (perf.DataCanvas(top).Min.Y - top.Min.Y)
		top.Min.Y = bottom.Max.Y + gainSweepPanelGap
		canvases := []draw.Canvas{top, bottom}
		plots := []*plot.Plot{perf, lam}
		alignPlots(plots, canvases)
		perf.Draw(canvases[0])
		lam.Draw(canvases[1])
	})
}

// gainSweepPanelGap is the space in points between the two panels.
const gainSweepPanelGap = 10

// gainAxisRange returns the limits of the g axis: the gains and g = 1 with
// a margin of 6 % of the span on each side.
func gainAxisRange(g []float64) (float64, float64) {
	lo, hi := math.Min(g[0], 1), math.Max(g[len(g)-1], 1)
	span := hi - lo
	if span == 0 {
		span = 1
	}
	return lo - 0.06*span, hi + 0.06*span
}

func finiteMin(v []float64) float64 {
	m := math.Inf(1)
	for _, x := range v {
		if isFinite(x) {
			m = math.Min(m, x)
		}
	}
	return m
}

func checkGainSweep(d GainSweepData) error {
	if err := checkAxis("G", d.G); err != nil {
		return err
	}
	for i := 1; i < len(d.G); i++ {
		if d.G[i] == d.G[i-1] {
			return fmt.Errorf("G must increase, but G[%d] = G[%d] = %v", i, i-1, d.G[i])
		}
	}
	stats := []struct {
		name string
		stat SweepStat
	}{{"Precision", d.Precision}, {"LambdaSpontaneous", d.LambdaSpontaneous}, {"LambdaDriven", d.LambdaDriven}}
	for _, s := range stats {
		if err := checkLength(s.name+".Mean", s.stat.Mean, len(d.G), "G"); err != nil {
			return err
		}
		if err := checkLength(s.name+".SD", s.stat.SD, len(d.G), "G"); err != nil {
			return err
		}
	}
	return nil
}

// seriesMarks draws one marker per gain at the mean and a vertical error
// bar with caps from mean − SD to mean + SD, shifted by dx in data units.
type seriesMarks struct {
	x    []float64
	stat SweepStat
	mark draw.GlyphStyle
}

func newSeriesMarks(g []float64, s SweepStat, dx float64, mark draw.GlyphStyle) *seriesMarks {
	x := slices.Clone(g)
	for i := range x {
		x[i] += dx
	}
	return &seriesMarks{x: x, stat: s, mark: mark}
}

// errorBarCap is the width in points of the caps of an error bar.
const errorBarCap = 6

// Plot implements plot.Plotter.
func (sm *seriesMarks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	line := draw.LineStyle{Color: sm.mark.Color, Width: vg.Points(1.2)}
	var path []vg.Point
	for i, x := range sm.x {
		m, sd := sm.stat.Mean[i], sm.stat.SD[i]
		if !isFinite(m) {
			c.StrokeLines(line, c.ClipLinesXY(path)...)
			path = nil
			continue
		}
		path = append(path, vg.Point{X: trX(x), Y: trY(m)})
		if isFinite(sd) && sd > 0 {
			px, lo, hi := trX(x), trY(m-sd), trY(m+sd)
			c.StrokeLine2(line, px, lo, px, hi)
			c.StrokeLine2(line, px-errorBarCap/2, lo, px+errorBarCap/2, lo)
			c.StrokeLine2(line, px-errorBarCap/2, hi, px+errorBarCap/2, hi)
		}
	}
	thin := line
	thin.Width = vg.Points(0.8)
	c.StrokeLines(thin, c.ClipLinesXY(path)...)
	for i, x := range sm.x {
		if isFinite(sm.stat.Mean[i]) {
			c.DrawGlyph(sm.mark, vg.Point{X: trX(x), Y: trY(sm.stat.Mean[i])})
		}
	}
}

// DataRange implements plot.DataRanger: the means and the ends of the
// error bars.
func (sm *seriesMarks) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i, x := range sm.x {
		m, sd := sm.stat.Mean[i], sm.stat.SD[i]
		if !isFinite(m) {
			continue
		}
		if !isFinite(sd) {
			sd = 0
		}
		xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
		ymin, ymax = math.Min(ymin, m-sd), math.Max(ymax, m+sd)
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer.
func (sm *seriesMarks) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(draw.LineStyle{Color: sm.mark.Color, Width: vg.Points(0.8)}, c.Min.X, y, c.Max.X, y)
	c.DrawGlyph(sm.mark, c.Center())
}

// vLine draws a vertical line at x across the data area. It adds nothing
// to the data range: the caller sets the x limits.
type vLine struct {
	x     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (v *vLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	if x := trX(v.x); x >= c.Min.X && x <= c.Max.X {
		c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
	}
}

// Thumbnail implements plot.Thumbnailer.
func (v *vLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(v.style, c.Min.X, y, c.Max.X, y)
}
