package main

import (
	"fmt"
	"math"

	"github.com/rnnlab/rnnlab/analysis/pca"
	"github.com/rnnlab/rnnlab/analysis/readout"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

// summaryComponents is the number of eigenvalues and ratios in the JSON;
// analyze_pca.npz holds all N.
const summaryComponents = 20

// projectionComponents is the number of scores per step stored for every
// condition in analyze_pca.npz.
const projectionComponents = 10

// pcaJSON is the pca section of analyze.json.
type pcaJSON struct {
	Window                      string                   `json:"window"`
	Space                       string                   `json:"space"`
	ZeroVariance                bool                     `json:"zero_variance"`
	Samples                     int                      `json:"samples"`
	Eigenvalues                 []float64                `json:"eigenvalues"`
	ExplainedRatio              []float64                `json:"explained_ratio"`
	Cumulative                  []float64                `json:"cumulative"`
	K99                         int                      `json:"k99"`
	ParticipationRatio          float64                  `json:"participation_ratio"`
	ParticipationRatioCorrected *float64                 `json:"participation_ratio_corrected"`
	Windows                     map[string]windowSummary `json:"windows"`
}

// windowSummary is the dimension of one window's activity.
type windowSummary struct {
	ZeroVariance                bool     `json:"zero_variance"`
	Samples                     int      `json:"samples"`
	K99                         int      `json:"k99"`
	ParticipationRatio          float64  `json:"participation_ratio"`
	ParticipationRatioCorrected *float64 `json:"participation_ratio_corrected"`
}

func summarise(p *pca.PCA, samples int) windowSummary {
	if p == nil {
		return windowSummary{ZeroVariance: true, Samples: samples}
	}
	s := windowSummary{Samples: p.Samples(), K99: k99(p), ParticipationRatio: p.ParticipationRatio()}
	if pr, ok := p.ParticipationRatioCorrected(); ok {
		s.ParticipationRatioCorrected = ptr(pr)
	}
	return s
}

var windowTitles = map[string]string{
	"whole":       "whole trial",
	"memory":      "memory period",
	"spontaneous": "spontaneous",
}

func (a *analysis) pcaSection(dir string) (*pcaJSON, error) {
	out := &pcaJSON{Window: a.opt.window, Space: a.opt.space, Windows: map[string]windowSummary{}}
	var arrays []runio.Tensor
	var series []report.VarianceSeries
	for _, name := range analyzeWindows {
		p := a.windows[name]
		out.Windows[name] = summarise(p, len(a.windowData(name, a.opt.space))/a.w.N)
		if p == nil {
			continue
		}
		values := p.Variances(nil)
		ratio := p.ExplainedRatio(nil)
		arrays = append(arrays,
			runio.Tensor{Name: "eigenvalues_" + name, Shape: []int{len(values)}, F64: values},
			runio.Tensor{Name: "explained_ratio_" + name, Shape: []int{len(ratio)}, F64: ratio})
		s := out.Windows[name]
		series = append(series, report.VarianceSeries{
			Label: fmt.Sprintf("%s: k99 = %d, PR = %.2f", windowTitles[name], s.K99, s.ParticipationRatio),
			Ratio: ratio[:min(len(ratio), 30)],
		})
	}
	sel := out.Windows[a.opt.window]
	out.ZeroVariance, out.Samples = sel.ZeroVariance, sel.Samples
	p := a.windows[a.opt.window]
	if p == nil {
		out.Eigenvalues, out.ExplainedRatio, out.Cumulative = []float64{}, []float64{}, []float64{}
		return out, runio.SaveNPZ(runio.Path(runio.Path(dir, runio.AnalysisDir), "analyze_pca.npz"), arrays)
	}
	n := min(summaryComponents, a.w.N)
	out.Eigenvalues = p.Variances(nil)[:n]
	out.ExplainedRatio = p.ExplainedRatio(nil)[:n]
	out.Cumulative = p.Cumulative(nil)[:n]
	out.K99, out.ParticipationRatio, out.ParticipationRatioCorrected = sel.K99, sel.ParticipationRatio, sel.ParticipationRatioCorrected

	// Scores of every simulated condition and of the spontaneous run on the
	// selected window's components.
	k := min(projectionComponents, a.w.N)
	c, T := a.conditions.C, a.conditions.T
	scores := p.Project(nil, a.conditions.space(a.opt.space), k)
	spont := p.Project(nil, a.spontaneous.space(a.opt.space), k)
	arrays = append(arrays,
		runio.Tensor{Name: "projections", Shape: []int{c, T, k}, F64: scores},
		runio.Tensor{Name: "projections_spontaneous", Shape: []int{T, k}, F64: spont},
		runio.Tensor{Name: "durations_ms", Shape: []int{c}, F64: a.durations},
		runio.Tensor{Name: "components", Shape: []int{k, a.w.N}, F64: p.VectorsTo(nil, k)})
	if err := runio.SaveNPZ(runio.Path(runio.Path(dir, runio.AnalysisDir), "analyze_pca.npz"), arrays); err != nil {
		return nil, err
	}

	figs := runio.Path(dir, runio.FiguresDir)
	if k >= 3 {
		if err := report.PCTrajectories(figs, "pca_trajectories", a.trajectoryFigure(p, scores, spont, k)); err != nil {
			return nil, err
		}
	}
	title := fmt.Sprintf("Variance explained by the principal components of the %s", a.opt.space)
	note := "whole trial and memory period: the task's test trials; spontaneous: no input, x(0) = 0.1 in every unit"
	if err := report.VarianceExplained(figs, "pca_variance", title, note, series, 0.99); err != nil {
		return nil, err
	}
	return out, nil
}

// trajectoryFigure builds the PC-space figure of the test trials from the
// scores of every condition (C×T×k).
func (a *analysis) trajectoryFigure(p *pca.PCA, scores, spont []float64, k int) report.PCTrajectoriesFigure {
	T := a.conditions.T
	ratio := p.ExplainedRatio(nil)
	fig := report.PCTrajectoriesFigure{
		Title: fmt.Sprintf("Test trials in the principal components of the %s (%s window)", a.opt.space, windowTitles[a.opt.window]),
		Note: "grey: spontaneous activity from x(0) = 0.1 in every unit, no input. Arrows: W_in and W_out as unit vectors projected on each plane,\n" +
			"one scale for all arrows and panels (the longest reaches 45 % of the smallest panel). Axes have separate scales.",
		K:          k,
		MarkNames:  []string{"input onset", "input offset", "memory period starts"},
		Background: report.PCTrajectory{Label: "spontaneous", Scores: spont},
	}
	for i := range 3 {
		fig.AxisLabels[i] = fmt.Sprintf("PC%d (%.1f %%)", i+1, 100*ratio[i])
	}
	for _, c := range a.test {
		fig.Trajectories = append(fig.Trajectories, report.PCTrajectory{
			Label:  fmt.Sprintf("%g ms pulse", a.durations[c]),
			Scores: scores[c*T*k : (c+1)*T*k],
			Marks:  []int{a.onset, a.onset + a.durationSteps[c], a.evalOnset},
		})
	}
	for _, v := range a.weightVectors() {
		comp := make([]float64, 3)
		norm := math.Sqrt(dot(v.values, v.values))
		for i := range 3 {
			comp[i] = dot(p.Vector(nil, i), v.values) / norm
		}
		fig.Arrows = append(fig.Arrows, report.PCArrow{Label: v.name, Components: comp})
	}
	return fig
}

// namedVector is a weight vector with its name, such as "W_in[:,0]".
type namedVector struct {
	name   string
	values []float64
}

// weightVectors returns the columns of W_in and the rows of W_out, named
// "W_in" and "W_out" when there is a single input or output.
func (a *analysis) weightVectors() []namedVector {
	return append(inputColumns(a.w.WIn, a.w.N, a.w.I), outputRows(a.w.WOut, a.w.N, a.w.O)...)
}

func inputColumns(win []float64, n, inputs int) []namedVector {
	var out []namedVector
	for i := range inputs {
		v := make([]float64, n)
		for j := range n {
			v[j] = win[j*inputs+i]
		}
		name := "W_in"
		if inputs > 1 {
			name = fmt.Sprintf("W_in[:,%d]", i)
		}
		out = append(out, namedVector{name, v})
	}
	return out
}

func outputRows(wout []float64, n, outputs int) []namedVector {
	var out []namedVector
	for o := range outputs {
		name := "W_out"
		if outputs > 1 {
			name = fmt.Sprintf("W_out[%d,:]", o)
		}
		out = append(out, namedVector{name, wout[o*n : (o+1)*n]})
	}
	return out
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// alignmentJSON is the alignment section of analyze.json.
type alignmentJSON struct {
	Windows  map[string]windowAlignment `json:"windows"`
	CosInOut []cosInOut                 `json:"cos_in_out"`
}

// windowAlignment is the alignment of every weight vector with one
// window's top-k components.
type windowAlignment struct {
	ZeroVariance bool          `json:"zero_variance"`
	K            int           `json:"k"`
	WIn          []vectorAlign `json:"w_in"`
	WOut         []vectorAlign `json:"w_out"`
}

type vectorAlign struct {
	Name               string  `json:"name"`
	Captured           float64 `json:"captured"`
	ParticipationRatio float64 `json:"participation_ratio"`
	// SignedRatio is the thesis's (Σcᵢ)²/Σcᵢ², only with --signed.
	SignedRatio *float64 `json:"signed_participation_ratio_sign_dependent,omitempty"`
}

type cosInOut struct {
	Input   int      `json:"input"`
	Output  int      `json:"output"`
	Trained float64  `json:"trained"`
	Initial *float64 `json:"initial"`
}

func (a *analysis) alignmentSection() (*alignmentJSON, error) {
	out := &alignmentJSON{Windows: map[string]windowAlignment{}}
	ins := inputColumns(a.w.WIn, a.w.N, a.w.I)
	outs := outputRows(a.w.WOut, a.w.N, a.w.O)
	for _, name := range analyzeWindows {
		p := a.windows[name]
		if p == nil {
			out.Windows[name] = windowAlignment{ZeroVariance: true, WIn: []vectorAlign{}, WOut: []vectorAlign{}}
			continue
		}
		wa := windowAlignment{K: k99(p)}
		align := func(vs []namedVector) ([]vectorAlign, error) {
			res := []vectorAlign{}
			for _, v := range vs {
				al, err := readout.Align(p, v.values, wa.K)
				if err != nil {
					return nil, fmt.Errorf("analyze: alignment of %s with the %s window: %w", v.name, name, err)
				}
				va := vectorAlign{Name: v.name, Captured: al.Captured, ParticipationRatio: al.ParticipationRatio}
				if a.opt.signed {
					if s, ok := readout.SignedParticipationRatio(al.Projections); ok {
						va.SignedRatio = ptr(s)
					}
				}
				res = append(res, va)
			}
			return res, nil
		}
		var err error
		if wa.WIn, err = align(ins); err != nil {
			return nil, err
		}
		if wa.WOut, err = align(outs); err != nil {
			return nil, err
		}
		out.Windows[name] = wa
	}
	out.CosInOut = []cosInOut{}
	for i, vin := range ins {
		for o, vout := range outs {
			c := cosInOut{Input: i, Output: o}
			c.Trained, _ = readout.Cosine(vin.values, vout.values)
			if a.initW != nil {
				in0 := inputColumns(a.initW.WIn, a.w.N, a.w.I)[i]
				out0 := outputRows(a.initW.WOut, a.w.N, a.w.O)[o]
				if v, ok := readout.Cosine(in0.values, out0.values); ok {
					c.Initial = ptr(v)
				}
			}
			out.CosInOut = append(out.CosInOut, c)
		}
	}
	return out, nil
}
