package image

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"
)

// Limits of the parameters, as OSS image processing documents them.
const (
	maxResizeSide = 16384 // w, h, l and s of resize
	maxPercent    = 1000  // p of resize
)

// paramError is a problem with the x-oss-process value; the caller gets it
// as 400 with code and message.
type paramError struct {
	code    string // InvalidArgument or MissingArgument
	message string
}

func (e *paramError) Error() string { return e.message }

func invalidf(format string, args ...any) error {
	return &paramError{"InvalidArgument", fmt.Sprintf(format, args...)}
}

// pipeline is a parsed x-oss-process value: operations applied in order,
// then the output format and quality.
type pipeline struct {
	steps   []step
	format  string // jpg, png, gif, bmp or tiff; "" keeps the source's format
	quality int    // JPEG quality 1-100; 0 means the default
}

// step is one operation of the pipeline.
type step interface {
	name() string
}

type resizeStep struct {
	w, h, l, s, p int    // 0 when not given
	mode          string // lfit, mfit, fill, pad or fixed
	limit         bool   // do not enlarge (limit_1, the default)
	color         color.RGBA
}

type cropStep struct {
	x, y, w, h int // w and h are 0 when not given: up to the edge
	gravity    string
}

type rotateStep struct {
	degrees int
}

func (resizeStep) name() string { return "resize" }
func (cropStep) name() string   { return "crop" }
func (rotateStep) name() string { return "rotate" }

