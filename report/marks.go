package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Plotters of the analysis figures: points in a plane, closed curves such
// as circles, and horizontal reference lines.

// points draws one glyph per finite point (x[i], y[i]). A glyph that
// lands in the same duplicateSpacing cell as an earlier one is skipped,
// because drawing it changes no pixel but enlarges the SVG.
type points struct {
	x, y  []float64
	style draw.GlyphStyle
	// ring, when its Radius is positive, is drawn around each point on top
	// of style, as a highlight.
	ring draw.GlyphStyle
}

// duplicateSpacing is the grid, in points, on which points.Plot drops a
// glyph that lands in the cell of an earlier one: 0.25 pt is about half a
// pixel in the 150 dpi PNG.
const duplicateSpacing = 0.25

// Plot implements plot.Plotter.
func (pt *points) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	seen := map[[2]int]bool{}
	for i := range pt.x {
		if !isFinite(pt.x[i]) || !isFinite(pt.y[i]) {
			continue
		}
		at := vg.Point{X: trX(pt.x[i]), Y: trY(pt.y[i])}
		if !c.Contains(at) {
			continue
		}
		cell := [2]int{int(math.Round(float64(at.X) / duplicateSpacing)), int(math.Round(float64(at.Y) / duplicateSpacing))}
		if seen[cell] {
			continue
		}
		seen[cell] = true
		c.DrawGlyph(pt.style, at)
		if pt.ring.Radius > 0 {
			c.DrawGlyph(pt.ring, at)
		}
	}
}

// DataRange implements plot.DataRanger.
func (pt *points) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := range pt.x {
		if isFinite(pt.x[i]) && isFinite(pt.y[i]) {
			xmin, xmax = math.Min(xmin, pt.x[i]), math.Max(xmax, pt.x[i])
			ymin, ymax = math.Min(ymin, pt.y[i]), math.Max(ymax, pt.y[i])
		}
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer.
func (pt *points) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(pt.style, c.Center())
	if pt.ring.Radius > 0 {
		c.DrawGlyph(pt.ring, c.Center())
	}
}

// circleSegments is the number of chords of a drawn circle. At a radius of
// 200 points, 360 chords deviate from the arc by 0.008 pt.
const circleSegments = 360

// circle draws the circle of the given radius about (cx, 0) in data
// coordinates, clipped to the data area. It adds nothing to the data range:
// the caller sets the axis limits.
type circle struct {
	cx, radius float64
	style      draw.LineStyle
}

// Plot implements plot.Plotter.
func (ci *circle) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, circleSegments+1)
	for k := range pts {
		phi := 2 * math.Pi * float64(k) / circleSegments
		pts[k] = vg.Point{X: trX(ci.cx + ci.radius*math.Cos(phi)), Y: trY(ci.radius * math.Sin(phi))}
	}
	c.StrokeLines(ci.style, c.ClipLinesXY(pts)...)
}

// Thumbnail implements plot.Thumbnailer.
func (ci *circle) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(ci.style, c.Min.X, y, c.Max.X, y)
}

// stabilityEdge draws the part of the circle |1 − α + α·μ| = 1, of centre
// 1 − 1/α and radius 1/α, that crosses the data area. For small α the
// radius is large, so the edge is drawn as an arc of points spaced evenly
// in the imaginary part, which keeps it smooth where it is visible.
type stabilityEdge struct {
	alpha float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (se *stabilityEdge) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	radius := 1 / se.alpha
	centre := 1 - radius
	reach := math.Min(radius, math.Max(math.Abs(p.Y.Min), math.Abs(p.Y.Max)))
	pts := make([]vg.Point, 0, circleSegments+1)
	for k := 0; k <= circleSegments; k++ {
		im := -reach + 2*reach*float64(k)/circleSegments
		re := centre + math.Sqrt(math.Max(radius*radius-im*im, 0))
		pts = append(pts, vg.Point{X: trX(re), Y: trY(im)})
	}
	c.StrokeLines(se.style, c.ClipLinesXY(pts)...)
	if reach == radius { // the whole circle fits: draw its left half too
		for k := range pts {
			pts[k].X = 2*trX(centre) - pts[k].X
		}
		c.StrokeLines(se.style, c.ClipLinesXY(pts)...)
	}
}

