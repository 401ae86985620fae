package runio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// The safetensors format, as read and written here:
//
//	bytes [0, 8)        n, the header length, as a little-endian uint64
//	bytes [8, 8+n)      the header: a JSON object, padded with spaces
//	bytes [8+n, end)    the data section: raw little-endian tensor values
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets"},
// where data_offsets [begin, end) are byte offsets into the data section,
// and may hold string→string metadata under the key "__metadata__". The
// tensors tile the data section: sorted by begin, each starts where the
// previous one ends, and the last one ends at the end of the file.

const (
	// safetensorsMetadataKey is the reserved header key for the metadata
	// object. No tensor can have this name.
	safetensorsMetadataKey = "__metadata__"

	// maxSafetensorsHeaderBytes caps the JSON header that a reader accepts.
	// A header for a few thousand tensors is a few hundred kB, so a larger
	// length field means a corrupt or hostile file. The Hugging Face
	// safetensors crate rejects headers over the same 100 MB
	// (MAX_HEADER_SIZE in safetensors/src/tensor.rs).
	maxSafetensorsHeaderBytes = 100_000_000

	// safetensorsHeaderAlign is the multiple to which the writer pads the
	// header with spaces, so that the data section starts 8-byte aligned.
	safetensorsHeaderAlign = 8

	// encodeChunkBytes is the size of the buffer through which tensor values
	// are encoded, so writing never copies a whole tensor.
	encodeChunkBytes = 64 << 10
)

// Safetensors is the content of a safetensors file.
type Safetensors struct {
	// Metadata is the header's "__metadata__" object, as an empty, non-nil
	// map when the file has none.
	Metadata map[string]string

	// Tensors lists the tensors in the order of their data offsets.
	Tensors []Tensor
}

// Get returns the tensor with the given name and whether it exists.
func (s *Safetensors) Get(name string) (Tensor, bool) {
	for _, t := range s.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// WriteSafetensors writes tensors and metadata to w in the safetensors
// format. Each tensor is stored with dtype F32 or F64 according to the slice
// that is set, row-major, in the order given. The header lists
// "__metadata__" first with its keys sorted, then the tensors in the order
// given, so equal input always gives byte-identical output. An empty or nil
// metadata map writes no "__metadata__" entry.
//
// It returns an error before writing anything when a tensor is invalid (see
// [Tensor]) or its name is empty, duplicated, "__metadata__" or not valid
// UTF-8. It also rejects metadata that is not valid UTF-8 and a header over
// the 100 MB that readers accept.
//
// NOTE: The data section starts 8-byte aligned and tensors follow each
// other without padding, as the format requires. An F64 tensor after F32
// tensors with an odd total number of values therefore starts at an offset
// that is not a multiple of 8. numpy.frombuffer (NumPy 1.24) and
// torch.frombuffer (torch 1.13) read such data, but a zero-copy reader that
// needs aligned data may have to copy it.
// The Hugging Face writer avoids this by sorting tensors by dtype, which
// this writer does not do because it keeps the given order.
func WriteSafetensors(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, err := encodeSafetensorsHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}

	var lengthField [8]byte
	binary.LittleEndian.PutUint64(lengthField[:], uint64(len(header)))
	if _, err := w.Write(lengthField[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range tensors {
		if err := writeLittleEndian(w, t); err != nil {
			return err
		}
	}
	return nil
}

// SaveSafetensors writes tensors and metadata to the file at path with
// [WriteSafetensors], atomically through [WriteFileAtomic].
func SaveSafetensors(path string, tensors []Tensor, metadata map[string]string) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := WriteSafetensors(bw, tensors, metadata); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// encodeSafetensorsHeader returns the JSON header, padded with spaces to a
// multiple of safetensorsHeaderAlign bytes.
func encodeSafetensorsHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')

	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)

		b.WriteString(`"` + safetensorsMetadataKey + `":{`)
		for i, k := range keys {
			v := metadata[k]
			if !utf8.ValidString(k) {
				return nil, fmt.Errorf("metadata key %q is not valid UTF-8", k)
			}
			if !utf8.ValidString(v) {
				return nil, fmt.Errorf("metadata key %q: value %q is not valid UTF-8", k, v)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, k)
			b.WriteByte(':')
			writeJSONString(&b, v)
		}
		b.WriteByte('}')
	}

	seen := make(map[string]bool, len(tensors))
	offset := 0
	for i, t := range tensors {
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("tensor %d has an empty name", i)
		case t.Name == safetensorsMetadataKey:
			return nil, fmt.Errorf("tensor %d: the name %q is reserved for metadata", i, t.Name)
		case !utf8.ValidString(t.Name):
			return nil, fmt.Errorf("tensor %d: name %q is not valid UTF-8", i, t.Name)
		case seen[t.Name]:
			return nil, fmt.Errorf("tensor %q appears more than once", t.Name)
		}
		seen[t.Name] = true
		if err := t.validateForWrite(); err != nil {
			return nil, err
		}

		itemSize := 4
		if t.F64 != nil {
			itemSize = 8
		}
		size, ok := byteCount(t.Len(), itemSize)
		if !ok || offset > math.MaxInt-size {
			return nil, fmt.Errorf("tensor %q: data section size overflows int", t.Name)
		}

		if b.Len() > 1 {
			b.WriteByte(',')
		}
		writeJSONString(&b, t.Name)
		b.WriteString(`:{"dtype":"` + t.dtypeName() + `","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		b.WriteString(`],"data_offsets":[` + strconv.Itoa(offset) + `,` + strconv.Itoa(offset+size) + `]}`)
		offset += size
	}
	b.WriteByte('}')

	for b.Len()%safetensorsHeaderAlign != 0 {
		b.WriteByte(' ')
	}
	if b.Len() > maxSafetensorsHeaderBytes {
		return nil, fmt.Errorf("header is %d bytes, more than the %d that readers accept (metadata too large?)", b.Len(), maxSafetensorsHeaderBytes)
	}
	return b.Bytes(), nil
}

// writeJSONString appends s to b as a JSON string. It leaves <, > and &
// unescaped, unlike json.Marshal, so names and metadata stay readable.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	// Encode returns no error for a string, and a bytes.Buffer accepts every
	// write, so the error is always nil.
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // drop the newline that Encode appends
}

// writeLittleEndian writes the values of t as little-endian float32 or
// float64, in order, through a fixed-size buffer.
func writeLittleEndian(w io.Writer, t Tensor) error {
	buf := make([]byte, 0, encodeChunkBytes)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		_, err := w.Write(buf)
		buf = buf[:0]
		return err
	}

	if t.F64 != nil {
		for _, v := range t.F64 {
			if len(buf)+8 > cap(buf) {
				if err := flush(); err != nil {
					return err
				}
			}
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
		return flush()
	}
	for _, v := range t.F32 {
		if len(buf)+4 > cap(buf) {
			if err := flush(); err != nil {
				return err
			}
		}
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	return flush()
}
