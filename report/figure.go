package report

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/rnnlab/rnnlab/runio"
)

// Figure geometry. A PNG is (width in cm)/2.54·pngDPI pixels wide, rounded
// to the nearest pixel: 945 × 591 pixels for a 16 × 10 cm figure.
const (
	pngDPI = 150

	figureWidth  = 16 * vg.Centimeter
	figureHeight = 10 * vg.Centimeter

	// figureMargin is the blank border around every figure.
	figureMargin = 6 // points
)

// Font sizes in points. A 16 cm figure is about 450 pt wide, and 9 pt text
// is about 19 pixels tall in the 150 dpi PNG.
const (
	titleSize  = 12
	labelSize  = 10
	tickSize   = 9
	legendSize = 9
	noteSize   = 8.5
)

var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

	// Okabe–Ito colours, which stay distinguishable for the common forms of
	// colour blindness. Yellow is left out because it is too faint on white.
	palette = []color.Color{
		color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}, // blue
		color.NRGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}, // vermillion
		color.NRGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}, // bluish green
		color.NRGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}, // orange
		color.NRGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}, // reddish purple
		color.NRGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}, // sky blue
		color.NRGBA{R: 0x00, G: 0x00, B: 0x00, A: 0xFF}, // black
	}

	noteColor  = color.Gray{Y: 0x55}
	shadeColor = color.Gray{Y: 0xE4}
)

// textStyle returns a plain-text style in the figures' sans-serif font.
func textStyle(size vg.Length, bold bool) text.Style {
	f := sansFont
	f.Size = size
	if bold {
		f.Weight = xfont.WeightBold
	}
	return text.Style{
		Color:   color.Black,
		Font:    f,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the figures' fonts and ticks and the given
// axis labels.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = withSize(sansFont, labelSize)
		a.Tick.Label.Font = withSize(sansFont, tickSize)
		a.Tick.Length = vg.Points(5)
	}
	p.X.Tick.Marker = linearTicks{maxLabels: 8}
	p.Y.Tick.Marker = linearTicks{maxLabels: 6}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	return p
}

func withSize(f font.Font, size vg.Length) font.Font {
	f.Size = size
	return f
}

// legendEntry is one item of a figure's legend: a name and the marks drawn
// in front of it (a line sample, a shaded box).
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// header describes the band above a figure's plots: a title, a legend laid
// out in rows from left to right, and an optional grey note.
type header struct {
	title  string
	legend []legendEntry
	note   string
}

const (
	thumbWidth   = 20 // points
	thumbGap     = 4  // points between a thumbnail and its name
	legendSpace  = 20 // points between legend entries, room for a wider fallback font
	headerGap    = 4  // points between the header's lines
	headerBottom = 4  // points between the header and the plots
)

