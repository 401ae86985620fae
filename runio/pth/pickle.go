package pth

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// This file is a pickle virtual machine for the subset of the pickle
// protocol (versions 0 to 5) that torch.save writes. It builds plain Go
// values and never runs code: every global, persistent id and call is handed
// to an objectModel, which accepts only the globals and calls it lists.
//
// Values on the stack are:
//
//	nil            None
//	bool           True, False
//	int64          int that fits in 64 bits
//	*big.Int       any larger int
//	float64        float
//	string         str (and Python 2 str, decoded as Latin-1)
//	pyBytes        bytes, bytearray
//	pyTuple        tuple
//	*pyList        list, and set or frozenset (in pickle order)
//	*pyDict        dict, collections.OrderedDict
//	whatever the objectModel returns for globals, persistent ids and calls

// pyBytes is a Python bytes or bytearray value.
type pyBytes []byte

// pyTuple is a Python tuple. Tuples are immutable, so a slice value is enough.
type pyTuple []any

// pyList is a Python list. It is a pointer type because pickle can append to
// a list after it has been stored in the memo and referenced elsewhere.
type pyList struct {
	items []any
}

// pyDict is a Python dict that keeps insertion order, as dict does since
// Python 3.7 and collections.OrderedDict always did.
type pyDict struct {
	keys   []any
	values []any
	index  map[string]int // hashKey(key) → position in keys
}

func newDict() *pyDict { return &pyDict{index: make(map[string]int)} }

// set stores value under key. Like Python, a key that is already present
// keeps its position and gets the new value.
func (d *pyDict) set(key, value any) error {
	h, err := hashKey(key)
	if err != nil {
		return err
	}
	if i, ok := d.index[h]; ok {
		d.values[i] = value
		return nil
	}
	d.index[h] = len(d.keys)
	d.keys = append(d.keys, key)
	d.values = append(d.values, value)
	return nil
}

// get returns the value stored under the str key.
func (d *pyDict) get(key string) (any, bool) {
	i, ok := d.index["s:"+key]
	if !ok {
		return nil, false
	}
	return d.values[i], true
}

// hashKey returns a string that is equal for two keys exactly when Python
// considers the keys equal: True, 1 and 1.0 are the same key, "1" is not.
func hashKey(key any) (string, error) {
	switch k := key.(type) {
	case nil:
		return "N", nil
	case bool:
		if k {
			return "i:1", nil
		}
		return "i:0", nil
	case int64:
		return "i:" + strconv.FormatInt(k, 10), nil
	case *big.Int:
		return "i:" + k.String(), nil
	case float64:
		if k == math.Trunc(k) && math.Abs(k) < 1<<63 {
			return "i:" + strconv.FormatInt(int64(k), 10), nil
		}
		return "f:" + strconv.FormatUint(math.Float64bits(k), 16), nil
	case string:
		return "s:" + k, nil
	case pyBytes:
		return "b:" + string(k), nil
	case pyTuple:
		var b strings.Builder
		b.WriteString("t")
		for _, item := range k {
			h, err := hashKey(item)
			if err != nil {
				return "", err
			}
			// The length prefix keeps ("a,b",) and ("a", "b") apart.
			fmt.Fprintf(&b, "%d:%s", len(h), h)
		}
		return b.String(), nil
	}
	return "", fmt.Errorf("a %s cannot be a dict key", typeName(key))
}

// objectModel decides what globals, persistent ids and calls in a pickle
// mean. Every method returns an error for anything it does not allow.
type objectModel interface {
	// global resolves the GLOBAL, STACK_GLOBAL and INST name module.name.
	global(module, name string) (any, error)
	// persistentLoad resolves a persistent id (BINPERSID, PERSID).
	persistentLoad(pid any) (any, error)
	// call applies a callable to args (REDUCE).
	call(callable any, args pyTuple) (any, error)
	// newObject creates an instance of class (NEWOBJ, NEWOBJ_EX, OBJ, INST).
	newObject(class any, args pyTuple) (any, error)
	// build applies state to obj (BUILD).
	build(obj, state any) (any, error)
}