// parseProcess parses an x-oss-process value such as
// "image/resize,w_200/format,png". Operations are separated by '/', and each
// is a name followed by ",param_value" pairs (rotate takes a bare value).
func parseProcess(value string) (*pipeline, error) {
	ops, ok := strings.CutPrefix(value, "image/")
	if !ok {
		kind, _, _ := strings.Cut(value, "/")
		return nil, invalidf("The x-oss-process value %q is not supported by this function: it processes images only (image/...).", kind)
	}
	if ops == "" {
		return nil, &paramError{"MissingArgument", "The x-oss-process value image/ names no operation."}
	}

	p := &pipeline{}
	for _, op := range strings.Split(ops, "/") {
		name, args, _ := strings.Cut(op, ",")
		var err error
		switch name {
		case "resize":
			var s *resizeStep
			if s, err = parseResize(args); err == nil {
				p.steps = append(p.steps, *s)
			}
		case "crop":
			var s *cropStep
			if s, err = parseCrop(args); err == nil {
				p.steps = append(p.steps, *s)
			}
		case "rotate":
			var degrees int
			if degrees, err = parseInt("rotate", "the angle", args, 0, 360); err == nil {
				p.steps = append(p.steps, rotateStep{degrees})
			}
		case "quality":
			err = p.parseQuality(args)
		case "format":
			err = p.parseFormat(args)
		case "":
			err = invalidf("The x-oss-process value %q has an empty operation.", value)
		default:
			err = invalidf("The operation %q is not supported by this function; it supports resize, crop, rotate, quality and format.", name)
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// params splits "w_200,h_100" into a map and rejects names not in allowed
// and names given twice.
func params(op, args string, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	if args == "" {
		return out, nil
	}
	for _, pair := range strings.Split(args, ",") {
		name, value, ok := strings.Cut(pair, "_")
		if !ok || value == "" {
			return nil, invalidf("The parameter %q of the operation %s has no value; write it as name_value.", pair, op)
		}
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		if !known {
			return nil, invalidf("The operation %s has no parameter %q; its parameters are %s.", op, name, strings.Join(allowed, ", "))
		}
		if _, dup := out[name]; dup {
			return nil, invalidf("The parameter %s of the operation %s is given twice.", name, op)
		}
		out[name] = value
	}
	return out, nil
}

// parseInt parses value, named what in error messages, as an integer of
// the operation op within [min, max].
func parseInt(op, what, value string, min, max int) (int, error) {
	n, err := strconv.Atoi(value)
	if err != nil || n < min || n > max {
		return 0, invalidf("The value %q of %s of the operation %s is invalid; use an integer from %d to %d.", value, what, op, min, max)
	}
	return n, nil
}

func parseResize(args string) (*resizeStep, error) {
	ps, err := params("resize", args, "m", "w", "h", "l", "s", "p", "limit", "color")
	if err != nil {
		return nil, err
	}
	s := &resizeStep{mode: "lfit", limit: true, color: color.RGBA{255, 255, 255, 255}}
	for name, field := range map[string]*int{"w": &s.w, "h": &s.h, "l": &s.l, "s": &s.s} {
		if v, ok := ps[name]; ok {
			if *field, err = parseInt("resize", "the parameter "+name, v, 1, maxResizeSide); err != nil {
				return nil, err
			}
		}
	}
	if v, ok := ps["p"]; ok {
		if s.p, err = parseInt("resize", "the parameter p", v, 1, maxPercent); err != nil {
			return nil, err
		}
	}
	if s.w == 0 && s.h == 0 && s.l == 0 && s.s == 0 && s.p == 0 {
		return nil, &paramError{"MissingArgument", "The operation resize needs at least one of the parameters w, h, l, s and p."}
	}
	if v, ok := ps["m"]; ok {
		switch v {
		case "lfit", "mfit", "fill", "pad", "fixed":
			s.mode = v
		default:
			return nil, invalidf("The value %q of the parameter m of the operation resize is invalid; use lfit, mfit, fill, pad or fixed.", v)
		}
	}
	switch ps["limit"] {
	case "", "1":
	case "0":
		s.limit = false
	default:
		return nil, invalidf("The value %q of the parameter limit of the operation resize is invalid; use 0 or 1.", ps["limit"])
	}
	if v, ok := ps["color"]; ok {
		rgb, err := strconv.ParseUint(v, 16, 32)
		if err != nil || len(v) != 6 {
			return nil, invalidf("The value %q of the parameter color of the operation resize is invalid; use six hexadecimal digits such as FFFFFF.", v)
		}
		s.color = color.RGBA{uint8(rgb >> 16), uint8(rgb >> 8), uint8(rgb), 255}
	}
	return s, nil
}

// gravities are the crop origins: the corners, edge centers and center of
// the image.
var gravities = []string{"nw", "north", "ne", "west", "center", "east", "sw", "south", "se"}

func parseCrop(args string) (*cropStep, error) {
	ps, err := params("crop", args, "x", "y", "w", "h", "g")
	if err != nil {
		return nil, err
	}
	s := &cropStep{gravity: "nw"}
	for name, field := range map[string]*int{"x": &s.x, "y": &s.y} {
		if v, ok := ps[name]; ok {
			if *field, err = parseInt("crop", "the parameter "+name, v, 0, 1<<30); err != nil {
				return nil, err
			}
		}
	}
	for name, field := range map[string]*int{"w": &s.w, "h": &s.h} {
		if v, ok := ps[name]; ok {
			if *field, err = parseInt("crop", "the parameter "+name, v, 1, 1<<30); err != nil {
				return nil, err
			}
		}
	}
	if g, ok := ps["g"]; ok {
		valid := false
		for _, name := range gravities {
			valid = valid || g == name
		}
		if !valid {
			return nil, invalidf("The value %q of the parameter g of the operation crop is invalid; use one of %s.", g, strings.Join(gravities, ", "))
		}
		s.gravity = g
	}
	return s, nil
}

func (p *pipeline) parseQuality(args string) error {
	ps, err := params("quality", args, "q", "Q")
	if err != nil {
		return err
	}
	// Q is absolute quality. q is relative to the source's quality, which
	// this function does not estimate, so it is taken as absolute too. Q
	// wins when both are given, as in OSS.
	for _, name := range []string{"q", "Q"} {
		if v, ok := ps[name]; ok {
			if p.quality, err = parseInt("quality", "the parameter "+name, v, 1, 100); err != nil {
				return err
			}
		}
	}
	if p.quality == 0 {
		return &paramError{"MissingArgument", "The operation quality needs the parameter q or Q."}
	}
	return nil
}

func (p *pipeline) parseFormat(args string) error {
	switch args {
	case "jpg", "jpeg":
		p.format = "jpg"
	case "png", "gif", "bmp", "tiff":
		p.format = args
	case "webp", "heic", "avif":
		return invalidf("The output format %s is not supported by this function; use jpg, png, gif, bmp or tiff.", args)
	default:
		return invalidf("The value %q of the operation format is invalid; use jpg, png, gif, bmp or tiff.", args)
	}
	return nil
}
