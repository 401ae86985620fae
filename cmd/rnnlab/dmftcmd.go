package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/analysis/dmft"
	"github.com/rnnlab/rnnlab/report"
	"github.com/rnnlab/rnnlab/runio"
)

const dmftUsage = `dmft --g G [--map] [--s-max T] [--points K] [--json] [--out DIR]

Prints the dynamic mean-field theory (Sompolinsky, Crisanti & Sommers 1988)
of the random network τ·dx/dt = −x + J·tanh(x), Jᵢⱼ ~ N(0, g²/N), in the
limit N → ∞ and in continuous time: the stationary variance Δ₀ = ⟨xᵢ²⟩,
the autocorrelation Δ(s) = ⟨xᵢ(t)·xᵢ(t+s)⟩ on a grid of lags s in τ, its
decay rate κ (Δ(s) ∝ e^{−κ·s} for large s) and the predicted largest
Lyapunov exponent λ_max per τ. For g ≤ 1 the origin is stable: Δ₀ = 0,
Δ(s) = 0 and λ_max = g − 1. Simulations approach these values for small
α = dt/τ (α ≤ 0.1) and large N; finite N lowers λ_max.

--map gives the theory of the discrete-time map x(t+1) = J·tanh(x(t))
(α = 1, as PyTorch's nn.RNN without input) instead: the variance q and
λ_max per step. It has no autocorrelation and no figure.

With --out DIR it also writes DIR/dmft.json and, except with --map, the
figure DIR/dmft_autocorrelation.png and .svg of Δ(s)/Δ₀. Without --out it
writes no file.

JSON keys: g, dynamics ("flow", or "map" with --map), activation,
critical_gain, lambda_max, units ("1/tau", or "1/step" with --map); for
the flow also delta0, decay_rate (per τ, absent for g ≤ 1) and
autocorrelation {"s_tau": [...], "delta": [...]}; for the map also q.`

// dmftJSON is the stable JSON output of rnnlab dmft.
type dmftJSON struct {
	G            float64 `json:"g"`
	Dynamics     string  `json:"dynamics"`
	Activation   string  `json:"activation"`
	CriticalGain float64 `json:"critical_gain"`
	LambdaMax    float64 `json:"lambda_max"`
	Units        string  `json:"units"`

	// Flow only.
	Delta0          *float64             `json:"delta0,omitempty"`
	DecayRate       *float64             `json:"decay_rate,omitempty"`
	Autocorrelation *dmftAutocorrelation `json:"autocorrelation,omitempty"`

	// Map only.
	Q *float64 `json:"q,omitempty"`
}

type dmftAutocorrelation struct {
	STau  []float64 `json:"s_tau"`
	Delta []float64 `json:"delta"`
}

// Limits of the automatic lag grid: Δ(s) is shown until it has decayed to
// dmftTailLevel·Δ₀, over at least 5 τ and at most dmftMaxSpan τ (near
// g = 1 the correlation time diverges).
const (
	dmftTailLevel = 0.01
	dmftMaxSpan   = 1e4
	dmftQuietSpan = 10.0 // span shown for g ≤ 1, where Δ ≡ 0
)

func runDMFT(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("dmft", dmftUsage, stderr)
	g := fs.Float64("g", 0, "gain g (required, > 0)")
	mapDyn := fs.Bool("map", false, "theory of the discrete-time map x(t+1) = J·tanh(x(t)) (α = 1)")
	sMax := fs.Float64("s-max", 0, "largest lag in τ (0: until Δ(s) < 0.01·Δ₀, between 5 and 10⁴ τ)")
	points := fs.Int("points", 201, "number of lags from 0 to --s-max")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	out := fs.String("out", "", "also write dmft.json and the figure into this `directory`")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("dmft: unexpected argument %q", rest[0])
	}
	if flagsSet(fs, "g") == "" {
		return usagef("dmft: --g G is required")
	}
	if !(*g > 0) || math.IsInf(*g, 1) {
		return usagef("dmft: --g must be positive and finite, got %v", *g)
	}
	if *mapDyn {
		if set := flagsSet(fs, "s-max", "points"); set != "" {
			return usagef("dmft: --%s sets the lag grid of Δ(s), which --map does not compute; drop it", set)
		}
	}
	if !(*sMax >= 0) || math.IsInf(*sMax, 1) {
		return usagef("dmft: --s-max must be a finite lag ≥ 0 in τ (0 for automatic), got %v", *sMax)
	}
	if *points < 2 || *points > 100000 {
		return usagef("dmft: --points must be between 2 and 100000, got %d", *points)
	}

	var res *dmftJSON
	var sol *dmft.Solution
	if *mapDyn {
		res, err = dmftMap(*g)
	} else {
		res, sol, err = dmftFlow(*g, *sMax, *points)
	}
	if err != nil {
		return fmt.Errorf("dmft at g = %g: %w", *g, err)
	}

	if *out != "" {
		if err := writeDMFT(*out, res, sol); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printDMFT(stdout, res, sol)
	if *out != "" {
		fmt.Fprintf(stdout, "results in %s\n", *out)
	}
	return nil
}

