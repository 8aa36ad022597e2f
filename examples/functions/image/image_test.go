package image

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"

	"github.com/ossfc/ossfc/examples/functions/fcevent"
	"github.com/ossfc/ossfc/examples/functions/internal/fntest"
)

// The test images are copies of the Go distribution's src/image/testdata;
// video-001 is 150x103 pixels.
var testImages = []string{
	"video-001.jpeg", "video-001.png", "video-001.gif", "video-001.cmyk.jpeg", "video-005.gray.jpeg",
	"video-001.interlaced.gif", "video-001.progressive.truncated.jpeg", "video-001.progressive.truncated.png",
}

func startInProcess(t *testing.T) string {
	t.Helper()
	server := httptest.NewServer(fcevent.NewHTTPHandler(Handle, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(server.Close)
	return server.URL
}

// setup starts a server with the test images stored under their file
// names, and the function.
func setup(t *testing.T) (*fntest.Harness, string) {
	t.Helper()
	h := fntest.New(t)
	for _, name := range testImages {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		h.PutBytes(t, name, data, "")
	}

	// Broken copies of the real images: cut in half, and overwritten with
	// 0xFF bytes in the middle.
	for _, name := range []string{"video-001.jpeg", "video-001.png", "video-001.gif"} {
		data, _ := os.ReadFile("testdata/" + name)
		h.PutBytes(t, "half-"+name, data[:len(data)/2], "")
		garbled := bytes.Clone(data)
		for i := len(garbled) / 3; i < len(garbled)/3+200; i++ {
			garbled[i] = 0xFF
		}
		h.PutBytes(t, "garbled-"+name, garbled, "")
	}
	return h, startInProcess(t)
}

// process runs the function on key with x-oss-process=value.
func process(t *testing.T, h *fntest.Harness, fn, key, value string) *fntest.WGOR {
	t.Helper()
	query := ""
	if value != "" {
		query = "x-oss-process=" + value
	}
	return h.Run(t, fn, h.Event(t, key, query, nil))
}

func decode(t *testing.T, w *fntest.WGOR) (image.Image, string) {
	t.Helper()
	if w.Status != http.StatusOK {
		t.Fatalf("status = %d, body %s; want 200", w.Status, w.Body)
	}
	img, format, err := image.Decode(bytes.NewReader(w.Body))
	if err != nil {
		t.Fatalf("the output does not decode: %v", err)
	}
	return img, format
}

func TestImageOperations(t *testing.T) {
	h, fn := setup(t)

	tests := []struct {
		key, process string
		width        int
		height       int
		format       string // as image.Decode names it
		contentType  string
	}{
		{"video-001.jpeg", "image/resize,w_50", 50, 34, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,h_50", 73, 50, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100", 100, 69, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100,m_lfit", 100, 69, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100,m_mfit", 146, 100, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100,m_fill", 100, 100, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100,m_pad", 100, 100, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,h_100,m_fixed", 100, 100, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,l_75", 75, 52, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,s_50", 73, 50, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,p_50", 75, 52, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_100,p_50", 50, 34, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_300", 150, 103, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/resize,w_300,limit_0", 300, 206, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/crop,w_50,h_40,g_se", 50, 40, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/crop,x_10,y_10", 140, 93, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/crop,x_100,y_100,w_500,h_500", 50, 3, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/crop,w_60,h_60,g_center", 60, 60, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/rotate,90", 103, 150, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/rotate,180", 150, 103, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/rotate,45", 179, 179, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/rotate,360", 150, 103, "jpeg", "image/jpeg"},
		{"video-001.jpeg", "image/format,png", 150, 103, "png", "image/png"},
		{"video-001.jpeg", "image/format,gif", 150, 103, "gif", "image/gif"},
		{"video-001.jpeg", "image/format,bmp", 150, 103, "bmp", "image/bmp"},
		{"video-001.jpeg", "image/format,tiff", 150, 103, "tiff", "image/tiff"},
		{"video-001.png", "image/resize,w_75", 75, 52, "png", "image/png"},
		{"video-001.png", "image/format,jpg/quality,Q_50", 150, 103, "jpeg", "image/jpeg"},
		{"video-001.gif", "image/resize,w_75", 75, 52, "gif", "image/gif"},
		{"video-001.interlaced.gif", "image/rotate,270/format,png", 103, 150, "png", "image/png"},
		{"video-001.cmyk.jpeg", "image/resize,w_50/format,png", 50, 34, "png", "image/png"},
		{"video-005.gray.jpeg", "image/resize,w_50", 50, 34, "jpeg", "image/jpeg"},
		// Go's decoders return the scans that a cut progressive JPEG or
		// interlaced PNG still holds, so these process.
		{"video-001.progressive.truncated.jpeg", "image/resize,w_50", 50, 34, "jpeg", "image/jpeg"},
		{"video-001.progressive.truncated.png", "image/resize,w_50", 50, 34, "png", "image/png"},
		{"video-001.jpeg", "image/crop,w_100,h_100/rotate,90/resize,w_50/format,png", 50, 50, "png", "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"?"+tt.process, func(t *testing.T) {
			w := process(t, h, fn, tt.key, tt.process)
			img, format := decode(t, w)
			if b := img.Bounds(); b.Dx() != tt.width || b.Dy() != tt.height {
				t.Errorf("size = %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.width, tt.height)
			}
			if format != tt.format {
				t.Errorf("format = %s, want %s", format, tt.format)
			}
			if got := w.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
			}
			if w.ContentMD5 == "" {
				t.Error("the SDK's WriteGetObjectResponse sent no Content-MD5")
			}
		})
	}
}

// TestImagePixels checks where pixels go, on a lossless PNG source.
func TestImagePixels(t *testing.T) {
	h, fn := setup(t)
	data, _ := os.ReadFile("testdata/video-001.png")
	src, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b := src.Bounds()
	same := func(a, b color.Color) bool {
		r1, g1, b1, a1 := a.RGBA()
		r2, g2, b2, a2 := b.RGBA()
		return r1>>8 == r2>>8 && g1>>8 == g2>>8 && b1>>8 == b2>>8 && a1>>8 == a2>>8
	}

	rotated, _ := decode(t, process(t, h, fn, "video-001.png", "image/rotate,90"))
	for _, p := range []image.Point{{0, 0}, {149, 0}, {0, 102}, {37, 58}} {
		// Clockwise by 90: source (x, y) lands on (H-1-y, x).
		if got, want := rotated.At(b.Dy()-1-p.Y, p.X), src.At(p.X, p.Y); !same(got, want) {
			t.Errorf("rotate 90: pixel from %v = %v, want %v", p, got, want)
		}
	}

	cropped, _ := decode(t, process(t, h, fn, "video-001.png", "image/crop,x_10,y_20,w_30,h_40,g_se"))
	// se origin is (150-30, 103-40) = (120, 63); moved by (10, 20) to
	// (130, 83), and cut at the edge: 20x20.
	if got := cropped.Bounds(); got.Dx() != 20 || got.Dy() != 20 {
		t.Fatalf("crop size = %v, want 20x20", got)
	}
	if got, want := cropped.At(0, 0), src.At(130, 83); !same(got, want) {
		t.Errorf("crop: top-left pixel = %v, want source pixel (130, 83) %v", got, want)
	}

	padded, _ := decode(t, process(t, h, fn, "video-001.png", "image/resize,w_100,h_100,m_pad,color_FF0000"))
	if got := padded.At(50, 0); !same(got, color.RGBA{255, 0, 0, 255}) {
		t.Errorf("pad: top center pixel = %v, want the pad color red", got)
	}
}

func TestImageQuality(t *testing.T) {
	h, fn := setup(t)
	low := process(t, h, fn, "video-001.png", "image/format,jpg/quality,Q_20")
	high := process(t, h, fn, "video-001.png", "image/format,jpg/quality,q_95")
	if low.BodyLen >= high.BodyLen {
		t.Errorf("quality 20 gives %d bytes, quality 95 %d; want fewer at 20", low.BodyLen, high.BodyLen)
	}
}

func TestImageUnchangedWithoutProcess(t *testing.T) {
	h, fn := setup(t)
	data, _ := os.ReadFile("testdata/video-001.gif")
	w := h.Run(t, fn, h.Event(t, "video-001.gif", "", nil))
	if w.Status != http.StatusOK || !bytes.Equal(w.Body, data) {
		t.Errorf("status = %d, %d bytes; want 200 with the original %d bytes", w.Status, len(w.Body), len(data))
	}
}

// TestImageBadRequests pins the 400 errors a caller gets.
func TestImageBadRequests(t *testing.T) {
	h, fn := setup(t)
	h.PutBytes(t, "notes.txt", []byte("not an image"), "text/plain")
	h.PutBytes(t, "bomb.png", hugePNGHeader(40000, 40000), "image/png")

	tests := []struct {
		key, process string
		code         string
		message      string // part of the message
	}{
		{"video-001.jpeg", "image/resize,w_0", "InvalidArgument", `The value "0" of the parameter w of the operation resize is invalid; use an integer from 1 to 16384.`},
		{"video-001.jpeg", "image/resize,w_abc", "InvalidArgument", `The value "abc" of the parameter w`},
		{"video-001.jpeg", "image/resize,w_20000", "InvalidArgument", "from 1 to 16384"},
		{"video-001.jpeg", "image/resize,w_100,m_abc", "InvalidArgument", `The value "abc" of the parameter m of the operation resize is invalid; use lfit, mfit, fill, pad or fixed.`},
		{"video-001.jpeg", "image/resize,w_100,limit_2", "InvalidArgument", "use 0 or 1"},
		{"video-001.jpeg", "image/resize,w_100,m_pad,color_zzzzzz", "InvalidArgument", "six hexadecimal digits"},
		{"video-001.jpeg", "image/resize,w_100,x_5", "InvalidArgument", `The operation resize has no parameter "x"`},
		{"video-001.jpeg", "image/resize,w_100,w_200", "InvalidArgument", "is given twice"},
		{"video-001.jpeg", "image/resize", "MissingArgument", "needs at least one of the parameters w, h, l, s and p"},
		{"video-001.jpeg", "image/resize,w", "InvalidArgument", "has no value"},
		{"video-001.jpeg", "image/crop,g_up", "InvalidArgument", `The value "up" of the parameter g of the operation crop is invalid`},
		{"video-001.jpeg", "image/crop,x_150", "InvalidArgument", "The crop origin (150, 0) is outside the image of 150x103 pixels."},
		{"video-001.jpeg", "image/rotate,400", "InvalidArgument", `The value "400" of the angle of the operation rotate is invalid; use an integer from 0 to 360.`},
		{"video-001.jpeg", "image/rotate,abc", "InvalidArgument", "of the angle of the operation rotate"},
		{"video-001.jpeg", "image/quality,Q_0", "InvalidArgument", "from 1 to 100"},
		{"video-001.jpeg", "image/quality,q_101", "InvalidArgument", "from 1 to 100"},
		{"video-001.jpeg", "image/format,webp", "InvalidArgument", "The output format webp is not supported by this function"},
		{"video-001.jpeg", "image/format,svg", "InvalidArgument", `The value "svg" of the operation format is invalid`},
		{"video-001.jpeg", "image/watermark,text_SGVsbG8", "InvalidArgument", `The operation "watermark" is not supported by this function; it supports resize, crop, rotate, quality and format.`},
		{"video-001.jpeg", "image/resize,w_10//format,png", "InvalidArgument", "has an empty operation"},
		{"video-001.jpeg", "video/snapshot,t_1000", "InvalidArgument", `The x-oss-process value "video" is not supported by this function`},
		{"video-001.jpeg", "image/", "MissingArgument", "names no operation"},
		{"video-001.jpeg", "image/resize,w_10000,h_10000,m_fixed,limit_0", "ImageTooLarge", "The processed image would be 10000x10000 pixels"},
		{"half-video-001.jpeg", "image/resize,w_50", "BadRequest", "The jpeg image is corrupt: invalid JPEG format: short Huffman data."},
		{"half-video-001.png", "image/resize,w_50", "BadRequest", "The png image is corrupt: png: invalid format: not enough pixel data."},
		{"half-video-001.gif", "image/resize,w_50", "BadRequest", "The gif image is corrupt: gif: not enough image data."},
		{"garbled-video-001.jpeg", "image/resize,w_50", "BadRequest", "The jpeg image is corrupt"},
		{"garbled-video-001.png", "image/format,jpg", "BadRequest", "The png image is corrupt"},
		{"garbled-video-001.gif", "image/rotate,90", "BadRequest", "The gif image is corrupt"},
		{"notes.txt", "image/resize,w_50", "BadRequest", "The object is not an image this function reads"},
		{"bomb.png", "image/resize,w_50", "ImageTooLarge", "The image is 40000x40000 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"?"+tt.process, func(t *testing.T) {
			w := process(t, h, fn, tt.key, tt.process)
			if w.Status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", w.Status)
			}
			body := string(w.Body)
			if !strings.Contains(body, "<Code>"+tt.code+"</Code>") {
				t.Errorf("body %s lacks the code %s", body, tt.code)
			}
			if !strings.Contains(body, xmlEscape(tt.message)) {
				t.Errorf("body %s lacks the message %q", body, tt.message)
			}
		})
	}
}

