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

// SpectrumPanel is one matrix's eigenvalues for [Spectrum], with the
// circle they are compared with.
type SpectrumPanel struct {
	// Title names the matrix, such as "W" or "ΔW = W − W_init".
	Title string
	// Note is an optional grey line under the title, such as the radius
	// and the statistics of the comparison.
	Note string
	// Eigenvalues are the eigenvalues μ, in any order.
	Eigenvalues []complex128
	// Radius is r of the circle |μ| = r drawn as a solid line, usually the
	// circular-law radius. It must be positive and finite.
	Radius float64
	// Outliers are drawn highlighted on top of the eigenvalues.
	Outliers []complex128
	// EmpiricalRadius, when positive, adds a dashed circle of that radius,
	// such as √N·std(W) for a matrix that was not drawn with a known gain.
	EmpiricalRadius float64
	// StabilityAlpha, when positive, adds the edge of stability of the
	// origin of the map x ← (1−α)·x + α·W·φ(x) with φ′(0) = 1: the circle
	// |1 − α + α·μ| = 1, which for small α runs close to the line Re μ = 1.
	// An eigenvalue outside it makes x = 0 unstable. Zero draws no edge.
	StabilityAlpha float64
}

// Geometry of the spectrum figure: each panel is spectrumPanelWidth wide,
// and a single panel gets a figure of at least spectrumMinWidth so that
// the legend fits in two rows.
const (
	spectrumPanelWidth  = 8 * vg.Centimeter
	spectrumMinWidth    = 11 * vg.Centimeter
	spectrumPanelGap    = 10 // points between panels
	spectrumExtraHeight = 2.6 * vg.Centimeter
	maxSpectrumPanels   = 3
)

var (
	eigenvalueColor = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xB0} // translucent blue
	outlierColor    = palette[1]                                      // vermillion
	circleColor     = color.Black
	empiricalColor  = palette[2] // bluish green
	stabilityColor  = palette[4] // reddish purple
	zeroLineColor   = color.Gray{Y: 0xC8}
)

// Spectrum writes <dir>/spectrum.png and <dir>/spectrum.svg: the
// eigenvalues of each panel's matrix as points in the complex plane, with
// the circle |μ| = Radius, the outliers ringed, and on request a dashed
// circle of EmpiricalRadius and the edge of stability of the origin. The
// panels stand side by side, each with axes Re μ and Im μ on the same
// scale, so a circle looks round. The axes of a panel span its circle and
// all of its eigenvalues, so an outlier far from the bulk is never cut
// off, and a panel with a stability edge also shows Re μ = 1.
//
// Each panel has its own scale, because a trained change ΔW is usually
// much smaller than W. Eigenvalues with NaN or ±Inf parts are not drawn.
// The dots shrink above 500 eigenvalues, and a dot that lands in the same
// 0.25 pt cell as an earlier one is skipped, which keeps the SVG smaller
// without changing the picture. The figure is 8 cm wide per panel (at
// least 11 cm) and 10.6 cm tall.
//
// It returns an error if panels is empty or has more than 3 panels, if a
// panel has no eigenvalue or no finite one, or if its Radius is not
// positive and finite.
func Spectrum(dir string, title string, panels []SpectrumPanel) error {
	if err := checkSpectrumPanels(panels); err != nil {
		return fmt.Errorf("report: Spectrum: %w", err)
	}

	plots := make([]*plot.Plot, len(panels))
	for i, sp := range panels {
		plots[i] = newSpectrumPlot(sp)
	}
	h := header{title: title, legend: spectrumLegend(panels)}

	width := max(spectrumMinWidth, vg.Length(len(panels))*spectrumPanelWidth)
	height := spectrumPanelWidth + spectrumExtraHeight
	return writeFigure(dir, "spectrum", width, height, func(c draw.Canvas) {
		body := h.draw(c)
		body.Max.Y -= 2 * headerGap
		drawSpectrumPanels(body, panels, plots)
	})
}

