package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// GradNorms writes <dir>/grad_norms.png and <dir>/grad_norms.svg: one line
// per trained weight group, norms[g][i] against step[i] on a log y axis,
// with groups[g] (such as "W_in" or "W_out") in the legend. Groups past the
// seventh reuse the colours with a dashed line. The norm itself is
// whatever the caller computed; the figure does not assume which one.
//
// NaN, ±Inf and values ≤ 0, which a log axis cannot show, are not drawn:
// they leave a gap in the line, and a note under the legend gives their
// number. A group with no drawable value keeps its legend entry, marked
// "not drawn". It returns an error if step or groups is empty, if a group
// name is empty, if norms and groups or a norms[g] and step differ in
// length, or if no group has a finite positive value.
func GradNorms(dir string, step []float64, groups []string, norms [][]float64) error {
	if err := checkGradArgs(step, groups, norms); err != nil {
		return fmt.Errorf("report: GradNorms: %w", err)
	}

	p := newPlot("optimizer step", "gradient norm (log scale)")
	p.Y.Tick.Marker = logTicks{}
	p.X.Min, p.X.Max = step[0], step[len(step)-1]

	h := header{title: "Gradient norm per weight group"}
	lo, hi := math.Inf(1), math.Inf(-1)
	skipped := 0
	for g, name := range groups {
		values := norms[g]
		l, n := splitLine(step, values, func(i int) bool { return values[i] > 0 })
		skipped += n

		clr := palette[g%len(palette)]
		var dashes []vg.Length
		if g >= len(palette) {
			dashes = []vg.Length{vg.Points(5), vg.Points(2.5)}
		}
		cv := newCurve(l.log10().simplify(maxLinePoints), clr, 1, dashes...)
		if l.empty() {
			name += " (not drawn: no finite positive value)"
		} else {
			glo, ghi := l.yRange()
			lo, hi = math.Min(lo, glo), math.Max(hi, ghi)
			p.Add(cv)
		}
		h.legend = append(h.legend, legendEntry{name: name, thumbs: []plot.Thumbnailer{cv}})
	}
	if math.IsInf(lo, 1) {
		return errors.New("report: GradNorms: norms has no finite positive value to draw on a log axis")
	}
	p.Y.Min, p.Y.Max = paddedLog10Range(lo, hi)
	h.note = skippedNote(skipped, "gradient norm", "NaN, ±Inf or ≤ 0")

	return writeFigure(dir, "grad_norms", figureWidth, figureHeight, func(c draw.Canvas) {
		p.Draw(h.draw(c))
	})
}

func checkGradArgs(step []float64, groups []string, norms [][]float64) error {
	if err := checkAxis("step", step); err != nil {
		return err
	}
	if len(groups) == 0 {
		return errors.New("groups is empty")
	}
	if len(norms) != len(groups) {
		return fmt.Errorf("norms has %d groups, but groups has %d names", len(norms), len(groups))
	}
	for g, name := range groups {
		if name == "" {
			return fmt.Errorf("groups[%d] is an empty name", g)
		}
		if err := checkLength(fmt.Sprintf("norms[%d] (%s)", g, name), norms[g], len(step), "step"); err != nil {
			return err
		}
	}
	return nil
}
