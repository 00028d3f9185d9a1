package plot

import (
	"fmt"

	"gonum.org/v1/plot/vg/draw"
)

// Fast signals — voltages, rates, noise, input, error, weight increments —
// change with every input sample. How they are drawn depends on how the
// run recorded them:
//
//   - records at least once per input sample, and a run of at most
//     windowSamples·5/2 samples: every record, over time in ms;
//   - records at least once per sample in a longer run: two windows of
//     windowSamples samples, at the start and at the end of the run;
//   - fewer records than samples (each record then shows another sample,
//     unrelated to the one before): per epoch, the distribution over the
//     records of the epoch, the neurons and the seeds (an envelope).

// maxBinValues bounds the values of one bin of an envelope: a bin with
// more takes evenly spaced records.
const maxBinValues = 40000

// windowSamples is the length of a window, in input samples.
const windowSamples = 10

// signalMode is how a run's fast signals are drawn.
type signalMode int

const (
	wholeRun signalMode = iota
	startEnd
	envelope
)

// signalMode chooses the mode for records that end lastStep steps after
// settling.
func (pt *painter) signalMode(lastStep int) signalMode {
	sps, every := pt.run.StepsPerSample, pt.run.RecPerSteps
	switch {
	case sps > 0 && every > sps:
		return envelope
	case lastStep*2 <= 5*pt.windowSteps():
		return wholeRun
	}
	return startEnd
}

// windowSteps is the length of a window in steps.
func (pt *painter) windowSteps() int {
	if pt.run.StepsPerSample > 0 {
		return windowSamples * pt.run.StepsPerSample
	}
	return max(1, pt.lastStep/20)
}

// signal draws a fast signal.
func (pt *painter) signal(path string, k key, get getter) error {
	students, colors, teacher := pt.collect(k.v, get)
	if _, inc := increment(k.v); inc || k.v == "epsilon" {
		teacher = nil // the teacher does not learn and gets no noise
	}
	last := 0
	for _, s := range students {
		last = max(last, s.steps[s.records()-1]-pt.run.SettlingSteps)
	}
	title := describe(k, pt.run.Skip)
	ylabel := axisLabel(k.v)
	note := ""
	if k.v == "epsilon" && !pt.run.Adaptive {
		note = "the noise is not adaptive: the published code's constant"
	}
	dt := pt.run.Dt
	switch pt.signalMode(last) {
	case envelope:
		pn := newPanel("", pt.x.label(), ylabel)
		what := pt.envelope(pn, k.v, students)
		pt.xRange(pn.p)
		margin(&pn.p.Y)
		return pt.save(path, title, joinNote(what, note), pn)
	case wholeRun:
		pn := newPanel("", "time (ms)", ylabel)
		xOf := func(step int) float64 { return float64(step-pt.run.SettlingSteps) * dt }
		what := pt.window(pn, k.v, students, colors, teacher, pt.run.SettlingSteps, pt.run.SettlingSteps+last, xOf)
		pn.p.X.Min, pn.p.X.Max = 0, float64(last)*dt
		margin(&pn.p.Y)
		return pt.save(path, title, joinNote(what, note), pn)
	}
	// The first and the last window of the run, each in ms within its
	// epoch when the run has epochs.
	w := pt.windowSteps()
	S := pt.run.SettlingSteps
	end := S + last
	startLabel, endLabel := "time (ms)", "time (ms)"
	endOrigin := S
	if pt.run.EpochSteps > 0 && last >= pt.run.EpochSteps {
		e := (last - 1) / pt.run.EpochSteps // last epoch, 0-based
		startLabel = "time in epoch 1 (ms)"
		endLabel = fmt.Sprintf("time in epoch %d (ms)", e+1)
		endOrigin = S + e*pt.run.EpochSteps
	}
	left := newPanel("start of the run", startLabel, ylabel)
	right := newPanel("end of the run", endLabel, ylabel)
	what := pt.window(left, k.v, students, colors, teacher, S, S+w,
		func(step int) float64 { return float64(step-S) * dt })
	pt.window(right, k.v, students, colors, teacher, end-w, end,
		func(step int) float64 { return float64(step-endOrigin) * dt })
	// One y range for both windows, so that they compare.
	left.p.Y.Min, left.p.Y.Max = min(left.p.Y.Min, right.p.Y.Min), max(left.p.Y.Max, right.p.Y.Max)
	margin(&left.p.Y)
	right.p.Y.Min, right.p.Y.Max = left.p.Y.Min, left.p.Y.Max
	right.p.Y.Label.Text = ""
	left.p.X.Min, left.p.X.Max = 0, float64(w)*dt
	right.p.X.Min, right.p.X.Max = float64(end-w-endOrigin)*dt, float64(end-endOrigin)*dt
	s := newSheet(title, joinNote(joinNote(what, fmt.Sprintf("first and last %s of %s",
		count(windowSamples, "input sample"), formatRunLength(last, pt))), note))
	s.panels, s.cols = []*panel{{p: left.p}, {p: right.p}}, 2
	s.legend = left.legend
	if len(right.legend) > len(left.legend) {
		s.legend = right.legend
	}
	return s.save(path, pt.format)
}

