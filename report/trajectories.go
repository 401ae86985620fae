package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PCTrajectory is one condition's trajectory in principal-component space
// for [PCTrajectories].
type PCTrajectory struct {
	// Label names the condition in the legend, such as "150 ms".
	Label string
	// Scores are the T×K row-major scores on the first K ≥ 3 components.
	Scores []float64
	// Marks holds one step index per entry of PCTrajectoriesFigure.MarkNames,
	// or −1 where the condition has no such event.
	Marks []int
}

// PCArrow is a weight vector drawn as an arrow from the origin of the
// principal-component space.
type PCArrow struct {
	// Label is written at the tip, such as "W_in".
	Label string
	// Components are cᵢ = eᵢ·v/‖v‖ on the first three (or more) axes.
	Components []float64
}

// PCTrajectoriesFigure is the content of [PCTrajectories].
type PCTrajectoriesFigure struct {
	Title string
	// Note is a grey line under the legend.
	Note string
	// K is the number of scores per step in every trajectory, at least 3.
	K int
	// Trajectories are drawn in palette colours, in order.
	Trajectories []PCTrajectory
	// Background, when its Scores are set, is drawn first as a thin grey
	// line, such as spontaneous activity. Its Marks are ignored.
	Background PCTrajectory
	// MarkNames name the events marked on each trajectory, at most 3
	// (drawn as circle, triangle and square).
	MarkNames []string
	// Arrows are drawn from the origin with one scale for every arrow and
	// panel, chosen so that the longest projection reaches 45 % of the
	// smallest panel's extent (the largest |score| drawn in it).
	Arrows []PCArrow
	// AxisLabels name the first three axes, such as "PC1 (62 %)".
	AxisLabels [3]string
}

const (
	trajectoryPanelWidth = 8 * vg.Centimeter
	trajectoryHeight     = 10.5 * vg.Centimeter
	trajectoryPanelGap   = 8 // points
	maxTrajectoryPoints  = 1500
	arrowReach           = 0.45
)

var (
	backgroundColor = color.Gray{Y: 0xA8}
	arrowColors     = []color.Color{color.Black, color.Gray{Y: 0x60}}
	markShapes      = []draw.GlyphDrawer{draw.RingGlyph{}, draw.TriangleGlyph{}, draw.SquareGlyph{}}
)

// PCTrajectories writes <dir>/<base>.png and .svg: the trajectories in the
// planes PC1–PC2, PC1–PC3 and PC2–PC3, side by side, one colour per
// trajectory, with the marked events as filled glyphs with a black outline
// and the arrows from the origin. The origin is the mean of the activity
// the components were fitted on. Each panel has its own scales, so angles
// between arrows are those of the drawn axes, not of the data.
//
// A trajectory is thinned to at most 1500 points by keeping every n-th
// step (and the marked steps' positions are drawn exactly). It returns an
// error when there is no trajectory, K < 3, a trajectory's Scores are not a
// multiple of K, or there are more trajectories than palette colours (7) or
// more than 3 mark names.
func PCTrajectories(dir, base string, fig PCTrajectoriesFigure) error {
	if err := checkPCTrajectories(fig); err != nil {
		return fmt.Errorf("report: PCTrajectories: %w", err)
	}
	pairs := [3][2]int{{0, 1}, {0, 2}, {1, 2}}
	scale := arrowScale(fig, pairs)
	plots := make([]*plot.Plot, 3)
	for i, pr := range pairs {
		plots[i] = newTrajectoryPlot(fig, pr[0], pr[1], scale)
	}
	h := header{title: fig.Title, legend: trajectoryLegend(fig), note: fig.Note}
	width := 3 * trajectoryPanelWidth
	return writeFigure(dir, base, width, trajectoryHeight, func(c draw.Canvas) {
		body := h.draw(c)
		colWidth := (body.Max.X - body.Min.X - 2*trajectoryPanelGap) / 3
		for i, p := range plots {
			pc := body
			pc.Min.X = body.Min.X + vg.Length(i)*(colWidth+trajectoryPanelGap)
			pc.Max.X = pc.Min.X + colWidth
			p.Draw(pc)
		}
	})
}

func checkPCTrajectories(fig PCTrajectoriesFigure) error {
	if len(fig.Trajectories) == 0 {
		return errors.New("no trajectory")
	}
	if len(fig.Trajectories) > len(palette) {
		return fmt.Errorf("%d trajectories, but the palette has %d colours", len(fig.Trajectories), len(palette))
	}
	if fig.K < 3 {
		return fmt.Errorf("K = %d, want at least 3 components", fig.K)
	}
	if len(fig.MarkNames) > len(markShapes) {
		return fmt.Errorf("%d mark names, at most %d fit", len(fig.MarkNames), len(markShapes))
	}
	all := append([]PCTrajectory{fig.Background}, fig.Trajectories...)
	for i, tr := range all {
		if len(tr.Scores)%fig.K != 0 {
			return fmt.Errorf("trajectory %d (%q) has %d scores, not a multiple of K = %d", i-1, tr.Label, len(tr.Scores), fig.K)
		}
	}
	for _, a := range fig.Arrows {
		if len(a.Components) < 3 {
			return fmt.Errorf("arrow %q has %d components, want 3", a.Label, len(a.Components))
		}
	}
	return nil
}

