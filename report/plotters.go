package report

import (
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// curve draws a line run by run, so non-finite values leave gaps. A run of
// a single point, which no line segment can show, is drawn as a dot.
type curve struct {
	line  line
	style draw.LineStyle
}

func newCurve(l line, clr color.Color, width vg.Length, dashes ...vg.Length) *curve {
	return &curve{line: l, style: draw.LineStyle{Color: clr, Width: width, Dashes: dashes}}
}

// Plot implements plot.Plotter.
func (cv *curve) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	dot := draw.GlyphStyle{Color: cv.style.Color, Radius: max(cv.style.Width, vg.Points(1)), Shape: draw.CircleGlyph{}}
	for _, r := range cv.line.runs {
		if len(r.x) == 1 {
			pt := vg.Point{X: trX(r.x[0]), Y: trY(r.y[0])}
			if c.Contains(pt) {
				c.DrawGlyph(dot, pt)
			}
			continue
		}
		pts := make([]vg.Point, len(r.x))
		for i := range r.x {
			pts[i] = vg.Point{X: trX(r.x[i]), Y: trY(r.y[i])}
		}
		c.StrokeLines(cv.style, c.ClipLinesXY(pts)...)
	}
}

// DataRange implements plot.DataRanger. An empty curve returns an empty
// range (+Inf, −Inf), which leaves the plot's axes as they are.
func (cv *curve) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = math.Inf(1), math.Inf(-1)
	for _, r := range cv.line.runs {
		xmin = math.Min(xmin, r.x[0])
		xmax = math.Max(xmax, r.x[len(r.x)-1])
	}
	ymin, ymax = cv.line.yRange()
	return xmin, xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer.
func (cv *curve) Thumbnail(c *draw.Canvas) {
	y := c.Center().Y
	c.StrokeLine2(cv.style, c.Min.X, y, c.Max.X, y)
}

// bands shades vertical strips [x0, x1) over the full height of the data
// area, behind the lines drawn after it.
type bands struct {
	spans [][2]float64
	color color.Color
}

// Plot implements plot.Plotter.
func (b *bands) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	for _, s := range b.spans {
		x0 := max(trX(s[0]), c.Min.X)
		x1 := min(trX(s[1]), c.Max.X)
		if x1 <= x0 {
			continue
		}
		c.FillPolygon(b.color, []vg.Point{
			{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y},
		})
	}
}

// Thumbnail implements plot.Thumbnailer.
func (b *bands) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.color, []vg.Point{
		c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y},
	})
}

// linearTicks labels multiples of 1, 2 or 5 times a power of ten, the
// densest such set with at most maxLabels labels, with an unlabelled tick
// halfway between labels.
type linearTicks struct {
	maxLabels int
}

// flatAxisRange is the smallest axis span, relative to the largest
// magnitude at its ends, that gets a scale of ticks. A narrower range, such
// as a feature that is constant up to rounding (1 ± 4e-16), gets one tick
// at its middle. Stepping through it by tick steps would add steps far
// below the resolution of float64 at that magnitude.
const flatAxisRange = 1e-9

