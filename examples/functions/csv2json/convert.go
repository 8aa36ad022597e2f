package csv2json

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// csvError is an error in the CSV itself, as opposed to reading it.
type csvError struct {
	msg string
}

func (e *csvError) Error() string { return e.msg }

// converter is an io.Reader of JSON Lines converted from a CSV reader, one
// row at a time: each Read converts rows only until it has output to return.
type converter struct {
	csv  *csv.Reader
	keys [][]byte // the header names, JSON-encoded
	line bytes.Buffer
	enc  *json.Encoder
	rows int // data rows converted so far
	err  error
}

func newConverter(r io.Reader) *converter {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	c := &converter{csv: csv.NewReader(br)}
	c.csv.ReuseRecord = true
	c.enc = json.NewEncoder(&c.line)
	c.enc.SetEscapeHTML(false)
	return c
}

func (c *converter) Read(p []byte) (int, error) {
	for c.line.Len() == 0 {
		if c.err != nil {
			return 0, c.err
		}
		c.err = c.next()
	}
	return c.line.Read(p)
}

// next converts one row into c.line, reading the header first.
func (c *converter) next() error {
	if c.keys == nil {
		if err := c.readHeader(); err != nil {
			return err
		}
	}
	record, err := c.csv.Read()
	if err != nil {
		return c.describe(err, record)
	}

	c.line.WriteByte('{')
	for i, value := range record {
		if i > 0 {
			c.line.WriteByte(',')
		}
		c.line.Write(c.keys[i])
		c.line.WriteByte(':')
		c.enc.Encode(value) // a string always encodes
		c.line.Truncate(c.line.Len() - 1)
	}
	c.line.WriteString("}\n")
	c.rows++
	return nil
}

func (c *converter) readHeader() error {
	header, err := c.csv.Read()
	if err != nil {
		return c.describe(err, nil)
	}
	seen := map[string]bool{}
	c.keys = make([][]byte, len(header))
	for i, name := range header {
		if seen[name] {
			line, _ := c.csv.FieldPos(i)
			return &csvError{fmt.Sprintf("The CSV header on line %d names the column %q twice; JSON keys must be unique.", line, name)}
		}
		seen[name] = true
		key, _ := json.Marshal(name)
		c.keys[i] = key
	}
	return nil
}

// describe turns a CSV reader error into a message that names the line.
// io.EOF passes through.
func (c *converter) describe(err error, record []string) error {
	var parseErr *csv.ParseError
	switch {
	case errors.Is(err, csv.ErrFieldCount) && errors.As(err, &parseErr):
		return &csvError{fmt.Sprintf("The CSV row on line %d has %d fields, but the header has %d.", parseErr.StartLine, len(record), len(c.keys))}
	case errors.As(err, &parseErr):
		return &csvError{fmt.Sprintf("The CSV is malformed on line %d, column %d: %v.", parseErr.Line, parseErr.Column, parseErr.Err)}
	}
	return err
}
