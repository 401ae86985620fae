package runio

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// safetensorsItemSize maps each dtype that the reader converts to its size
// in bytes. F16 and BF16 are widened to float32, which is exact.
var safetensorsItemSize = map[string]int{
	"F64":  8,
	"F32":  4,
	"F16":  2,
	"BF16": 2,
}

const supportedSafetensorsDtypes = "F32, F64, F16, BF16"

// safetensorsEntry is one tensor's header entry after validation.
type safetensorsEntry struct {
	name       string
	dtype      string
	shape      []int
	count      int // product of shape
	begin, end int // byte range in the data section
}

// LoadSafetensors reads the safetensors file at path with [ReadSafetensors].
func LoadSafetensors(path string) (*Safetensors, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ReadSafetensors(data, path)
}

// ReadSafetensors parses a complete safetensors file held in data. name,
// usually the file path, starts every error message.
//
// Tensors with dtype F32 or F64 come back with F32 or F64 set. F16 and BF16
// tensors are converted exactly to F32. Any other dtype is an error that
// names the tensor and the dtype. The returned tensors do not alias data.
//
// The whole file is validated before any tensor is decoded. The header
// length must be at most 100 MB and fit in the file, and the header must be
// one JSON object without duplicate keys. Each entry needs a supported
// dtype, a shape and data_offsets whose byte range matches the shape. The
// tensors must cover the data section without gaps, overlaps or trailing
// bytes. No allocation is larger than a small multiple of len(data).
func ReadSafetensors(data []byte, name string) (*Safetensors, error) {
	s, err := readSafetensors(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

func readSafetensors(data []byte) (*Safetensors, error) {
	if len(data) < 8 {
		return nil, fmt.Errorf("file is %d bytes, too short for the 8-byte header length", len(data))
	}
	headerLen := binary.LittleEndian.Uint64(data[:8])
	if headerLen > maxSafetensorsHeaderBytes {
		return nil, fmt.Errorf("header length is %d bytes, more than the limit of %d", headerLen, maxSafetensorsHeaderBytes)
	}
	if headerLen > uint64(len(data)-8) {
		return nil, fmt.Errorf("header length is %d bytes, but only %d bytes follow the length field (file truncated?)", headerLen, len(data)-8)
	}
	header := data[8 : 8+headerLen]
	body := data[8+headerLen:]

	members, err := decodeJSONObject(header)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON header: %w", err)
	}

	s := &Safetensors{Metadata: map[string]string{}}
	var entries []safetensorsEntry
	for _, m := range members {
		if m.key == safetensorsMetadataKey {
			if s.Metadata, err = parseSafetensorsMetadata(m.value); err != nil {
				return nil, err
			}
			continue
		}
		if m.key == "" {
			return nil, errors.New("a tensor has an empty name")
		}
		e, err := parseSafetensorsEntry(m.key, m.value, len(body))
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", m.key, err)
		}
		entries = append(entries, e)
	}

	if err := checkSafetensorsTiling(entries, len(body)); err != nil {
		return nil, err
	}

	s.Tensors = make([]Tensor, len(entries))
	for i, e := range entries {
		s.Tensors[i] = decodeSafetensorsTensor(e, body[e.begin:e.end])
	}
	return s, nil
}

// parseSafetensorsMetadata checks that the "__metadata__" value is an object
// of strings and returns it as a map.
func parseSafetensorsMetadata(raw json.RawMessage) (map[string]string, error) {
	members, err := decodeJSONObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", safetensorsMetadataKey, err)
	}
	metadata := make(map[string]string, len(members))
	for _, m := range members {
		var v string
		if jsonKind(m.value) != "string" || json.Unmarshal(m.value, &v) != nil {
			return nil, fmt.Errorf("%s: key %q: expected a string value, found %s", safetensorsMetadataKey, m.key, describeJSON(m.value))
		}
		metadata[m.key] = v
	}
	return metadata, nil
}

