package config

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// decoder copies the values of a parsed TOML document into Go structs by
// their toml tags and collects an *Error for every unknown key and every
// value of the wrong type.
//
// It is used instead of toml.Decode into the structs for three reasons. That
// decoder matches keys case-insensitively, so "N = 5" would silently set n.
// It wraps negative integers into uint64 fields. And it stops at the first
// mismatch, with the key only inside the message text. Here every key must
// match a tag exactly, and each error names the full key and its line.
type decoder struct {
	file  string
	lines map[string]int
	errs  []*Error
}

// fail records an error for the value at path. A non-empty index such as
// "[2]" names an element of the array at path, and the line is the array's.
func (d *decoder) fail(path []string, index, msg string) {
	key := toml.Key(path).String()
	d.errs = append(d.errs, &Error{File: d.file, Line: d.lines[key], Key: key + index, Msg: msg})
}

// first returns the error that comes first in the file, or nil. Errors
// without a line come last, in key order.
func (d *decoder) first() *Error {
	if len(d.errs) == 0 {
		return nil
	}
	sort.SliceStable(d.errs, func(i, j int) bool {
		a, b := d.errs[i], d.errs[j]
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Key < b.Key
	})
	return d.errs[0]
}

// unknown records an unknown key at path, listing the keys its table takes.
func (d *decoder) unknown(path []string, valid []string) {
	name := path[len(path)-1]
	var msg strings.Builder
	msg.WriteString("unknown key")
	if s := suggest(name, valid); s != "" {
		fmt.Fprintf(&msg, " (did you mean %s?)", s)
	}
	if len(path) == 1 {
		fmt.Fprintf(&msg, "; the top-level keys are %s", strings.Join(valid, ", "))
	} else {
		fmt.Fprintf(&msg, "; the keys of [%s] are %s", toml.Key(path[:len(path)-1]), strings.Join(valid, ", "))
	}
	d.fail(path, "", msg.String())
}

// table returns the value at path as a table. It records an error and
// returns false when the value is of another type.
func (d *decoder) table(data any, path []string) (map[string]any, bool) {
	t, ok := data.(map[string]any)
	if !ok {
		d.fail(path, "", "expected a table, found "+describe(data))
	}
	return t, ok
}

// tomlField is a struct field that a TOML key sets.
type tomlField struct {
	key   string
	index int
}

// tomlFields lists the exported fields of struct type t by their toml tag
// (the field name when there is no tag), in declaration order. Fields tagged
// "-" are left out.
func tomlFields(t reflect.Type) []tomlField {
	var fields []tomlField
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		fields = append(fields, tomlField{key: name, index: i})
	}
	return fields
}

// fieldKeys returns the TOML keys of struct type t, after the given extra
// keys.
func fieldKeys(t reflect.Type, extra ...string) []string {
	keys := append([]string(nil), extra...)
	for _, f := range tomlFields(t) {
		keys = append(keys, f.key)
	}
	return keys
}

// structTable decodes the table t at path into the struct dst. Keys listed
// in skip are handled by the caller.
func (d *decoder) structTable(t map[string]any, dst reflect.Value, path []string, skip ...string) {
	fields := tomlFields(dst.Type())
	for _, key := range slices.Sorted(maps.Keys(t)) {
		if slices.Contains(skip, key) {
			continue
		}
		p := append(append([]string(nil), path...), key)
		i := fieldIndex(fields, key)
		if i < 0 {
			d.unknown(p, fieldKeys(dst.Type(), skip...))
			continue
		}
		d.value(t[key], dst.Field(i), p, "")
	}
}

func fieldIndex(fields []tomlField, key string) int {
	for _, f := range fields {
		if f.key == key {
			return f.index
		}
	}
	return -1
}

// maxExactFloatInt is 2⁵³: every integer of at most this magnitude is exact
// in a float64.
const maxExactFloatInt = 1 << 53