// flagsSet returns the first of names that was set on the command line,
// or "".
func flagsSet(fs *flag.FlagSet, names ...string) string {
	found := ""
	fs.Visit(func(f *flag.Flag) {
		for _, n := range names {
			if f.Name == n && found == "" {
				found = n
			}
		}
	})
	return found
}

func dmftMap(g float64) (*dmftJSON, error) {
	q, lambda, err := dmft.MapLambdaMax(g)
	if err != nil {
		return nil, err
	}
	return &dmftJSON{G: g, Dynamics: "map", Activation: dmft.Tanh.Name, CriticalGain: dmft.CriticalGain(),
		LambdaMax: lambda, Units: "1/step", Q: &q}, nil
}

func dmftFlow(g, sMax float64, points int) (*dmftJSON, *dmft.Solution, error) {
	sol, err := dmft.Theory{Act: dmft.Tanh}.Solve(g)
	if err != nil {
		return nil, nil, err
	}
	pred, err := sol.LambdaMax()
	if err != nil {
		return nil, nil, err
	}
	if sMax == 0 {
		sMax = autoLagSpan(sol)
	}
	ac := &dmftAutocorrelation{STau: make([]float64, points), Delta: make([]float64, points)}
	for i := range ac.STau {
		s := sMax * float64(i) / float64(points-1)
		ac.STau[i] = s
		ac.Delta[i] = sol.At(s)
	}
	res := &dmftJSON{G: g, Dynamics: "flow", Activation: dmft.Tanh.Name, CriticalGain: dmft.CriticalGain(),
		LambdaMax: pred.Lambda, Units: "1/tau", Delta0: &sol.Delta0, Autocorrelation: ac}
	if sol.Delta0 > 0 {
		res.DecayRate = &sol.DecayRate
	}
	return res, sol, nil
}

// autoLagSpan returns the smallest of 5, 10, 20, 50, 100, … τ at which
// Δ(s) has decayed below dmftTailLevel·Δ₀, capped at dmftMaxSpan.
func autoLagSpan(sol *dmft.Solution) float64 {
	if sol.Delta0 == 0 {
		return dmftQuietSpan
	}
	for mult := 1.0; ; mult *= 10 {
		for _, m := range []float64{5, 10, 20} {
			span := m * mult
			if span >= dmftMaxSpan || sol.At(span) < dmftTailLevel*sol.Delta0 {
				return min(span, dmftMaxSpan)
			}
		}
	}
}

// writeDMFT writes DIR/dmft.json and, for the flow, the autocorrelation
// figure.
func writeDMFT(dir string, res *dmftJSON, sol *dmft.Solution) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := runio.WriteJSON(filepath.Join(dir, "dmft.json"), res); err != nil {
		return err
	}
	if res.Autocorrelation == nil {
		return nil
	}
	mf := report.MeanField{Gain: res.G, STau: res.Autocorrelation.STau, Delta: res.Autocorrelation.Delta,
		Delta0: sol.Delta0, LambdaMax: res.LambdaMax}
	if res.DecayRate != nil {
		mf.DecayRate = *res.DecayRate
	}
	if err := report.MeanFieldAutocorrelation(dir, mf); err != nil {
		return fmt.Errorf("dmft figure: %w", err)
	}
	return nil
}

// printDMFT prints the result as text. sol is nil for the map.
func printDMFT(w io.Writer, res *dmftJSON, sol *dmft.Solution) {
	if res.Dynamics == "map" {
		fmt.Fprintf(w, "Mean-field theory of the map x(t+1) = J·tanh(x(t)), Jᵢⱼ ~ N(0, g²/N), N → ∞, at g = %g:\n", res.G)
		fmt.Fprintf(w, "   q = ⟨x²⟩ = %.6g\n", *res.Q)
		fmt.Fprintf(w, "   λ_max = %.6g per step\n", res.LambdaMax)
		fmt.Fprintf(w, "   critical gain %g\n", res.CriticalGain)
		return
	}
	fmt.Fprintf(w, "Mean-field theory of τ·dx/dt = −x + J·tanh(x), Jᵢⱼ ~ N(0, g²/N), N → ∞, at g = %g:\n", res.G)
	fmt.Fprintf(w, "   Δ₀ = ⟨x²⟩ = %.7g\n", *res.Delta0)
	if res.DecayRate != nil {
		fmt.Fprintf(w, "   Δ(s) ∝ e^(−κ·s) for large s, κ = %.4g per τ (correlation time %.3g τ)\n", *res.DecayRate, 1 / *res.DecayRate)
		fmt.Fprintf(w, "   Δ(s)/Δ₀ =")
		for i, s := range []float64{1, 2, 5, 10, 20} {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, " %.3g at s = %g τ", sol.At(s)/sol.Delta0, s)
		}
		fmt.Fprintln(w)
	} else {
		fmt.Fprintf(w, "   g ≤ %g: the origin is stable and Δ(s) = 0\n", res.CriticalGain)
	}
	fmt.Fprintf(w, "   λ_max = %.6g per τ\n", res.LambdaMax)
	fmt.Fprintf(w, "   critical gain %g\n", res.CriticalGain)
}
