package kernel

// PanelWidth is the number of columns in one panel of a Packed matrix.
const PanelWidth = 16

// Packed is a k×n float32 matrix stored for PackedMul: panel p holds
// columns p·PanelWidth … p·PanelWidth+15 as k rows of PanelWidth values,
// contiguous, with zeros past column n. Packing once and multiplying many
// times saves the copy that a BLAS makes of its right operand in every
// call, which for the 32-row products of a training step costs about a
// fifth of their time.
type Packed struct {
	K, N int
	Data []float32
}

// Pack stores op(B) in p, reusing p.Data when it is large enough. op(B) is
// k×n: B is stored k×n with row stride ldb, or n×k when trans is set. Cost
// O(k·n). It panics with a "kernel: " message when b is too short.
func (p *Packed) Pack(trans bool, k, n int, b []float32, ldb int) {
	rows, cols := k, n
	if trans {
		rows, cols = n, k
	}
	if k < 0 || n < 0 || ldb < max(1, cols) || len(b) < storedLen(rows, cols, ldb) {
		panic("kernel: Pack operand too short for its shape and stride")
	}
	panels := (n + PanelWidth - 1) / PanelWidth
	size := panels * k * PanelWidth
	if cap(p.Data) < size {
		p.Data = make([]float32, size)
	}
	p.K, p.N, p.Data = k, n, p.Data[:size]
	for q := range panels {
		dst := p.Data[q*k*PanelWidth : (q+1)*k*PanelWidth]
		j0 := q * PanelWidth
		width := min(PanelWidth, n-j0)
		for kk := range k {
			row := dst[kk*PanelWidth : (kk+1)*PanelWidth]
			for j := range width {
				if trans {
					row[j] = b[(j0+j)*ldb+kk]
				} else {
					row[j] = b[kk*ldb+j0+j]
				}
			}
			clear(row[width:])
		}
	}
}

// PackedMul sets C[i][j] = Σ_k A[i][k]·B[k][j] for 0 ≤ i < m and
// j0 ≤ j < j1, where B is the packed k×n matrix p, A is m×k with row
// stride lda and C has row stride ldc. j0 must be a multiple of
// PanelWidth. Columns of C outside [j0, j1) are not touched. Cost
// O(m·(j1−j0)·k).
//
// Where PackedFast reports true, the sum over k runs in order as one chain
// of fused multiply-adds per element. Elsewhere a Go loop sums in the same
// order with separate multiplies and adds. Both are deterministic, but
// they differ in the last bits.
//
// It panics with a "kernel: " message when a size, stride or slice does
// not fit.
func PackedMul(m, j0, j1 int, a []float32, lda int, p *Packed, c []float32, ldc int) {
	k := p.K
	if m < 0 || j0 < 0 || j0%PanelWidth != 0 || j1 < j0 || j1 > p.N || lda < max(1, k) || ldc < max(1, j1) ||
		len(a) < storedLen(m, k, lda) || len(c) < storedLen(m, j1, ldc) {
		panic("kernel: PackedMul sizes, strides or slices do not fit")
	}
	if m == 0 || j1 == j0 {
		return
	}
	if k == 0 {
		for i := range m {
			clear(c[i*ldc+j0 : i*ldc+j1])
		}
		return
	}
	if packedFast {
		packedMulC(m, j0, j1, a, lda, p, c, ldc)
		return
	}
	packedMulGo(m, j0, j1, a, lda, p, c, ldc)
}

// PackedFast reports whether PackedMul runs a vectorised kernel here: in
// the openblas build on x86-64 CPUs with AVX2 and FMA. Training uses
// PackedMul only then, and Gemm otherwise.
func PackedFast() bool { return packedFast }

func packedMulGo(m, j0, j1 int, a []float32, lda int, p *Packed, c []float32, ldc int) {
	k := p.K
	for q := j0 / PanelWidth; q*PanelWidth < j1; q++ {
		panel := p.Data[q*k*PanelWidth : (q+1)*k*PanelWidth]
		start := q * PanelWidth
		width := min(PanelWidth, j1-start)
		for i := range m {
			var acc [PanelWidth]float32
			row := a[i*lda : i*lda+k]
			for kk, av := range row {
				b := panel[kk*PanelWidth : (kk+1)*PanelWidth]
				for j := range acc {
					acc[j] += av * b[j]
				}
			}
			copy(c[i*ldc+start:i*ldc+start+width], acc[:width])
		}
	}
}