// parseSafetensorsEntry validates one tensor entry of the header against a
// data section of bodyLen bytes. Errors do not repeat the tensor name.
func parseSafetensorsEntry(name string, raw json.RawMessage, bodyLen int) (safetensorsEntry, error) {
	e := safetensorsEntry{name: name}
	members, err := decodeJSONObject(raw)
	if err != nil {
		return e, err
	}
	fields := make(map[string]json.RawMessage, len(members))
	for _, m := range members {
		fields[m.key] = m.value
	}
	for _, field := range []string{"dtype", "shape", "data_offsets"} {
		if _, ok := fields[field]; !ok {
			return e, fmt.Errorf("missing field %q", field)
		}
	}

	if jsonKind(fields["dtype"]) != "string" || json.Unmarshal(fields["dtype"], &e.dtype) != nil {
		return e, fmt.Errorf("dtype: expected a string, found %s", describeJSON(fields["dtype"]))
	}
	itemSize, ok := safetensorsItemSize[e.dtype]
	if !ok {
		return e, fmt.Errorf("dtype %q is not supported (supported: %s)", e.dtype, supportedSafetensorsDtypes)
	}

	dims, err := parseJSONInts(fields["shape"], "shape")
	if err != nil {
		return e, err
	}
	e.shape = make([]int, len(dims))
	for i, d := range dims {
		if d < 0 || d > math.MaxInt {
			return e, fmt.Errorf("shape %v: dimension %d is %d, expected a non-negative size", dims, i, d)
		}
		e.shape[i] = int(d)
	}
	if e.count, err = elementCount(e.shape); err != nil {
		return e, err
	}

	offsets, err := parseJSONInts(fields["data_offsets"], "data_offsets")
	if err != nil {
		return e, err
	}
	if len(offsets) != 2 {
		return e, fmt.Errorf("data_offsets %v: expected 2 integers [begin, end], found %d", offsets, len(offsets))
	}
	begin, end := offsets[0], offsets[1]
	switch {
	case begin < 0 || end < 0:
		return e, fmt.Errorf("data_offsets %v: expected non-negative offsets", offsets)
	case begin > end:
		return e, fmt.Errorf("data_offsets %v: begin is after end", offsets)
	case end > int64(bodyLen):
		return e, fmt.Errorf("data_offsets %v: end is past the %d-byte data section (file truncated?)", offsets, bodyLen)
	}
	e.begin, e.end = int(begin), int(end)

	need, ok := byteCount(e.count, itemSize)
	if !ok || need != e.end-e.begin {
		return e, fmt.Errorf("data_offsets %v hold %d bytes, but shape %v of %s needs %s", offsets, e.end-e.begin, e.shape, e.dtype, neededBytes(e.count, itemSize))
	}
	return e, nil
}

// neededBytes formats count·itemSize bytes for an error message. The
// product may overflow int.
func neededBytes(count, itemSize int) string {
	if n, ok := byteCount(count, itemSize); ok {
		return strconv.Itoa(n) + " bytes"
	}
	return fmt.Sprintf("%d×%d bytes, which overflows int", count, itemSize)
}

// checkSafetensorsTiling sorts entries by data offset and checks that,
// taken in that order, each one starts where the previous one ends and the
// last one ends at bodyLen, the size of the data section.
func checkSafetensorsTiling(entries []safetensorsEntry, bodyLen int) error {
	slices.SortFunc(entries, func(a, b safetensorsEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end), strings.Compare(a.name, b.name))
	})
	pos := 0
	for i, e := range entries {
		switch {
		case e.begin < pos:
			prev := entries[i-1]
			return fmt.Errorf("tensor %q: data_offsets [%d %d] overlap tensor %q at [%d %d]", e.name, e.begin, e.end, prev.name, prev.begin, prev.end)
		case e.begin > pos:
			return fmt.Errorf("tensor %q: data_offsets [%d %d] leave bytes [%d %d) of the data section unused, expected begin %d", e.name, e.begin, e.end, pos, e.begin, pos)
		}
		pos = e.end
	}
	if pos != bodyLen {
		return fmt.Errorf("data section is %d bytes, but the tensors end at byte %d (%d bytes of trailing data)", bodyLen, pos, bodyLen-pos)
	}
	return nil
}

