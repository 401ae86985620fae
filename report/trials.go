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

// TrialTrace is one trial of a task with the network's response: T time
// points of the inputs, of one target and output channel, and of the loss
// mask.
type TrialTrace struct {
	Label  string      // row title such as "duration 150 ms", or "trial k" if empty
	TimeMs []float64   // T times in ms, finite and non-decreasing
	Inputs [][]float64 // one slice of T values per input channel, possibly no channel
	Target []float64   // T target values of the output channel
	Mask   []float64   // T finite loss weights, where Mask > 0 marks a step counted in the loss
	Output []float64   // T network outputs
}

// maxTraces is the largest number of traces in one example-trials figure.
// Each trace adds a row of trialRowHeight, so ten rows already make a
// figure 64 cm tall.
const maxTraces = 10

// Geometry of the example-trials figure: a header band and one row per
// trace, each with a label, an input panel (inputShare of the panel height)
// and an output panel.
const (
	trialHeaderHeight = 1.8 * vg.Centimeter
	trialRowHeight    = 6.2 * vg.Centimeter
	trialRowGap       = 8 // points between rows
	inputShare        = 0.3
)

var (
	inputColor  = color.Gray{Y: 0x44}
	outputColor = palette[0]
	targetColor = color.Black
)

// ExampleTrials writes <dir>/example_trials.png and
// <dir>/example_trials.svg: one row per trace, with the inputs in a small
// panel above the target and the network output, against time in ms. All
// rows share the time axis and the y range of each panel kind, so rows can
// be compared by eye. The figure is 16 cm wide and 1.8 + 6.2·len(traces) cm
// tall.
//
// Steps that do not count in the loss (Mask ≤ 0) are shaded grey in the
// output panel, and the target is drawn, dashed, only where steps count.
// NaN and ±Inf values of inputs, target and output are not drawn and leave
// a gap. Lines of more than 2000 points are decimated as the package
// documentation describes, so the SVG stays small.
//
// It returns an error if traces is empty or has more than 10 traces. A
// trace is rejected if its TimeMs is empty, non-finite or decreasing, or if
// a series differs from TimeMs in length. It is also rejected if its Mask
// has a non-finite value, or if its Output, its counted Target or an input
// channel has no finite value.
func ExampleTrials(dir string, traces []TrialTrace) error {
	if err := checkTraces(traces); err != nil {
		return fmt.Errorf("report: ExampleTrials: %w", err)
	}

	maxInputs := 0
	for _, tr := range traces {
		maxInputs = max(maxInputs, len(tr.Inputs))
	}
	rows := make([]trialRow, len(traces))
	shaded := false
	for i, tr := range traces {
		rows[i] = newTrialRow(i, tr, maxInputs)
		shaded = shaded || len(rows[i].uncounted.spans) > 0
	}
	setSharedRanges(rows)

	h := header{title: "Example trials", legend: trialLegend(maxInputs, shaded)}

	height := trialHeaderHeight + vg.Length(len(traces))*trialRowHeight
	return writeFigure(dir, "example_trials", figureWidth, height, func(c draw.Canvas) {
		drawTrialRows(h.draw(c), rows)
	})
}

// trialRow contains the two panels of one trace. input is nil for a trace
// without input channels.
type trialRow struct {
	label     string
	timeMs    [2]float64 // first and last time
	input     *plot.Plot
	output    *plot.Plot
	uncounted *bands
}