// column extracts axis a of a T×K score matrix, keeping every stride-th row
// and the last one.
func column(scores []float64, k, a, stride int) []float64 {
	t := len(scores) / k
	var out []float64
	for i := 0; i < t; i += stride {
		out = append(out, scores[i*k+a])
	}
	if t > 0 && (t-1)%stride != 0 {
		out = append(out, scores[(t-1)*k+a])
	}
	return out
}

// arrowScale returns the factor from arrow components to score units.
func arrowScale(fig PCTrajectoriesFigure, pairs [3][2]int) float64 {
	extent, longest := math.Inf(1), 0.0
	for _, pr := range pairs {
		e := 0.0
		for _, tr := range append([]PCTrajectory{fig.Background}, fig.Trajectories...) {
			for i := 0; i+fig.K <= len(tr.Scores); i += fig.K {
				e = math.Max(e, math.Max(math.Abs(tr.Scores[i+pr[0]]), math.Abs(tr.Scores[i+pr[1]])))
			}
		}
		extent = math.Min(extent, e)
		for _, ar := range fig.Arrows {
			longest = math.Max(longest, math.Hypot(ar.Components[pr[0]], ar.Components[pr[1]]))
		}
	}
	if !(longest > 0) || math.IsInf(extent, 1) {
		return 0
	}
	return arrowReach * extent / longest
}

func newTrajectoryPlot(fig PCTrajectoriesFigure, a, b int, scale float64) *plot.Plot {
	p := newPlot(fig.AxisLabels[a], fig.AxisLabels[b])
	p.X.Tick.Marker = linearTicks{maxLabels: 5}
	p.Add(&axisLines{style: draw.LineStyle{Color: zeroLineColor, Width: 0.5}})

	addPath := func(tr PCTrajectory, clr color.Color, width vg.Length) {
		if len(tr.Scores) == 0 {
			return
		}
		t := len(tr.Scores) / fig.K
		stride := max(1, (t+maxTrajectoryPoints-1)/maxTrajectoryPoints)
		x, y := column(tr.Scores, fig.K, a, stride), column(tr.Scores, fig.K, b, stride)
		p.Add(&path{x: x, y: y, style: draw.LineStyle{Color: clr, Width: width}})
	}
	addPath(fig.Background, backgroundColor, 0.8)
	for i, tr := range fig.Trajectories {
		addPath(tr, palette[i], 1.4)
	}
	for i, tr := range fig.Trajectories {
		for m, step := range tr.Marks {
			if m >= len(fig.MarkNames) || step < 0 || (step+1)*fig.K > len(tr.Scores) {
				continue
			}
			x, y := tr.Scores[step*fig.K+a], tr.Scores[step*fig.K+b]
			p.Add(&points{x: []float64{x}, y: []float64{y}, style: markGlyph(m, palette[i]), ring: markOutline(m)})
		}
	}
	for i, ar := range fig.Arrows {
		p.Add(&arrow{
			dx: scale * ar.Components[a], dy: scale * ar.Components[b],
			label: ar.Label, style: arrowStyle(i), labelSide: labelSide(fig.Arrows, i, a, scale),
		})
	}
	return p
}

// labelSide returns −1 to write arrow i's label left of its tip and +1 for
// right. With two arrows, the label of the tip further left goes left, so
// the labels grow apart however the arrows lie. More arrows alternate.
func labelSide(arrows []PCArrow, i, axis int, scale float64) float64 {
	if len(arrows) != 2 {
		return float64(2*(i%2) - 1)
	}
	mine, other := scale*arrows[i].Components[axis], scale*arrows[1-i].Components[axis]
	if mine < other || (mine == other && i == 0) {
		return -1
	}
	return 1
}

func markGlyph(m int, clr color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: clr, Radius: 3.6, Shape: filledShape(m)}
}

func markOutline(m int) draw.GlyphStyle {
	return draw.GlyphStyle{Color: color.Black, Radius: 3.6, Shape: markShapes[m]}
}

// filledShape returns the filled variant of mark shape m.
func filledShape(m int) draw.GlyphDrawer {
	switch m {
	case 1:
		return draw.PyramidGlyph{}
	case 2:
		return draw.BoxGlyph{}
	}
	return draw.CircleGlyph{}
}

func arrowStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: arrowColors[i%len(arrowColors)], Width: 1.6}
}