// unpickler runs one pickle program. A zero memo and stack are created by
// unpickle.
type unpickler struct {
	data  []byte
	pos   int
	model objectModel
	stack []any
	marks []int // stack lengths at each MARK
	memo  map[int64]any
}

// maxPickleProtocol is the highest protocol the opcode set below covers
// (Python 3.8's pickle protocol 5, without its out-of-band buffers).
const maxPickleProtocol = 5

// unpickle runs the pickle that starts at data[0] and returns the value it
// produces and the number of bytes it used, which lets the caller read the
// pickles and raw data that follow it in a legacy checkpoint.
func unpickle(data []byte, model objectModel) (value any, used int, err error) {
	u := &unpickler{data: data, model: model, memo: make(map[int64]any)}
	value, err = u.run()
	if err != nil {
		return nil, 0, fmt.Errorf("pickle at byte %d: %w", u.pos, err)
	}
	return value, u.pos, nil
}

var errTruncated = errors.New("unexpected end of data (the file is truncated)")

func (u *unpickler) read(n int) ([]byte, error) {
	if n < 0 || n > len(u.data)-u.pos {
		return nil, errTruncated
	}
	b := u.data[u.pos : u.pos+n]
	u.pos += n
	return b, nil
}

// readLength reads an unsigned little-endian length of size bytes (1, 4 or
// 8) and checks that that many bytes remain, so that no allocation is larger
// than the input.
func (u *unpickler) readLength(size int) (int, error) {
	b, err := u.read(size)
	if err != nil {
		return 0, err
	}
	var n uint64
	switch size {
	case 1:
		n = uint64(b[0])
	case 4:
		n = uint64(binary.LittleEndian.Uint32(b))
	case 8:
		n = binary.LittleEndian.Uint64(b)
	}
	if n > uint64(len(u.data)-u.pos) {
		return 0, fmt.Errorf("length %d is past the end of the data (the file is truncated)", n)
	}
	return int(n), nil
}

// readLine reads up to and excluding the next "\n", as the text opcodes of
// protocol 0 need.
func (u *unpickler) readLine() (string, error) {
	i := bytes.IndexByte(u.data[u.pos:], '\n')
	if i < 0 {
		return "", errTruncated
	}
	line := string(u.data[u.pos : u.pos+i])
	u.pos += i + 1
	return line, nil
}

func (u *unpickler) push(v any) { u.stack = append(u.stack, v) }

func (u *unpickler) pop() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, errors.New("stack underflow")
	}
	v := u.stack[len(u.stack)-1]
	u.stack = u.stack[:len(u.stack)-1]
	return v, nil
}

func (u *unpickler) top() (any, error) {
	if len(u.stack) == 0 || (len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1]) {
		return nil, errors.New("stack underflow")
	}
	return u.stack[len(u.stack)-1], nil
}

// popMark removes and returns the items pushed since the last MARK.
func (u *unpickler) popMark() ([]any, error) {
	if len(u.marks) == 0 {
		return nil, errors.New("no MARK before an opcode that needs one")
	}
	k := u.marks[len(u.marks)-1]
	u.marks = u.marks[:len(u.marks)-1]
	items := u.stack[k:]
	u.stack = u.stack[:k]
	return items, nil
}

// popN removes the top n items and returns them in stack order.
func (u *unpickler) popN(n int) ([]any, error) {
	floor := 0
	if len(u.marks) > 0 {
		floor = u.marks[len(u.marks)-1]
	}
	if len(u.stack)-floor < n {
		return nil, errors.New("stack underflow")
	}
	items := append([]any(nil), u.stack[len(u.stack)-n:]...)
	u.stack = u.stack[:len(u.stack)-n]
	return items, nil
}

func (u *unpickler) memoGet(i int64) error {
	v, ok := u.memo[i]
	if !ok {
		return fmt.Errorf("memo entry %d is read before it is stored", i)
	}
	u.push(v)
	return nil
}

func (u *unpickler) memoPut(i int64) error {
	v, err := u.top()
	if err != nil {
		return err
	}
	u.memo[i] = v
	return nil
}