// Thumbnail implements plot.Thumbnailer.
func (se *stabilityEdge) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(se.style, c.Min.X, y, c.Max.X, y)
}

// axisLines draws thin lines along x = 0 and y = 0 across the data area.
type axisLines struct {
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (al *axisLines) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	if x := trX(0); x > c.Min.X && x < c.Max.X {
		c.StrokeLine2(al.style, x, c.Min.Y, x, c.Max.Y)
	}
	if y := trY(0); y > c.Min.Y && y < c.Max.Y {
		c.StrokeLine2(al.style, c.Min.X, y, c.Max.X, y)
	}
}

// hLine draws a horizontal line at y across the data area. It adds y to
// the data range, so the line is always visible.
type hLine struct {
	y     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (h *hLine) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	if y >= c.Min.Y && y <= c.Max.Y {
		c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
	}
}

// DataRange implements plot.DataRanger.
func (h *hLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	return math.Inf(1), math.Inf(-1), h.y, h.y
}

// Thumbnail implements plot.Thumbnailer.
func (h *hLine) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// dot returns a filled circle glyph of the given radius in points.
func dot(clr color.Color, radius vg.Length) draw.GlyphStyle {
	return draw.GlyphStyle{Color: clr, Radius: radius, Shape: draw.CircleGlyph{}}
}

// ring returns an unfilled circle glyph of the given radius in points.
func ring(clr color.Color, radius vg.Length) draw.GlyphStyle {
	return draw.GlyphStyle{Color: clr, Radius: radius, Shape: draw.RingGlyph{}}
}

// squareSide returns the side length of the largest data area with equal
// scales on both axes that p can have inside c. The axis limits must have
// equal spans.
func squareSide(p *plot.Plot, c draw.Canvas) vg.Length {
	dc := p.DataCanvas(c)
	return max(min(dc.Max.X-dc.Min.X, dc.Max.Y-dc.Min.Y), 0)
}

// fitSquare shrinks c, keeping it centred, so that p's data area becomes
// a side × side square. With equal axis spans, one unit of x is then as
// long as one unit of y, and a circle looks round. side must not exceed
// squareSide(p, c).
func fitSquare(p *plot.Plot, c draw.Canvas, side vg.Length) draw.Canvas {
	dc := p.DataCanvas(c)
	if dw := dc.Max.X - dc.Min.X - side; dw > 0 {
		c.Min.X += dw / 2
		c.Max.X -= dw / 2
	}
	if dh := dc.Max.Y - dc.Min.Y - side; dh > 0 {
		c.Min.Y += dh / 2
		c.Max.Y -= dh / 2
	}
	return c
}

// stepTicks labels the multiples of a fixed step, with an unlabelled tick
// halfway between labels. Two axes with the same step show the same scale.
type stepTicks struct {
	step float64
}

// niceTickStep returns the smallest of 1, 2 or 5 times a power of ten that
// puts at most maxLabels labels on an axis of the given span.
func niceTickStep(span float64, maxLabels int) float64 {
	e := math.Floor(math.Log10(span / float64(maxLabels)))
	for {
		for _, m := range []float64{1, 2, 5} {
			step := m * math.Pow(10, e)
			if math.Floor(span/step)+1 <= float64(maxLabels) {
				return step
			}
		}
		e++
	}
}

// Ticks implements plot.Ticker.
func (st stepTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || !(st.step > 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	if flat := flatTicks(lo, hi); flat != nil {
		return flat
	}
	return halfStepTicks(lo, hi, st.step)
}
