package runio

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// An .npz file is a zip archive with one .npy file per array, named after
// the array's key with the suffix ".npy". numpy.savez stores the entries
// uncompressed and numpy.savez_compressed deflates them. Both are read here.

// npzModified is the modification time of every entry the writer stores.
// A fixed time makes the archive depend only on its arrays, and
// 1980-01-01 00:00 is the earliest time a zip header can represent and the
// time that numpy.savez (NumPy 1.24) stores.
var npzModified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteNPZ writes tensors to w as an uncompressed .npz archive, like
// numpy.savez: one entry "<Name>.npy" per tensor, written by [WriteNPY], in
// the order given. Entries carry a fixed modification time, so equal input
// gives byte-identical output. archive/zip switches to zip64 records for
// entries or archives over 4 GiB.
//
// It returns an error before writing anything when a tensor is invalid (see
// [WriteNPY]) or a name is empty or duplicated.
func WriteNPZ(w io.Writer, tensors []Tensor) error {
	seen := make(map[string]bool, len(tensors))
	for i, t := range tensors {
		if t.Name == "" {
			return fmt.Errorf("npz: tensor %d has an empty name", i)
		}
		if seen[t.Name] {
			return fmt.Errorf("npz: tensor %q appears more than once", t.Name)
		}
		seen[t.Name] = true
		if err := t.validateForWrite(); err != nil {
			return fmt.Errorf("npz: %w", err)
		}
		if len(t.Shape) > maxNPYWriteDims {
			return fmt.Errorf("npz: tensor %q has %d dimensions, more than the %d that NumPy 1.x can load", t.Name, len(t.Shape), maxNPYWriteDims)
		}
	}

	zw := zip.NewWriter(w)
	for _, t := range tensors {
		entry, err := zw.CreateHeader(&zip.FileHeader{
			Name:     t.Name + ".npy",
			Method:   zip.Store,
			Modified: npzModified,
		})
		if err != nil {
			return fmt.Errorf("npz: tensor %q: %w", t.Name, err)
		}
		if err := WriteNPY(entry, t); err != nil {
			return err
		}
	}
	return zw.Close()
}

// SaveNPZ writes tensors to the file at path with [WriteNPZ], atomically
// through [WriteFileAtomic].
func SaveNPZ(path string, tensors []Tensor) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		if err := WriteNPZ(bw, tensors); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// LoadNPZ reads the .npz file at path with [ReadNPZ].
func LoadNPZ(path string) ([]Tensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ReadNPZ(data, path)
}

// ReadNPZ parses a complete .npz archive held in data and returns its arrays
// in archive order, each read by [ReadNPY] and named after its entry without
// the ".npy" suffix. name, usually the file path, starts every error
// message, followed by the array's key.
//
// Stored and deflated entries are supported. Every entry must be a .npy
// file whose name ends in ".npy", names must be unique, an entry must hold
// exactly one array with no trailing bytes, and its CRC-32 must match.
// (archive/zip skips that check for an entry that records a CRC-32 of 0
// and has no data descriptor.)
func ReadNPZ(data []byte, name string) ([]Tensor, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a valid .npz (zip) archive: %w", name, err)
	}

	tensors := make([]Tensor, 0, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	for _, f := range zr.File {
		key, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok || key == "" {
			return nil, fmt.Errorf("%s: entry %q is not an array: expected a name of the form \"<key>.npy\" with a non-empty key", name, f.Name)
		}
		if seen[key] {
			return nil, fmt.Errorf("%s: array %q appears more than once", name, key)
		}
		seen[key] = true

		t, err := readNPZEntry(f, int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: array %q: %w", name, key, err)
		}
		t.Name = key
		tensors = append(tensors, t)
	}
	return tensors, nil
}

// readNPZEntry reads the single array in a zip entry of an archive of
// archiveSize bytes.
func readNPZEntry(f *zip.File, archiveSize int64) (Tensor, error) {
	rc, err := f.Open()
	if err != nil {
		return Tensor{}, err
	}
	defer rc.Close()

	// archive/zip stops with an error when an entry decompresses to more
	// than its declared size, so that size bounds what the header may claim.
	// The declared size may itself be false, so values are preallocated only
	// up to the archive's own size, which a stored entry never exceeds.
	available := int64(-1)
	if f.UncompressedSize64 <= math.MaxInt64 {
		available = int64(f.UncompressedSize64)
	}
	t, err := readNPY(rc, available, archiveSize)
	if err != nil {
		return Tensor{}, err
	}

	// Reading to the end also makes archive/zip verify the CRC-32.
	var extra [1]byte
	n, err := io.ReadFull(rc, extra[:])
	switch {
	case n > 0:
		return Tensor{}, errors.New("unexpected trailing bytes after the array data")
	case errors.Is(err, io.EOF):
		return t, nil
	default:
		return Tensor{}, err
	}
}
