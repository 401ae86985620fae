package config

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// keyLines returns the 1-based line on which each key of a TOML document
// first appears, keyed by toml.Key.String() of the full path (for example
// "model.n", "task.test_durations_ms" or `model."odd key"`). Table headers,
// the parts of dotted keys and the keys of inline tables (also inside arrays)
// are included, so every key in MetaData.Keys() of the same document has a
// line.
//
// The TOML library keeps key positions private, so this is a small scanner of
// its own. It is meant for documents the library has already parsed: it skips
// strings, arrays and inline tables to find where each key starts, and on
// anything it does not expect it skips to the next line instead of failing.
func keyLines(src string) map[string]int {
	s := &keyScanner{src: src, line: 1, lines: map[string]int{}}
	s.document()
	return s.lines
}

type keyScanner struct {
	src   string
	pos   int
	line  int // line of src[pos]
	lines map[string]int
}

// bomLength returns the length of the byte order mark that src starts with,
// or 0. Like the TOML library, it takes UTF-16 marks as well as UTF-8.
func bomLength(src string) int {
	for _, bom := range []string{"\xef\xbb\xbf", "\xff\xfe", "\xfe\xff"} {
		if strings.HasPrefix(src, bom) {
			return len(bom)
		}
	}
	return 0
}

func (s *keyScanner) eof() bool { return s.pos >= len(s.src) }

// peek returns the byte k places ahead, or 0 past the end.
func (s *keyScanner) peek(k int) byte {
	if s.pos+k < len(s.src) {
		return s.src[s.pos+k]
	}
	return 0
}

// next consumes one byte and keeps the line count.
func (s *keyScanner) next() byte {
	if s.eof() {
		return 0
	}
	c := s.src[s.pos]
	s.pos++
	if c == '\n' {
		s.line++
	}
	return c
}

func (s *keyScanner) skipSpace() {
	for c := s.peek(0); c == ' ' || c == '\t' || c == '\r'; c = s.peek(0) {
		s.next()
	}
}

