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

var (
	lossStepColor = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0x60} // translucent blue
	lossMeanColor = color.NRGBA{R: 0x00, G: 0x3C, B: 0x66, A: 0xFF} // dark blue
)

// LossCurve writes <dir>/loss.png and <dir>/loss.svg: the training loss
// against the optimizer step on a log y axis. step[i] is the x value of
// loss[i], and steps must be finite and must not decrease.
//
// When stepsPerEpoch ≥ 2 the figure adds the running mean over the last
// epoch,
//
//	m(i) = mean{ loss[j] : j ≤ i, step[j] > step[i] − stepsPerEpoch, loss[j] finite }.
//
// The mean line starts at the first step whose window spans a whole epoch
// (step[i] ≥ step[0] + stepsPerEpoch − 1) and has a gap wherever loss[i] is
// not finite. When stepsPerEpoch ≥ 1 an epoch axis runs along the top: its
// tick e sits at step e·stepsPerEpoch, the end of epoch e when steps count
// optimizer updates from 1. stepsPerEpoch = 0 means the epoch length is
// unknown and draws neither.
//
// NaN and ±Inf losses (a blow-up) and losses ≤ 0, which a log axis cannot
// show, are not drawn: they leave a gap in the line, and a note under the
// legend gives their number. It returns an error if step is empty, if loss
// and step differ in length, if stepsPerEpoch < 0, or if no loss is finite
// and positive.
func LossCurve(dir string, step []float64, loss []float64, stepsPerEpoch int) error {
	if err := checkLossArgs(step, loss, stepsPerEpoch); err != nil {
		return fmt.Errorf("report: LossCurve: %w", err)
	}

	positive := func(i int) bool { return loss[i] > 0 }
	perStep, skipped := splitLine(step, loss, positive)
	if perStep.empty() {
		return errors.New("report: LossCurve: loss has no finite positive value to draw on a log axis")
	}

	p := newPlot("optimizer step", "loss (log scale)")
	p.Y.Tick.Marker = logTicks{}
	p.X.Min, p.X.Max = step[0], step[len(step)-1]

	var meanLine line
	if stepsPerEpoch >= 2 {
		mean := epochMean(step, loss, stepsPerEpoch)
		meanLine, _ = splitLine(step, mean, func(i int) bool { return mean[i] > 0 })
	}

	// The per-step loss is pale when the mean line is drawn over it, and
	// solid when it is the only line.
	h := header{title: "Training loss"}
	stepColor, stepWidth := color.Color(lossStepColor), vg.Length(0.8)
	if meanLine.empty() {
		stepColor, stepWidth = palette[0], 1.2
	}
	stepCurve := newCurve(perStep.log10().simplify(maxLinePoints), stepColor, stepWidth)
	p.Add(stepCurve)
	h.legend = append(h.legend, legendEntry{name: "loss per step", thumbs: []plot.Thumbnailer{stepCurve}})
	lo, hi := perStep.yRange()

	if !meanLine.empty() {
		meanCurve := newCurve(meanLine.log10().simplify(maxLinePoints), lossMeanColor, 1.8)
		p.Add(meanCurve)
		h.legend = append(h.legend, legendEntry{
			name:   fmt.Sprintf("mean over the last epoch (%d steps)", stepsPerEpoch),
			thumbs: []plot.Thumbnailer{meanCurve},
		})
		mlo, mhi := meanLine.yRange()
		lo, hi = math.Min(lo, mlo), math.Max(hi, mhi)
	}
	p.Y.Min, p.Y.Max = paddedLog10Range(lo, hi)
	h.note = skippedNote(skipped, "loss", "NaN, ±Inf or ≤ 0")

	epochs := epochTicks(p.X.Min, p.X.Max, stepsPerEpoch)
	return writeFigure(dir, "loss", figureWidth, figureHeight, func(c draw.Canvas) {
		body := h.draw(c)
		if len(epochs) > 0 {
			body.Max.Y -= epochAxisHeight()
		}
		p.Draw(body)
		drawEpochAxis(p, body, epochs, stepsPerEpoch)
	})
}