// newTrialRow builds the panels of trace i. Input channel c gets the same
// colour in every row, chosen for a figure with maxInputs channels.
func newTrialRow(i int, tr TrialTrace, maxInputs int) trialRow {
	r := trialRow{label: tr.Label, timeMs: [2]float64{tr.TimeMs[0], tr.TimeMs[len(tr.TimeMs)-1]}}
	if r.label == "" {
		r.label = fmt.Sprintf("trial %d", i+1)
	}

	if len(tr.Inputs) > 0 {
		r.input = newPlot("", "input")
		r.input.X.Tick.Marker = unlabelledTicks{r.input.X.Tick.Marker}
		r.input.Y.Tick.Marker = linearTicks{maxLabels: 3}
		for c, u := range tr.Inputs {
			l, _ := splitLine(tr.TimeMs, u, nil)
			r.input.Add(newCurve(l.simplify(maxLinePoints), inputChannelColor(c, maxInputs), 1.2))
		}
	}

	r.output = newPlot("time (ms)", "output")
	r.uncounted = &bands{spans: uncountedSpans(tr.TimeMs, tr.Mask), color: shadeColor}
	r.output.Add(r.uncounted)
	out, _ := splitLine(tr.TimeMs, tr.Output, nil)
	r.output.Add(newCurve(out.simplify(maxLinePoints), outputColor, 1.5))
	target, _ := splitLine(tr.TimeMs, tr.Target, func(k int) bool { return tr.Mask[k] > 0 })
	r.output.Add(newCurve(target.simplify(maxLinePoints), targetColor, 1.5, vg.Points(4), vg.Points(3)))
	return r
}

func inputChannelColor(channel, channels int) color.Color {
	if channels == 1 {
		return inputColor
	}
	return palette[(channel+1)%len(palette)]
}

// setSharedRanges gives every row the time range from the earliest to the
// latest time of any trace. Each panel kind gets one y range, that of all
// its drawn values padded by 4 %.
func setSharedRanges(rows []trialRow) {
	xmin, xmax := math.Inf(1), math.Inf(-1)
	inLo, inHi := math.Inf(1), math.Inf(-1)
	outLo, outHi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		xmin, xmax = math.Min(xmin, r.timeMs[0]), math.Max(xmax, r.timeMs[1])
		// plot.Add has widened each plot's y axis to its data.
		outLo, outHi = math.Min(outLo, r.output.Y.Min), math.Max(outHi, r.output.Y.Max)
		if r.input != nil {
			inLo, inHi = math.Min(inLo, r.input.Y.Min), math.Max(inHi, r.input.Y.Max)
		}
	}
	outLo, outHi = paddedRange(outLo, outHi)
	if inLo <= inHi { // false when no trace has an input channel
		inLo, inHi = paddedRange(inLo, inHi)
	}
	for _, r := range rows {
		r.output.X.Min, r.output.X.Max = xmin, xmax
		r.output.Y.Min, r.output.Y.Max = outLo, outHi
		if r.input != nil {
			r.input.X.Min, r.input.X.Max = xmin, xmax
			r.input.Y.Min, r.input.Y.Max = inLo, inHi
		}
	}
}

// uncountedSpans returns the time spans of the steps with mask ≤ 0. A span
// reaches halfway to the neighbouring counted steps, so a single uncounted
// step still shows as a strip one step wide.
func uncountedSpans(timeMs, mask []float64) [][2]float64 {
	n := len(timeMs)
	edge := func(k int) float64 { // boundary between steps k−1 and k
		switch k {
		case 0:
			return timeMs[0]
		case n:
			return timeMs[n-1]
		}
		return (timeMs[k-1] + timeMs[k]) / 2
	}
	var spans [][2]float64
	for k := 0; k < n; {
		if mask[k] > 0 {
			k++
			continue
		}
		start := k
		for k < n && !(mask[k] > 0) {
			k++
		}
		spans = append(spans, [2]float64{edge(start), edge(k)})
	}
	return spans
}

func trialLegend(inputs int, shaded bool) []legendEntry {
	var entries []legendEntry
	for c := range inputs {
		name := "input"
		if inputs > 1 {
			name = fmt.Sprintf("input %d", c+1)
		}
		entries = append(entries, legendEntry{name: name, thumbs: []plot.Thumbnailer{
			newCurve(line{}, inputChannelColor(c, inputs), 1.2)}})
	}
	entries = append(entries,
		legendEntry{name: "target (where counted)", thumbs: []plot.Thumbnailer{
			newCurve(line{}, targetColor, 1.5, vg.Points(4), vg.Points(3))}},
		legendEntry{name: "network output", thumbs: []plot.Thumbnailer{
			newCurve(line{}, outputColor, 1.5)}},
	)
	if shaded {
		entries = append(entries, legendEntry{name: "not counted in the loss", thumbs: []plot.Thumbnailer{
			&bands{color: shadeColor}}})
	}
	return entries
}

