package model

import (
	"fmt"
	"math"
)

// Activation is a rate function φ with its derivative.
//
// The derivative is expressed through the rate r = φ(x), so back-propagation
// only needs to store rates; every common activation allows that (tanh:
// 1 − r², logistic: r(1 − r), ReLU: 1 where r > 0).
type Activation interface {
	Name() string
	// Apply returns φ(x).
	Apply(x float64) float64
	// DerivFromRate returns φ′(x) given r = φ(x).
	DerivFromRate(r float64) float64
}

// Tanh is φ = tanh, with φ′ = 1 − φ².
type Tanh struct{}

func (Tanh) Name() string                    { return "tanh" }
func (Tanh) Apply(x float64) float64         { return math.Tanh(x) }
func (Tanh) DerivFromRate(r float64) float64 { return 1 - r*r }

// ActivationNames lists the supported activations.
var ActivationNames = []string{"tanh"}

// LookupActivation returns the activation called name.
func LookupActivation(name string) (Activation, error) {
	switch name {
	case "tanh":
		return Tanh{}, nil
	}
	return nil, fmt.Errorf("unknown activation %q (supported: %v)", name, ActivationNames)
}