// run executes opcodes until STOP.
func (u *unpickler) run() (any, error) {
	for {
		if u.pos >= len(u.data) {
			return nil, errTruncated
		}
		op := u.data[u.pos]
		u.pos++
		if op == '.' { // STOP
			v, err := u.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		if err := u.step(op); err != nil {
			return nil, err
		}
	}
}

// step executes one opcode other than STOP. The opcode names are those of
// Python's pickletools module.
func (u *unpickler) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		b, err := u.read(1)
		if err != nil {
			return err
		}
		if b[0] > maxPickleProtocol {
			return fmt.Errorf("pickle protocol %d is newer than the supported %d", b[0], maxPickleProtocol)
		}
	case 0x95: // FRAME: only a hint for buffered readers.
		_, err := u.read(8)
		return err
	case '(': // MARK
		u.marks = append(u.marks, len(u.stack))
	case '0': // POP
		if len(u.marks) > 0 && len(u.stack) == u.marks[len(u.marks)-1] {
			u.marks = u.marks[:len(u.marks)-1]
			return nil
		}
		_, err := u.pop()
		return err
	case '1': // POP_MARK
		_, err := u.popMark()
		return err
	case '2': // DUP
		v, err := u.top()
		if err != nil {
			return err
		}
		u.push(v)

	case 'N': // NONE
		u.push(nil)
	case 0x88: // NEWTRUE
		u.push(true)
	case 0x89: // NEWFALSE
		u.push(false)
	case 'J': // BININT
		b, err := u.read(4)
		if err != nil {
			return err
		}
		u.push(int64(int32(binary.LittleEndian.Uint32(b))))
	case 'K': // BININT1
		b, err := u.read(1)
		if err != nil {
			return err
		}
		u.push(int64(b[0]))
	case 'M': // BININT2
		b, err := u.read(2)
		if err != nil {
			return err
		}
		u.push(int64(binary.LittleEndian.Uint16(b)))
	case 0x8a, 0x8b: // LONG1, LONG4
		size := 1
		if op == 0x8b {
			size = 4
		}
		n, err := u.readLength(size)
		if err != nil {
			return err
		}
		b, _ := u.read(n)
		u.push(decodeLong(b))
	case 'I': // INT (text), which protocol 0 also uses for bools
		line, err := u.readLine()
		if err != nil {
			return err
		}
		v, err := parseTextInt(line, true)
		if err != nil {
			return err
		}
		u.push(v)
	case 'L': // LONG (text)
		line, err := u.readLine()
		if err != nil {
			return err
		}
		v, err := parseTextInt(strings.TrimSuffix(line, "L"), false)
		if err != nil {
			return err
		}
		u.push(v)
	case 'G': // BINFLOAT
		b, err := u.read(8)
		if err != nil {
			return err
		}
		u.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case 'F': // FLOAT (text)
		line, err := u.readLine()
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(line, 64)
		if err != nil {
			return fmt.Errorf("invalid FLOAT %q", line)
		}
		u.push(v)

	case 'X', 0x8c, 0x8d: // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
		size := map[byte]int{'X': 4, 0x8c: 1, 0x8d: 8}[op]
		n, err := u.readLength(size)
		if err != nil {
			return err
		}
		b, _ := u.read(n)
		u.push(string(b))
	case 'T', 'U': // BINSTRING, SHORT_BINSTRING (Python 2 str)
		size := 4
		if op == 'U' {
			size = 1
		}
		n, err := u.readLength(size)
		if err != nil {
			return err
		}
		b, _ := u.read(n)
		u.push(latin1(b))
	case 'B', 'C', 0x8e, 0x96: // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
		size := map[byte]int{'B': 4, 'C': 1, 0x8e: 8, 0x96: 8}[op]
		n, err := u.readLength(size)
		if err != nil {
			return err
		}
		b, _ := u.read(n)
		u.push(pyBytes(append([]byte(nil), b...)))

	case ']': // EMPTY_LIST
		u.push(&pyList{})
	case 'l': // LIST
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(&pyList{items: append([]any(nil), items...)})
	case 'a': // APPEND
		item, err := u.pop()
		if err != nil {
			return err
		}
		return u.extendTop([]any{item})
	case 'e', 0x90: // APPENDS, ADDITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.extendTop(items)
	case 0x8f: // EMPTY_SET
		u.push(&pyList{})
	case 0x91: // FROZENSET
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(&pyList{items: append([]any(nil), items...)})

	case ')': // EMPTY_TUPLE
		u.push(pyTuple{})
	case 't': // TUPLE
		items, err := u.popMark()
		if err != nil {
			return err
		}
		u.push(pyTuple(append([]any(nil), items...)))
	case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
		items, err := u.popN(int(op-0x85) + 1)
		if err != nil {
			return err
		}
		u.push(pyTuple(items))

	case '}': // EMPTY_DICT
		u.push(newDict())
	case 'd': // DICT
		items, err := u.popMark()
		if err != nil {
			return err
		}
		d := newDict()
		if err := setItems(d, items); err != nil {
			return err
		}
		u.push(d)
	case 's': // SETITEM
		items, err := u.popN(2)
		if err != nil {
			return err
		}
		return u.setItemsOnTop(items)
	case 'u': // SETITEMS
		items, err := u.popMark()
		if err != nil {
			return err
		}
		return u.setItemsOnTop(items)

	case 'p': // PUT (text)
		line, err := u.readLine()
		if err != nil {
			return err
		}
		i, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return fmt.Errorf("invalid PUT index %q", line)
		}
		return u.memoPut(i)
	case 'q': // BINPUT
		b, err := u.read(1)
		if err != nil {
			return err
		}
		return u.memoPut(int64(b[0]))
	case 'r': // LONG_BINPUT
		b, err := u.read(4)
		if err != nil {
			return err
		}
		return u.memoPut(int64(binary.LittleEndian.Uint32(b)))
	case 0x94: // MEMOIZE
		return u.memoPut(int64(len(u.memo)))
	case 'g': // GET (text)
		line, err := u.readLine()
		if err != nil {
			return err
		}
		i, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return fmt.Errorf("invalid GET index %q", line)
		}
		return u.memoGet(i)
	case 'h': // BINGET
		b, err := u.read(1)
		if err != nil {
			return err
		}
		return u.memoGet(int64(b[0]))
	case 'j': // LONG_BINGET
		b, err := u.read(4)
		if err != nil {
			return err
		}
		return u.memoGet(int64(binary.LittleEndian.Uint32(b)))

	case 'c': // GLOBAL
		module, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		g, err := u.model.global(module, name)
		if err != nil {
			return err
		}
		u.push(g)
	case 0x93: // STACK_GLOBAL
		items, err := u.popN(2)
		if err != nil {
			return err
		}
		module, ok1 := items[0].(string)
		name, ok2 := items[1].(string)
		if !ok1 || !ok2 {
			return errors.New("STACK_GLOBAL needs two strings")
		}
		g, err := u.model.global(module, name)
		if err != nil {
			return err
		}
		u.push(g)
	case 'Q': // BINPERSID
		pid, err := u.pop()
		if err != nil {
			return err
		}
		v, err := u.model.persistentLoad(pid)
		if err != nil {
			return err
		}
		u.push(v)
	case 'P': // PERSID (text)
		line, err := u.readLine()
		if err != nil {
			return err
		}
		v, err := u.model.persistentLoad(line)
		if err != nil {
			return err
		}
		u.push(v)
	case 'R': // REDUCE
		items, err := u.popN(2)
		if err != nil {
			return err
		}
		args, ok := items[1].(pyTuple)
		if !ok {
			return fmt.Errorf("REDUCE needs a tuple of arguments, found a %s", typeName(items[1]))
		}
		v, err := u.model.call(items[0], args)
		if err != nil {
			return err
		}
		u.push(v)
	case 0x81: // NEWOBJ
		items, err := u.popN(2)
		if err != nil {
			return err
		}
		args, ok := items[1].(pyTuple)
		if !ok {
			return fmt.Errorf("NEWOBJ needs a tuple of arguments, found a %s", typeName(items[1]))
		}
		v, err := u.model.newObject(items[0], args)
		if err != nil {
			return err
		}
		u.push(v)
	case 0x92: // NEWOBJ_EX
		items, err := u.popN(3)
		if err != nil {
			return err
		}
		args, ok := items[1].(pyTuple)
		kwargs, isDict := items[2].(*pyDict)
		if !ok || !isDict {
			return errors.New("NEWOBJ_EX needs a tuple and a dict")
		}
		if len(kwargs.keys) > 0 {
			return errors.New("NEWOBJ_EX with keyword arguments is not supported")
		}
		v, err := u.model.newObject(items[0], args)
		if err != nil {
			return err
		}
		u.push(v)
	case 'o': // OBJ
		items, err := u.popMark()
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return errors.New("OBJ without a class")
		}
		v, err := u.model.newObject(items[0], pyTuple(append([]any(nil), items[1:]...)))
		if err != nil {
			return err
		}
		u.push(v)
	case 'i': // INST
		module, err := u.readLine()
		if err != nil {
			return err
		}
		name, err := u.readLine()
		if err != nil {
			return err
		}
		class, err := u.model.global(module, name)
		if err != nil {
			return err
		}
		items, err := u.popMark()
		if err != nil {
			return err
		}
		v, err := u.model.newObject(class, pyTuple(append([]any(nil), items...)))
		if err != nil {
			return err
		}
		u.push(v)
	case 'b': // BUILD
		state, err := u.pop()
		if err != nil {
			return err
		}
		obj, err := u.pop()
		if err != nil {
			return err
		}
		v, err := u.model.build(obj, state)
		if err != nil {
			return err
		}
		u.push(v)

	default:
		return fmt.Errorf("unsupported pickle opcode 0x%02x", op)
	}
	return nil
}