// value decodes one TOML value into dst, whose kind decides the TOML types
// accepted: a boolean, a string, an integer (for integer fields), an integer
// or a float (for float fields, integers only up to 2⁵³ in magnitude, which
// convert exactly), or an array of these.
func (d *decoder) value(data any, dst reflect.Value, path []string, index string) {
	typeError := func(expected string) {
		d.fail(path, index, fmt.Sprintf("expected %s, found %s", expected, describe(data)))
	}
	switch dst.Kind() {
	case reflect.Bool:
		b, ok := data.(bool)
		if !ok {
			typeError("a boolean (true or false)")
			return
		}
		dst.SetBool(b)

	case reflect.String:
		s, ok := data.(string)
		if !ok {
			typeError("a string")
			return
		}
		dst.SetString(s)

	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := data.(int64)
		if !ok {
			typeError("an integer")
			return
		}
		if dst.OverflowInt(i) {
			d.fail(path, index, fmt.Sprintf("%d is out of range for this key", i))
			return
		}
		dst.SetInt(i)

	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		i, ok := data.(int64)
		if !ok {
			typeError("a non-negative integer")
			return
		}
		if i < 0 {
			d.fail(path, index, fmt.Sprintf("must be ≥ 0, got %d", i))
			return
		}
		if dst.OverflowUint(uint64(i)) {
			d.fail(path, index, fmt.Sprintf("%d is out of range for this key", i))
			return
		}
		dst.SetUint(uint64(i))

	case reflect.Float32, reflect.Float64:
		var f float64
		switch v := data.(type) {
		case float64:
			f = v
		case int64:
			if v > maxExactFloatInt || v < -maxExactFloatInt {
				d.fail(path, index, fmt.Sprintf("the integer %d has no exact float value; write it as a float", v))
				return
			}
			f = float64(v)
		default:
			typeError("a number")
			return
		}
		if dst.OverflowFloat(f) {
			d.fail(path, index, fmt.Sprintf("%v is out of range for this key", f))
			return
		}
		dst.SetFloat(f)

	case reflect.Slice:
		items, ok := data.([]any)
		if !ok {
			typeError("an array")
			return
		}
		s := reflect.MakeSlice(dst.Type(), len(items), len(items))
		for i, item := range items {
			d.value(item, s.Index(i), path, fmt.Sprintf("%s[%d]", index, i))
		}
		dst.Set(s)

	default:
		// A field type that no TOML value maps to is a bug in the struct
		// that declares it, reported here rather than by a panic.
		d.fail(path, index, fmt.Sprintf("the Go field type %s cannot be set from TOML", dst.Type()))
	}
}

// describe names the TOML type of a parsed value, with the value itself for
// scalars, for messages such as `expected an integer, found the string "x"`.
func describe(data any) string {
	switch v := data.(type) {
	case string:
		if len(v) > 40 {
			return fmt.Sprintf("a string (%q…)", v[:40])
		}
		return fmt.Sprintf("the string %q", v)
	case int64:
		return fmt.Sprintf("the integer %d", v)
	case float64:
		return "the float " + formatFloat(v, 64)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case time.Time:
		return "a date-time"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return fmt.Sprintf("a value of Go type %T", data)
}

// suggest returns the key in valid that name was probably meant to be, or
// "". It tries, in order: a key that differs only in case, the shortest key
// that is name plus a suffix such as "_ms", and the closest key within two
// single-character edits that change at most half of the longer key.
func suggest(name string, valid []string) string {
	for _, v := range valid {
		if strings.EqualFold(v, name) {
			return v
		}
	}
	best := ""
	for _, v := range valid {
		if strings.HasPrefix(v, name+"_") && (best == "" || len(v) < len(best)) {
			best = v
		}
	}
	if best != "" {
		return best
	}
	bestDistance := 3
	for _, v := range valid {
		if len(name) > len(v)+2 || len(v) > len(name)+2 {
			continue // at least three edits apart
		}
		dist := editDistance(name, v)
		if dist < bestDistance && 2*dist <= max(len(name), len(v)) {
			best, bestDistance = v, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
