package evaluate

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/model"
)

func TestWeightCorrelationClosedForm(t *testing.T) {
	w := model.NewWeights(3, 1, 1)
	copy(w.WIn, []float64{1, 2, 2})
	copy(w.WOut, []float64{2, 0, 1})
	// cos = (2 + 0 + 2)/(3·√5)
	c, ok := WeightCorrelation(w)
	if want := 4 / (3 * math.Sqrt(5)); !ok || math.Abs(c-want) > 1e-15 {
		t.Errorf("WeightCorrelation = %v, %v; want %v", c, ok, want)
	}
	clear(w.WOut)
	if _, ok := WeightCorrelation(w); ok {
		t.Error("zero readout gave a correlation")
	}
	if _, ok := WeightCorrelation(model.NewWeights(3, 2, 1)); ok {
		t.Error("two inputs gave a correlation")
	}
}