func checkSpectrumPanels(panels []SpectrumPanel) error {
	if len(panels) == 0 {
		return errors.New("panels is empty")
	}
	if len(panels) > maxSpectrumPanels {
		return fmt.Errorf("panels has %d panels, but at most %d fit one figure", len(panels), maxSpectrumPanels)
	}
	for i, sp := range panels {
		if !(sp.Radius > 0) || math.IsInf(sp.Radius, 1) {
			return fmt.Errorf("panels[%d] (%q): Radius is %v, expected a positive finite value", i, sp.Title, sp.Radius)
		}
		finite := false
		for _, mu := range sp.Eigenvalues {
			finite = finite || (isFinite(real(mu)) && isFinite(imag(mu)))
		}
		if !finite {
			return fmt.Errorf("panels[%d] (%q): Eigenvalues has no finite value", i, sp.Title)
		}
	}
	return nil
}

// newSpectrumPlot builds one panel with square axis limits.
func newSpectrumPlot(sp SpectrumPanel) *plot.Plot {
	p := newPlot("Re μ", "Im μ")

	p.Add(&axisLines{style: draw.LineStyle{Color: zeroLineColor, Width: 0.5}})
	if sp.StabilityAlpha > 0 {
		p.Add(&stabilityEdge{alpha: sp.StabilityAlpha, style: stabilityStyle()})
	}
	if sp.EmpiricalRadius > 0 {
		p.Add(&circle{radius: sp.EmpiricalRadius, style: empiricalStyle()})
	}
	p.Add(&circle{radius: sp.Radius, style: circleStyle()})

	re, im := splitComplex(sp.Eigenvalues)
	glyph := eigenvalueGlyph()
	glyph.Radius = eigenvalueRadius(len(sp.Eigenvalues))
	p.Add(&points{x: re, y: im, style: glyph})
	if len(sp.Outliers) > 0 {
		ore, oim := splitComplex(sp.Outliers)
		p.Add(&points{x: ore, y: oim, style: dot(outlierColor, 2), ring: outlierRing()})
	}

	setSpectrumLimits(p, sp)
	return p
}

// setSpectrumLimits gives p equal spans on both axes, with the same ticks,
// that contain the circles and every finite eigenvalue with a margin of
// 7.5 % of the span on each side. The y axis is
// centred on 0, because real matrices have conjugate-symmetric spectra.
func setSpectrumLimits(p *plot.Plot, sp SpectrumPanel) {
	r := math.Max(sp.Radius, sp.EmpiricalRadius)
	xlo, xhi, yhalf := -r, r, r
	for _, mu := range sp.Eigenvalues {
		if isFinite(real(mu)) && isFinite(imag(mu)) {
			xlo, xhi = math.Min(xlo, real(mu)), math.Max(xhi, real(mu))
			yhalf = math.Max(yhalf, math.Abs(imag(mu)))
		}
	}
	if sp.StabilityAlpha > 0 {
		xhi = math.Max(xhi, 1)
	}
	span := 1.15 * math.Max(xhi-xlo, 2*yhalf)
	centre := (xlo + xhi) / 2
	p.X.Min, p.X.Max = centre-span/2, centre+span/2
	p.Y.Min, p.Y.Max = -span/2, span/2
	ticks := stepTicks{step: niceTickStep(span, 5)}
	p.X.Tick.Marker, p.Y.Tick.Marker = ticks, ticks
}

func splitComplex(values []complex128) (re, im []float64) {
	re = make([]float64, len(values))
	im = make([]float64, len(values))
	for i, v := range values {
		re[i], im[i] = real(v), imag(v)
	}
	return re, im
}

func eigenvalueGlyph() draw.GlyphStyle { return dot(eigenvalueColor, 1.6) }

// eigenvalueRadius returns the dot radius in points for n eigenvalues:
// 1.6 up to n = 500, then shrinking like 1/√n, so that the dots cover
// about the same share of the disk, down to 0.7 at n ≈ 2600.
func eigenvalueRadius(n int) vg.Length {
	return vg.Length(max(0.7, 1.6*math.Sqrt(500/float64(max(n, 500)))))
}

