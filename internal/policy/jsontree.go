package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// nodeKind is the JSON type of a node.
type nodeKind int

const (
	nodeObject nodeKind = iota
	nodeArray
	nodeString
	nodeNumber
	nodeBool
	nodeNull
)

// node is one JSON value. The tree keeps object members in document order and
// rejects duplicate member names, which encoding/json would silently resolve
// to the last one: {"Effect":"Allow","Effect":"Deny"} must not be read as
// either.
type node struct {
	kind    nodeKind
	text    string // string value, or the literal text of a number
	boolean bool
	members []member // object members, in document order
	items   []*node  // array elements
}

type member struct {
	name  string
	value *node
}

// describe renders n for an error message: strings quoted, numbers and
// literals as written, containers by their type.
func (n *node) describe() string {
	switch n.kind {
	case nodeObject:
		return "an object"
	case nodeArray:
		return "an array"
	case nodeString:
		return strconv.Quote(n.text)
	case nodeNumber:
		return n.text
	case nodeBool:
		return strconv.FormatBool(n.boolean)
	}
	return "null"
}

// decodeTree parses one JSON document into a tree. Any byte after the
// document other than white space is an error.
func decodeTree(raw []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	root, err := decodeValue(dec, "")
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the policy document at byte %d", dec.InputOffset())
	}
	return root, nil
}

// decodeValue reads the value at path, the location used in messages.
func decodeValue(dec *json.Decoder, path string) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(dec, err)
	}

	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return decodeObject(dec, path)
		}
		if v == '[' {
			return decodeArray(dec, path)
		}
		// A closing delimiter here means malformed input, which Token
		// reports itself, so this line is only a guard.
		return nil, fmt.Errorf("invalid JSON at byte %d: unexpected %q", dec.InputOffset(), rune(v))
	case string:
		return &node{kind: nodeString, text: v}, nil
	case json.Number:
		return &node{kind: nodeNumber, text: string(v)}, nil
	case bool:
		return &node{kind: nodeBool, boolean: v}, nil
	case nil:
		return &node{kind: nodeNull}, nil
	}
	return nil, fmt.Errorf("invalid JSON at byte %d", dec.InputOffset())
}

func decodeObject(dec *json.Decoder, path string) (*node, error) {
	obj := &node{kind: nodeObject}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(dec, err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("invalid JSON at byte %d: object member name is not a string", dec.InputOffset())
		}
		if seen[name] {
			return nil, fmt.Errorf("%s: duplicate element", memberPath(path, name))
		}
		seen[name] = true

		value, err := decodeValue(dec, memberPath(path, name))
		if err != nil {
			return nil, err
		}
		obj.members = append(obj.members, member{name, value})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, syntaxError(dec, err)
	}
	return obj, nil
}

func decodeArray(dec *json.Decoder, path string) (*node, error) {
	arr := &node{kind: nodeArray}
	for dec.More() {
		item, err := decodeValue(dec, itemPath(path, len(arr.items)))
		if err != nil {
			return nil, err
		}
		arr.items = append(arr.items, item)
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, syntaxError(dec, err)
	}
	return arr, nil
}

// syntaxError turns a decoder error into a message with the byte offset.
func syntaxError(dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("invalid JSON: the document ends before it is complete")
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Errorf("invalid JSON at byte %d: %s", syntax.Offset, syntax.Error())
	}
	return fmt.Errorf("invalid JSON at byte %d: %v", dec.InputOffset(), err)
}

// memberPath returns the location of member name inside the object at path,
// such as "Statement[0].Effect".
func memberPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// itemPath returns the location of element i of the array at path, such as
// "Statement[0]".
func itemPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
