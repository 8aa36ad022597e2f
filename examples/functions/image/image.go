// Package image is an Object FC Access Point function that resizes, crops,
// rotates and transcodes images, driven by OSS's image processing syntax in
// the caller's URL:
//
//	GET /photo.jpg?x-oss-process=image/resize,w_200/format,png
//
// It supports these operations, applied in the order given:
//
//	resize,w_,h_,l_,s_,p_,m_lfit|mfit|fill|pad|fixed,limit_0|1,color_RRGGBB
//	crop,x_,y_,w_,h_,g_nw|north|ne|west|center|east|sw|south|se
//	rotate,<degrees 0-360, clockwise>
//	quality,q_<1-100>|Q_<1-100>   (JPEG output)
//	format,jpg|png|gif|bmp|tiff
//
// It reads JPEG, PNG, GIF, BMP, TIFF and WebP. Without format, the output
// keeps the source's format, except WebP, which becomes PNG. Any other
// operation, a bad parameter or an image that does not decode gets 400 with
// an OSS error document whose message names the problem. Without x-oss-process the
// object is sent unchanged.
//
// NOTE: an animated GIF is processed as its first frame, so the output is a
// still image, as OSS does for rotate.
//
// Deploy it with Function Compute's custom runtime: build ./cmd/image.
package image

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"strconv"

	"golang.org/x/image/bmp"
	"golang.org/x/image/draw"
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
)

// Limits of the source image. OSS takes source images of up to 20 MB and
// 30,000 pixels per side. The pixel count here is lower than OSS's 250
// million, so that a decoded image fits in a function's memory.
var (
	maxSourceSize   int64 = 20 << 20
	maxSourceSide         = 30000
	maxSourcePixels       = 50_000_000
)

// defaultQuality is the JPEG quality used without quality,Q_.
const defaultQuality = 90

var contentTypes = map[string]string{
	"jpg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp", "tiff": "image/tiff",
}

// Handle processes the image of one invocation as its x-oss-process value
// specifies. It is an fcevent.HandlerFunc.
func Handle(ctx context.Context, event *fcevent.Event) error {
	out, err := fcevent.NewOutput(ctx, event)
	if err != nil {
		return err
	}

	// Check the parameters before reading the image.
	process := event.Query().Get("x-oss-process")
	var p *pipeline
	if process != "" {
		if p, err = parseProcess(process); err != nil {
			return writeError(ctx, out, err)
		}
	}

	source, err := fcevent.Open(ctx, event, nil)
	if err != nil {
		return out.WriteSourceError(ctx, err)
	}
	defer source.Body.Close()
	if p == nil {
		return out.Write(ctx, &fcevent.Response{
			Status:        http.StatusOK,
			Header:        http.Header{"Content-Type": {source.Header.Get("Content-Type")}},
			Body:          source.Body,
			ContentLength: source.ContentLength,
		})
	}

	data, err := io.ReadAll(io.LimitReader(source.Body, maxSourceSize+1))
	if err != nil {
		return out.WriteError(ctx, http.StatusInternalServerError, "InternalError", "Reading the original object failed.")
	}
	if int64(len(data)) > maxSourceSize {
		return out.WriteError(ctx, http.StatusBadRequest, "ImageTooLarge",
			fmt.Sprintf("The image is larger than %d bytes, the most this function processes.", maxSourceSize))
	}

	result, contentType, err := transform(data, p)
	if err != nil {
		return writeError(ctx, out, err)
	}

	// The result is in memory, so the SDK's WriteGetObjectResponse, which
	// sends a Content-MD5, fits.
	_, err = out.Client().WriteGetObjectResponse(ctx, &oss.WriteGetObjectResponseRequest{
		RequestRoute:         oss.Ptr(event.GetObjectContext.OutputRoute),
		RequestToken:         oss.Ptr(event.GetObjectContext.OutputToken),
		FwdStatus:            oss.Ptr("200"),
		FwdHeaderContentType: oss.Ptr(contentType),
		Body:                 bytes.NewReader(result),
	})
	return err
}

// transform decodes data, runs p and encodes the result. It returns the
// encoded image and its Content-Type.
func transform(data []byte, p *pipeline) ([]byte, string, error) {
	config, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, "", &paramError{"BadRequest", "The object is not an image this function reads (JPEG, PNG, GIF, BMP, TIFF or WebP): " + err.Error() + "."}
	}
	if config.Width > maxSourceSide || config.Height > maxSourceSide || config.Width*config.Height > maxSourcePixels {
		return nil, "", &paramError{"ImageTooLarge", fmt.Sprintf("The image is %dx%d pixels; this function processes at most %d per side and %d in all.",
			config.Width, config.Height, maxSourceSide, maxSourcePixels)}
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, "", &paramError{"BadRequest", "The " + format + " image is corrupt: " + err.Error() + "."}
	}

	for _, s := range p.steps {
		if img, err = apply(s, img); err != nil {
			return nil, "", err
		}
	}

	output := p.format
	if output == "" {
		output = map[string]string{"jpeg": "jpg", "png": "png", "gif": "gif", "bmp": "bmp", "tiff": "tiff"}[format]
		if output == "" {
			output = "png"
		}
	}
	var buf bytes.Buffer
	if err := encode(&buf, img, output, p.quality); err != nil {
		return nil, "", fmt.Errorf("encoding the %s image failed: %w", output, err)
	}
	return buf.Bytes(), contentTypes[output], nil
}

func encode(w io.Writer, img image.Image, format string, quality int) error {
	switch format {
	case "jpg":
		if quality == 0 {
			quality = defaultQuality
		}
		return jpeg.Encode(w, onWhite(img), &jpeg.Options{Quality: quality})
	case "png":
		return png.Encode(w, img)
	case "gif":
		return gif.Encode(w, img, &gif.Options{NumColors: 256})
	case "bmp":
		return bmp.Encode(w, img)
	case "tiff":
		return tiff.Encode(w, img, &tiff.Options{Compression: tiff.Deflate})
	}
	return errors.New("unknown output format " + format)
}

// onWhite fills transparent parts of img with white, because JPEG has no
// transparency.
func onWhite(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		return img
	}
	out := image.NewRGBA(img.Bounds())
	draw.Draw(out, out.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(out, out.Bounds(), img, img.Bounds().Min, draw.Over)
	return out
}

// writeError sends err to the caller: a *paramError as 400 with its code
// and message, anything else as 500.
func writeError(ctx context.Context, out *fcevent.Output, err error) error {
	var perr *paramError
	if errors.As(err, &perr) {
		return out.WriteError(ctx, http.StatusBadRequest, perr.code, perr.message)
	}
	return out.WriteError(ctx, http.StatusInternalServerError, "InternalError", "Processing the image failed.")
}

func itoa(n int) string { return strconv.Itoa(n) }
