package kernel

// LeakTanh advances a block of rows×cols units of the leaky network by one
// step and writes their rates. For row b and column j, with e = b·ld + j,
//
//	x[e] ← (1−α)·x[e] + α·(pre[e] + bias[j] + Σ_k winT[k·ld+j]·u[b·in+k]) + s·eps[e]
//	r[e] = tanh(x[e])
//
// where s = noiseScale. pre holds the block's recurrent currents W·r, u the
// rows' inputs (rows×in), winT the block's columns of W_inᵀ (in rows of
// stride ld, so each input's weights are contiguous). eps = nil
// means no noise term. The arithmetic is in F, term by term in the order
// written, and tanh is TanhF32 or TanhF64, so every backend gives the same
// bits on amd64. Cost O(rows·cols·in).
//
// It panics with a "kernel: " message when a slice is too short for the
// shape and stride.
func LeakTanh[F Float](rows, cols, ld int, x, r, pre, eps, bias, winT []F, in int, u []F, alpha, noiseScale F) {
	span := storedLen(rows, cols, ld)
	if ld < cols || len(x) < span || len(r) < span || len(pre) < span || (eps != nil && len(eps) < span) ||
		len(bias) < cols || len(winT) < storedLen(in, cols, ld) || len(u) < rows*in {
		panic("kernel: LeakTanh slice too short for its shape and stride")
	}
	if rows == 0 || cols == 0 {
		return
	}
	switch x := any(x).(type) {
	case []float32:
		leakTanh32(rows, cols, ld, x, any(r).([]float32), any(pre).([]float32), any(eps).([]float32),
			any(bias).([]float32), any(winT).([]float32), in, any(u).([]float32), float32(alpha), float32(noiseScale))
	case []float64:
		leakTanhGo(rows, cols, ld, x, any(r).([]float64), any(pre).([]float64), any(eps).([]float64),
			any(bias).([]float64), any(winT).([]float64), in, any(u).([]float64), float64(alpha), float64(noiseScale))
	}
}

func leakTanhGo[F Float](rows, cols, ld int, x, r, pre, eps, bias, winT []F, in int, u []F, alpha, noiseScale F) {
	for b := range rows {
		ub := u[b*in : (b+1)*in]
		xb := x[b*ld : b*ld+cols]
		pb := pre[b*ld : b*ld+cols]
		for j := range xb {
			drive := pb[j] + bias[j]
			for k, uk := range ub {
				drive += winT[k*ld+j] * uk
			}
			xj := (1-alpha)*xb[j] + alpha*drive
			if eps != nil {
				xj += noiseScale * eps[b*ld+j]
			}
			xb[j] = xj
		}
		Tanh(r[b*ld:b*ld+cols], xb)
	}
}

// Adjoint computes the adjoints of a block of rows×cols units one step back
// through the leaky tanh network. For row b and column j, with e = b·ld + j,
//
//	a[e] = (1 − r[e]²)·(Σ_o dz[b·out+o]·wout[o·ld+j] + α·v[e]) + (1−α)·next[e]
//
// where r holds the rates, v the block's part of Wᵀ·a(s+1), next = a(s+1),
// dz the rows' output errors (rows×out) and wout the block's columns of
// W_out (out rows of stride ld). Zero entries of dz are skipped, and
// dz = nil (out = 0) drops the readout term. The arithmetic is in F in the
// order written. Cost O(rows·cols·out).
//
// It panics with a "kernel: " message when a slice is too short.
func Adjoint[F Float](rows, cols, ld int, a, r, v, next []F, out int, dz, wout []F, alpha F) {
	if dz == nil {
		out = 0
	}
	span := storedLen(rows, cols, ld)
	if ld < cols || len(a) < span || len(r) < span || len(v) < span || len(next) < span ||
		(out > 0 && (len(dz) < rows*out || len(wout) < storedLen(out, cols, ld))) {
		panic("kernel: Adjoint slice too short for its shape and stride")
	}
	if rows == 0 || cols == 0 {
		return
	}
	switch a := any(a).(type) {
	case []float32:
		adjoint32(rows, cols, ld, a, any(r).([]float32), any(v).([]float32), any(next).([]float32),
			out, any(dz).([]float32), any(wout).([]float32), float32(alpha))
	case []float64:
		adjointGo(rows, cols, ld, a, any(r).([]float64), any(v).([]float64), any(next).([]float64),
			out, any(dz).([]float64), any(wout).([]float64), float64(alpha))
	}
}

