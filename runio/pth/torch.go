package pth

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strings"
)

// globalKind is the role of an allowed pickle global.
type globalKind int

const (
	kindOrderedDict globalKind = iota
	kindRebuildTensor
	kindRebuildTensorV2
	kindRebuildParameter
	kindRebuildParameterWithState
	kindRebuildFromTypeV2
	kindTensorType
	kindStorageType
)

// global is an allowed Python global named in a pickle.
type global struct {
	module, name string
	kind         globalKind
	dtype        *dtype // set for kindStorageType
}

func (g *global) String() string { return g.module + "." + g.name }

// allowedGlobals lists every global other than storage types that a
// checkpoint may name. Nothing else is accepted, so reading a file never
// depends on Python code.
var allowedGlobals = map[string]globalKind{
	"collections.OrderedDict":                    kindOrderedDict,
	"torch._utils._rebuild_tensor":               kindRebuildTensor,
	"torch._utils._rebuild_tensor_v2":            kindRebuildTensorV2,
	"torch._utils._rebuild_parameter":            kindRebuildParameter,
	"torch._utils._rebuild_parameter_with_state": kindRebuildParameterWithState,
	"torch._tensor._rebuild_from_type_v2":        kindRebuildFromTypeV2,
	"torch.Tensor":                               kindTensorType,
	"torch.nn.parameter.Parameter":               kindTensorType,
}

// dtype describes the element type of a torch storage class.
type dtype struct {
	name string // torch dtype name, as in torch.float32
	size int    // bytes per element
	// kind is 'f' (IEEE float of size 4 or 8), 'h' (float16), 'b' (bfloat16),
	// 'i' (signed integer), 'u' (unsigned integer), '?' (bool) or 0 for the
	// dtypes that are not converted (complex and quantized).
	kind byte
}

// float32Out reports whether the dtype converts to float32 (Tensor.F32)
// rather than float64 (Tensor.F64).
func (d *dtype) float32Out() bool {
	return d.kind == 'h' || d.kind == 'b' || (d.kind == 'f' && d.size == 4)
}

// storageTypes maps the names of torch's storage classes, which torch.save
// uses as dtype tags, to their element type. The classes are the same in the
// torch and torch.cuda modules.
var storageTypes = map[string]*dtype{
	"FloatStorage":         {"float32", 4, 'f'},
	"DoubleStorage":        {"float64", 8, 'f'},
	"HalfStorage":          {"float16", 2, 'h'},
	"BFloat16Storage":      {"bfloat16", 2, 'b'},
	"LongStorage":          {"int64", 8, 'i'},
	"IntStorage":           {"int32", 4, 'i'},
	"ShortStorage":         {"int16", 2, 'i'},
	"CharStorage":          {"int8", 1, 'i'},
	"ByteStorage":          {"uint8", 1, 'u'},
	"BoolStorage":          {"bool", 1, '?'},
	"ComplexHalfStorage":   {"complex32", 4, 0},
	"ComplexFloatStorage":  {"complex64", 8, 0},
	"ComplexDoubleStorage": {"complex128", 16, 0},
	"QInt8Storage":         {"qint8", 1, 0},
	"QUInt8Storage":        {"quint8", 1, 0},
	"QInt32Storage":        {"qint32", 4, 0},
	"QUInt4x2Storage":      {"quint4x2", 1, 0},
	"QUInt2x4Storage":      {"quint2x4", 1, 0},
}

// rawStorage is the bytes of one storage record: an entry data/<key> of a
// zip checkpoint, or one raw storage of a legacy file.
type rawStorage struct {
	key       string
	nbytes    int
	data      []byte // nil until loaded; then len(data) == nbytes
	bigEndian bool
}

// storage is a typed view of a rawStorage: numel elements of dtype starting
// at byte offset (non-zero only for the storage views of old legacy files).
type storage struct {
	raw    *rawStorage
	dtype  *dtype
	offset int // in bytes
	numel  int
}