// formatRunLength writes the length of the run: "50 epochs", "5000 ms".
func formatRunLength(steps int, pt *painter) string {
	if pt.run.EpochSteps > 0 && steps >= pt.run.EpochSteps {
		return count(steps/pt.run.EpochSteps, "epoch")
	}
	return formatMs(float64(steps)*pt.run.Dt) + " ms"
}

// window draws the records with steps in (from, to] at xOf(step): every
// entry as a line, coloured by seed, and the teacher dashed, when there are
// at most fewLines lines; otherwise the distribution across entries and
// students at each record, with three entries of the first student (those
// whose mean over the window ranks at 10, 50 and 90 %). It returns what is
// shown.
func (pt *painter) window(pn *panel, v string, students []series, colors []int, teacher *series, from, to int, xOf func(int) float64) string {
	rowsIn := func(s series) []int {
		var rows []int
		for r, st := range s.steps {
			if st > from && st <= to {
				rows = append(rows, r)
			}
		}
		return decimate(rows, maxPoints)
	}
	noun := entryNoun(v)
	size, lines := 0, 0
	for _, s := range students {
		size = max(size, s.size)
		lines += s.size
	}
	drawAll := func(s series, sty draw.LineStyle, label string) {
		rows := rowsIn(s)
		if len(rows) == 0 {
			return
		}
		x := make([]float64, len(rows))
		for j, r := range rows {
			x[j] = xOf(s.steps[r])
		}
		for c := range s.size {
			y := make([]float64, len(rows))
			for j, r := range rows {
				y[j] = s.at(r, c)
			}
			addLine(pn.p, x, y, sty)
		}
		leg := sty
		leg.Width = thickWidth
		pn.add(label, lineThumb(leg))
	}
	if lines <= fewLines {
		for i, s := range students {
			sty := draw.LineStyle{Color: seedColor(colors[i]), Width: thickWidth}
			if s.size > 1 {
				sty.Width = thinWidth
			}
			drawAll(s, sty, seedLabel(s.net))
		}
		var what string
		switch {
		case len(students) == 1 && size > 1:
			what = "every " + noun
		case len(students) > 1 && size == 1:
			what = "one line per seed"
		case len(students) > 1:
			what = "every " + noun + ", one colour per seed"
		}
		if teacher != nil && teacher.size <= fewLines {
			n := len(pn.legend)
			drawAll(*teacher, draw.LineStyle{Color: teacherColor, Width: thickWidth, Dashes: dashes}, "teacher")
			if len(pn.legend) > n {
				what = joinNote(what, "dashed: the teacher")
			}
		}
		return what
	}
	first := students[0]
	rows := rowsIn(first)
	entries := sampleEntries(size, len(students))
	sp := newSpread(entryLevels)
	buf := make([]float64, 0, len(entries)*len(students))
	for _, r := range rows {
		buf = buf[:0]
		for _, s := range students {
			if r >= s.records() {
				continue
			}
			for _, c := range entries {
				if c < s.size {
					buf = append(buf, s.at(r, c))
				}
			}
		}
		sp.add(xOf(first.steps[r]), buf)
	}
	drawMedian := addSpread(pn, sp, spreadColor, medianColor)
	defer drawMedian()
	what := fmt.Sprintf("%s of %s", entryLevels.describe(), nouns(size, noun))
	if len(students) > 1 {
		what += " × " + count(len(students), "seed")
	}
	if first.size > 1 && len(rows) > 0 {
		all := make([]int, first.size)
		for c := range all {
			all[c] = c
		}
		rep := representative(all, func(c int) float64 {
			s := 0.0
			for _, r := range rows {
				s += first.at(r, c)
			}
			return s
		})
		x := make([]float64, len(rows))
		for j, r := range rows {
			x[j] = xOf(first.steps[r])
		}
		sty := draw.LineStyle{Color: sampleColor, Width: thinWidth}
		for _, c := range rep {
			y := make([]float64, len(rows))
			for j, r := range rows {
				y[j] = first.at(r, c)
			}
			addLine(pn.p, x, y, sty)
		}
		pn.add(fmt.Sprintf("%s, %s", seedLabel(first.net), nouns(len(rep), noun)),
			lineThumb(draw.LineStyle{Color: sampleColor, Width: thickWidth}))
		what += fmt.Sprintf("; lines: %s of %s", nouns(len(rep), noun), seedLabel(first.net))
	}
	return what
}

