package plot

import (
	"bufio"
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is the file format of the figures.
type Format string

// The formats gonum/plot writes: PNG pictures (150 dpi) and the vector
// formats SVG and PDF (fonts embedded).
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
)

// ParseFormat returns the format named s ("png", "svg" or "pdf").
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case PNG, SVG, PDF:
		return f, nil
	}
	return "", fmt.Errorf("plot: format %q: must be png, svg or pdf", s)
}

// FormatOf returns the format of a file name's extension (".png", ".svg",
// ".pdf").
func FormatOf(path string) (Format, error) {
	ext := strings.TrimPrefix(filepath.Ext(path), ".")
	if ext == "" {
		return "", fmt.Errorf("plot: %s: no extension to tell png, svg or pdf", path)
	}
	return ParseFormat(ext)
}

// legendEntry is one entry of a legend: a thumbnail and its label.
type legendEntry struct {
	label string
	thumb gplot.Thumbnailer
}

// panel is one set of axes, with the legend entries that belong to it
// drawn in rows below its x axis, outside the data.
type panel struct {
	p      *gplot.Plot
	legend []legendEntry
}

// add adds a legend entry to the panel.
func (pn *panel) add(label string, thumb gplot.Thumbnailer) {
	pn.legend = append(pn.legend, legendEntry{label, thumb})
}

// sheet is one figure: a title and a subtitle saying what is shown, panels
// in a grid, and a legend shared by all panels in rows at the bottom.
// Every legend sits outside the axes.
type sheet struct {
	title, subtitle string
	panels          []*panel
	cols            int
	legend          []legendEntry
	width, height   vg.Length
}

// newSheet returns a one-panel-wide sheet of the per-variable size.
func newSheet(title, subtitle string) *sheet {
	return &sheet{title: title, subtitle: subtitle, cols: 1, width: figWidth, height: figHeight}
}

// Text styles of titles and legends.
func textStyle(size float64, c color.Color, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{Color: c, Font: sans(size), XAlign: xa, YAlign: ya, Handler: scriptsHandler}
}

var (
	titleStyle    = textStyle(13, color.Black, text.XCenter, text.YTop)
	subtitleStyle = textStyle(9.5, color.Gray{0x44}, text.XCenter, text.YTop)
	legendStyle   = textStyle(9.5, color.Black, text.XLeft, text.YCenter)
)

// Legend geometry.
var (
	thumbWidth  = vg.Points(18)
	thumbGap    = vg.Points(4)
	entryGap    = vg.Points(14)
	legendRowH  = vg.Points(14)
	legendAbove = vg.Points(2)
)

// legendRows lays the entries out in rows no wider than width.
func legendRows(entries []legendEntry, width vg.Length) [][]legendEntry {
	var rows [][]legendEntry
	var row []legendEntry
	var w vg.Length
	for _, e := range entries {
		ew := thumbWidth + thumbGap + legendStyle.Width(e.label)
		if len(row) > 0 && w+entryGap+ew > width {
			rows = append(rows, row)
			row, w = nil, 0
		}
		if len(row) > 0 {
			w += entryGap
		}
		row = append(row, e)
		w += ew
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// legendHeight is the height of the legend rows of entries in width.
func legendHeight(entries []legendEntry, width vg.Length) vg.Length {
	if len(entries) == 0 {
		return 0
	}
	return legendAbove + vg.Length(len(legendRows(entries, width)))*legendRowH
}

// drawLegend draws the entries in centred rows at the bottom of c.
func drawLegend(c draw.Canvas, entries []legendEntry) {
	rows := legendRows(entries, c.Size().X)
	y := c.Min.Y + vg.Length(len(rows))*legendRowH - legendRowH/2
	for _, row := range rows {
		var w vg.Length
		for i, e := range row {
			if i > 0 {
				w += entryGap
			}
			w += thumbWidth + thumbGap + legendStyle.Width(e.label)
		}
		x := c.Min.X + (c.Size().X-w)/2
		for _, e := range row {
			th := legendStyle.FontExtents().Height * 0.8
			tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y - th/2}, Max: vg.Point{X: x + thumbWidth, Y: y + th/2}}}
			e.thumb.Thumbnail(&tc)
			x += thumbWidth + thumbGap
			c.FillText(legendStyle, vg.Point{X: x, Y: y}, e.label)
			x += legendStyle.Width(e.label) + entryGap
		}
		y -= legendRowH
	}
}