// bytes returns the storage's bytes. The loaders check that every storage
// lies inside its loaded rawStorage before any tensor is materialized.
func (s *storage) bytes() []byte {
	return s.raw.data[s.offset : s.offset+s.numel*s.dtype.size]
}

// tensor is a torch tensor as _rebuild_tensor_v2 describes it: a strided
// view of a storage. rebuildTensor checks that every element it addresses
// lies inside the storage.
type tensor struct {
	storage *storage
	offset  int // storage offset, in elements
	size    []int
	stride  []int
	numel   int
}

// contentError is an error about what a checkpoint contains, such as a
// pickled module or a missing storage, rather than about malformed pickle
// bytes. Its message is complete without the byte position in the pickle.
type contentError struct{ msg string }

func (e *contentError) Error() string { return e.msg }

// torchModel is the objectModel for torch.save pickles. The format-specific
// loader turns persistent ids into storages.
type torchModel struct {
	loadStorage func(pid pyTuple) (*storage, error)
}

func (m *torchModel) global(module, name string) (any, error) {
	full := module + "." + name
	if kind, ok := allowedGlobals[full]; ok {
		return &global{module: module, name: name, kind: kind}, nil
	}
	if module == "torch" || module == "torch.cuda" {
		if dt, ok := storageTypes[name]; ok {
			return &global{module: module, name: name, kind: kindStorageType, dtype: dt}, nil
		}
	}
	return nil, refuseGlobal(full)
}

// refuseGlobal explains why a checkpoint that names the global full cannot
// be read, and what to save instead.
func refuseGlobal(full string) error {
	switch {
	case strings.HasPrefix(full, "torch.nn.modules.") || strings.HasPrefix(full, "torch.nn.parallel."):
		return &contentError{fmt.Sprintf("contains a pickled Python object of class %s; save model.state_dict() instead", full)}
	case strings.HasPrefix(full, "numpy."):
		return &contentError{fmt.Sprintf("contains a pickled NumPy object (%s), which cannot be rebuilt without Python code; convert NumPy values with float() or torch.from_numpy() before saving", full)}
	case strings.HasPrefix(full, "torch."):
		return &contentError{fmt.Sprintf("refers to %s, which is not supported (only dense tensors, parameters, dicts, lists, tuples, numbers and strings are read)", full)}
	}
	return &contentError{fmt.Sprintf("contains a pickled Python object of class %s, which cannot be rebuilt without Python code (for a whole model saved with torch.save(model), save model.state_dict() instead)", full)}
}

func (m *torchModel) persistentLoad(pid any) (any, error) {
	t, ok := pid.(pyTuple)
	if !ok || len(t) == 0 {
		return nil, fmt.Errorf("persistent id is a %s, expected a tuple", typeName(pid))
	}
	switch t[0] {
	case "storage":
		return m.loadStorage(t)
	case "module":
		// The legacy format stores the source code of pickled module classes
		// under this id. Its class was already rejected by global.
		return nil, &contentError{"contains a pickled module; save model.state_dict() instead"}
	}
	return nil, fmt.Errorf("persistent id of unknown kind %s", describeValue(t[0]))
}

// storagePID is the part of a storage persistent id that the zip and legacy
// formats share: ("storage", storage type, key, location, numel, ...).
type storagePID struct {
	dtype *dtype
	class string
	key   string
	numel int
}

func parseStoragePID(t pyTuple, wantLen int) (storagePID, error) {
	var p storagePID
	if len(t) != wantLen {
		return p, fmt.Errorf("storage persistent id has %d items, expected %d", len(t), wantLen)
	}
	g, ok := t[1].(*global)
	if !ok || g.kind != kindStorageType {
		return p, fmt.Errorf("storage persistent id names %s, expected a torch storage type", describeValue(t[1]))
	}
	p.dtype, p.class = g.dtype, g.String()
	if p.key, ok = t[2].(string); !ok {
		return p, fmt.Errorf("storage key is %s, expected a str", describeValue(t[2]))
	}
	if _, ok := t[3].(string); !ok {
		return p, fmt.Errorf("storage %s: location is %s, expected a str such as 'cpu'", p.key, describeValue(t[3]))
	}
	n, ok := toInt(t[4])
	if !ok || n < 0 {
		return p, fmt.Errorf("storage %s: element count is %s, expected a non-negative int", p.key, describeValue(t[4]))
	}
	if _, ok := byteCount(n, p.dtype.size); !ok {
		return p, fmt.Errorf("storage %s: %d elements of %s overflow the addressable size", p.key, n, p.dtype.name)
	}
	p.numel = n
	return p, nil
}

