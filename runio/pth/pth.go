package pth

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rnnlab/rnnlab/runio"
)

// File is the content of one PyTorch checkpoint.
type File struct {
	// Path is the name passed to Read, or the path passed to Load.
	Path string
	// Tensors holds every tensor in the file as a contiguous row-major
	// copy, in pickle order, named by its dotted path from the top-level
	// object. Entries that are the same tensor object in the pickle share
	// their backing array.
	Tensors []runio.Tensor
	// Values maps the dotted names of the non-tensor leaves (ints, floats,
	// bools, None, str and bytes) to their Python repr, such as "epoch" →
	// "50" or "optimizer.param_groups.0.lr" → "0.001". Tensors of a dtype
	// that is not converted appear here as a note in angle brackets, and an
	// allowed global stored as a value as <module.name>. It is never nil.
	Values map[string]string
	// Format is "zip" (torch.save since PyTorch 1.6) or "legacy"
	// (_use_new_zipfile_serialization=False, and PyTorch 0.4 to 1.5).
	Format string
}

// Load reads the checkpoint at path with [Read].
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Read(data, path)
}

// Read parses a complete checkpoint held in data. name, usually the file
// path, starts every error message.
//
// Read never runs code from the file and never panics on malformed input.
// Content it does not support, such as a pickled module or a class outside
// the allowed torch globals, returns an error that names the file and the
// cause, and so do malformed and truncated files. The returned tensors do
// not alias data.
func Read(data []byte, name string) (f *File, err error) {
	// read is written to return errors for every malformed input, and the
	// fuzz test checks that it does. This guard turns a panic from a bug
	// that the fuzzer has not found into an error rather than a crash.
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%s: internal error while reading the checkpoint (please report it with the file): %v", name, r)
		}
	}()
	f, err = read(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f.Path = name
	return f, nil
}

// checkpoint is a parsed file of either format, before its object is
// flattened into a File.
type checkpoint struct {
	format       string
	root         any // the unpickled object
	pickleBytes  int // size of the object's pickle
	storageBytes int // total size of the storages
}

// legacyMagicPrefix is the first pickle of a legacy checkpoint: the int
// 0x1950a86a20f9469cfc6c, written with pickle protocol 2 as LONG1.
var legacyMagicPrefix = []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}

var errNotCheckpoint = errors.New("not a PyTorch checkpoint: no zip archive and no legacy magic number")

// read detects the format and returns the file without its Path.
func read(data []byte) (*File, error) {
	var c checkpoint
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		c, err = readZip(data)
		c.format = "zip"
	case isLegacy(data):
		c, err = readLegacy(data)
		c.format = "legacy"
	case len(data) >= 262 && string(data[257:262]) == "ustar":
		return nil, errors.New("is a tar archive, the checkpoint format of PyTorch before 0.4, which is not supported; load it with that PyTorch version and save it again with torch.save")
	case len(data) == 0:
		return nil, errors.New("not a PyTorch checkpoint: the file is empty")
	default:
		return nil, errNotCheckpoint
	}
	if err != nil {
		return nil, err
	}

	f := &File{Values: map[string]string{}, Format: c.format}
	w := &walker{
		file:     f,
		names:    map[string]bool{},
		done:     map[*tensor]runio.Tensor{},
		onPath:   map[any]bool{},
		elements: c.storageBytes + extraElements,
		visits:   c.pickleBytes + extraVisits,
	}
	if err := w.walk(c.root, "", 0); err != nil {
		return nil, err
	}
	return f, nil
}

// isLegacy reports whether data starts with the legacy magic number. Its
// pickle protocol byte may differ when torch.save was given another
// pickle_protocol, so the check runs the first pickle when the fixed prefix
// does not match.
func isLegacy(data []byte) bool {
	if bytes.HasPrefix(data, legacyMagicPrefix) {
		return true
	}
	if len(data) == 0 || data[0] != 0x80 {
		return false
	}
	v, _, err := unpickle(data, rejectAll{})
	return err == nil && isLegacyMagic(v)
}

// StateDict returns the tensors of the model's state dict: those under the
// top-level key "state_dict" or, failing that, "model_state_dict", with that
// key and its dot removed from their names. prefix is the key used. When the
// file has neither key, it returns every tensor with its full name and an
// empty prefix, which is right for a file that is a state dict itself.
//
// The returned tensors share their values with f.Tensors.
func (f *File) StateDict() (tensors []runio.Tensor, prefix string) {
	for _, key := range []string{"state_dict", "model_state_dict"} {
		for _, t := range f.Tensors {
			rest, ok := strings.CutPrefix(t.Name, key+".")
			if !ok {
				continue
			}
			t.Name = rest
			tensors = append(tensors, t)
		}
		if len(tensors) > 0 {
			return tensors, key
		}
	}
	return append([]runio.Tensor(nil), f.Tensors...), ""
}

// rejectAll is the objectModel for pickles that may hold only plain data:
// the magic number, protocol version, system information and storage keys
// of a legacy file.
type rejectAll struct{}

func (rejectAll) global(module, name string) (any, error) {
	return nil, fmt.Errorf("unexpected global %s.%s", module, name)
}
func (rejectAll) persistentLoad(any) (any, error) { return nil, errors.New("unexpected persistent id") }
func (rejectAll) call(any, pyTuple) (any, error)  { return nil, errors.New("unexpected call") }
func (rejectAll) newObject(any, pyTuple) (any, error) {
	return nil, errors.New("unexpected object creation")
}
func (rejectAll) build(any, any) (any, error) { return nil, errors.New("unexpected BUILD") }
