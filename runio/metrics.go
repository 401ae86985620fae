package runio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"slices"
	"strconv"
)

// MetricsWriter appends rows to a run's metrics.csv, one per optimizer
// step. Each row is flushed to the file when written, so a killed process
// loses at most the row being written; on resume the file is cut back to
// the checkpoint's step with [ResumeMetrics].
type MetricsWriter struct {
	f    *os.File
	w    *bufio.Writer
	cols []string
}

// CreateMetrics creates path with the header row columns.
func CreateMetrics(path string, columns []string) (*MetricsWriter, error) {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(columns)
	cw.Flush()
	if err := WriteBytesAtomic(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return openMetrics(path, columns)
}

func openMetrics(path string, columns []string) (*MetricsWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	return &MetricsWriter{f: f, w: bufio.NewWriter(f), cols: columns}, nil
}

// ResumeMetrics rewrites path atomically with only the rows whose step
// (first column) is at most lastStep, then opens it for appending. The
// header must equal columns.
func ResumeMetrics(path string, columns []string, lastStep int) (*MetricsWriter, error) {
	header, rows, err := ReadMetrics(path)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, columns) {
		return nil, fmt.Errorf("%s: columns %v do not match this run's %v", path, header, columns)
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(columns)
	for _, row := range rows {
		if row[0] > float64(lastStep) {
			break
		}
		cw.Write(formatRow(row))
	}
	cw.Flush()
	if err := WriteBytesAtomic(path, buf.Bytes()); err != nil {
		return nil, err
	}
	return openMetrics(path, columns)
}

func formatRow(values []float64) []string {
	rec := make([]string, len(values))
	for i, v := range values {
		rec[i] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	return rec
}

// Write appends one row; values must match the columns. Numbers are written
// in the shortest form that reads back to the same float64.
func (m *MetricsWriter) Write(values []float64) error {
	if len(values) != len(m.cols) {
		return fmt.Errorf("metrics row has %d values for %d columns", len(values), len(m.cols))
	}
	cw := csv.NewWriter(m.w)
	cw.Write(formatRow(values))
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return m.w.Flush()
}

// Close flushes and closes the file.
func (m *MetricsWriter) Close() error {
	err := m.w.Flush()
	if cerr := m.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ReadMetrics reads a metrics.csv: its header and its rows as numbers. An
// incomplete last line (a process killed while writing it) is dropped; any
// other malformed row is an error naming the line.
func ReadMetrics(path string) ([]string, [][]float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 && i != len(data)-1 {
		data = data[:i+1]
	}
	r := csv.NewReader(bytes.NewReader(data))
	records, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(records) == 0 {
		return nil, nil, fmt.Errorf("%s: missing header row", path)
	}
	header := records[0]
	rows := make([][]float64, 0, len(records)-1)
	for li, rec := range records[1:] {
		row := make([]float64, len(rec))
		for i, s := range rec {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: line %d, column %s: invalid number %q", path, li+2, header[i], s)
			}
			row[i] = v
		}
		rows = append(rows, row)
	}
	return header, rows, nil
}
