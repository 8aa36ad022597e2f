package image

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// maxOutputPixels bounds the size of an image an operation may produce, so
// one request cannot make the function allocate gigabytes.
const maxOutputPixels = 50_000_000

// maxRotateSide is the largest width or height OSS rotates.
const maxRotateSide = 4096

// apply runs the step on img.
func apply(s step, img image.Image) (image.Image, error) {
	switch s := s.(type) {
	case resizeStep:
		return resize(s, img)
	case cropStep:
		return crop(s, img)
	case rotateStep:
		return rotate(s.degrees, img)
	}
	panic("image: unknown step " + s.name())
}

// resize scales img as OSS's resize does:
//
//   - w and h give a box; with only one of them the other follows the
//     aspect ratio. lfit fits the image inside the box, mfit covers the box,
//     fill covers it and crops the center to the box, pad fits inside and
//     fills the rest of the box with color, fixed stretches to the box.
//     With only one of w and h, every mode scales to that side.
//   - Without w and h, l is the longest side and s the shortest side of the
//     result. Both together give a box, with l along the image's longer
//     side.
//   - p scales by a percentage: alone, the image; with w, h, l or s, those
//     values.
//   - limit_1 (the default) leaves an image unchanged when the result would
//     be larger than it in either direction. A resize by p alone is not
//     limited.
func resize(s resizeStep, img image.Image) (image.Image, error) {
	b := img.Bounds()
	srcW, srcH := float64(b.Dx()), float64(b.Dy())
	percent := 1.0
	if s.p != 0 {
		percent = float64(s.p) / 100
	}
	w, h, l, sh := float64(s.w)*percent, float64(s.h)*percent, float64(s.l)*percent, float64(s.s)*percent

	// The box, as width and height; 0 leaves a side to the aspect ratio.
	var boxW, boxH float64
	mode := s.mode
	switch {
	case w != 0 || h != 0:
		boxW, boxH = w, h
	case l != 0 && sh != 0:
		boxW, boxH = l, sh
		if srcH > srcW {
			boxW, boxH = sh, l
		}
	case l != 0:
		boxW, boxH, mode = l, l, "lfit"
	case sh != 0:
		boxW, boxH, mode = sh, sh, "mfit"
	default:
		boxW, boxH, mode = srcW*percent, srcH*percent, "fixed"
	}
	if boxW == 0 || boxH == 0 {
		// One side given: scale to it whatever the mode.
		scale := boxW / srcW
		if boxW == 0 {
			scale = boxH / srcH
		}
		boxW, boxH, mode = srcW*scale, srcH*scale, "fixed"
	}

	// The scaled size before fill crops and pad pads.
	scaledW, scaledH := boxW, boxH
	switch mode {
	case "lfit", "pad":
		scale := math.Min(boxW/srcW, boxH/srcH)
		scaledW, scaledH = srcW*scale, srcH*scale
	case "mfit", "fill":
		scale := math.Max(boxW/srcW, boxH/srcH)
		scaledW, scaledH = srcW*scale, srcH*scale
	}
	outW, outH := pixels(scaledW), pixels(scaledH)
	if s.limit && (s.w != 0 || s.h != 0 || s.l != 0 || s.s != 0) && (outW > b.Dx() || outH > b.Dy()) {
		return img, nil
	}
	if err := checkOutputSize(max(outW, pixels(boxW)), max(outH, pixels(boxH))); err != nil {
		return nil, err
	}

	scaled := image.NewRGBA(image.Rect(0, 0, outW, outH))
	draw.CatmullRom.Scale(scaled, scaled.Bounds(), img, b, draw.Src, nil)

	switch mode {
	case "fill":
		cw, ch := pixels(boxW), pixels(boxH)
		x0, y0 := (outW-cw)/2, (outH-ch)/2
		return scaled.SubImage(image.Rect(x0, y0, x0+cw, y0+ch)), nil
	case "pad":
		pw, ph := pixels(boxW), pixels(boxH)
		padded := image.NewRGBA(image.Rect(0, 0, pw, ph))
		draw.Draw(padded, padded.Bounds(), image.NewUniform(s.color), image.Point{}, draw.Src)
		at := image.Pt((pw-outW)/2, (ph-outH)/2)
		draw.Draw(padded, scaled.Bounds().Add(at), scaled, image.Point{}, draw.Over)
		return padded, nil
	}
	return scaled, nil
}

