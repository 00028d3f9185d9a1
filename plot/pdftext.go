package plot

import (
	"image/color"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgpdf"
)

// gonum's PDF canvas encodes text in code page 1252 (Western European):
// Greek letters, arrows, primes and the like have no code there. The
// figures' text goes through fillString, which hands the PDF canvas its
// text in that code page and draws the other characters as the outlines
// of their glyphs, so that a PDF shows φ′, ξ and → as the PNG does.

// pdfCanvas is gonum's PDF canvas with translucent colours fixed: it
// hands vgpdf colours whose RGBA are not premultiplied by their alpha, as
// vgpdf passes them to the PDF as they are, with the alpha on top.
type pdfCanvas struct{ *vgpdf.Canvas }

func (c pdfCanvas) SetColor(clr color.Color) {
	if clr == nil {
		clr = color.Black
	}
	c.Canvas.SetColor(straight(color.NRGBAModel.Convert(clr).(color.NRGBA)))
}

// straight is a colour whose RGBA method returns its components without
// premultiplying them (only for vgpdf).
type straight color.NRGBA

func (s straight) RGBA() (r, g, b, a uint32) {
	return uint32(s.R) * 0x101, uint32(s.G) * 0x101, uint32(s.B) * 0x101, uint32(s.A) * 0x101
}

// cp1252High maps the characters of code page 1252 between 0x80 and 0x9f.
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9a, '›': 0x9b, 'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

// cp1252 returns the code of r in code page 1252.
func cp1252(r rune) (byte, bool) {
	switch {
	case r < 0x80 || r >= 0xa0 && r <= 0xff:
		return byte(r), true
	}
	b, ok := cp1252High[r]
	return b, ok
}

// isPDF reports whether c draws into a PDF.
func isPDF(c vg.Canvas) bool {
	for {
		switch v := c.(type) {
		case *draw.Canvas:
			c = v.Canvas
		case draw.Canvas:
			c = v.Canvas
		case pdfCanvas:
			return true
		case *vgpdf.Canvas:
			return true
		default:
			return false
		}
	}
}

// fillString draws s in face with its baseline starting at pt.
func fillString(c vg.Canvas, face font.Face, pt vg.Point, s string) {
	if !isPDF(c) {
		c.FillString(face, pt, s)
		return
	}
	var enc []byte
	var other []rune
	flush := func() {
		if len(enc) > 0 {
			c.FillString(face, pt, string(enc))
			pt.X += face.Width(decode1252(enc))
			enc = enc[:0]
		}
		if len(other) > 0 {
			pt.X += outline(c, face, pt, other)
			other = other[:0]
		}
	}
	for _, r := range s {
		if b, ok := cp1252(r); ok {
			if len(other) > 0 {
				flush()
			}
			enc = append(enc, b)
			continue
		}
		if len(enc) > 0 {
			flush()
		}
		other = append(other, r)
	}
	flush()
}

// decode1252 returns the characters of code page 1252 text.
func decode1252(b []byte) string {
	rs := make([]rune, len(b))
	for i, x := range b {
		rs[i] = rune(x)
		if x >= 0x80 && x < 0xa0 {
			for r, y := range cp1252High {
				if y == x {
					rs[i] = r
				}
			}
		}
	}
	return string(rs)
}

// outline fills the glyph outlines of rs at pt and returns their width.
func outline(c vg.Canvas, face font.Face, pt vg.Point, rs []rune) vg.Length {
	var buf sfnt.Buffer
	f := face.Face
	// At this many pixels per em the outlines come in font units.
	ppem := fixed.Int26_6(f.UnitsPerEm())
	scale := float64(face.Font.Size) / float64(ppem)
	x := pt.X
	for _, r := range rs {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		segs, err := f.LoadGlyph(&buf, idx, ppem, nil)
		if err == nil && len(segs) > 0 {
			at := func(p fixed.Point26_6) vg.Point {
				return vg.Point{X: x + vg.Length(float64(p.X)*scale), Y: pt.Y - vg.Length(float64(p.Y)*scale)}
			}
			var path vg.Path
			for _, sg := range segs {
				switch sg.Op {
				case sfnt.SegmentOpMoveTo:
					if len(path) > 0 {
						path.Close()
					}
					path.Move(at(sg.Args[0]))
				case sfnt.SegmentOpLineTo:
					path.Line(at(sg.Args[0]))
				case sfnt.SegmentOpQuadTo:
					path.QuadTo(at(sg.Args[0]), at(sg.Args[1]))
				case sfnt.SegmentOpCubeTo:
					path.CubeTo(at(sg.Args[0]), at(sg.Args[1]), at(sg.Args[2]))
				}
			}
			path.Close()
			c.Fill(path)
		}
		if adv, err := f.GlyphAdvance(&buf, idx, ppem, xfont.HintingNone); err == nil {
			x += vg.Length(float64(adv) * scale)
		}
	}
	return x - pt.X
}