func (m *torchModel) call(callable any, args pyTuple) (any, error) {
	g, ok := callable.(*global)
	if !ok {
		return nil, fmt.Errorf("cannot call a %s", typeName(callable))
	}
	switch g.kind {
	case kindOrderedDict:
		return newOrderedDict(args)
	case kindRebuildTensor:
		// _rebuild_tensor(storage, storage_offset, size, stride)
		if len(args) != 4 {
			return nil, fmt.Errorf("%s takes 4 arguments, found %d", g, len(args))
		}
		return rebuildTensor(args[0], args[1], args[2], args[3])
	case kindRebuildTensorV2:
		// _rebuild_tensor_v2(storage, storage_offset, size, stride,
		// requires_grad, backward_hooks[, metadata])
		if len(args) != 6 && len(args) != 7 {
			return nil, fmt.Errorf("%s takes 6 or 7 arguments, found %d", g, len(args))
		}
		return rebuildTensor(args[0], args[1], args[2], args[3])
	case kindRebuildParameter, kindRebuildParameterWithState:
		// _rebuild_parameter(data, requires_grad, backward_hooks) and
		// _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state)
		if len(args) < 3 || len(args) > 4 {
			return nil, fmt.Errorf("%s takes 3 or 4 arguments, found %d", g, len(args))
		}
		t, ok := args[0].(*tensor)
		if !ok {
			return nil, fmt.Errorf("%s needs a tensor, found a %s", g, typeName(args[0]))
		}
		return t, nil
	case kindRebuildFromTypeV2:
		// _rebuild_from_type_v2(func, new_type, args, state) calls func(*args)
		// and converts the result to new_type, a tensor subclass.
		if len(args) != 4 {
			return nil, fmt.Errorf("%s takes 4 arguments, found %d", g, len(args))
		}
		newType, ok := args[1].(*global)
		if !ok || newType.kind != kindTensorType {
			return nil, fmt.Errorf("%s: tensor type is %s, expected torch.Tensor or torch.nn.parameter.Parameter", g, describeValue(args[1]))
		}
		inner, ok := args[2].(pyTuple)
		if !ok {
			return nil, fmt.Errorf("%s: arguments are a %s, expected a tuple", g, typeName(args[2]))
		}
		f, ok := args[0].(*global)
		if !ok || (f.kind != kindRebuildTensor && f.kind != kindRebuildTensorV2 && f.kind != kindRebuildParameter && f.kind != kindRebuildParameterWithState) {
			return nil, fmt.Errorf("%s: function is %s, expected a torch._utils rebuild function", g, describeValue(args[0]))
		}
		return m.call(args[0], inner)
	}
	return nil, fmt.Errorf("calling %s is not supported", g)
}

func (m *torchModel) newObject(class any, args pyTuple) (any, error) {
	if g, ok := class.(*global); ok && g.kind == kindOrderedDict {
		return newOrderedDict(args)
	}
	return nil, fmt.Errorf("creating an instance of %s is not supported", describeValue(class))
}

func (m *torchModel) build(obj, state any) (any, error) {
	switch obj.(type) {
	case *pyDict, *tensor:
		// An OrderedDict's state is its attribute dict, which holds the
		// _metadata (module versions) of a state dict. A tensor's state holds
		// Python attributes. Neither changes the values, so both are dropped.
		return obj, nil
	}
	return nil, fmt.Errorf("setting the state of a %s is not supported", typeName(obj))
}