// pixels rounds a computed side to whole pixels, at least one.
func pixels(v float64) int { return max(1, int(math.Round(v))) }

func checkOutputSize(w, h int) error {
	if w > maxResizeSide || h > maxResizeSide || w*h > maxOutputPixels {
		return &paramError{"ImageTooLarge", "The processed image would be " + itoa(w) + "x" + itoa(h) +
			" pixels; the limit is " + itoa(maxResizeSide) + " per side and " + itoa(maxOutputPixels) + " pixels in all."}
	}
	return nil
}

// crop cuts a w x h rectangle whose top-left corner is the gravity's
// origin moved by (x, y). The origin of each gravity, for an image of
// W x H: nw (0, 0), north (W/2-w/2, 0), ne (W-w, 0), west (0, H/2-h/2),
// center (W/2-w/2, H/2-h/2), east (W-w, H/2-h/2), sw (0, H-h),
// south (W/2-w/2, H-h), se (W-w, H-h). Without w or h the rectangle reaches
// the image's edge; a rectangle past the edge is cut at the edge. An origin
// outside the image is an error, as in OSS.
func crop(s cropStep, img image.Image) (image.Image, error) {
	b := img.Bounds()
	srcW, srcH := b.Dx(), b.Dy()
	w, h := s.w, s.h
	if w == 0 {
		w = srcW
	}
	if h == 0 {
		h = srcH
	}

	var ox, oy int
	switch s.gravity {
	case "north", "center", "south":
		ox = srcW/2 - w/2
	case "ne", "east", "se":
		ox = srcW - w
	}
	switch s.gravity {
	case "west", "center", "east":
		oy = srcH/2 - h/2
	case "sw", "south", "se":
		oy = srcH - h
	}
	x, y := max(0, ox)+s.x, max(0, oy)+s.y
	if x >= srcW || y >= srcH {
		return nil, invalidf("The crop origin (%d, %d) is outside the image of %dx%d pixels.", x, y, srcW, srcH)
	}

	r := image.Rect(x, y, min(x+w, srcW), min(y+h, srcH)).Add(b.Min)
	out := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out, nil
}

// rotate turns img clockwise by degrees. Right angles move pixels exactly.
// Other angles enlarge the canvas to hold the turned image and fill the
// corners with white.
func rotate(degrees int, img image.Image) (image.Image, error) {
	b := img.Bounds()
	srcW, srcH := b.Dx(), b.Dy()
	if srcW > maxRotateSide || srcH > maxRotateSide {
		return nil, &paramError{"ImageTooLarge", "The operation rotate takes images of at most " + itoa(maxRotateSide) + "x" + itoa(maxRotateSide) + " pixels."}
	}

	switch degrees % 360 {
	case 0:
		return img, nil
	case 90, 180, 270:
		return rotateRight(degrees%360, img), nil
	}

	theta := float64(degrees) * math.Pi / 180
	sin, cos := math.Sin(theta), math.Cos(theta)
	outW := int(math.Ceil(math.Abs(float64(srcW)*cos) + math.Abs(float64(srcH)*sin)))
	outH := int(math.Ceil(math.Abs(float64(srcW)*sin) + math.Abs(float64(srcH)*cos)))
	out := image.NewRGBA(image.Rect(0, 0, outW, outH))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)

	// Source to destination: move the source's center to the origin, turn
	// (clockwise on screen, where y points down), move to the output's
	// center.
	cx, cy := float64(b.Min.X)+float64(srcW)/2, float64(b.Min.Y)+float64(srcH)/2
	dx, dy := float64(outW)/2, float64(outH)/2
	m := f64.Aff3{
		cos, -sin, dx - cos*cx + sin*cy,
		sin, cos, dy - sin*cx - cos*cy,
	}
	draw.BiLinear.Transform(out, m, img, b, draw.Over, nil)
	return out, nil
}

// rotateRight turns img clockwise by 90, 180 or 270 degrees.
func rotateRight(degrees int, img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	outW, outH := w, h
	if degrees != 180 {
		outW, outH = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, outW, outH))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.At(b.Min.X+x, b.Min.Y+y)
			switch degrees {
			case 90:
				out.Set(h-1-y, x, c)
			case 180:
				out.Set(w-1-x, h-1-y, c)
			case 270:
				out.Set(y, w-1-x, c)
			}
		}
	}
	return out
}
