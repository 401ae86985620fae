package pth

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pyRepr formats a scalar the way Python 3's repr() does, so that Values
// reads like the checkpoint printed in Python: 50, 0.001, 1e-08, True,
// None, 'cpu', b'\x00'. It returns false for containers and torch objects.
func pyRepr(v any) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "None", true
	case bool:
		if v {
			return "True", true
		}
		return "False", true
	case int64:
		return strconv.FormatInt(v, 10), true
	case *big.Int:
		return v.String(), true
	case float64:
		return pyFloatRepr(v), true
	case string:
		return pyStrRepr(v), true
	case pyBytes:
		return pyBytesRepr(v), true
	}
	return "", false
}

// pyFloatRepr formats f with the shortest digits that round-trip, in fixed
// notation when the decimal exponent e satisfies −4 ≤ e < 16 and in
// scientific notation with at least two exponent digits otherwise, which is
// the rule of Python's float.__repr__ (documented with format type 'r' in
// Python 3.1 and later).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64) // such as "1.5e-05"; Go also writes two or more exponent digits
	exp, _ := strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return sci
	}
	fixed := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(fixed, ".") {
		fixed += ".0"
	}
	return fixed
}

// pyStrRepr quotes s as Python's repr() of a str does: single quotes unless
// s contains a single quote and no double quote, and backslash escapes for
// the quote, backslash, \t, \n, \r and non-printable characters.
func pyStrRepr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == rune(quote) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsPrint(r) && r != utf8.RuneError:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// pyBytesRepr quotes b as Python's repr() of bytes does.
func pyBytesRepr(v []byte) string {
	quote := byte('\'')
	if strings.Contains(string(v), "'") && !strings.Contains(string(v), `"`) {
		quote = '"'
	}
	var b strings.Builder
	b.WriteString("b")
	b.WriteByte(quote)
	for _, c := range v {
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

// keyName returns the text a dict key contributes to a dotted name: a str
// key as it is, any other key as Python's str() of it (for example 0 for
// the parameter indices in an optimizer's state).
func keyName(key any) string {
	switch k := key.(type) {
	case string:
		return k
	case pyTuple:
		parts := make([]string, len(k))
		for i, item := range k {
			if s, ok := pyRepr(item); ok {
				parts[i] = s
			} else {
				parts[i] = typeName(item)
			}
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	if s, ok := pyRepr(key); ok {
		return s
	}
	return typeName(key)
}

// describeValue returns a short description of a value for error messages:
// the repr of a scalar (cut to 40 characters) or the type name.
func describeValue(v any) string {
	if s, ok := pyRepr(v); ok {
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return s
	}
	return "a " + typeName(v)
}
