package plot

import (
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// scripts is the text handler of titles, labels and legends: plain text
// in which subscripts and superscripts — the Unicode characters ₀…₉, ₙ,
// ᵀ, ᴵ, ᴾ, or "_{…}" and "^{…}" around any text — are set smaller and
// shifted, as in print; a superscript directly followed by a subscript
// (Bᴾᴵ₀) is stacked above it. The notation table writes the paper's
// symbols with them.
type scripts struct{ text.Plain }

var scriptsHandler = scripts{text.Plain{Fonts: font.DefaultCache}}

// Script sizes and shifts, relative to the font size.
const (
	scriptScale = 0.68
	subShift    = -0.18
	supShift    = 0.38
)

// run is a piece of a line set at one level: 0 normal, -1 sub, +1 super.
type run struct {
	s     string
	level int
}

var (
	subRunes = map[rune]rune{'₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4',
		'₅': '5', '₆': '6', '₇': '7', '₈': '8', '₉': '9', 'ₙ': 'n'}
	supRunes = map[rune]rune{'ᵀ': 'T', 'ᴵ': 'I', 'ᴾ': 'P'}
)

// runs splits a line into its runs.
func runs(line string) []run {
	var out []run
	var cur strings.Builder
	level := 0
	flush := func(next int) {
		if cur.Len() > 0 {
			out = append(out, run{cur.String(), level})
			cur.Reset()
		}
		level = next
	}
	rs := []rune(line)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if (r == '_' || r == '^') && i+1 < len(rs) && rs[i+1] == '{' {
			if end := slices.Index(rs[i+2:], '}'); end >= 0 {
				lv := -1
				if r == '^' {
					lv = 1
				}
				flush(lv)
				cur.WriteString(string(rs[i+2 : i+2+end]))
				flush(0)
				i += 2 + end
				continue
			}
		}
		lv, plain := 0, r
		if p, ok := subRunes[r]; ok {
			lv, plain = -1, p
		} else if p, ok := supRunes[r]; ok {
			lv, plain = 1, p
		}
		if lv != level {
			flush(lv)
		}
		cur.WriteRune(plain)
	}
	flush(0)
	return out
}

// layout returns the x offset of every run of a line and the line's width.
func (h scripts) layout(rs []run, fnt font.Font) (xs []vg.Length, width vg.Length) {
	normal := h.Fonts.Lookup(fnt, fnt.Size)
	small := h.Fonts.Lookup(fnt, fnt.Size*scriptScale)
	xs = make([]vg.Length, len(rs))
	x := vg.Length(0)
	var stackStart, stackWidth vg.Length
	for i, r := range rs {
		face := normal
		if r.level != 0 {
			face = small
		}
		w := face.Width(r.s)
		if r.level != 0 && i > 0 && rs[i-1].level == -r.level {
			// Stack it on the script before: start where it started.
			xs[i] = stackStart
			x = stackStart + max(stackWidth, w)
			continue
		}
		xs[i] = x
		stackStart, stackWidth = x, w
		x += w
	}
	return xs, x
}

// Box returns the size of a line of text.
func (h scripts) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	face := h.Fonts.Lookup(fnt, fnt.Size)
	ext := face.Extents()
	_, width = h.layout(runs(txt), fnt)
	return width, ext.Ascent, ext.Descent
}

// Draw renders text with its scripts; it follows text.Plain.Draw.
func (h scripts) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	normal := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	small := h.Fonts.Lookup(sty.Font, sty.Font.Size*scriptScale)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ht := sty.Height(txt)
	ext := normal.Extents()
	pt.Y += ht*vg.Length(sty.YAlign) - ext.Ascent
	for i, line := range lines {
		rs := runs(line)
		xs, width := h.layout(rs, sty.Font)
		origin := pt.Add(vg.Point{X: vg.Length(sty.XAlign) * width, Y: vg.Length(len(lines)-i) * sty.Font.Size})
		for j, r := range rs {
			face, dy := normal, vg.Length(0)
			switch r.level {
			case -1:
				face, dy = small, subShift*sty.Font.Size
			case 1:
				face, dy = small, supShift*sty.Font.Size
			}
			fillString(c, face, origin.Add(vg.Point{X: xs[j], Y: dy}), r.s)
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}
