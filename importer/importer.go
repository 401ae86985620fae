// Package importer turns networks trained elsewhere (PyTorch checkpoints,
// safetensors and NumPy .npz files) into rnnlab weights through explicit
// name mappings. Names are never guessed from shapes: a mapping names the
// array of each weight group, and every shape is checked against it.
package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/rnnlab/rnnlab/model"
	"github.com/rnnlab/rnnlab/runio"
	"github.com/rnnlab/rnnlab/runio/pth"
)

// Source is the arrays of one file.
type Source struct {
	Path   string
	Format string // "pth", "npz" or "safetensors"
	SHA256 string
	// Prefix is the key the state dict was found under in a PyTorch
	// checkpoint ("" for a plain state dict).
	Prefix  string
	Tensors []runio.Tensor
	// Metadata is the safetensors metadata (nil for other formats).
	Metadata map[string]string
}

// Load reads a file's arrays, choosing the reader by extension: .pth, .pt
// and .ckpt as PyTorch checkpoints (the tensors of the state dict, see
// pth.File.StateDict), .npz and .safetensors.
func Load(path string) (*Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	src := &Source{Path: path, SHA256: hex.EncodeToString(sum[:])}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".pth", ".pt", ".ckpt":
		f, err := pth.Read(data, path)
		if err != nil {
			return nil, err
		}
		src.Format = "pth"
		src.Tensors, src.Prefix = f.StateDict()
	case ".npz":
		t, err := runio.ReadNPZ(data, path)
		if err != nil {
			return nil, err
		}
		src.Format, src.Tensors = "npz", t
	case ".safetensors":
		st, err := runio.ReadSafetensors(data, path)
		if err != nil {
			return nil, err
		}
		src.Format, src.Tensors, src.Metadata = "safetensors", st.Tensors, st.Metadata
	default:
		return nil, fmt.Errorf("%s: unsupported file type %q; want .pth, .pt, .ckpt, .npz or .safetensors", path, ext)
	}
	return src, nil
}

// Scalar returns the value of a 0-d array (such as tau_ms in an .npz
// written by rnnlab export).
func (s *Source) Scalar(name string) (float64, bool) {
	t, ok := s.get(name)
	if !ok || len(t.Shape) != 0 || t.Len() != 1 {
		return 0, false
	}
	return t.Float64()[0], true
}

// Has reports whether the source has an array called name.
func (s *Source) Has(name string) bool {
	_, ok := s.get(name)
	return ok
}

// Names returns the array names of the source, sorted.
func (s *Source) Names() []string {
	names := make([]string, len(s.Tensors))
	for i, t := range s.Tensors {
		names[i] = t.Name
	}
	sort.Strings(names)
	return names
}

func (s *Source) get(name string) (runio.Tensor, bool) {
	for _, t := range s.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return runio.Tensor{}, false
}

// Mapping gives the expression of each weight group by group name (W,
// W_in, W_out, b, b_out, x0). W, W_in and W_out are required; a missing b,
// b_out or x0 is zero.
type Mapping map[string]Expr

// String lists the mapping as GROUP=EXPR pairs in group order.
func (m Mapping) String() string {
	var parts []string
	for _, g := range model.Groups {
		if e, ok := m[g]; ok {
			parts = append(parts, g+"="+e.String())
		}
	}
	return strings.Join(parts, " ")
}

// CheckGroups returns an error naming the first key of m that is not a
// weight group.
func CheckGroups(m Mapping) error {
	for g := range m {
		if !slices.Contains(model.Groups, g) {
			return fmt.Errorf("unknown weight group %q (groups: %s)", g, strings.Join(model.Groups, ", "))
		}
	}
	return nil
}