func outlierRing() draw.GlyphStyle { return ring(outlierColor, 4.5) }

func circleStyle() draw.LineStyle { return draw.LineStyle{Color: circleColor, Width: 1.1} }

func empiricalStyle() draw.LineStyle {
	return draw.LineStyle{Color: empiricalColor, Width: 1.3, Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
}

func stabilityStyle() draw.LineStyle {
	return draw.LineStyle{Color: stabilityColor, Width: 1.1, Dashes: []vg.Length{vg.Points(1.5), vg.Points(2.5)}}
}

// spectrumLegend lists the marks that appear in at least one panel.
func spectrumLegend(panels []SpectrumPanel) []legendEntry {
	var outliers, empirical, stability bool
	for _, sp := range panels {
		outliers = outliers || len(sp.Outliers) > 0
		empirical = empirical || sp.EmpiricalRadius > 0
		stability = stability || sp.StabilityAlpha > 0
	}
	entries := []legendEntry{
		{name: "eigenvalue μ", thumbs: []plot.Thumbnailer{&points{style: eigenvalueGlyph()}}},
	}
	if outliers {
		entries = append(entries, legendEntry{name: "outlier", thumbs: []plot.Thumbnailer{
			&points{style: dot(outlierColor, 2), ring: outlierRing()}}})
	}
	entries = append(entries, legendEntry{name: "circular law |μ| = r", thumbs: []plot.Thumbnailer{
		&circle{style: circleStyle()}}})
	if empirical {
		entries = append(entries, legendEntry{name: "|μ| = √N·std of the entries", thumbs: []plot.Thumbnailer{
			&circle{style: empiricalStyle()}}})
	}
	if stability {
		entries = append(entries, legendEntry{name: "x = 0 unstable beyond (Re μ ≈ 1)", thumbs: []plot.Thumbnailer{
			&stabilityEdge{style: stabilityStyle()}}})
	}
	return entries
}

// drawSpectrumPanels splits c into side-by-side columns and draws each
// plot with a square data area, its title and note right above it.
func drawSpectrumPanels(c draw.Canvas, panels []SpectrumPanel, plots []*plot.Plot) {
	titleStyle := textStyle(labelSize, true)
	titleStyle.XAlign, titleStyle.YAlign = draw.XCenter, draw.YTop
	noteStyle := textStyle(noteSize, false)
	noteStyle.Color = noteColor
	noteStyle.XAlign, noteStyle.YAlign = draw.XCenter, draw.YTop

	titleHeight := titleStyle.Height("Mg") + headerGap
	noteHeight := vg.Length(0)
	for _, sp := range panels {
		if sp.Note != "" {
			noteHeight = noteStyle.Height("Mg") + headerGap
		}
	}

	// Every panel gets the largest square data area that fits all of them,
	// so the panels line up.
	n := vg.Length(len(panels))
	columnWidth := (c.Max.X - c.Min.X - (n-1)*spectrumPanelGap) / n
	bodies := make([]draw.Canvas, len(panels))
	side := vg.Length(math.Inf(1))
	for i := range panels {
		body := c
		body.Min.X = c.Min.X + vg.Length(i)*(columnWidth+spectrumPanelGap)
		body.Max.X = body.Min.X + columnWidth
		body.Max.Y -= titleHeight + noteHeight
		bodies[i] = body
		side = min(side, squareSide(plots[i], body))
	}

	for i, sp := range panels {
		body := fitSquare(plots[i], bodies[i], side)
		plots[i].Draw(body)

		// The title and note sit right above the plot, which fitSquare may
		// have moved down.
		dc := plots[i].DataCanvas(body)
		x := (dc.Min.X + dc.Max.X) / 2
		top := dc.Max.Y + titleHeight + noteHeight + headerGap
		c.FillText(titleStyle, vg.Point{X: x, Y: top}, sp.Title)
		if sp.Note != "" {
			c.FillText(noteStyle, vg.Point{X: x, Y: top - titleHeight}, sp.Note)
		}
	}
}
