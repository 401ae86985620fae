package model

import (
	"fmt"
	"math"
)

// Group names of the weights, as used in configs, files and metrics.
const (
	GroupW    = "W"
	GroupWIn  = "W_in"
	GroupWOut = "W_out"
	GroupB    = "b"
	GroupBOut = "b_out"
	GroupX0   = "x0"
)

// Groups lists every weight group in the fixed order used by files and
// metrics.
var Groups = []string{GroupW, GroupWIn, GroupWOut, GroupB, GroupBOut, GroupX0}

// Weights are the effective parameters of a network, row-major float64:
//
//	W     N×N  recurrent, W[i][j] from unit j to unit i (includes the gain g)
//	W_in  N×I  input
//	W_out O×N  readout
//	b     N    recurrent bias
//	b_out O    readout bias
//	x0    N    initial state x(0), shared by every trial
type Weights struct {
	N, I, O int
	W       []float64
	WIn     []float64
	WOut    []float64
	B       []float64
	BOut    []float64
	X0      []float64
}

// NewWeights returns zero weights of the given sizes.
func NewWeights(n, in, out int) *Weights {
	return &Weights{
		N: n, I: in, O: out,
		W:    make([]float64, n*n),
		WIn:  make([]float64, n*in),
		WOut: make([]float64, out*n),
		B:    make([]float64, n),
		BOut: make([]float64, out),
		X0:   make([]float64, n),
	}
}

// Group returns the slice of the named group and its shape.
func (w *Weights) Group(name string) ([]float64, []int) {
	switch name {
	case GroupW:
		return w.W, []int{w.N, w.N}
	case GroupWIn:
		return w.WIn, []int{w.N, w.I}
	case GroupWOut:
		return w.WOut, []int{w.O, w.N}
	case GroupB:
		return w.B, []int{w.N}
	case GroupBOut:
		return w.BOut, []int{w.O}
	case GroupX0:
		return w.X0, []int{w.N}
	}
	panic("model: unknown weight group " + name)
}

// Clone returns a deep copy.
func (w *Weights) Clone() *Weights {
	c := NewWeights(w.N, w.I, w.O)
	for _, g := range Groups {
		dst, _ := c.Group(g)
		src, _ := w.Group(g)
		copy(dst, src)
	}
	return c
}

// CheckFinite returns an error naming the first group with a NaN or ±Inf.
func (w *Weights) CheckFinite() error {
	for _, g := range Groups {
		v, _ := w.Group(g)
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("weight %s[%d] is %v", g, i, x)
			}
		}
	}
	return nil
}
