package runio

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// A .npy header is the repr of a Python dict, for example
//
//	{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
//
// NumPy reads it with ast.literal_eval. parsePyLiteral accepts the subset of
// Python literal syntax that such headers use: dicts, tuples, lists, strings
// in single or double quotes, integers (with the optional Python 2 "L"
// suffix) and True, False and None. It never evaluates anything else.

// pyTuple is a parsed Python tuple, such as a .npy shape.
type pyTuple []any

// pyList is a parsed Python list, such as the descr of a structured dtype.
type pyList []any

// maxPyLiteralDepth caps nesting so that a hostile header cannot exhaust the
// stack. Structured dtypes, the deepest headers NumPy writes, nest a few
// levels.
const maxPyLiteralDepth = 32

type pyLiteralParser struct {
	text  []byte
	pos   int
	depth int
}

// parsePyLiteral parses text as one Python literal followed only by
// whitespace. Dicts come back as map[string]any, tuples as pyTuple, lists as
// pyList, strings as string, integers as int64, True and False as bool and
// None as nil.
func parsePyLiteral(text []byte) (any, error) {
	p := &pyLiteralParser{text: text}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.text) {
		return nil, fmt.Errorf("unexpected %q at byte %d after the literal", p.text[p.pos], p.pos)
	}
	return v, nil
}

func (p *pyLiteralParser) skipSpace() {
	for p.pos < len(p.text) {
		switch p.text[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *pyLiteralParser) value() (any, error) {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return nil, errors.New("unexpected end of the header")
	}
	c := p.text[p.pos]
	switch {
	case c == '{':
		return p.dict()
	case c == '(':
		return p.sequence(')')
	case c == '[':
		return p.sequence(']')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c == '+' || isDigit(c):
		return p.integer()
	case isLetter(c):
		return p.name()
	}
	return nil, fmt.Errorf("unexpected %q at byte %d", c, p.pos)
}

// enter and leave track nesting depth around dicts, tuples and lists.
func (p *pyLiteralParser) enter() error {
	p.depth++
	if p.depth > maxPyLiteralDepth {
		return fmt.Errorf("literal nested deeper than %d levels at byte %d", maxPyLiteralDepth, p.pos)
	}
	return nil
}

func (p *pyLiteralParser) leave() { p.depth-- }

// expectSeparator consumes a ',' (returning false) or the closing byte
// (returning true) after an item.
func (p *pyLiteralParser) expectSeparator(closing byte) (closed bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.text) {
		return false, fmt.Errorf("unexpected end of the header, expected ',' or %q", closing)
	}
	switch p.text[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case closing:
		p.pos++
		return true, nil
	}
	return false, fmt.Errorf("unexpected %q at byte %d, expected ',' or %q", p.text[p.pos], p.pos, closing)
}

func (p *pyLiteralParser) dict() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++ // '{'

	d := map[string]any{}
	for {
		p.skipSpace()
		if p.pos < len(p.text) && p.text[p.pos] == '}' {
			p.pos++
			return d, nil
		}
		keyPos := p.pos
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dict key at byte %d is %s, expected a string", keyPos, formatPyLiteral(k))
		}
		if _, dup := d[key]; dup {
			return nil, fmt.Errorf("dict key %q appears more than once", key)
		}

		p.skipSpace()
		if p.pos >= len(p.text) || p.text[p.pos] != ':' {
			return nil, fmt.Errorf("expected ':' after dict key %q at byte %d", key, p.pos)
		}
		p.pos++
		if d[key], err = p.value(); err != nil {
			return nil, err
		}

		closed, err := p.expectSeparator('}')
		if err != nil {
			return nil, err
		}
		if closed {
			return d, nil
		}
	}
}

// sequence parses a tuple (closing ')') or a list (closing ']'). As in
// Python, "(x)" without a comma is x itself, not a one-element tuple.
func (p *pyLiteralParser) sequence(closing byte) (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.pos++ // '(' or '['

	var items []any
	sawComma := false
	for {
		p.skipSpace()
		if p.pos < len(p.text) && p.text[p.pos] == closing {
			p.pos++
			break
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		items = append(items, v)
		closed, err := p.expectSeparator(closing)
		if err != nil {
			return nil, err
		}
		if closed {
			break
		}
		sawComma = true
	}

	if closing == ']' {
		return pyList(items), nil
	}
	if len(items) == 1 && !sawComma {
		return items[0], nil
	}
	return pyTuple(items), nil
}

func (p *pyLiteralParser) str() (any, error) {
	quote := p.text[p.pos]
	start := p.pos
	p.pos++
	var s []byte
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		switch {
		case c == quote:
			p.pos++
			return string(s), nil
		case c == '\\' && p.pos+1 < len(p.text):
			// Escapes other than \\ and \' never occur in dtype strings, so
			// the escaped byte is kept as it is.
			s = append(s, p.text[p.pos+1])
			p.pos += 2
		case c == '\n':
			return nil, fmt.Errorf("string starting at byte %d contains a line break", start)
		default:
			s = append(s, c)
			p.pos++
		}
	}
	return nil, fmt.Errorf("string starting at byte %d is not terminated", start)
}

func (p *pyLiteralParser) integer() (any, error) {
	start := p.pos
	if c := p.text[p.pos]; c == '-' || c == '+' {
		p.pos++
	}
	digitsStart := p.pos
	for p.pos < len(p.text) && isDigit(p.text[p.pos]) {
		p.pos++
	}
	if p.pos == digitsStart {
		return nil, fmt.Errorf("expected digits at byte %d", p.pos)
	}
	text := string(p.text[start:p.pos])
	if p.pos < len(p.text) && (p.text[p.pos] == 'L' || p.text[p.pos] == 'l') {
		p.pos++ // Python 2 long suffix, written by NumPy under Python 2
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("integer %s at byte %d is out of range", text, start)
	}
	return v, nil
}

func (p *pyLiteralParser) name() (any, error) {
	start := p.pos
	for p.pos < len(p.text) && (isLetter(p.text[p.pos]) || isDigit(p.text[p.pos])) {
		p.pos++
	}
	switch word := string(p.text[start:p.pos]); word {
	case "True":
		return true, nil
	case "False":
		return false, nil
	case "None":
		return nil, nil
	default:
		return nil, fmt.Errorf("unexpected name %q at byte %d, expected a literal", word, start)
	}
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' }

// formatPyLiteral formats a value returned by parsePyLiteral as Python
// would print it, for error messages.
func formatPyLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		return "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
	case pyTuple:
		if len(v) == 1 {
			return "(" + formatPyLiteral(v[0]) + ",)"
		}
		return "(" + formatPyItems(v) + ")"
	case pyList:
		return "[" + formatPyItems(v) + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		items := make([]string, len(keys))
		for i, k := range keys {
			items[i] = formatPyLiteral(k) + ": " + formatPyLiteral(v[k])
		}
		return "{" + strings.Join(items, ", ") + "}"
	}
	return fmt.Sprint(v)
}

func formatPyItems(items []any) string {
	parts := make([]string, len(items))
	for i, item := range items {
		parts[i] = formatPyLiteral(item)
	}
	return strings.Join(parts, ", ")
}
