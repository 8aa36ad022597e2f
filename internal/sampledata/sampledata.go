// Package sampledata holds the inputs that "ossfc demo" and "ossfc bench"
// send through the example functions. The photographs are embedded in the
// binary. A CSV file and a JSON Lines log full of personal data are
// generated from a fixed seed, so that every run reads the same bytes.
//
// The photographs are copies of files in the Go distribution's
// src/image/testdata (Go 1.26, BSD licence): frames of a talk and of a
// workshop, 150x103 pixels, in several encodings.
//
// The personal data is invented. E-mail addresses use the reserved domains
// example.com, example.org and example.net, and the phone, identity card and
// payment card numbers are valid in form only (prefix, length, check digit),
// so that the mask function recognises them.
//
// sampledata imports only the standard library; internal/demo and
// internal/bench import it.
package sampledata

import (
	"embed"
	"io/fs"
)

// photoFS contains the photographs under photos/.
//
//go:embed photos
var photoFS embed.FS

// Photo is an embedded photograph.
type Photo struct {
	Name   string // file name in the Go distribution's src/image/testdata
	Format string // "jpeg" or "png", as image.Decode names it
	Width  int
	Height int
	Data   []byte
}

// photos describes the embedded files.
var photos = []Photo{
	{Name: "video-001.progressive.jpeg", Format: "jpeg", Width: 150, Height: 103},
	{Name: "video-001.q50.420.jpeg", Format: "jpeg", Width: 150, Height: 103},
	{Name: "video-001.rgb.png", Format: "png", Width: 150, Height: 103},
	{Name: "video-005.gray.png", Format: "png", Width: 150, Height: 103},
}

// Photos returns every embedded photograph.
func Photos() []Photo {
	out := make([]Photo, len(photos))
	for i, p := range photos {
		data, err := fs.ReadFile(photoFS, "photos/"+p.Name)
		if err != nil {
			panic("sampledata: embedded photo missing: " + err.Error())
		}
		p.Data = data
		out[i] = p
	}
	return out
}
