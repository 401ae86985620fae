package runio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
)

// npyDtype is a .npy dtype that the reader converts.
type npyDtype struct {
	descr string
	order binary.ByteOrder
	kind  byte // 'f' float, 'i' signed integer, 'u' unsigned integer, 'b' bool
	size  int  // bytes per value
}

// widensToFloat32 reports whether values of d become float32 (float16 and
// float32) rather than float64 (float64, integers and bool).
func (d npyDtype) widensToFloat32() bool { return d.kind == 'f' && d.size <= 4 }

// value converts one value of d from the first d.size bytes of b. Integers
// beyond ±2⁵³ are rounded to the nearest float64, as NumPy's
// astype(float64) rounds them.
func (d npyDtype) value(b []byte) float64 {
	switch d.kind {
	case 'b':
		if b[0] != 0 {
			return 1
		}
		return 0
	case 'f':
		switch d.size {
		case 2:
			return float64(float16ToFloat32(d.order.Uint16(b)))
		case 4:
			return float64(math.Float32frombits(d.order.Uint32(b)))
		}
		return math.Float64frombits(d.order.Uint64(b))
	case 'i':
		switch d.size {
		case 1:
			return float64(int8(b[0]))
		case 2:
			return float64(int16(d.order.Uint16(b)))
		case 4:
			return float64(int32(d.order.Uint32(b)))
		}
		return float64(int64(d.order.Uint64(b)))
	}
	switch d.size { // 'u'
	case 1:
		return float64(b[0])
	case 2:
		return float64(d.order.Uint16(b))
	case 4:
		return float64(d.order.Uint32(b))
	}
	return float64(d.order.Uint64(b))
}

const supportedNPYDtypes = "float16, float32, float64, int8 to int64, uint8 to uint64 and bool, in either byte order"

// parseNPYDescr checks the header's 'descr' value, such as '<f8'.
func parseNPYDescr(v any) (npyDtype, error) {
	descr, ok := v.(string)
	if !ok {
		if _, isList := v.(pyList); isList {
			return npyDtype{}, fmt.Errorf("descr %s is a structured dtype, which is not supported (supported: %s)", formatPyLiteral(v), supportedNPYDtypes)
		}
		return npyDtype{}, fmt.Errorf("descr is %s, expected a dtype string such as '<f8'", formatPyLiteral(v))
	}
	d := npyDtype{descr: descr}
	unsupported := fmt.Errorf("dtype '%s' is not supported (supported: %s)", descr, supportedNPYDtypes)
	if len(descr) >= 2 && descr[1] == 'O' {
		return d, fmt.Errorf("dtype '%s' (object array) is rejected because its values are pickled Python objects, which are never unpickled", descr)
	}
	if len(descr) < 3 {
		return d, unsupported
	}

	size, err := strconv.Atoi(descr[2:])
	if err != nil {
		return d, unsupported
	}
	d.kind, d.size = descr[1], size
	switch {
	case d.kind == 'f' && (size == 2 || size == 4 || size == 8):
	case (d.kind == 'i' || d.kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8):
	case d.kind == 'b' && size == 1:
	default:
		return d, unsupported
	}

	switch descr[0] {
	case '<':
		d.order = binary.LittleEndian
	case '>':
		d.order = binary.BigEndian
	case '|':
		// "not applicable": NumPy writes it only for one-byte dtypes.
		if size != 1 {
			return d, unsupported
		}
		d.order = binary.LittleEndian
	default:
		return d, unsupported
	}
	return d, nil
}

// npyHeader is a validated .npy header.
type npyHeader struct {
	dtype        npyDtype
	fortranOrder bool
	shape        []int
	count        int // product of shape
	dataBytes    int // count · dtype.size
}

