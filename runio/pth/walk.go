package pth

import (
	"fmt"

	"github.com/rnnlab/rnnlab/runio"
)

const (
	// maxDepth bounds the nesting of dicts, lists and tuples. Checkpoints
	// nest a few levels (checkpoint → optimizer → state → parameter), so
	// this only stops crafted files from recursing without end.
	maxDepth = 1000
	// extraVisits bounds how many more objects the walk may visit than the
	// object's pickle has bytes. Each object of a tree costs at least one
	// opcode byte, but through the memo a small pickle can reference one
	// container from many places and so describe a tree of exponential
	// size. The allowance leaves room for legitimately shared objects.
	extraVisits = 1 << 20
	// extraElements is how many more elements the tensors may hold in total
	// than the storages have bytes. Views that share or overlap storage
	// (tied weights, expanded tensors) need more elements than the storages
	// hold, and this allowance, 64 MiB of float32, bounds what a corrupt file
	// can make the reader allocate.
	extraElements = 1 << 24
)

// walker flattens the unpickled object tree into File.Tensors and
// File.Values.
type walker struct {
	file     *File
	names    map[string]bool          // tensor names already used
	done     map[*tensor]runio.Tensor // materialized tensors, shared by every name that refers to them
	onPath   map[any]bool             // containers between the root and the current object
	visits   int                      // objects the walk may still visit; see extraVisits
	elements int                      // elements that tensors may still take; see extraElements
}

// walk visits v, named name, at nesting depth depth.
func (w *walker) walk(v any, name string, depth int) error {
	w.visits--
	if w.visits < 0 {
		return fmt.Errorf("the nested structure is too large: shared references in the pickle expand it to more than %d objects beyond one per pickle byte", extraVisits)
	}
	if depth > maxDepth {
		return fmt.Errorf("%s: nested more than %d levels deep", displayName(name), maxDepth)
	}

	switch v := v.(type) {
	case *tensor:
		return w.addTensor(v, name)
	case *storage:
		// A storage saved on its own reads as a 1-D tensor of all its elements.
		return w.addTensor(&tensor{storage: v, size: []int{v.numel}, stride: []int{1}, numel: v.numel}, name)
	case *pyDict:
		if w.onPath[v] {
			return fmt.Errorf("%s: dict contains itself", displayName(name))
		}
		w.onPath[v] = true
		defer delete(w.onPath, v)
		for i, key := range v.keys {
			if err := w.walk(v.values[i], joinName(name, keyName(key)), depth+1); err != nil {
				return err
			}
		}
		return nil
	case *pyList:
		if w.onPath[v] {
			return fmt.Errorf("%s: list contains itself", displayName(name))
		}
		w.onPath[v] = true
		defer delete(w.onPath, v)
		return w.walkItems(v.items, name, depth)
	case pyTuple:
		return w.walkItems(v, name, depth)
	case *global:
		w.file.Values[name] = "<" + v.String() + ">"
		return nil
	}
	repr, ok := pyRepr(v)
	if !ok {
		return fmt.Errorf("%s: unexpected %s", displayName(name), typeName(v))
	}
	w.file.Values[name] = repr
	return nil
}

func (w *walker) walkItems(items []any, name string, depth int) error {
	for i, item := range items {
		if err := w.walk(item, joinName(name, fmt.Sprint(i)), depth+1); err != nil {
			return err
		}
	}
	return nil
}

// addTensor appends t, materialized, to the file's tensors. A tensor whose
// dtype is not converted is noted in Values instead.
func (w *walker) addTensor(t *tensor, name string) error {
	dt := t.storage.dtype
	if dt.kind == 0 {
		w.file.Values[name] = fmt.Sprintf("<tensor of dtype %s and shape %v, not read: only float, integer and bool tensors are converted>", dt.name, t.size)
		return nil
	}
	if w.names[name] {
		return fmt.Errorf("two tensors are named %s (a dotted key and a nested dict give the same name)", displayName(name))
	}
	w.names[name] = true

	out, ok := w.done[t]
	if !ok {
		if t.numel > w.elements {
			return fmt.Errorf("tensor %s: its %d elements exceed what the file's storages can hold (overlapping views beyond %d extra elements are not read)",
				displayName(name), t.numel, extraElements)
		}
		w.elements -= t.numel
		out = materialize(t)
		w.done[t] = out
	}
	out.Name = name
	w.file.Tensors = append(w.file.Tensors, out)
	return nil
}

func joinName(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// displayName quotes a dotted name for messages, and names the top level.
func displayName(name string) string {
	if name == "" {
		return "top-level object"
	}
	return fmt.Sprintf("%q", name)
}
