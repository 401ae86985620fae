// Package report draws the figures of a run directory: training, analyses,
// sweeps and ensembles.
//
// # Figures
//
// Each function writes one figure as two files in an existing directory,
// normally the run's figures/ directory:
//
//	function        files                                     content
//	LossCurve       loss.png, loss.svg                        loss per optimizer step, log y axis,
//	                                                          mean over the last epoch, epoch axis on top
//	GradNorms       grad_norms.png, grad_norms.svg            gradient norm per weight group, log y axis
//	ExampleTrials   example_trials.png, example_trials.svg    inputs, target and output of a few trials
//
// The analysis figures follow the same rules (rnnlab command in brackets):
//
//	LyapunovConvergence      lyapunov_convergence      running λ_max over observation time [lyapunov]
//	Spectrum                 spectrum                  eigenvalues of W and ΔW in the complex plane [spectrum]
//	MeanFieldAutocorrelation dmft_autocorrelation      mean-field Δ(s)/Δ₀, linear and log [dmft]
//	ActivityAutocorrelation  activity                  population autocorrelation with its half-time [activity]
//	PCTrajectories           name given by the caller  trials in PC1–PC2, PC1–PC3, PC2–PC3 [analyze]
//	VarianceExplained        name given by the caller  explained and cumulative variance [analyze]
//	DistanceVsValue          name given by the caller  trajectory distance against a condition [analyze]
//	ReadoutComparison        name given by the caller  trained against fitted readout [analyze]
//	GainSweep                gainsweep                 precision and λ_max against g [gainsweep]
//	EnsembleCorrelations     ensemble_correlations     precision against each feature [ensemble]
//	EnsembleFeatures         ensemble_features         mean ± SD of each feature [ensemble]
//
// Both files are written atomically with [runio.WriteBytesAtomic], so a
// crash leaves either the previous figure or the complete new one. An
// existing figure of the same name is replaced.
//
// # Size and formats
//
// LossCurve and GradNorms draw 16 × 10 cm figures. ExampleTrials draws a
// figure 16 cm wide and 1.8 + 6.2·n cm tall for n traces. The PNG is
// rendered at 150 dpi (945 × 591 pixels for 16 × 10 cm). The SVG has the same
// size in points. Its text requests Liberation Sans, then Arial, Helvetica
// or any sans-serif font. The font is not embedded, which keeps the file
// small; Liberation Sans and Arial share their metrics, so text fits as laid
// out when either is installed.
// Colours come from the Okabe–Ito palette, which stays distinguishable for
// the common forms of colour blindness.
//
// The same input gives byte-identical PNG and SVG files, which a test
// checks.
//
// # Data the figures cannot show
//
// Non-finite values (NaN, ±Inf, as in a loss blow-up) are not drawn: the
// line stops and restarts at the next finite value, so the gap stays
// visible. On the log axes of LossCurve and GradNorms, values ≤ 0 are
// dropped the same way instead of being clipped to a floor, because a
// clipped zero would read as a small positive number. Those two figures
// print the number of dropped values under the legend. A finite point
// between two gaps, which no line can show, is drawn as a dot.
//
// A series that has nothing to draw at all is an error: an all-NaN loss, or
// an all-NaN output of a trial, returns an error and writes no file.
//
// # Decimation
//
// A line is drawn with at most about 2000 points, twice the number of pixel
// columns of the data area at 150 dpi, so that a 7000-step trial keeps its
// SVG small. The interior points of constant stretches are removed first,
// which is exact, and if more than 2000 points remain, the x range is split
// into 999 equal buckets, and each bucket keeps only its points with the
// smallest and the largest value, in their original order. Spikes and the
// envelope of fast oscillations therefore survive; only detail finer than a
// pixel column is lost.
//
// # Errors
//
// Arguments are checked before anything is drawn. Empty inputs, slices of
// different lengths and steps or times that decrease or are not finite
// return an error that names the function and the argument, for example
// "report: LossCurve: loss has 749 values, but step has 750". A panic inside
// the plotting library (gonum.org/v1/plot) is returned as an error, so
// drawing a figure cannot crash the training run that asked for it.
package report
