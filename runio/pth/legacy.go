package pth

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
)

// A legacy checkpoint (torch.save with _use_new_zipfile_serialization=False,
// the default of PyTorch 0.4 to 1.5) is a sequence of pickles followed by
// raw storage data:
//
//	pickle  magic number 0x1950a86a20f9469cfc6c
//	pickle  protocol version 1001
//	pickle  system information (byte order, sizes of C integer types)
//	pickle  the saved object; storages are persistent ids
//	        ("storage", storage type, root key, location, numel, view)
//	pickle  list of the root keys, in the order their data follows
//	for each root key: numel as int64, then numel·itemsize bytes
//
// torch converts the raw data to little-endian when it writes it, also on
// big-endian machines (writeFileRaw in torch/csrc/generic/serialization.cpp),
// so the byte order in the system information is not needed.

var legacyMagic, _ = new(big.Int).SetString("1950a86a20f9469cfc6c", 16)

const legacyProtocolVersion = 1001

func isLegacyMagic(v any) bool {
	b, ok := v.(*big.Int)
	return ok && b.Cmp(legacyMagic) == 0
}

// legacyReader collects the storages that the object pickle of a legacy
// checkpoint refers to.
type legacyReader struct {
	raws     map[string]*rawStorage
	itemSize map[string]int // element size of the dtype each root was first read with
	storages map[storageKey]*storage
	views    map[string]*storage
}

// readLegacy parses a legacy checkpoint.
func readLegacy(data []byte) (checkpoint, error) {
	pos := 0
	next := func(what string, model objectModel) (any, error) {
		v, n, err := unpickle(data[pos:], model)
		if err != nil {
			var contentErr *contentError
			if errors.As(err, &contentErr) {
				return nil, contentErr
			}
			return nil, fmt.Errorf("legacy checkpoint, %s at byte %d: %w", what, pos, err)
		}
		pos += n
		return v, nil
	}

	magic, err := next("magic number", rejectAll{})
	if err != nil {
		return checkpoint{}, err
	}
	if !isLegacyMagic(magic) {
		return checkpoint{}, errNotCheckpoint
	}
	version, err := next("protocol version", rejectAll{})
	if err != nil {
		return checkpoint{}, err
	}
	if n, ok := toInt(version); !ok || n != legacyProtocolVersion {
		return checkpoint{}, fmt.Errorf("legacy checkpoint protocol version is %s, expected %d", describeValue(version), legacyProtocolVersion)
	}
	if _, err := next("system information", rejectAll{}); err != nil {
		return checkpoint{}, err
	}

	r := &legacyReader{
		raws:     map[string]*rawStorage{},
		itemSize: map[string]int{},
		storages: map[storageKey]*storage{},
		views:    map[string]*storage{},
	}
	objectStart := pos
	root, err := next("object", &torchModel{loadStorage: r.loadStorage})
	if err != nil {
		return checkpoint{}, err
	}
	pickleBytes := pos - objectStart
	keysValue, err := next("storage key list", rejectAll{})
	if err != nil {
		return checkpoint{}, err
	}
	keys, ok := keysValue.(*pyList)
	if !ok {
		return checkpoint{}, fmt.Errorf("legacy checkpoint storage key list is a %s, expected a list", typeName(keysValue))
	}

	total := 0
	for _, k := range keys.items {
		key, ok := k.(string)
		if !ok {
			return checkpoint{}, fmt.Errorf("legacy checkpoint storage key is %s, expected a str", describeValue(k))
		}
		raw, ok := r.raws[key]
		if !ok {
			return checkpoint{}, fmt.Errorf("legacy checkpoint lists storage %s, which no tensor uses", key)
		}
		if raw.data != nil {
			return checkpoint{}, fmt.Errorf("legacy checkpoint lists storage %s twice", key)
		}
		if len(data)-pos < 8 {
			return checkpoint{}, fmt.Errorf("storage %s: the file ends at byte %d, before its element count (the file is truncated)", key, len(data))
		}
		count := int64(binary.LittleEndian.Uint64(data[pos:]))
		want := raw.nbytes / r.itemSize[key]
		if count != int64(want) {
			return checkpoint{}, fmt.Errorf("storage %s: the data section has %d elements, but the pickle declares %d", key, count, want)
		}
		pos += 8
		if len(data)-pos < raw.nbytes {
			return checkpoint{}, fmt.Errorf("storage %s: needs %d bytes at byte %d, but the file ends at byte %d (the file is truncated)", key, raw.nbytes, pos, len(data))
		}
		raw.data = data[pos : pos+raw.nbytes]
		pos += raw.nbytes
		total += raw.nbytes
	}
	for key, raw := range r.raws {
		if raw.data == nil {
			return checkpoint{}, &contentError{fmt.Sprintf("storage %s is missing from the legacy checkpoint's data section", key)}
		}
	}
	return checkpoint{root: root, pickleBytes: pickleBytes, storageBytes: total}, nil
}

// loadStorage resolves the persistent id ("storage", storage type, root
// key, location, numel, view), where view is None or (view key, offset,
// size) in elements, a storage view of old PyTorch versions.
func (r *legacyReader) loadStorage(pid pyTuple) (*storage, error) {
	p, err := parseStoragePID(pid, 6)
	if err != nil {
		return nil, err
	}
	raw, ok := r.raws[p.key]
	if !ok {
		nbytes, _ := byteCount(p.numel, p.dtype.size)
		raw = &rawStorage{key: p.key, nbytes: nbytes}
		r.raws[p.key] = raw
		r.itemSize[p.key] = p.dtype.size
	}
	// A root read again with another dtype reinterprets its bytes, as torch
	// does.
	typed, ok := r.storages[storageKey{p.key, p.dtype}]
	if !ok {
		typed = &storage{raw: raw, dtype: p.dtype, numel: raw.nbytes / p.dtype.size}
		r.storages[storageKey{p.key, p.dtype}] = typed
	}
	if pid[5] == nil {
		return typed, nil
	}

	view, ok := pid[5].(pyTuple)
	if !ok || len(view) != 3 {
		return nil, fmt.Errorf("storage %s: view is %s, expected None or (key, offset, size)", p.key, describeValue(pid[5]))
	}
	viewKey, ok := view[0].(string)
	if !ok {
		return nil, fmt.Errorf("storage %s: view key is %s, expected a str", p.key, describeValue(view[0]))
	}
	if s, ok := r.views[viewKey]; ok {
		return s, nil
	}
	offset, ok1 := toInt(view[1])
	size, ok2 := toInt(view[2])
	if !ok1 || !ok2 || offset < 0 || size < 0 || offset > typed.numel || size > typed.numel-offset {
		return nil, fmt.Errorf("storage view %s: offset %s and size %s do not fit in storage %s of %d elements",
			viewKey, describeValue(view[1]), describeValue(view[2]), p.key, typed.numel)
	}
	s := &storage{raw: raw, dtype: p.dtype, offset: offset * p.dtype.size, numel: size}
	r.views[viewKey] = s
	return s, nil
}