// legendRows splits the legend entries into rows no wider than width.
func (h header) legendRows(width vg.Length) [][]legendEntry {
	sty := textStyle(legendSize, false)
	var rows [][]legendEntry
	var row []legendEntry
	var used vg.Length
	for _, e := range h.legend {
		w := thumbWidth + thumbGap + sty.Width(e.name)
		if len(row) > 0 && used+legendSpace+w > width {
			rows = append(rows, row)
			row, used = nil, 0
		}
		if len(row) > 0 {
			used += legendSpace
		}
		row = append(row, e)
		used += w
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// draw draws the header at the top of c and returns the part of c below it.
func (h header) draw(c draw.Canvas) draw.Canvas {
	y := c.Max.Y
	if h.title != "" {
		sty := textStyle(titleSize, true)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YTop
		c.FillText(sty, vg.Point{X: c.Center().X, Y: y}, h.title)
		y -= sty.Height(h.title) + headerGap
	}

	sty := textStyle(legendSize, false)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	lineHeight := sty.Height("Mg") * 1.3
	for _, row := range h.legendRows(c.Max.X - c.Min.X) {
		var width vg.Length
		for i, e := range row {
			if i > 0 {
				width += legendSpace
			}
			width += thumbWidth + thumbGap + sty.Width(e.name)
		}
		x := c.Center().X - width/2
		mid := y - lineHeight/2
		for _, e := range row {
			thumb := draw.Crop(c, 0, 0, 0, 0)
			thumb.Rectangle = vg.Rectangle{
				Min: vg.Point{X: x, Y: mid - lineHeight/2 + 1},
				Max: vg.Point{X: x + thumbWidth, Y: mid + lineHeight/2 - 1},
			}
			for _, t := range e.thumbs {
				t.Thumbnail(&thumb)
			}
			x += thumbWidth + thumbGap
			c.FillText(sty, vg.Point{X: x, Y: mid}, e.name)
			x += sty.Width(e.name) + legendSpace
		}
		y -= lineHeight
	}

	if h.note != "" {
		y -= headerGap / 2
		nsty := textStyle(noteSize, false)
		nsty.Color = noteColor
		nsty.XAlign, nsty.YAlign = draw.XCenter, draw.YTop
		c.FillText(nsty, vg.Point{X: c.Center().X, Y: y}, h.note)
		y -= nsty.Height(h.note)
	}

	body := c
	body.Max.Y = y - headerBottom
	return body
}

// alignPlots crops each canvas so that the data areas of all plots start
// and end at the same x, as in a figure whose panels share the time axis.
// The plots' axis ranges must be final.
func alignPlots(plots []*plot.Plot, canvases []draw.Canvas) {
	var left, right vg.Length
	for i, p := range plots {
		dc := p.DataCanvas(canvases[i])
		left = max(left, dc.Min.X-canvases[i].Min.X)
		right = max(right, canvases[i].Max.X-dc.Max.X)
	}
	for i, p := range plots {
		dc := p.DataCanvas(canvases[i])
		canvases[i].Min.X += left - (dc.Min.X - canvases[i].Min.X)
		canvases[i].Max.X -= right - (canvases[i].Max.X - dc.Max.X)
	}
}

// writeFigure draws a figure of the given size twice, into a PNG at pngDPI
// and into an SVG, and writes <dir>/<base>.png and <dir>/<base>.svg
// atomically. A panic inside the plotting library becomes an error, so a
// figure cannot crash the training run that asked for it.
func writeFigure(dir, base string, width, height vg.Length, drawFigure func(c draw.Canvas)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: drawing %s failed: %v", base, r)
		}
	}()

	img := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(pngDPI))
	drawOnWhite(draw.New(img), drawFigure)
	var pngData bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&pngData); err != nil {
		return fmt.Errorf("report: encoding %s.png: %w", base, err)
	}

	svg := vgsvg.New(width, height)
	drawOnWhite(draw.New(svg), drawFigure)
	var svgData bytes.Buffer
	if _, err := svg.WriteTo(&svgData); err != nil {
		return fmt.Errorf("report: encoding %s.svg: %w", base, err)
	}

	if err := runio.WriteBytesAtomic(filepath.Join(dir, base+".png"), pngData.Bytes()); err != nil {
		return err
	}
	return runio.WriteBytesAtomic(filepath.Join(dir, base+".svg"), withFontFallback(svgData.Bytes()))
}

// drawOnWhite fills c white, so an SVG does not show a dark viewer
// background through its margins, and draws the figure inside the margins.
func drawOnWhite(c draw.Canvas, drawFigure func(c draw.Canvas)) {
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	drawFigure(draw.Crop(c, figureMargin, -figureMargin, figureMargin, -figureMargin))
}

// withFontFallback adds fallback fonts to the font-family of every text in
// an SVG written by vgsvg, which names only Liberation Sans. Without a
// fallback, a viewer lacking that font picks its default, often a serif.
// Arial comes first because it has the metrics of Liberation Sans, so text
// still fits as laid out. Text content cannot match the pattern because
// vgsvg escapes its quotes.
func withFontFallback(svg []byte) []byte {
	return bytes.ReplaceAll(svg,
		[]byte(`style="font-family:Liberation Sans;`),
		[]byte(`style="font-family:'Liberation Sans',Arial,Helvetica,sans-serif;`))
}