func adjointGo[F Float](rows, cols, ld int, a, r, v, next []F, out int, dz, wout []F, alpha F) {
	for b := range rows {
		ab := a[b*ld : b*ld+cols]
		rb := r[b*ld : b*ld+cols]
		vb := v[b*ld : b*ld+cols]
		nb := next[b*ld : b*ld+cols]
		if out == 1 && dz[b] != 0 {
			// One output: the readout term is one product per unit.
			d := dz[b]
			w := wout[:cols]
			for j := range ab {
				rj := rb[j]
				ab[j] = (1-rj*rj)*(d*w[j]+alpha*vb[j]) + (1-alpha)*nb[j]
			}
			continue
		}
		for j := range ab {
			var e F
			for o := range out {
				if d := dz[b*out+o]; d != 0 {
					e += d * wout[o*ld+j]
				}
			}
			rj := rb[j]
			ab[j] = (1-rj*rj)*(e+alpha*vb[j]) + (1-alpha)*nb[j]
		}
	}
}

// StepGrads adds one step's gradient terms of a block of rows×cols units.
// For each row b in order and column j, with e = b·ld + j,
//
//	gout[o·ld+j] += dz[b·out+o]·r[e]      for each output o with dz ≠ 0
//	ginT[k·ld+j] += (α·u[b·in+k])·a[e]    for each input k with u ≠ 0
//	gb[j]        += α·a[e]
//
// where r holds the rates r(s), a the adjoints a(s), dz the output errors
// of step s−1 and u the inputs of step s−1. A nil accumulator is skipped.
// Cost O(rows·cols·(out+in+1)).
//
// It panics with a "kernel: " message when a slice is too short.
func StepGrads[F Float](rows, cols, ld int, r, a []F, out int, dz, gout []F, in int, u, ginT, gb []F, alpha F) {
	span := storedLen(rows, cols, ld)
	if ld < cols || len(r) < span || len(a) < span ||
		(gout != nil && (len(dz) < rows*out || len(gout) < storedLen(out, cols, ld))) ||
		(ginT != nil && (len(u) < rows*in || len(ginT) < storedLen(in, cols, ld))) ||
		(gb != nil && len(gb) < cols) {
		panic("kernel: StepGrads slice too short for its shape and stride")
	}
	if rows == 0 || cols == 0 {
		return
	}
	if gout == nil {
		out = 0
	}
	if ginT == nil {
		in = 0
	}
	switch r := any(r).(type) {
	case []float32:
		stepGrads32(rows, cols, ld, r, any(a).([]float32), out, any(dz).([]float32), any(gout).([]float32),
			in, any(u).([]float32), any(ginT).([]float32), any(gb).([]float32), float32(alpha))
	case []float64:
		stepGradsGo(rows, cols, ld, r, any(a).([]float64), out, any(dz).([]float64), any(gout).([]float64),
			in, any(u).([]float64), any(ginT).([]float64), any(gb).([]float64), float64(alpha))
	}
}

func stepGradsGo[F Float](rows, cols, ld int, r, a []F, out int, dz, gout []F, in int, u, ginT, gb []F, alpha F) {
	for b := range rows {
		rb := r[b*ld : b*ld+cols]
		ab := a[b*ld : b*ld+cols]
		for o := range out {
			d := dz[b*out+o]
			if d == 0 {
				continue
			}
			g := gout[o*ld : o*ld+cols]
			for j, rj := range rb {
				g[j] += d * rj
			}
		}
		for k := range in {
			uk := u[b*in+k]
			if uk == 0 {
				continue
			}
			f := alpha * uk
			g := ginT[k*ld : k*ld+cols]
			for j, aj := range ab {
				g[j] += f * aj
			}
		}
		if gb != nil {
			g := gb[:cols]
			for j, aj := range ab {
				g[j] += alpha * aj
			}
		}
	}
}