// Ticks implements plot.Ticker.
func (lt linearTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	if !(span > 0) || lt.maxLabels < 2 || math.IsInf(span, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	if flat := flatTicks(lo, hi); flat != nil {
		return flat
	}
	e := int(math.Floor(math.Log10(span / float64(lt.maxLabels))))
	var step float64
	for _, m := range []float64{1, 2, 5, 10, 20} {
		step = m * math.Pow10(e)
		if math.Floor(hi/step)-math.Ceil(lo/step)+1 <= float64(lt.maxLabels) {
			break
		}
	}
	return halfStepTicks(lo, hi, step)
}

// halfStepTicks returns ticks at the multiples of step/2 in [lo, hi],
// labelling the multiples of step with as many decimals as step has. The
// half-steps are counted with integers, so the loop ends however i·step
// rounds.
func halfStepTicks(lo, hi, step float64) []plot.Tick {
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	scale := math.Pow10(decimals)
	first, last := math.Ceil(lo/step*2), math.Floor(hi/step*2)
	var ticks []plot.Tick
	for k := 0; k <= int(last-first); k++ {
		i := (first + float64(k)) / 2
		t := plot.Tick{Value: i * step}
		if i == math.Trunc(i) {
			rounded := math.Round(t.Value*scale) / scale
			if rounded == 0 {
				rounded = 0 // no "-0"
			}
			t.Label = strconv.FormatFloat(rounded, 'f', -1, 64)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// flatTicks returns the one tick of an axis narrower than flatAxisRange
// relative to its values, or nil for a wider axis.
func flatTicks(lo, hi float64) []plot.Tick {
	if hi-lo >= flatAxisRange*max(math.Abs(lo), math.Abs(hi)) {
		return nil
	}
	mid := lo + (hi-lo)/2
	return []plot.Tick{{Value: mid, Label: strconv.FormatFloat(mid, 'g', 6, 64)}}
}

// logTicks marks a y axis that shows log10 of the data, so a tick at value
// v reads 10^v. It labels the densest of three sets that has at most
// maxLogLabels labels: every integer multiple of a power of ten, 1, 2 and 5
// times a power of ten, or powers of ten alone. The other integer multiples
// get unlabelled ticks. A range wider than maxLogLabels decades labels
// every second, third, … power of ten, and a range too narrow for two
// labels gets linear ticks. Unlike plot.LogTicks, it also labels ranges
// narrower than a decade.
type logTicks struct{}

// maxLogLabels is the largest number of labels on a log axis.
const maxLogLabels = 6

// Ticks implements plot.Ticker; lo and hi are log10 of the axis limits.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	a, b := math.Pow(10, lo), math.Pow(10, hi)
	first := int(math.Floor(lo))
	last := int(math.Ceil(hi))

	for _, labelled := range [][]int{{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1}} {
		var ticks []plot.Tick
		labels := 0
		for e := first; e <= last; e++ {
			for m := 1; m <= 9; m++ {
				v := float64(m) * math.Pow10(e)
				if v < a || v > b {
					continue
				}
				t := plot.Tick{Value: math.Log10(v)}
				if containsInt(labelled, m) {
					t.Label = formatPow10(m, e)
					labels++
				}
				ticks = append(ticks, t)
			}
		}
		if labels < 2 {
			return log10OfTicks(linearTicks{maxLabels: 4}.Ticks(a, b))
		}
		if labels <= maxLogLabels {
			return ticks
		}
	}

	// More than maxLogLabels decades: label every step-th power of ten.
	decades := last - first + 1
	step := (decades + maxLogLabels - 1) / maxLogLabels
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		if float64(e) < lo || float64(e) > hi {
			continue
		}
		t := plot.Tick{Value: float64(e)}
		if e%step == 0 {
			t.Label = formatPow10(1, e)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// log10OfTicks moves ticks placed on data values onto a log10 axis.
func log10OfTicks(ticks []plot.Tick) []plot.Tick {
	var out []plot.Tick
	for _, t := range ticks {
		if t.Value > 0 {
			out = append(out, plot.Tick{Value: math.Log10(t.Value), Label: t.Label})
		}
	}
	return out
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// formatPow10 formats m·10^e without rounding noise: plain decimals from
// 0.0001 to 90000 and "me±k" outside that range.
func formatPow10(m, e int) string {
	digit := strconv.Itoa(m)
	switch {
	case e >= 0 && e <= 4:
		return digit + strings.Repeat("0", e)
	case e < 0 && e >= -4:
		return "0." + strings.Repeat("0", -e-1) + digit
	default:
		return digit + "e" + strconv.Itoa(e)
	}
}

// unlabelledTicks marks the same positions as Ticker but without labels,
// for a panel that shares its x axis with the panel below it.
type unlabelledTicks struct {
	plot.Ticker
}

// Ticks implements plot.Ticker.
func (u unlabelledTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := u.Ticker.Ticks(lo, hi)
	for i := range ticks {
		ticks[i].Label = ""
	}
	return ticks
}