func trajectoryLegend(fig PCTrajectoriesFigure) []legendEntry {
	var entries []legendEntry
	for i, tr := range fig.Trajectories {
		entries = append(entries, legendEntry{name: tr.Label, thumbs: []plot.Thumbnailer{
			&path{style: draw.LineStyle{Color: palette[i], Width: 1.8}}}})
	}
	if len(fig.Background.Scores) > 0 {
		entries = append(entries, legendEntry{name: fig.Background.Label, thumbs: []plot.Thumbnailer{
			&path{style: draw.LineStyle{Color: backgroundColor, Width: 1.2}}}})
	}
	for m, name := range fig.MarkNames {
		entries = append(entries, legendEntry{name: name, thumbs: []plot.Thumbnailer{
			&points{style: markGlyph(m, color.White), ring: markOutline(m)}}})
	}
	for i, ar := range fig.Arrows {
		entries = append(entries, legendEntry{name: ar.Label + " direction", thumbs: []plot.Thumbnailer{
			&arrow{style: arrowStyle(i)}}})
	}
	return entries
}

// path draws a polyline through (x[i], y[i]) in the given order, which
// need not be sorted in x. Non-finite points break the line.
type path struct {
	x, y  []float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (pa *path) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	flush := func() {
		if len(pts) > 1 {
			c.StrokeLines(pa.style, c.ClipLinesXY(pts)...)
		}
		pts = pts[:0]
	}
	for i := range pa.x {
		if !isFinite(pa.x[i]) || !isFinite(pa.y[i]) {
			flush()
			continue
		}
		pts = append(pts, vg.Point{X: trX(pa.x[i]), Y: trY(pa.y[i])})
	}
	flush()
}

// DataRange implements plot.DataRanger.
func (pa *path) DataRange() (xmin, xmax, ymin, ymax float64) {
	pt := points{x: pa.x, y: pa.y}
	return pt.DataRange()
}

// Thumbnail implements plot.Thumbnailer.
func (pa *path) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(pa.style, c.Min.X, y, c.Max.X, y)
}

// arrow draws an arrow from the origin to (dx, dy) with a label at the tip.
// Its tip is part of the data range, so it is never cut off.
// labelSide (±1) puts the label right or left of the tip, so that the
// labels of two nearly parallel arrows do not overlap.
type arrow struct {
	dx, dy    float64
	label     string
	labelSide float64
	style     draw.LineStyle
}

// Plot implements plot.Plotter.
func (ar *arrow) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	from := vg.Point{X: trX(0), Y: trY(0)}
	to := vg.Point{X: trX(ar.dx), Y: trY(ar.dy)}
	drawArrow(c, ar.style, from, to)
	if ar.label != "" {
		sty := textStyle(noteSize, true)
		sty.Color = ar.style.Color
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
		d := vg.Point{X: to.X - from.X, Y: to.Y - from.Y}
		n := vg.Length(math.Hypot(float64(d.X), float64(d.Y)))
		at := to
		if n > 0 {
			at = vg.Point{X: to.X + 9*d.X/n, Y: to.Y + 9*d.Y/n}
		}
		// One label starts at the tip and the other ends there.
		if ar.labelSide > 0 {
			sty.XAlign = draw.XLeft
			at.X += 2
		} else {
			sty.XAlign = draw.XRight
			at.X -= 2
		}
		c.FillText(sty, at, ar.label)
	}
}

// DataRange implements plot.DataRanger.
func (ar *arrow) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Min(0, ar.dx), math.Max(0, ar.dx), math.Min(0, ar.dy), math.Max(0, ar.dy)
}

// Thumbnail implements plot.Thumbnailer.
func (ar *arrow) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	drawArrow(*c, ar.style, vg.Point{X: c.Min.X, Y: y}, vg.Point{X: c.Max.X, Y: y})
}

// drawArrow strokes a line from `from` to `to` with a filled head of 6 pt.
// An arrow shorter than its head is drawn as its head alone.
func drawArrow(c draw.Canvas, sty draw.LineStyle, from, to vg.Point) {
	dx, dy := float64(to.X-from.X), float64(to.Y-from.Y)
	n := math.Hypot(dx, dy)
	if n == 0 {
		return
	}
	ux, uy := dx/n, dy/n
	const head = 6.0
	base := vg.Point{X: to.X - vg.Length(head*ux), Y: to.Y - vg.Length(head*uy)}
	if n > head {
		c.StrokeLine2(sty, from.X, from.Y, base.X, base.Y)
	}
	left := vg.Point{X: base.X - vg.Length(head*0.45*uy), Y: base.Y + vg.Length(head*0.45*ux)}
	right := vg.Point{X: base.X + vg.Length(head*0.45*uy), Y: base.Y - vg.Length(head*0.45*ux)}
	c.FillPolygon(sty.Color, []vg.Point{to, left, right})
}