// envelope draws, per bin of the run's axis (an epoch, or several), the
// distribution of the values of all records in the bin, all entries and
// all students. It returns what is shown.
func (pt *painter) envelope(pn *panel, v string, students []series) string {
	if len(students) == 0 {
		return ""
	}
	first := students[0]
	rows := first.afterSettling(pt.run.SettlingSteps)
	steps := make([]int, len(rows))
	for i, r := range rows {
		steps[i] = first.steps[r]
	}
	bins, per := pt.x.bins(steps, 1)
	size := 0
	for _, s := range students {
		size = max(size, s.size)
	}
	entries := sampleEntries(size, len(students))
	sp := newSpread(entryLevels)
	var buf []float64
	for _, b := range bins {
		buf = buf[:0]
		// Long bins of large layers: evenly spaced records.
		stride := max(1, (b.to-b.from)*len(entries)*len(students)/maxBinValues)
		for i := b.from; i < b.to; i += stride {
			r := rows[i]
			for _, s := range students {
				if r >= s.records() {
					continue
				}
				for _, c := range entries {
					if c < s.size {
						buf = append(buf, s.at(r, c))
					}
				}
			}
		}
		sp.add(b.x, buf)
	}
	addSpread(pn, sp, spreadColor, medianColor)()
	noun := entryNoun(v)
	what := fmt.Sprintf("per %s: %s over its records, %s", pt.x.binName(per, pt.run.RecPerSteps),
		entryLevels.describe(), nouns(size, noun))
	if len(students) > 1 {
		what += " and " + count(len(students), "seed")
	}
	if len(entries) < size {
		what += fmt.Sprintf(" (%d evenly spaced %s per seed)", len(entries), pluralNoun(noun))
	}
	what += fmt.Sprintf("\nrecorded every %s ms, the input changes every %s ms: records are samples, not traces",
		formatMs(float64(pt.run.RecPerSteps)*pt.run.Dt), formatMs(float64(pt.run.StepsPerSample)*pt.run.Dt))
	return what
}