// skipBlank skips spaces, newlines and comments.
func (s *keyScanner) skipBlank() {
	for !s.eof() {
		switch s.peek(0) {
		case ' ', '\t', '\r', '\n':
			s.next()
		case '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves past the next newline, or to the end.
func (s *keyScanner) skipLine() {
	for !s.eof() {
		if s.next() == '\n' {
			return
		}
	}
}

// record stores line for the key path and for each of its parent tables
// that has no line yet. Once a key has a line, so do all its parents, so
// the loop can stop at the first key that has one.
func (s *keyScanner) record(path []string, line int) {
	for i := len(path); i >= 1; i-- {
		k := toml.Key(path[:i]).String()
		if _, ok := s.lines[k]; ok {
			return
		}
		s.lines[k] = line
	}
}

func (s *keyScanner) document() {
	s.pos = bomLength(s.src)
	var table []string
	for {
		s.skipBlank()
		if s.eof() {
			return
		}
		line := s.line
		if s.peek(0) == '[' {
			// A table header [a.b] or an array-of-tables header [[a.b]].
			s.next()
			if s.peek(0) == '[' {
				s.next()
			}
			path, ok := s.key()
			if ok {
				table = path
				s.record(path, line)
			}
			s.skipLine()
			continue
		}
		path, ok := s.key()
		if !ok || s.peek(0) != '=' {
			s.skipLine()
			continue
		}
		s.next()
		full := append(append([]string(nil), table...), path...)
		s.record(full, line)
		s.value(full)
	}
}

// key reads a possibly dotted key of bare and quoted parts and stops before
// the '=' or ']' that follows it. It reports false, having read nothing
// useful, when no key starts at the current position.
func (s *keyScanner) key() ([]string, bool) {
	var parts []string
	for {
		s.skipSpace()
		var part string
		switch c := s.peek(0); {
		case c == '"':
			var ok bool
			if part, ok = s.basicString(); !ok {
				return nil, false
			}
		case c == '\'':
			var ok bool
			if part, ok = s.literalString(); !ok {
				return nil, false
			}
		case isBareKeyByte(c):
			start := s.pos
			for isBareKeyByte(s.peek(0)) {
				s.next()
			}
			part = s.src[start:s.pos]
		default:
			return nil, false
		}
		parts = append(parts, part)
		s.skipSpace()
		if s.peek(0) != '.' {
			return parts, true
		}
		s.next()
	}
}

func isBareKeyByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// value skips the value of the key path, recording the keys of inline
// tables inside it.
func (s *keyScanner) value(path []string) {
	s.skipSpace()
	switch {
	case strings.HasPrefix(s.src[s.pos:], `"""`):
		s.multilineString('"')
	case strings.HasPrefix(s.src[s.pos:], `'''`):
		s.multilineString('\'')
	case s.peek(0) == '"':
		s.basicString()
	case s.peek(0) == '\'':
		s.literalString()
	case s.peek(0) == '[':
		s.array(path)
	case s.peek(0) == '{':
		s.inlineTable(path)
	default:
		s.scalar()
	}
}

func (s *keyScanner) array(path []string) {
	s.next()
	for {
		s.skipBlank()
		switch s.peek(0) {
		case 0:
			return
		case ']':
			s.next()
			return
		case ',':
			s.next()
			continue
		}
		start := s.pos
		s.value(path)
		if s.pos == start {
			s.next()
		}
	}
}

func (s *keyScanner) inlineTable(path []string) {
	s.next()
	for {
		// TOML 1.1, which the library reads, allows newlines and comments
		// inside inline tables.
		s.skipBlank()
		switch s.peek(0) {
		case 0:
			return
		case '}':
			s.next()
			return
		case ',':
			s.next()
			continue
		}
		line := s.line
		start := s.pos
		inner, ok := s.key()
		if !ok || s.peek(0) != '=' {
			if s.pos == start {
				s.next()
			}
			continue
		}
		s.next()
		full := append(append([]string(nil), path...), inner...)
		s.record(full, line)
		s.value(full)
	}
}

// scalar skips a number, boolean or date-time.
func (s *keyScanner) scalar() {
	start := s.pos
	s.skipScalarBytes()
	// A date-time may separate date and time by a space: 1979-05-27 07:32:00.
	tok := s.src[start:s.pos]
	if len(tok) == 10 && tok[4] == '-' && tok[7] == '-' && s.peek(0) == ' ' && '0' <= s.peek(1) && s.peek(1) <= '9' {
		s.next()
		s.skipScalarBytes()
	}
}

func (s *keyScanner) skipScalarBytes() {
	for !s.eof() && !strings.ContainsRune(" \t\r\n,]}#", rune(s.peek(0))) {
		s.next()
	}
}

// basicString reads a "..." string and returns its value with escapes
// replaced. It reports false on a newline or the end of input before the
// closing quote.
func (s *keyScanner) basicString() (string, bool) {
	s.next()
	var b strings.Builder
	for {
		switch c := s.next(); c {
		case 0, '\n':
			return b.String(), false
		case '"':
			return b.String(), true
		case '\\':
			s.escape(&b)
		default:
			b.WriteByte(c)
		}
	}
}

// Escape sequences of TOML 1.1, which the library reads: \b \t \n \f \r
// \" \\ \e, and \xHH, \uHHHH, \UHHHHHHHH with that many hex digits.
var (
	simpleEscapes = map[byte]byte{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\', 'e': 0x1b}
	hexEscapes    = map[byte]int{'x': 2, 'u': 4, 'U': 8}
)

// escape reads the escape sequence after a backslash into b.
func (s *keyScanner) escape(b *strings.Builder) {
	c := s.next()
	if r, ok := simpleEscapes[c]; ok {
		b.WriteByte(r)
		return
	}
	start := s.pos
	for range hexEscapes[c] {
		s.next()
	}
	code, err := strconv.ParseUint(s.src[start:s.pos], 16, 32)
	if err != nil || code > utf8.MaxRune {
		b.WriteRune(utf8.RuneError)
		return
	}
	b.WriteRune(rune(code))
}

// literalString reads a '...' string, which has no escapes.
func (s *keyScanner) literalString() (string, bool) {
	s.next()
	start := s.pos
	for {
		switch s.peek(0) {
		case 0, '\n':
			return s.src[start:s.pos], false
		case '\'':
			value := s.src[start:s.pos]
			s.next()
			return value, true
		}
		s.next()
	}
}

// multilineString skips a multi-line basic or literal string, delimited by
// three quote characters on each side. Up to two quotes right before the
// closing delimiter belong to the value.
func (s *keyScanner) multilineString(quote byte) {
	delim := strings.Repeat(string(quote), 3)
	s.pos += 3
	for !s.eof() {
		if quote == '"' && s.peek(0) == '\\' {
			s.next()
			s.next()
			continue
		}
		if strings.HasPrefix(s.src[s.pos:], delim) {
			s.pos += 3
			for i := 0; i < 2 && s.peek(0) == quote; i++ {
				s.next()
			}
			return
		}
		s.next()
	}
}