// drawTrialRows splits c into one row per trace and draws each row's label
// and panels, with the data areas of all panels aligned.
func drawTrialRows(c draw.Canvas, rows []trialRow) {
	labelStyle := textStyle(labelSize, true)
	labelStyle.XAlign, labelStyle.YAlign = draw.XLeft, draw.YTop
	labelHeight := labelStyle.Height("Mg") + 2

	var plots []*plot.Plot
	var canvases []draw.Canvas
	outputIndex := make([]int, len(rows)) // index of each row's output panel in plots
	rowHeight := (c.Max.Y - c.Min.Y) / vg.Length(len(rows))
	for i, r := range rows {
		top := c.Max.Y - vg.Length(i)*rowHeight
		panels := c
		panels.Max.Y = top - labelHeight
		panels.Min.Y = top - rowHeight
		if i < len(rows)-1 {
			panels.Min.Y += trialRowGap
		}
		if r.input != nil {
			split := panels.Max.Y - inputShare*(panels.Max.Y-panels.Min.Y)
			in := panels
			in.Min.Y = split
			panels.Max.Y = split
			plots = append(plots, r.input)
			canvases = append(canvases, in)
		}
		outputIndex[i] = len(plots)
		plots = append(plots, r.output)
		canvases = append(canvases, panels)
	}
	alignPlots(plots, canvases)

	for i, p := range plots {
		p.Draw(canvases[i])
	}
	for i, r := range rows {
		top := c.Max.Y - vg.Length(i)*rowHeight
		dc := r.output.DataCanvas(canvases[outputIndex[i]])
		c.FillText(labelStyle, vg.Point{X: dc.Min.X, Y: top}, r.label)
	}
}

func checkTraces(traces []TrialTrace) error {
	if len(traces) == 0 {
		return errors.New("traces is empty")
	}
	if len(traces) > maxTraces {
		return fmt.Errorf("traces has %d traces, but at most %d fit one figure; pass a subset", len(traces), maxTraces)
	}
	for i, tr := range traces {
		if err := checkTrace(tr); err != nil {
			return fmt.Errorf("traces[%d] (%q): %w", i, tr.Label, err)
		}
	}
	return nil
}

func checkTrace(tr TrialTrace) error {
	if err := checkAxis("TimeMs", tr.TimeMs); err != nil {
		return err
	}
	n := len(tr.TimeMs)
	for _, s := range []struct {
		name   string
		values []float64
	}{{"Target", tr.Target}, {"Mask", tr.Mask}, {"Output", tr.Output}} {
		if err := checkLength(s.name, s.values, n, "TimeMs"); err != nil {
			return err
		}
	}
	for c, u := range tr.Inputs {
		if err := checkLength(fmt.Sprintf("Inputs[%d]", c), u, n, "TimeMs"); err != nil {
			return err
		}
		if !anyFinite(u, nil) {
			return fmt.Errorf("Inputs[%d] has no finite value", c)
		}
	}
	for k, m := range tr.Mask {
		if !isFinite(m) {
			return fmt.Errorf("Mask[%d] is %v, expected a finite loss weight", k, m)
		}
	}
	if !anyFinite(tr.Output, nil) {
		return errors.New("Output has no finite value")
	}
	counted := func(k int) bool { return tr.Mask[k] > 0 }
	if anyCounted := anyFinite(tr.Mask, counted); anyCounted && !anyFinite(tr.Target, counted) {
		return errors.New("Target has no finite value at the steps where Mask > 0")
	}
	return nil
}

// anyFinite reports whether some y[k] with keep(k) is finite. A nil keep
// accepts every k.
func anyFinite(y []float64, keep func(k int) bool) bool {
	for k, v := range y {
		if isFinite(v) && (keep == nil || keep(k)) {
			return true
		}
	}
	return false
}