// parseNPYHeader parses and checks the header dict.
func parseNPYHeader(text []byte) (npyHeader, error) {
	var h npyHeader
	v, err := parsePyLiteral(text)
	if err != nil {
		return h, fmt.Errorf("invalid header: %w", err)
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return h, fmt.Errorf("invalid header: expected a dict, found %s", formatPyLiteral(v))
	}
	for _, key := range []string{"descr", "fortran_order", "shape"} {
		if _, ok := dict[key]; !ok {
			return h, fmt.Errorf("invalid header: missing key '%s'", key)
		}
	}
	if len(dict) != 3 {
		keys := make([]string, 0, len(dict))
		for k := range dict {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return h, fmt.Errorf("invalid header: keys are %q, expected exactly 'descr', 'fortran_order' and 'shape'", keys)
	}

	if h.dtype, err = parseNPYDescr(dict["descr"]); err != nil {
		return h, err
	}
	if h.fortranOrder, ok = dict["fortran_order"].(bool); !ok {
		return h, fmt.Errorf("invalid header: fortran_order is %s, expected True or False", formatPyLiteral(dict["fortran_order"]))
	}

	dims, ok := dict["shape"].(pyTuple)
	if !ok {
		return h, fmt.Errorf("invalid header: shape is %s, expected a tuple of integers", formatPyLiteral(dict["shape"]))
	}
	if len(dims) > maxNPYReadDims {
		return h, fmt.Errorf("shape has %d dimensions, more than the limit of %d", len(dims), maxNPYReadDims)
	}
	h.shape = make([]int, len(dims))
	for i, d := range dims {
		n, ok := d.(int64)
		if !ok || n < 0 || n > math.MaxInt {
			return h, fmt.Errorf("invalid header: shape %s: dimension %d is %s, expected a non-negative integer", formatPyLiteral(dims), i, formatPyLiteral(d))
		}
		h.shape[i] = int(n)
	}
	if h.count, err = elementCount(h.shape); err != nil {
		return h, err
	}
	if h.dataBytes, ok = byteCount(h.count, h.dtype.size); !ok {
		return h, fmt.Errorf("shape %v of '%s' needs %s", h.shape, h.dtype.descr, neededBytes(h.count, h.dtype.size))
	}
	return h, nil
}

// ReadNPY reads one .npy array (format version 1.0, 2.0 or 3.0) from r and
// returns it in row-major order with an empty Name. name, usually the file
// path, starts every error message.
//
// Dtypes '<f4' and '<f8' come back as F32 and F64, and '>f4' and '>f8' are
// converted from big-endian. float16 is converted exactly to F32. Integers
// and bool become F64: bool as 0 or 1, and integers beyond ±2⁵³ rounded to
// the nearest float64. Other dtypes are errors, in particular object arrays
// ('|O'), which are never unpickled.
//
// An array stored with fortran_order True (column-major) is rearranged
// while reading, so that its values come back in row-major order for the
// same Shape, as for any other array. For example, a 2×3 array with
// column-major data [0 3 1 4 2 5] is returned as [0 1 2 3 4 5].
//
// ReadNPY reads exactly the header and the data, so r may hold further
// arrays, as after repeated numpy.save calls on one file. When r has a
// Len() int method (as *bytes.Reader has), the data size from the header is
// checked against it before the values are allocated. Otherwise values are
// read in chunks, so a header that claims more data than r holds fails with
// an error after reading what r holds, not with a huge allocation.
func ReadNPY(r io.Reader, name string) (Tensor, error) {
	available := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		available = int64(l.Len())
	}
	t, err := readNPY(r, available, available)
	if err != nil {
		return Tensor{}, fmt.Errorf("%s: %w", name, err)
	}
	return t, nil
}

// readNPY implements ReadNPY. available is the number of bytes that r
// claims to hold, or -1 when unknown. The values are allocated at full size
// up front only when they fit in preallocLimit bytes, a size that the
// caller has checked against real data. Otherwise they grow as data
// arrives, so a false available cannot force a huge allocation.
func readNPY(r io.Reader, available, preallocLimit int64) (Tensor, error) {
	var prefix [npyPrefixLen]byte
	n, err := io.ReadFull(r, prefix[:])
	got := prefix[:n]
	if !bytes.HasPrefix(got, []byte(npyMagic)) && !bytes.HasPrefix([]byte(npyMagic), got) {
		return Tensor{}, fmt.Errorf("not a .npy file: starts with %q, expected %q", got, npyMagic)
	}
	if err != nil {
		return Tensor{}, truncatedOr(err, fmt.Errorf("truncated: %d bytes, too short for the %d-byte magic and version", n, npyPrefixLen))
	}

	major, minor := prefix[6], prefix[7]
	lengthFieldBytes := 4
	switch {
	case major == 1 && minor == 0:
		lengthFieldBytes = 2
	case (major == 2 || major == 3) && minor == 0:
	default:
		return Tensor{}, fmt.Errorf("format version %d.%d is not supported (supported: 1.0, 2.0, 3.0)", major, minor)
	}

	var lengthField [4]byte
	if n, err := io.ReadFull(r, lengthField[:lengthFieldBytes]); err != nil {
		return Tensor{}, truncatedOr(err, fmt.Errorf("truncated: the version %d.0 header length needs %d bytes, found %d", major, lengthFieldBytes, n))
	}
	headerLen := int64(binary.LittleEndian.Uint32(lengthField[:]))
	if headerLen > maxNPYHeaderBytes {
		return Tensor{}, fmt.Errorf("header length is %d bytes, more than the limit of %d", headerLen, maxNPYHeaderBytes)
	}
	if available >= 0 {
		available -= int64(npyPrefixLen + lengthFieldBytes)
		if headerLen > available {
			return Tensor{}, fmt.Errorf("truncated header: expected %d bytes, found %d", headerLen, available)
		}
		available -= headerLen
	}
	headerText := make([]byte, headerLen)
	if n, err := io.ReadFull(r, headerText); err != nil {
		return Tensor{}, truncatedOr(err, fmt.Errorf("truncated header: expected %d bytes, found %d", headerLen, n))
	}

	h, err := parseNPYHeader(headerText)
	if err != nil {
		return Tensor{}, err
	}
	if available >= 0 && int64(h.dataBytes) > available {
		return Tensor{}, fmt.Errorf("truncated data: shape %v of '%s' needs %d bytes, found %d", h.shape, h.dtype.descr, h.dataBytes, available)
	}

	t := Tensor{Shape: h.shape}
	preallocate := available >= 0 && int64(h.dataBytes) <= preallocLimit
	if err := readNPYValues(r, h, preallocate, &t); err != nil {
		return Tensor{}, err
	}
	if h.fortranOrder {
		if t.F32 != nil {
			t.F32 = columnMajorToRowMajor(t.F32, h.shape)
		} else {
			t.F64 = columnMajorToRowMajor(t.F64, h.shape)
		}
	}
	return t, nil
}