func TestImageSourceErrors(t *testing.T) {
	h, fn := setup(t)

	t.Run("missing object", func(t *testing.T) {
		w := process(t, h, fn, "missing.jpg", "image/resize,w_10")
		if w.Status != http.StatusNotFound || !strings.Contains(string(w.Body), "<Code>NoSuchKey</Code>") {
			t.Errorf("status = %d, body %s; want 404 NoSuchKey", w.Status, w.Body)
		}
	})

	// The function reads at most maxSourceSize bytes of an image; lower the
	// limit so that a modest object exceeds it.
	t.Run("object larger than the limit", func(t *testing.T) {
		old := maxSourceSize
		maxSourceSize = 1 << 20
		defer func() { maxSourceSize = old }()
		h.Put(t, "huge.jpg", fntest.PatternReader(3<<20), "image/jpeg")

		w := process(t, h, fn, "huge.jpg", "image/resize,w_10")
		if w.Status != http.StatusBadRequest || !strings.Contains(string(w.Body), "<Code>ImageTooLarge</Code>") {
			t.Errorf("status = %d, body %s; want 400 ImageTooLarge", w.Status, w.Body)
		}
	})
}

// hugePNGHeader returns the start of a PNG that declares width x height
// pixels: enough for DecodeConfig, far too much to decode.
func hugePNGHeader(width, height uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], width)
	binary.BigEndian.PutUint32(ihdr[4:], height)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