// Build evaluates the mapping on the source. N comes from W (N×N), I from
// W_in (N×I) and O from W_out (O×N). Every other array must match these
// sizes exactly, after the transpose the mapping requests, if any.
func Build(src *Source, m Mapping) (*model.Weights, error) {
	if err := CheckGroups(m); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	for _, g := range []string{model.GroupW, model.GroupWIn, model.GroupWOut} {
		if _, ok := m[g]; !ok {
			return nil, fmt.Errorf("mapping: no array given for %s; add --map %s=NAME (arrays in %s: %s)",
				g, g, src.Path, strings.Join(src.Names(), ", "))
		}
	}
	w, wShape, err := evalExpr(src, model.GroupW, m[model.GroupW], nil)
	if err != nil {
		return nil, err
	}
	if len(wShape) != 2 || wShape[0] != wShape[1] || wShape[0] < 1 {
		return nil, fmt.Errorf("%s: W (%s) has shape %v, want a square N×N matrix", src.Path, m[model.GroupW], wShape)
	}
	n := wShape[0]
	win, winShape, err := evalExpr(src, model.GroupWIn, m[model.GroupWIn], nil)
	if err != nil {
		return nil, err
	}
	if len(winShape) != 2 || winShape[0] != n {
		return nil, fmt.Errorf("%s: W_in (%s) has shape %v, want [%d I] (N×I, N = %d from W)", src.Path, m[model.GroupWIn], winShape, n, n)
	}
	wout, woutShape, err := evalExpr(src, model.GroupWOut, m[model.GroupWOut], nil)
	if err != nil {
		return nil, err
	}
	if len(woutShape) != 2 || woutShape[1] != n {
		return nil, fmt.Errorf("%s: W_out (%s) has shape %v, want [O %d] (O×N, N = %d from W)", src.Path, m[model.GroupWOut], woutShape, n, n)
	}
	weights := model.NewWeights(n, winShape[1], woutShape[0])
	copy(weights.W, w)
	copy(weights.WIn, win)
	copy(weights.WOut, wout)
	for _, g := range []string{model.GroupB, model.GroupBOut, model.GroupX0} {
		e, ok := m[g]
		if !ok {
			continue
		}
		dst, shape := weights.Group(g)
		v, _, err := evalExpr(src, g, e, shape)
		if err != nil {
			return nil, err
		}
		copy(dst, v)
	}
	if err := weights.CheckFinite(); err != nil {
		return nil, fmt.Errorf("%s: %w", src.Path, err)
	}
	return weights, nil
}

// evalExpr sums the terms of e. When want is given, each term must have
// that shape (a vector also accepts [len, 1] and [1, len] arrays: a column
// is still one vector, not a guess between layouts).
func evalExpr(src *Source, group string, e Expr, want []int) ([]float64, []int, error) {
	var sum []float64
	var shape []int
	for _, term := range e.Terms {
		t, ok := src.get(term.Name)
		if !ok {
			return nil, nil, fmt.Errorf("%s: array %q for %s not found (arrays: %s)", src.Path, term.Name, group, strings.Join(src.Names(), ", "))
		}
		v := slices.Clone(t.Float64())
		s := slices.Clone(t.Shape)
		if term.Transpose {
			if len(s) != 2 {
				return nil, nil, fmt.Errorf("%s: %s: cannot transpose %q of shape %v (not a matrix)", src.Path, group, term.Name, s)
			}
			v, s = transpose(v, s[0], s[1]), []int{s[1], s[0]}
		}
		for i := range v {
			v[i] *= term.Scale
			if term.Atanh {
				if !(math.Abs(v[i]) < 1) {
					return nil, nil, fmt.Errorf("%s: %s = atanh(%s): entry %d is %v, outside (−1, 1); a rate of magnitude ≥ 1 has no current", src.Path, group, term.Name, i, v[i])
				}
				v[i] = math.Atanh(v[i])
			}
		}
		if want != nil {
			if !vectorShapeOK(s, want) {
				return nil, nil, fmt.Errorf("%s: %s (%s) has shape %v, want %v", src.Path, group, term.Name, s, want)
			}
			s = want
		}
		if sum == nil {
			sum, shape = v, s
			continue
		}
		if !slices.Equal(s, shape) {
			return nil, nil, fmt.Errorf("%s: %s: terms of shapes %v and %v cannot be added", src.Path, group, shape, s)
		}
		for i := range sum {
			sum[i] += v[i]
		}
	}
	return sum, shape, nil
}

func vectorShapeOK(s, want []int) bool {
	if slices.Equal(s, want) {
		return true
	}
	if len(want) == 1 && len(s) == 2 {
		return (s[0] == want[0] && s[1] == 1) || (s[0] == 1 && s[1] == want[0])
	}
	return false
}

func transpose(v []float64, rows, cols int) []float64 {
	out := make([]float64, len(v))
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			out[j*rows+i] = v[i*cols+j]
		}
	}
	return out
}