// newOrderedDict builds collections.OrderedDict() or OrderedDict(pairs).
func newOrderedDict(args pyTuple) (any, error) {
	d := newDict()
	switch len(args) {
	case 0:
		return d, nil
	case 1:
		var pairs []any
		switch a := args[0].(type) {
		case *pyList:
			pairs = a.items
		case pyTuple:
			pairs = a
		default:
			return nil, fmt.Errorf("OrderedDict of a %s is not supported", typeName(args[0]))
		}
		for _, p := range pairs {
			kv, ok := p.(pyTuple)
			if !ok || len(kv) != 2 {
				return nil, errors.New("OrderedDict needs (key, value) pairs")
			}
			if err := d.set(kv[0], kv[1]); err != nil {
				return nil, err
			}
		}
		return d, nil
	}
	return nil, fmt.Errorf("OrderedDict with %d arguments is not supported", len(args))
}

// rebuildTensor validates the arguments of _rebuild_tensor(_v2) and returns
// the tensor they describe. It checks that every element the view addresses,
//
//	offset + Σₖ iₖ·stride[k]  for 0 ≤ iₖ < size[k],
//
// lies inside the storage, whose largest such index is
// offset + Σₖ (size[k]−1)·stride[k]. A tensor with no elements addresses none.
func rebuildTensor(storageArg, offsetArg, sizeArg, strideArg any) (*tensor, error) {
	s, ok := storageArg.(*storage)
	if !ok {
		return nil, fmt.Errorf("tensor storage is a %s, expected a storage", typeName(storageArg))
	}
	offset, ok := toInt(offsetArg)
	if !ok || offset < 0 {
		return nil, fmt.Errorf("tensor storage offset is %s, expected a non-negative int", describeValue(offsetArg))
	}
	size, err := intTuple(sizeArg, "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(strideArg, "stride")
	if err != nil {
		return nil, err
	}
	if len(size) != len(stride) {
		return nil, fmt.Errorf("tensor size %v and stride %v have different lengths", size, stride)
	}

	numel := 1
	for _, d := range size {
		if d == 0 {
			numel = 0
		}
	}
	last := offset // largest storage index addressed
	if numel != 0 {
		for k, d := range size {
			if numel > math.MaxInt/d {
				return nil, fmt.Errorf("tensor size %v: element count overflows int", size)
			}
			numel *= d
			if stride[k] != 0 && d-1 > (math.MaxInt-last)/stride[k] {
				return nil, fmt.Errorf("tensor size %v, stride %v, offset %d: addresses overflow int", size, stride, offset)
			}
			last += (d - 1) * stride[k]
		}
		if last >= s.numel {
			return nil, fmt.Errorf("tensor with size %v, stride %v and storage offset %d reaches element %d, but storage %s has only %d elements",
				size, stride, offset, last, s.raw.key, s.numel)
		}
	}
	return &tensor{storage: s, offset: offset, size: size, stride: stride, numel: numel}, nil
}

// intTuple converts a size or stride tuple to non-negative ints.
func intTuple(v any, what string) ([]int, error) {
	t, ok := v.(pyTuple)
	if !ok {
		return nil, fmt.Errorf("tensor %s is a %s, expected a tuple of ints", what, typeName(v))
	}
	out := make([]int, len(t))
	for i, item := range t {
		n, ok := toInt(item)
		if !ok || n < 0 {
			return nil, fmt.Errorf("tensor %s item %d is %s, expected a non-negative int", what, i, describeValue(item))
		}
		out[i] = n
	}
	return out, nil
}

// toInt converts a Python int (not a bool) to int.
func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int64:
		if int64(int(n)) != n {
			return 0, false
		}
		return int(n), true
	case *big.Int:
		if !n.IsInt64() {
			return 0, false
		}
		return toInt(n.Int64())
	}
	return 0, false
}

// byteCount returns count·itemSize, or false when the product overflows int.
func byteCount(count, itemSize int) (int, bool) {
	if itemSize != 0 && count > math.MaxInt/itemSize {
		return 0, false
	}
	return count * itemSize, true
}
