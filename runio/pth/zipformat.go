package pth

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A zip checkpoint (torch.save since PyTorch 1.6) is a zip archive whose
// entries sit in one top-level folder, named after the file it was first
// saved as ("archive" when saved to a buffer):
//
//	<folder>/data.pkl      the pickled object; storages are persistent ids
//	                       ("storage", storage type, key, location, numel)
//	<folder>/data/<key>    the bytes of each storage, numel·itemsize of them
//	<folder>/byteorder     "little" or "big" (written by later versions;
//	                       absent means little-endian)
//	<folder>/version       the format version
//
// torch writes every entry uncompressed, but deflated entries are read too.

// zipReader loads the storages of one zip checkpoint.
type zipReader struct {
	entries      map[string]*zip.File
	folder       string // with its trailing "/"
	bigEndian    bool
	raws         map[string]*rawStorage
	storages     map[storageKey]*storage
	archiveSize  int
	storageBytes int // total bytes of the storages read
}

// storageKey identifies a typed storage: the same record can be read with
// several dtypes, which reinterprets its bytes as torch does.
type storageKey struct {
	key   string
	dtype *dtype
}

// readZip parses a zip checkpoint.
func readZip(data []byte) (checkpoint, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return checkpoint{}, fmt.Errorf("invalid or truncated zip archive: %w", err)
	}
	r := &zipReader{
		entries:     make(map[string]*zip.File, len(zr.File)),
		raws:        map[string]*rawStorage{},
		storages:    map[storageKey]*storage{},
		archiveSize: len(data),
	}
	var pickles []string
	for _, f := range zr.File {
		if _, dup := r.entries[f.Name]; dup {
			return checkpoint{}, fmt.Errorf("zip archive has two entries named %q", f.Name)
		}
		r.entries[f.Name] = f
		if dir, ok := strings.CutSuffix(f.Name, "/data.pkl"); ok && dir != "" && !strings.Contains(dir, "/") {
			pickles = append(pickles, f.Name)
		}
	}
	switch {
	case len(pickles) == 0 && zipHasSuffix(zr, ".npy"):
		return checkpoint{}, errors.New("not a PyTorch checkpoint: a zip archive of .npy files (a NumPy .npz file)")
	case len(pickles) == 0:
		return checkpoint{}, errors.New("not a PyTorch checkpoint: a zip archive without a <folder>/data.pkl entry")
	case len(pickles) > 1:
		return checkpoint{}, fmt.Errorf("zip archive has %d data.pkl entries (%s), expected one", len(pickles), strings.Join(pickles, ", "))
	}
	r.folder = strings.TrimSuffix(pickles[0], "data.pkl")
	if _, ok := r.entries[r.folder+"constants.pkl"]; ok {
		return checkpoint{}, &contentError{"is a TorchScript archive written by torch.jit.save, not a torch.save checkpoint; save model.state_dict() with torch.save instead"}
	}

	if f, ok := r.entries[r.folder+"byteorder"]; ok {
		b, err := readEntry(f, -1, len(data))
		if err != nil {
			return checkpoint{}, fmt.Errorf("%s: %w", f.Name, err)
		}
		switch string(b) {
		case "little":
		case "big":
			r.bigEndian = true
		default:
			return checkpoint{}, fmt.Errorf("%s is %q, expected \"little\" or \"big\"", f.Name, b)
		}
	}

	pkl, err := readEntry(r.entries[pickles[0]], -1, len(data))
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %w", pickles[0], err)
	}
	root, _, err := unpickle(pkl, &torchModel{loadStorage: r.loadStorage})
	if err != nil {
		var contentErr *contentError
		if errors.As(err, &contentErr) {
			return checkpoint{}, contentErr
		}
		return checkpoint{}, fmt.Errorf("%s: %w", pickles[0], err)
	}
	return checkpoint{root: root, pickleBytes: len(pkl), storageBytes: r.storageBytes}, nil
}

func zipHasSuffix(zr *zip.Reader, suffix string) bool {
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, suffix) {
			return true
		}
	}
	return false
}

// loadStorage resolves the persistent id ("storage", storage type, key,
// location, numel) to the storage read from <folder>/data/<key>.
func (r *zipReader) loadStorage(pid pyTuple) (*storage, error) {
	p, err := parseStoragePID(pid, 5)
	if err != nil {
		return nil, err
	}
	if s, ok := r.storages[storageKey{p.key, p.dtype}]; ok {
		return s, nil
	}

	entryName := r.folder + "data/" + p.key
	raw, ok := r.raws[p.key]
	if !ok {
		f, ok := r.entries[entryName]
		if !ok {
			return nil, &contentError{fmt.Sprintf("storage %s (%s) is missing from the zip archive", p.key, entryName)}
		}
		nbytes, _ := byteCount(p.numel, p.dtype.size)
		data, err := readEntry(f, nbytes, r.archiveSize)
		if err != nil {
			return nil, fmt.Errorf("storage %s (%s, %d %s values): %w", p.key, entryName, p.numel, p.dtype.name, err)
		}
		raw = &rawStorage{key: p.key, nbytes: nbytes, data: data, bigEndian: r.bigEndian}
		r.raws[p.key] = raw
		r.storageBytes += nbytes
	}
	// A record read again with another dtype spans all of its bytes, as
	// torch reinterprets the untyped storage. rebuildTensor checks tensors
	// against this element count.
	s := &storage{raw: raw, dtype: p.dtype, numel: raw.nbytes / p.dtype.size}
	r.storages[storageKey{p.key, p.dtype}] = s
	return s, nil
}

// readEntry returns the uncompressed bytes of a zip entry, checking its
// CRC-32. want ≥ 0 is the exact size the entry must have. The allocation
// never exceeds the entry's declared size, and for stored entries that size
// must lie inside the archive, so a false header cannot make it large.
func readEntry(f *zip.File, want int, archiveSize int) ([]byte, error) {
	size := f.UncompressedSize64
	if want >= 0 && size != uint64(want) {
		return nil, fmt.Errorf("entry has %d bytes, expected %d", size, want)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()

	var b []byte
	if f.Method == zip.Store && size <= uint64(archiveSize) {
		b = make([]byte, size)
		if _, err := io.ReadFull(rc, b); err != nil {
			return nil, truncatedEntry(err)
		}
		// Reading past the end makes archive/zip verify the CRC-32.
		if n, err := rc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
			if err == nil || err == io.EOF {
				err = errors.New("entry is longer than its declared size")
			}
			return nil, err
		}
		return b, nil
	}
	// A compressed entry grows the buffer only as data actually
	// decompresses, and archive/zip fails once it exceeds the declared size.
	b, err = io.ReadAll(rc)
	if err != nil {
		return nil, truncatedEntry(err)
	}
	if uint64(len(b)) != size {
		return nil, fmt.Errorf("entry has %d bytes, its header declares %d", len(b), size)
	}
	return b, nil
}

func truncatedEntry(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("entry data is truncated: %w", err)
	}
	return err
}