// truncatedOr returns truncated when err from io.ReadFull means the input
// ended early, and err itself for any other failure, such as a disk error
// or a zip checksum mismatch.
func truncatedOr(err, truncated error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return truncated
	}
	return err
}

// readNPYValues reads h.dataBytes bytes from r in chunks of encodeChunkBytes
// and stores the converted values in t.F32 or t.F64. With preallocate the
// result is allocated at its full size up front, otherwise it grows as data
// arrives.
func readNPYValues(r io.Reader, h npyHeader, preallocate bool, t *Tensor) error {
	capacity := h.count
	if !preallocate {
		capacity = min(h.count, encodeChunkBytes/h.dtype.size)
	}
	f32 := h.dtype.widensToFloat32()
	if f32 {
		t.F32 = make([]float32, 0, capacity)
	} else {
		t.F64 = make([]float64, 0, capacity)
	}

	chunk := make([]byte, min(h.dataBytes, encodeChunkBytes))
	read := 0
	for read < h.dataBytes {
		b := chunk[:min(len(chunk), h.dataBytes-read)]
		n, err := io.ReadFull(r, b)
		read += n
		if err != nil {
			return truncatedOr(err, fmt.Errorf("truncated data: shape %v of '%s' needs %d bytes, found %d", h.shape, h.dtype.descr, h.dataBytes, read))
		}
		appendNPYValues(t, h.dtype, b)
	}
	return nil
}

// appendNPYValues converts b, a whole number of values of d, and appends
// them to t.F32 or t.F64. Little-endian float32 and float64, the dtypes
// NumPy writes on common machines, take a direct path.
func appendNPYValues(t *Tensor, d npyDtype, b []byte) {
	switch {
	case d.kind == 'f' && d.size == 4 && d.order == binary.LittleEndian:
		for i := 0; i < len(b); i += 4 {
			t.F32 = append(t.F32, math.Float32frombits(binary.LittleEndian.Uint32(b[i:])))
		}
	case d.kind == 'f' && d.size == 8 && d.order == binary.LittleEndian:
		for i := 0; i < len(b); i += 8 {
			t.F64 = append(t.F64, math.Float64frombits(binary.LittleEndian.Uint64(b[i:])))
		}
	case d.widensToFloat32():
		for i := 0; i < len(b); i += d.size {
			t.F32 = append(t.F32, float32(d.value(b[i:]))) // exact: the value came from float16 or float32
		}
	default:
		for i := 0; i < len(b); i += d.size {
			t.F64 = append(t.F64, d.value(b[i:]))
		}
	}
}

// columnMajorToRowMajor returns the values of an array with the given shape
// stored column-major (Fortran order) rearranged into row-major order.
//
// In column-major order the element (i₀, …, iₖ₋₁) is at offset Σⱼ iⱼ·sⱼ
// with s₀ = 1 and sⱼ = sⱼ₋₁·dⱼ₋₁. The loop walks the row-major index like
// an odometer, last axis fastest, and keeps that offset up to date.
func columnMajorToRowMajor[T any](src []T, shape []int) []T {
	if len(shape) <= 1 || len(src) == 0 {
		return src // both orders agree
	}
	strides := make([]int, len(shape))
	stride := 1
	for j, d := range shape {
		strides[j] = stride
		stride *= d
	}

	dst := make([]T, len(src))
	index := make([]int, len(shape))
	offset := 0
	for i := range dst {
		dst[i] = src[offset]
		for j := len(shape) - 1; j >= 0; j-- {
			index[j]++
			offset += strides[j]
			if index[j] < shape[j] {
				break
			}
			offset -= strides[j] * shape[j]
			index[j] = 0
		}
	}
	return dst
}