// extendTop appends items to the list or set on top of the stack.
func (u *unpickler) extendTop(items []any) error {
	top, err := u.top()
	if err != nil {
		return err
	}
	list, ok := top.(*pyList)
	if !ok {
		return fmt.Errorf("cannot append to a %s", typeName(top))
	}
	list.items = append(list.items, items...)
	return nil
}

// setItemsOnTop stores key, value pairs in the dict on top of the stack.
func (u *unpickler) setItemsOnTop(items []any) error {
	top, err := u.top()
	if err != nil {
		return err
	}
	d, ok := top.(*pyDict)
	if !ok {
		return fmt.Errorf("cannot set items on a %s", typeName(top))
	}
	return setItems(d, items)
}

func setItems(d *pyDict, items []any) error {
	if len(items)%2 != 0 {
		return errors.New("odd number of items for a dict")
	}
	for i := 0; i < len(items); i += 2 {
		if err := d.set(items[i], items[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// decodeLong decodes a little-endian two's-complement integer of any length,
// as LONG1 and LONG4 store it.
func decodeLong(b []byte) any {
	if len(b) <= 8 {
		var v uint64
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		if len(b) > 0 && len(b) < 8 && b[len(b)-1]&0x80 != 0 {
			v |= math.MaxUint64 << (8 * len(b)) // sign-extend
		}
		return int64(v)
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	return v
}

// parseTextInt parses the argument of the text opcodes INT and LONG. INT
// also encodes True and False as "01" and "00".
func parseTextInt(s string, boolCodes bool) (any, error) {
	if boolCodes && s == "01" {
		return true, nil
	}
	if boolCodes && s == "00" {
		return false, nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("invalid integer %q", s)
	}
	return v, nil
}

// latin1 decodes a Python 2 str. Python 3's unpickler decodes them as ASCII
// by default. Latin-1 gives the same text for ASCII bytes and maps every
// other byte to a character, where ASCII decoding would fail.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// typeName returns the Python type name of a value built by the unpickler,
// for error messages.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64, *big.Int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case pyBytes:
		return "bytes"
	case pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pyDict:
		return "dict"
	case *global:
		return v.module + "." + v.name
	case *storage:
		return "storage"
	case *tensor:
		return "tensor"
	}
	return fmt.Sprintf("%T", v)
}