// wrap breaks txt into lines no wider than width, at its newlines and
// between words.
func wrap(txt string, sty text.Style, width vg.Length) []string {
	var lines []string
	for _, para := range strings.Split(txt, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			if line != "" && sty.Width(line+" "+w) > width {
				lines = append(lines, line)
				line = w
				continue
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		lines = append(lines, line)
	}
	return lines
}

// draw draws the sheet onto c.
func (s *sheet) draw(c draw.Canvas) {
	c = draw.Crop(c, vg.Points(4), -vg.Points(8), vg.Points(4), -vg.Points(4))
	if s.title != "" {
		top := c.Max.Y
		for _, line := range strings.Split(s.title, "\n") {
			c.FillText(titleStyle, vg.Point{X: c.Center().X, Y: top}, line)
			top -= titleStyle.Height(line) + vg.Points(1)
		}
		if s.subtitle != "" {
			for _, line := range wrap(s.subtitle, subtitleStyle, c.Size().X) {
				top -= vg.Points(1)
				c.FillText(subtitleStyle, vg.Point{X: c.Center().X, Y: top}, line)
				top -= subtitleStyle.Height(line)
			}
		}
		c.Max.Y = top - vg.Points(6)
	}
	if len(s.legend) > 0 {
		h := legendHeight(s.legend, c.Size().X)
		drawLegend(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: c.Min, Max: vg.Point{X: c.Max.X, Y: c.Min.Y + h}}}, s.legend)
		c.Min.Y += h + vg.Points(4)
	}
	cols := max(s.cols, 1)
	rows := (len(s.panels) + cols - 1) / cols
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(16), PadY: vg.Points(12)}
	// The panels of a row leave the same room for their legends, so that
	// their axes line up.
	rowLegend := make([]vg.Length, rows)
	for i, pn := range s.panels {
		w := tiles.At(c, i%cols, i/cols).Size().X
		rowLegend[i/cols] = max(rowLegend[i/cols], legendHeight(pn.legend, w))
	}
	for i, pn := range s.panels {
		tc := tiles.At(c, i%cols, i/cols)
		if h := rowLegend[i/cols]; h > 0 {
			drawLegend(draw.Canvas{Canvas: tc.Canvas, Rectangle: vg.Rectangle{
				Min: tc.Min, Max: vg.Point{X: tc.Max.X, Y: tc.Min.Y + legendHeight(pn.legend, tc.Size().X)}}}, pn.legend)
			tc.Min.Y += h + vg.Points(2)
		}
		pn.p.Draw(tc)
	}
}

// save draws the sheet into a file of the given format.
func (s *sheet) save(path string, format Format) error {
	var c vg.CanvasSizer
	var write func(w *bufio.Writer) error
	switch format {
	case PNG, "":
		ic := vgimg.NewWith(vgimg.UseWH(s.width, s.height), vgimg.UseDPI(figDPI))
		c = ic
		write = func(w *bufio.Writer) error {
			// BestSpeed: the default compression takes most of the drawing
			// time and saves little on these mostly white pictures.
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(w, ic.Image())
		}
	case SVG:
		sc := vgsvg.New(s.width, s.height)
		c = sc
		write = func(w *bufio.Writer) error {
			var b bytes.Buffer
			if _, err := sc.WriteTo(&b); err != nil {
				return err
			}
			// Text is laid out with Liberation Sans; Arial and Helvetica
			// have its metrics, where it is not installed.
			_, err := w.Write(bytes.ReplaceAll(b.Bytes(), []byte("font-family:Liberation Sans;"),
				[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")))
			return err
		}
	case PDF:
		pc := vgpdf.New(s.width, s.height)
		pc.EmbedFonts(true)
		c = pdfCanvas{pc}
		write = func(w *bufio.Writer) error { _, err := pc.WriteTo(w); return err }
	default:
		return fmt.Errorf("plot: format %q: must be png, svg or pdf", format)
	}
	s.draw(draw.New(c))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := write(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