// decodeSafetensorsTensor converts the little-endian bytes of a validated
// entry, len(b) == e.count·itemSize, to a Tensor.
func decodeSafetensorsTensor(e safetensorsEntry, b []byte) Tensor {
	t := Tensor{Name: e.name, Shape: e.shape}
	switch e.dtype {
	case "F64":
		t.F64 = make([]float64, e.count)
		for i := range t.F64 {
			t.F64[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	case "F32":
		t.F32 = make([]float32, e.count)
		for i := range t.F32 {
			t.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
	case "F16":
		t.F32 = make([]float32, e.count)
		for i := range t.F32 {
			t.F32[i] = float16ToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	case "BF16":
		t.F32 = make([]float32, e.count)
		for i := range t.F32 {
			t.F32[i] = bfloat16ToFloat32(binary.LittleEndian.Uint16(b[2*i:]))
		}
	}
	return t
}

// jsonMember is one key-value pair of a JSON object, in document order.
type jsonMember struct {
	key   string
	value json.RawMessage
}

// decodeJSONObject parses raw as one JSON object followed only by
// whitespace and returns its members in order. Unlike json.Unmarshal into a
// map, it rejects duplicate keys instead of keeping the last one.
func decodeJSONObject(raw []byte) ([]jsonMember, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, describeJSONError(err, dec)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object, found %s", describeJSON(raw))
	}

	var members []jsonMember
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, describeJSONError(err, dec)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("expected a string key at byte %d, found %v", dec.InputOffset(), tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q appears more than once", key)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, describeJSONError(err, dec)
		}
		members = append(members, jsonMember{key, value})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, describeJSONError(err, dec)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the JSON object at byte %d", dec.InputOffset())
	}
	return members, nil
}

// describeJSONError adds the byte position to a JSON decoding error.
func describeJSONError(err error, dec *json.Decoder) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("%v at byte %d", syntax, syntax.Offset)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("unexpected end of JSON at byte %d", dec.InputOffset())
	}
	return err
}

// parseJSONInts parses raw as a JSON array of integers. field names the
// value in errors.
func parseJSONInts(raw json.RawMessage, field string) ([]int64, error) {
	var items []json.RawMessage
	if jsonKind(raw) != "array" || json.Unmarshal(raw, &items) != nil {
		return nil, fmt.Errorf("%s: expected an array of integers, found %s", field, describeJSON(raw))
	}
	ints := make([]int64, len(items))
	for i, item := range items {
		if jsonKind(item) != "number" {
			return nil, fmt.Errorf("%s[%d]: expected an integer, found %s", field, i, describeJSON(item))
		}
		v, err := strconv.ParseInt(string(item), 10, 64)
		if errors.Is(err, strconv.ErrRange) {
			return nil, fmt.Errorf("%s[%d]: integer %s is out of range", field, i, item)
		}
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: expected an integer, found %s", field, i, item)
		}
		ints[i] = v
	}
	return ints, nil
}

// jsonKind returns the JSON type of a syntactically valid value: "object",
// "array", "string", "boolean", "null" or "number".
func jsonKind(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// maxDescribedJSONBytes caps how much of a JSON value an error message quotes.
const maxDescribedJSONBytes = 40

// describeJSON formats a JSON value for an error message as its type and its
// text, shortened to maxDescribedJSONBytes.
func describeJSON(raw []byte) string {
	text := bytes.TrimSpace(raw)
	if len(text) > maxDescribedJSONBytes {
		cut := maxDescribedJSONBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut-- // do not split a multi-byte character
		}
		return jsonKind(raw) + " " + string(text[:cut]) + "…"
	}
	return jsonKind(raw) + " " + string(text)
}
