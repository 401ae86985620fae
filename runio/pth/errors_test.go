package pth

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkError fails unless err is non-nil and its message contains the file
// name and every one of the given parts.
func checkError(t *testing.T, err error, file string, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one mentioning %q", file, parts)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, file+": ") {
		t.Errorf("error does not start with the file name %q: %s", file, msg)
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error does not mention %q: %s", p, msg)
		}
	}
}

func TestRejectedFixtures(t *testing.T) {
	for _, c := range []struct {
		file  string
		parts []string
	}{
		{"whole_module.pth", []string{"contains a pickled Python object of class torch.nn.modules.rnn.RNN", "save model.state_dict() instead"}},
		{"whole_module_legacy.pth", []string{"class torch.nn.modules.rnn.RNN", "save model.state_dict() instead"}},
		{"whole_custom_module.pth", []string{"class __main__.Net", "save model.state_dict() instead"}},
		{"numpy_scalar.pth", []string{"numpy.core.multiarray.scalar", "float()"}},
		{"not_a_checkpoint.pth", []string{"not a PyTorch checkpoint: no zip archive and no legacy magic number"}},
		{"missing_storage.pth", []string{"storage 1 (views/data/1) is missing"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			f, err := Load(path)
			if f != nil {
				t.Errorf("Load returned a file with %d tensors along with the error", len(f.Tensors))
			}
			checkError(t, err, path, c.parts...)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join("testdata", "no_such_file.pth")
	_, err := Load(path)
	if err == nil || !os.IsNotExist(err) || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a missing file: %v, want a not-exist error naming the file", err)
	}
}

// Every proper prefix of a checkpoint must fail with an error, never a
// panic: a zip archive loses its central directory, and a legacy file its
// last storage bytes.
func TestTruncatedFiles(t *testing.T) {
	for _, file := range []string{"views.pth", "views_legacy.pth", "checkpoint_legacy.pth", "parameter_legacy.pth"} {
		data, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n++ {
			f, err := read(data[:n])
			if err == nil {
				t.Fatalf("%s cut to %d of %d bytes read without error (%d tensors)", file, n, len(data), len(f.Tensors))
			}
			// Shorter prefixes lack the format's signature and are not
			// recognised as checkpoints at all.
			if n >= len(legacyMagicPrefix) && !strings.Contains(err.Error(), "truncated") {
				t.Fatalf("%s cut to %d bytes: error does not say truncated: %v", file, n, err)
			}
		}
	}
	_, err := Read(nil, "empty.pth")
	checkError(t, err, "empty.pth", "the file is empty")
}

// pickleBuilder assembles protocol-2 pickles for the corrupt-file tests.
type pickleBuilder struct{ bytes.Buffer }

func newPickle() *pickleBuilder {
	p := &pickleBuilder{}
	p.Write([]byte{0x80, 2})
	return p
}

func (p *pickleBuilder) op(ops ...byte) *pickleBuilder { p.Write(ops); return p }

func (p *pickleBuilder) str(s string) *pickleBuilder {
	p.WriteByte('X')
	binary.Write(&p.Buffer, binary.LittleEndian, uint32(len(s)))
	p.WriteString(s)
	return p
}

// integer writes n with LONG1 and 8 bytes, which covers every int64.
func (p *pickleBuilder) integer(n int64) *pickleBuilder {
	p.Write([]byte{0x8a, 8})
	binary.Write(&p.Buffer, binary.LittleEndian, n)
	return p
}

func (p *pickleBuilder) global(module, name string) *pickleBuilder {
	p.WriteString("c" + module + "\n" + name + "\n")
	return p
}

func (p *pickleBuilder) tuple(items ...int64) *pickleBuilder {
	p.op('(')
	for _, n := range items {
		p.integer(n)
	}
	return p.op('t')
}

// tensor writes _rebuild_tensor_v2 of storage key with the given storage
// class, element count, offset, size and stride.
func (p *pickleBuilder) tensor(class, key string, numel, offset int64, size, stride []int64) *pickleBuilder {
	p.global("torch._utils", "_rebuild_tensor_v2").op('(')
	p.op('(').str("storage").global("torch", class).str(key).str("cpu").integer(numel).op('t', 'Q')
	p.integer(offset).tuple(size...).tuple(stride...)
	p.op(0x89).global("collections", "OrderedDict").op(')', 'R')
	return p.op('t', 'R')
}

// zipCheckpoint stores data.pkl and the storages under folder "archive", as
// torch.save does for a buffer.
func zipCheckpoint(t *testing.T, pkl []byte, storages map[string][]byte, extra ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/" + name, Method: zip.Store, Modified: time.Unix(0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	add("data.pkl", pkl)
	for key, data := range storages {
		add("data/"+key, data)
	}
	for _, name := range extra {
		add(name, []byte("x"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// stateDictWith returns a zip checkpoint {"x": tensor} whose float32 storage
// "0" holds numel elements.
func stateDictWith(t *testing.T, numel, offset int64, size, stride []int64) []byte {
	t.Helper()
	pkl := newPickle().op('}', '(').str("x").tensor("FloatStorage", "0", numel, offset, size, stride).op('u', '.')
	return zipCheckpoint(t, pkl.Bytes(), map[string][]byte{"0": make([]byte, 4*numel)})
}

func TestCorruptTensorGeometry(t *testing.T) {
	for _, c := range []struct {
		name          string
		numel, offset int64
		size, stride  []int64
		want          string
	}{
		{"stride past end", 6, 0, []int64{3, 3}, []int64{3, 1}, "reaches element 8, but storage 0 has only 6 elements"},
		{"offset past end", 6, 6, []int64{1}, []int64{1}, "reaches element 6"},
		{"negative stride", 6, 5, []int64{2}, []int64{-1}, "stride item 0 is -1"},
		{"negative size", 6, 0, []int64{-2}, []int64{1}, "size item 0 is -2"},
		{"negative offset", 6, -1, []int64{1}, []int64{1}, "storage offset is -1"},
		{"rank mismatch", 6, 0, []int64{2, 3}, []int64{1}, "different lengths"},
		{"element count overflow", 6, 0, []int64{1 << 40, 1 << 40}, []int64{0, 0}, "overflows int"},
		{"address overflow", 6, 0, []int64{2, 2}, []int64{1 << 62, 1 << 62}, "overflow int"},
		// A stride-0 view of one element that would need 2⁴⁰ values: the
		// addresses are valid, but the copy is refused before allocating.
		{"huge expanded view", 1, 0, []int64{1 << 40}, []int64{0}, "exceed what the file's storages can hold"},
		{"negative storage size", -1, 0, []int64{1}, []int64{1}, "element count is -1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			numel := c.numel
			if numel < 0 {
				numel = 0
			}
			data := stateDictWith(t, numel, c.offset, c.size, c.stride)
			if c.numel < 0 {
				pkl := newPickle().op('}', '(').str("x").tensor("FloatStorage", "0", c.numel, c.offset, c.size, c.stride).op('u', '.')
				data = zipCheckpoint(t, pkl.Bytes(), nil)
			}
			_, err := Read(data, "corrupt.pth")
			checkError(t, err, "corrupt.pth", c.want)
		})
	}
}

func TestStorageEntryWrongSize(t *testing.T) {
	pkl := newPickle().op('}', '(').str("x").tensor("FloatStorage", "0", 4, 0, []int64{4}, []int64{1}).op('u', '.')
	data := zipCheckpoint(t, pkl.Bytes(), map[string][]byte{"0": make([]byte, 12)})
	_, err := Read(data, "short.pth")
	checkError(t, err, "short.pth", "storage 0 (archive/data/0", "has 12 bytes, expected 16")
}

func TestStridedCopy(t *testing.T) {
	// Storage 0..11 as float32, viewed with offset 1, size (2, 3) and
	// stride (1, 4): element (i, j) is 1 + i + 4j.
	pkl := newPickle().op('}', '(').str("x").tensor("FloatStorage", "0", 12, 1, []int64{2, 3}, []int64{1, 4}).op('u', '.')
	storage := make([]byte, 48)
	for i := range 12 {
		binary.LittleEndian.PutUint32(storage[4*i:], math.Float32bits(float32(i)))
	}
	f, err := Read(zipCheckpoint(t, pkl.Bytes(), map[string][]byte{"0": storage}), "strided.pth")
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{1, 5, 9, 2, 6, 10}
	got := f.Tensors[0].F32
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("strided copy = %v, want %v", got, want)
		}
	}
}

func TestUnsupportedDtypeNoted(t *testing.T) {
	pkl := newPickle().op('}', '(').
		str("z").tensor("ComplexFloatStorage", "0", 2, 0, []int64{2}, []int64{1}).
		str("x").tensor("FloatStorage", "1", 1, 0, []int64{}, []int64{}).
		op('u', '.')
	data := zipCheckpoint(t, pkl.Bytes(), map[string][]byte{"0": make([]byte, 16), "1": make([]byte, 4)})
	f, err := Read(data, "complex.pth")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Tensors) != 1 || f.Tensors[0].Name != "x" {
		t.Errorf("tensors = %v, want only x", f.Tensors)
	}
	if note := f.Values["z"]; !strings.Contains(note, "complex64") || !strings.Contains(note, "not read") {
		t.Errorf(`Values["z"] = %q, want a note that the complex64 tensor is not read`, note)
	}
}

func TestRejectedPickles(t *testing.T) {
	for _, c := range []struct {
		name  string
		pkl   []byte
		parts []string
	}{
		{"arbitrary function", newPickle().global("os", "system").str("true").op(0x85, 'R', '.').Bytes(),
			[]string{"class os.system", "cannot be rebuilt without Python code"}},
		{"sparse tensor", newPickle().global("torch._utils", "_rebuild_sparse_tensor").op('.').Bytes(),
			[]string{"torch._utils._rebuild_sparse_tensor", "not supported"}},
		{"unknown opcode", newPickle().op('}', 0xff, '.').Bytes(),
			[]string{"archive/data.pkl", "unsupported pickle opcode 0xff"}},
		{"self-containing list", newPickle().op(']', 'q', 0, 'h', 0, 'a', '.').Bytes(),
			[]string{"list contains itself"}},
		{"stack underflow", newPickle().op('a', '.').Bytes(),
			[]string{"stack underflow"}},
		{"memo read before write", newPickle().op('h', 7, '.').Bytes(),
			[]string{"memo entry 7"}},
		{"unhashable key", newPickle().op('}', ']', 'N', 's', '.').Bytes(),
			[]string{"a list cannot be a dict key"}},
		{"string past end", append(newPickle().op('X').Bytes(), 0xff, 0xff, 0xff, 0x7f),
			[]string{"past the end of the data"}},
		{"no STOP", newPickle().op('}').Bytes(),
			[]string{"truncated"}},
		{"newer protocol", []byte{0x80, 6, 'N', '.'},
			[]string{"pickle protocol 6"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(zipCheckpoint(t, c.pkl, nil), "crafted.pth")
			checkError(t, err, "crafted.pth", c.parts...)
		})
	}
}

// A memo lets a small pickle reference one list from many places, which
// describes a tree of exponential size: 40 levels of [L, L] is 2⁴⁰ leaves.
func TestSharedReferencesBounded(t *testing.T) {
	p := newPickle().op(']', 'q', 0)
	for i := 1; i <= 40; i++ {
		p.op('(', 'h', byte(i-1), 'h', byte(i-1), 'l', 'q', byte(i))
	}
	p.op('.')
	start := time.Now()
	_, err := Read(zipCheckpoint(t, p.Bytes(), nil), "shared.pth")
	checkError(t, err, "shared.pth", "expand it to more than 1048576 objects")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("rejecting the shared tree took %v", d)
	}
}

func TestDuplicateTensorNames(t *testing.T) {
	pkl := newPickle().op('}', '(').
		str("a.b").tensor("FloatStorage", "0", 1, 0, []int64{1}, []int64{1}).
		str("a").op('}').str("b").tensor("FloatStorage", "0", 1, 0, []int64{1}, []int64{1}).op('s').
		op('u', '.')
	_, err := Read(zipCheckpoint(t, pkl.Bytes(), map[string][]byte{"0": make([]byte, 4)}), "dup.pth")
	checkError(t, err, "dup.pth", `two tensors are named "a.b"`)
}

func TestOtherArchivesRejected(t *testing.T) {
	torchScript := zipCheckpoint(t, newPickle().op('N', '.').Bytes(), nil, "constants.pkl")
	_, err := Read(torchScript, "scripted.pt")
	checkError(t, err, "scripted.pt", "TorchScript archive", "model.state_dict()")

	var npz bytes.Buffer
	zw := zip.NewWriter(&npz)
	w, _ := zw.Create("G.npy")
	w.Write([]byte("\x93NUMPY"))
	zw.Close()
	_, err = Read(npz.Bytes(), "weights.npz")
	checkError(t, err, "weights.npz", "NumPy .npz")

	tar := make([]byte, 1024)
	copy(tar, "checkpoint/sys_info")
	copy(tar[257:], "ustar")
	_, err = Read(tar, "old.pth")
	checkError(t, err, "old.pth", "tar archive", "not supported")

	plainPickle := newPickle().op('}', '.').Bytes()
	_, err = Read(plainPickle, "plain.pkl")
	checkError(t, err, "plain.pkl", "not a PyTorch checkpoint")
}

// The legacy key list must match the storages the object uses.
func TestLegacyStorageListChecked(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "views_legacy.pth"))
	if err != nil {
		t.Fatal(err)
	}
	// The first storage's element count follows the key list; change it.
	keyList := bytes.LastIndex(data, []byte("\x80\x02]"))
	end := keyList + bytes.IndexByte(data[keyList:], '.') + 1
	corrupt := bytes.Clone(data)
	corrupt[end]++
	_, err = Read(corrupt, "legacy.pth")
	checkError(t, err, "legacy.pth", "the data section has", "but the pickle declares")

	// An empty key list leaves every storage without data.
	emptyList := append(bytes.Clone(data[:keyList]), newPickle().op(']', '.').Bytes()...)
	_, err = Read(emptyList, "legacy.pth")
	checkError(t, err, "legacy.pth", "is missing from the legacy checkpoint's data section")
}
