package report

import (
	"fmt"
	"math"
)

// maxLinePoints is the largest number of points drawn for one line. A
// 16 cm figure has about 850 pixel columns of data area at 150 dpi, and
// min/max decimation keeps two points per column, so 2000 points lose
// nothing visible. A 2000-point path takes about 35 KB of SVG (measured on
// the 7000-step pulse-duration sample in the tests).
const maxLinePoints = 2000

// run is a stretch of consecutive finite points of a line.
type run struct {
	x, y []float64
}

// line is a series split at its non-finite values. Each run is drawn as a
// separate polyline, so the gaps stay visible.
type line struct {
	runs []run
}

// empty reports whether the line has no point to draw.
func (l line) empty() bool { return len(l.runs) == 0 }

// yRange returns the smallest and largest y of the line's points.
func (l line) yRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range l.runs {
		for _, v := range r.y {
			lo = math.Min(lo, v)
			hi = math.Max(hi, v)
		}
	}
	return lo, hi
}

// log10 returns the line with log10 applied to every y, for drawing on an
// axis whose ticks come from logTicks. Every y must be positive.
func (l line) log10() line {
	out := line{runs: make([]run, len(l.runs))}
	for i, r := range l.runs {
		y := make([]float64, len(r.y))
		for k, v := range r.y {
			y[k] = math.Log10(v)
		}
		out.runs[i] = run{x: r.x, y: y}
	}
	return out
}

// splitLine builds a line from the points (x[i], y[i]) for which keep(i)
// holds and y[i] is finite, starting a new run after every skipped point.
// It returns the line and the number of points skipped. keep may be nil.
func splitLine(x, y []float64, keep func(i int) bool) (l line, skipped int) {
	var cur run
	flush := func() {
		if len(cur.x) > 0 {
			l.runs = append(l.runs, cur)
			cur = run{}
		}
	}
	for i, v := range y {
		if !isFinite(v) || (keep != nil && !keep(i)) {
			skipped++
			flush()
			continue
		}
		cur.x = append(cur.x, x[i])
		cur.y = append(cur.y, v)
	}
	flush()
	return l, skipped
}

// simplify returns the line with fewer points and the same picture. It
// first removes the interior points of constant stretches, which is exact.
// If more than maxPoints remain, it splits the x range into maxPoints/2 − 1
// equal buckets. For each run and bucket it keeps only the points with the
// smallest and the largest y (min/max decimation), plus each run's first
// and last point, so spikes and the envelope of fast oscillations survive.
// The result has at most maxPoints points plus four per run, because a
// bucket shared by two runs keeps points of each.
func (l line) simplify(maxPoints int) line {
	out := line{runs: make([]run, len(l.runs))}
	total := 0
	for i, r := range l.runs {
		out.runs[i] = dropFlatInterior(r)
		total += len(out.runs[i].x)
	}
	if total <= maxPoints {
		return out
	}

	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, r := range out.runs {
		xmin = math.Min(xmin, r.x[0])
		xmax = math.Max(xmax, r.x[len(r.x)-1])
	}
	buckets := max(maxPoints/2-1, 1)
	width := (xmax - xmin) / float64(buckets)
	for i, r := range out.runs {
		out.runs[i] = minMaxDecimate(r, xmin, width, buckets)
	}
	return out
}

// dropFlatInterior removes every point whose neighbours on both sides have
// the same y, which leaves the drawn line unchanged.
func dropFlatInterior(r run) run {
	n := len(r.x)
	if n < 3 {
		return r
	}
	var out run
	for i := range n {
		if i > 0 && i < n-1 && r.y[i-1] == r.y[i] && r.y[i] == r.y[i+1] {
			continue
		}
		out.x = append(out.x, r.x[i])
		out.y = append(out.y, r.y[i])
	}
	return out
}

// minMaxDecimate keeps the first and last point of r and, in every bucket
// [xmin + k·width, xmin + (k+1)·width), the points with the smallest and
// largest y, in their original order. r.x must be non-decreasing.
func minMaxDecimate(r run, xmin, width float64, buckets int) run {
	n := len(r.x)
	if n <= 2 || width <= 0 {
		return r
	}
	bucketOf := func(x float64) int {
		return min(int((x-xmin)/width), buckets-1)
	}
	keep := make([]bool, n)
	keep[0], keep[n-1] = true, true
	for start := 0; start < n; {
		b := bucketOf(r.x[start])
		end := start + 1
		for end < n && bucketOf(r.x[end]) == b {
			end++
		}
		lo, hi := start, start
		for i := start + 1; i < end; i++ {
			if r.y[i] < r.y[lo] {
				lo = i
			}
			if r.y[i] > r.y[hi] {
				hi = i
			}
		}
		keep[lo], keep[hi] = true, true
		start = end
	}
	var out run
	for i, k := range keep {
		if k {
			out.x = append(out.x, r.x[i])
			out.y = append(out.y, r.y[i])
		}
	}
	return out
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkAxis returns an error unless x is non-empty, finite and
// non-decreasing. name is the argument's name in the message.
func checkAxis(name string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("%s is empty", name)
	}
	for i, v := range x {
		if !isFinite(v) {
			return fmt.Errorf("%s[%d] is %v, expected a finite value", name, i, v)
		}
		if i > 0 && v < x[i-1] {
			return fmt.Errorf("%s must not decrease, but %s[%d] = %v follows %s[%d] = %v",
				name, name, i, v, name, i-1, x[i-1])
		}
	}
	return nil
}

// checkLength returns an error unless len(y) == n.
func checkLength(name string, y []float64, n int, against string) error {
	if len(y) != n {
		return fmt.Errorf("%s has %d values, but %s has %d", name, len(y), against, n)
	}
	return nil
}

// paddedRange returns the axis limits for data in [lo, hi], widened by 4 %
// of the span on each side. A zero span is widened by max(10 % of the
// value, 1) each way.
func paddedRange(lo, hi float64) (float64, float64) {
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 1)
		return lo - d, hi + d
	}
	d := 0.04 * (hi - lo)
	return lo - d, hi + d
}

// paddedLog10Range returns log10 of the axis limits for positive data in
// [lo, hi], widened by 4 % of the span in decades on each side, or by half
// a decade each way if lo == hi.
func paddedLog10Range(lo, hi float64) (float64, float64) {
	a, b := math.Log10(lo), math.Log10(hi)
	if a == b {
		return a - 0.5, b + 0.5
	}
	d := 0.04 * (b - a)
	return a - d, b + d
}

// skippedNote returns a note such as "3 loss values not drawn (NaN)", or
// "" if count is 0.
func skippedNote(count int, quantity, reason string) string {
	if count == 0 {
		return ""
	}
	noun := "values"
	if count == 1 {
		noun = "value"
	}
	return fmt.Sprintf("%d %s %s not drawn (%s)", count, quantity, noun, reason)
}