func checkLossArgs(step, loss []float64, stepsPerEpoch int) error {
	if err := checkAxis("step", step); err != nil {
		return err
	}
	if err := checkLength("loss", loss, len(step), "step"); err != nil {
		return err
	}
	if stepsPerEpoch < 0 {
		return fmt.Errorf("stepsPerEpoch is %d, expected ≥ 0 (0 if the epoch length is unknown)", stepsPerEpoch)
	}
	return nil
}

// epochMean returns the running mean of the finite losses over the last
// epoch in step units. It is NaN where the window does not yet span a whole
// epoch and where loss itself is not finite, so the mean line has the same
// gaps as the loss line. Each window is summed afresh, because a running
// sum would lose the small losses after a blow-up to cancellation. The cost
// is O(len(step)·points per epoch).
func epochMean(step, loss []float64, stepsPerEpoch int) []float64 {
	mean := make([]float64, len(step))
	width := float64(stepsPerEpoch)
	start := 0
	for i := range step {
		for step[start] <= step[i]-width {
			start++
		}
		mean[i] = math.NaN()
		if step[i] < step[0]+width-1 || !isFinite(loss[i]) {
			continue
		}
		var sum float64
		n := 0
		for j := start; j <= i; j++ {
			if isFinite(loss[j]) {
				sum += loss[j]
				n++
			}
		}
		if n > 0 {
			mean[i] = sum / float64(n)
		}
	}
	return mean
}

// maxEpochLabels is the largest number of labelled epochs on the top axis.
const maxEpochLabels = 8

// epochTicks returns the epochs e, multiples of 1, 2 or 5 times a power of
// ten, whose step e·stepsPerEpoch lies in [lo, hi], at most maxEpochLabels
// of them (plus 0).
func epochTicks(lo, hi float64, stepsPerEpoch int) []int {
	if stepsPerEpoch <= 0 {
		return nil
	}
	spe := float64(stepsPerEpoch)
	last := int(math.Floor(hi / spe))
	first := int(math.Ceil(lo / spe))
	if last < first {
		return nil
	}
	every := niceStep(last-max(first, 0), maxEpochLabels)
	var epochs []int
	for e := first; e <= last; e++ {
		if e%every == 0 {
			epochs = append(epochs, e)
		}
	}
	return epochs
}

// niceStep returns the smallest of 1, 2, 5, 10, 20, 50, … that splits
// [0, span] into fewer than maxLabels steps.
func niceStep(span, maxLabels int) int {
	for mult := 1; ; mult *= 10 {
		for _, m := range []int{1, 2, 5} {
			if span/(m*mult) < maxLabels {
				return m * mult
			}
		}
	}
}

const epochTickLength = 4 // points

func epochAxisHeight() vg.Length {
	sty := textStyle(tickSize, false)
	return epochTickLength + 2 + sty.Height("0") + 2
}

// drawEpochAxis draws a secondary x axis along the top of p's data area in
// c with a tick and label for each epoch.
func drawEpochAxis(p *plot.Plot, c draw.Canvas, epochs []int, stepsPerEpoch int) {
	if len(epochs) == 0 {
		return
	}
	dc := p.DataCanvas(c)
	trX, _ := p.Transforms(&dc)
	axis := draw.LineStyle{Color: color.Black, Width: vg.Points(0.5)}
	top := dc.Max.Y
	c.StrokeLine2(axis, dc.Min.X, top, dc.Max.X, top)

	sty := textStyle(tickSize, false)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YBottom
	for _, e := range epochs {
		x := trX(float64(e * stepsPerEpoch))
		c.StrokeLine2(axis, x, top, x, top+epochTickLength)
		c.FillText(sty, vg.Point{X: x, Y: top + epochTickLength + 2}, fmt.Sprint(e))
	}

	name := textStyle(labelSize, false)
	name.XAlign, name.YAlign = draw.XRight, draw.YBottom
	c.FillText(name, vg.Point{X: dc.Min.X - 6, Y: top + epochTickLength + 2}, "epoch")
}
