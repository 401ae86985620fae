package runio

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The NumPy .npy format (NEP 1, numpy/lib/format.py), as read and written here:
//
//	bytes [0, 6)   the magic string "\x93NUMPY"
//	bytes 6, 7     the format version, major and minor
//	next 2 or 4    the header length n, a little-endian uint16 in version 1.0
//	               and a uint32 in versions 2.0 and 3.0
//	next n bytes   the header: a Python dict literal with the keys 'descr'
//	               (the dtype), 'fortran_order' and 'shape', padded with
//	               spaces and ended by a newline
//	the rest       the array values in the dtype's byte order, row-major
//	               unless fortran_order is True

const (
	npyMagic = "\x93NUMPY"

	// npyPrefixLen is the length of the magic and version bytes.
	npyPrefixLen = len(npyMagic) + 2

	// npyHeaderAlign is the multiple to which the writer pads the magic,
	// version, length field and header, so that the data starts aligned.
	// NumPy 1.24 pads to the same multiple (ARRAY_ALIGN in its format.py).
	npyHeaderAlign = 64

	// maxNPYHeaderBytes caps the header length a reader accepts. NumPy 1.24
	// rejects headers longer than 10 000 characters unless its
	// max_header_size argument is raised, and a header for a plain dtype and
	// 64 dimensions is under 2 kB. A larger length field therefore means a
	// corrupt or hostile file.
	maxNPYHeaderBytes = 64 << 10

	// maxNPYReadDims is the largest number of dimensions a reader accepts,
	// NPY_MAXDIMS of NumPy 2.0 and later.
	maxNPYReadDims = 64

	// maxNPYWriteDims is the largest number of dimensions the writer
	// accepts, the limit of NumPy 1.24 (NPY_MAXDIMS in its C headers), so
	// that every file written here loads in NumPy 1.x as well.
	maxNPYWriteDims = 32
)

// WriteNPY writes t to w as a version 1.0 .npy file: dtype '<f4' for F32 or
// '<f8' for F64, fortran_order False (row-major), and t.Shape as the shape.
// t.Name is not stored. The output depends only on the shape and values, so
// equal tensors give byte-identical files.
//
// It returns an error before writing anything when t is invalid (see
// [Tensor]) or has more than 32 dimensions.
func WriteNPY(w io.Writer, t Tensor) error {
	if err := t.validateForWrite(); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if len(t.Shape) > maxNPYWriteDims {
		return fmt.Errorf("npy: tensor %q has %d dimensions, more than the %d that NumPy 1.x can load", t.Name, len(t.Shape), maxNPYWriteDims)
	}

	descr := "<f4"
	if t.F64 != nil {
		descr = "<f8"
	}
	if _, err := w.Write(encodeNPYHeader(descr, t.Shape)); err != nil {
		return err
	}
	return writeLittleEndian(w, t)
}

// encodeNPYHeader returns the magic, version 1.0, length field and header
// for a row-major array, padded as NumPy pads it.
func encodeNPYHeader(descr string, shape []int) []byte {
	var dict strings.Builder
	dict.WriteString("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (")
	for i, d := range shape {
		if i > 0 {
			dict.WriteString(", ")
		}
		dict.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		dict.WriteByte(',') // (5,) is a tuple, (5) would be an int
	}
	dict.WriteString("), }")

	// Pad with spaces so that prefix, length field, dict and the final
	// newline together fill a multiple of npyHeaderAlign bytes.
	const fixed = npyPrefixLen + 2 // version 1.0 has a 2-byte length field
	unpadded := fixed + dict.Len() + 1
	padding := (npyHeaderAlign - unpadded%npyHeaderAlign) % npyHeaderAlign
	headerLen := dict.Len() + padding + 1

	// With at most maxNPYWriteDims dimensions the header stays far below the
	// 65 535 bytes that the version 1.0 length field can express.
	out := make([]byte, 0, fixed+headerLen)
	out = append(out, npyMagic...)
	out = append(out, 1, 0)
	out = binary.LittleEndian.AppendUint16(out, uint16(headerLen))
	out = append(out, dict.String()...)
	out = append(out, strings.Repeat(" ", padding)...)
	out = append(out, '\n')
	return out
}
