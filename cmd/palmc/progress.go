package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"palmc/experiment"
)

// progress shows how far each network has come: live bars on a terminal,
// a plain line per network every few seconds otherwise, nothing when quiet.
// Reports arrive from the simulating goroutines; a display never blocks
// them (palmc's standard error is a stream that drops output it cannot
// write).
type progress interface {
	// update receives reports from the simulating goroutines.
	update(experiment.Progress)
	// wait ends the display.
	wait()
}

// newProgress returns the display for networks of the given names and
// step totals; learning counts the steps that learn (see eta).
func newProgress(w io.Writer, quiet bool, names []string, totals []int, learning func(name string, n int) int) progress {
	if quiet {
		return nopProgress{}
	}
	if isTerminal(w) {
		return newBars(w, names, totals, learning)
	}
	return &lineProgress{w: w, every: 5 * time.Second, last: map[string]time.Time{}, eta: newETA(names, totals, learning)}
}

// isTerminal reports whether w is (or streams to) a terminal.
func isTerminal(w io.Writer) bool {
	if s, ok := w.(*stream); ok {
		w = s.w
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

type nopProgress struct{}

func (nopProgress) update(experiment.Progress) {}
func (nopProgress) wait()                      {}

// eta estimates the time left, per network from its own rate since it
// started in this process, and for the whole run from the work all
// networks did since the run started here. Steps that learn (plasticity
// and PAL's noise on) take longer than the others (settling, the teacher,
// classify's validation and test passes), so work counts the two kinds at
// their own costs, measured on the stretches between reports that hold
// steps of one kind, and until both have been timed at priorCostRatio to
// each other.
type eta struct {
	start time.Time
	// learning returns how many of the first n steps of a network learn;
	// nil: all do.
	learning func(name string, n int) int
	total    map[string]int
	first    map[string]time.Time // a network's first report in this process
	last     map[string]time.Time // its latest report
	base     map[string]int       // its steps at the first report
	cur      map[string]int
	// remain and made count the steps left in the run and made in this
	// process, by kind: learning and other.
	remain, made [2]int
	// spent and timed are the wall time and the steps of the stretches of
	// one kind, by kind.
	spent [2]time.Duration
	timed [2]int
}

// priorCostRatio is how many times longer a learning step takes than one
// without learning before both have been timed (a Yin-Yang network's
// training step against a validation step, measured).
const priorCostRatio = 3

func newETA(names []string, totals []int, learning func(name string, n int) int) *eta {
	e := &eta{start: time.Now(), learning: learning, total: map[string]int{}, first: map[string]time.Time{},
		last: map[string]time.Time{}, base: map[string]int{}, cur: map[string]int{}}
	for i, n := range names {
		e.total[n] = totals[i]
		k := e.kinds(n, 0, totals[i])
		e.remain[0] += k[0]
		e.remain[1] += k[1]
	}
	return e
}

// kinds counts the learning and the other steps of network name from step
// a to step b.
func (e *eta) kinds(name string, a, b int) [2]int {
	if e.learning == nil {
		return [2]int{b - a, 0}
	}
	l := e.learning(name, b) - e.learning(name, a)
	return [2]int{l, b - a - l}
}

// add counts a report.
func (e *eta) add(p experiment.Progress, now time.Time) {
	if _, ok := e.first[p.Name]; !ok {
		e.first[p.Name], e.last[p.Name], e.base[p.Name], e.cur[p.Name] = now, now, p.Step, p.Step
		k := e.kinds(p.Name, 0, p.Step)
		e.remain[0] -= k[0]
		e.remain[1] -= k[1]
		return
	}
	k := e.kinds(p.Name, e.cur[p.Name], p.Step)
	for i := range k {
		e.made[i] += k[i]
		e.remain[i] -= k[i]
		if k[i] > 0 && k[1-i] == 0 {
			e.spent[i] += now.Sub(e.last[p.Name])
			e.timed[i] += k[i]
		}
	}
	e.cur[p.Name], e.last[p.Name] = p.Step, now
	if p.Done {
		// A network that stopped early (diverged) leaves nothing to do.
		k := e.kinds(p.Name, p.Step, e.total[p.Name])
		e.remain[0] -= k[0]
		e.remain[1] -= k[1]
		e.total[p.Name] = p.Step
	}
}

// costs returns the relative cost of a learning step and of another step.
func (e *eta) costs() [2]float64 {
	if e.timed[0] > 0 && e.timed[1] > 0 && e.spent[0] > 0 && e.spent[1] > 0 {
		return [2]float64{e.spent[0].Seconds() / float64(e.timed[0]), e.spent[1].Seconds() / float64(e.timed[1])}
	}
	return [2]float64{priorCostRatio, 1}
}

// work weighs steps of the two kinds by their costs.
func (e *eta) work(steps [2]int) float64 {
	c := e.costs()
	return c[0]*float64(max(steps[0], 0)) + c[1]*float64(max(steps[1], 0))
}

// net returns the time left for one network, or false before it can tell.
func (e *eta) net(name string, now time.Time) (time.Duration, bool) {
	el := now.Sub(e.first[name])
	made := e.work(e.kinds(name, e.base[name], e.cur[name]))
	if made <= 0 || el <= 0 {
		return 0, false
	}
	left := e.work(e.kinds(name, e.cur[name], e.total[name]))
	return time.Duration(float64(el) / made * left), true
}

// run returns the time left for the run, or false before it can tell.
func (e *eta) run(now time.Time) (time.Duration, bool) {
	el := now.Sub(e.start)
	made := e.work(e.made)
	if made <= 0 || el <= 0 {
		return 0, false
	}
	return time.Duration(float64(el) / made * e.work(e.remain)), true
}

// lineProgress writes one plain line per network at most every few
// seconds, and when a network finishes. It writes no control characters.
type lineProgress struct {
	mu    sync.Mutex
	w     io.Writer
	every time.Duration
	last  map[string]time.Time
	eta   *eta
}

func (l *lineProgress) update(p experiment.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.eta.add(p, now)
	if t, ok := l.last[p.Name]; ok && !p.Done && now.Sub(t) < l.every {
		return
	}
	if _, ok := l.last[p.Name]; !ok && !p.Done {
		l.last[p.Name] = now // the start report: nothing to say yet
		return
	}
	l.last[p.Name] = now
	state := "running"
	if p.Done {
		state = "done"
	}
	frac := float64(p.Step) / float64(max(p.Steps, 1))
	tail := ""
	if d, ok := l.eta.net(p.Name, now); ok && !p.Done {
		tail += fmt.Sprintf(" eta %s", d.Round(time.Second))
	}
	if d, ok := l.eta.run(now); ok {
		tail += fmt.Sprintf("; run eta %s", d.Round(time.Second))
	}
	fmt.Fprintf(l.w, "palmc: %s %s %s step %d/%d (%.0f%%)%s\n",
		p.Name, state, phase(p), p.Step, p.Steps, 100*frac, tail)
}

func (l *lineProgress) wait() {}

// bars draws one live progress bar per network and a line for the run.
type bars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*mpb.Bar
	ep   map[string]*experiment.Progress
	eta  *eta
	all  *mpb.Bar
}

func newBars(w io.Writer, names []string, totals []int, learning func(name string, n int) int) *bars {
	b := &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond)),
		bars: map[string]*mpb.Bar{}, ep: map[string]*experiment.Progress{}, eta: newETA(names, totals, learning)}
	width := len("all")
	sum := 0
	for i, n := range names {
		width = max(width, len(n))
		sum += totals[i]
	}
	left := func(name string) decor.Decorator {
		return decor.Any(func(decor.Statistics) string {
			b.mu.Lock()
			defer b.mu.Unlock()
			var d time.Duration
			var ok bool
			if name == "" {
				d, ok = b.eta.run(time.Now())
			} else {
				d, ok = b.eta.net(name, time.Now())
			}
			if !ok {
				return ""
			}
			return "eta " + d.Round(time.Second).String()
		}, decor.WC{W: 14})
	}
	for i, n := range names {
		st := &experiment.Progress{Name: n}
		b.ep[n] = st
		b.bars[n] = b.p.AddBar(int64(totals[i]),
			mpb.PrependDecorators(
				decor.Name(n, decor.WC{W: width + 1, C: decor.DindentRight}),
				decor.Any(func(decor.Statistics) string {
					b.mu.Lock()
					defer b.mu.Unlock()
					if st.Epoch == 0 {
						return "settling  "
					}
					return phase(*st)
				}, decor.WC{W: 14}),
			),
			mpb.AppendDecorators(
				decor.CountersNoUnit("%d/%d steps", decor.WC{W: 24}),
				decor.OnComplete(left(n), "done"),
			),
		)
	}
	if len(names) > 1 {
		b.all = b.p.AddBar(int64(sum),
			mpb.PrependDecorators(decor.Name("all", decor.WC{W: width + 1, C: decor.DindentRight}), decor.Name("", decor.WC{W: 14})),
			mpb.AppendDecorators(decor.Percentage(decor.WC{W: 24}), decor.OnComplete(left(""), "done")),
		)
	}
	return b
}

func (b *bars) update(p experiment.Progress) {
	b.mu.Lock()
	bar, st := b.bars[p.Name], b.ep[p.Name]
	if st == nil {
		b.mu.Unlock()
		return
	}
	*st = p
	b.eta.add(p, time.Now())
	done := 0
	for _, c := range b.eta.cur {
		done += c
	}
	b.mu.Unlock()
	bar.SetCurrent(int64(p.Step))
	if p.Done {
		bar.SetTotal(int64(p.Step), true)
	}
	if b.all != nil {
		b.all.SetCurrent(int64(done))
	}
}

func (b *bars) wait() {
	for _, bar := range b.bars {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	if b.all != nil && !b.all.Completed() {
		b.all.Abort(false)
	}
	b.p.Wait()
}

// phase says where a network is: "epoch e/E", or, after a bw_only
// student's training, "updates m/M" while it replays its input for
// angle_dWPP_BP ("updates 0/M" while its teacher runs).
func phase(p experiment.Progress) string {
	if p.Replays > 0 && !p.Done {
		return fmt.Sprintf("updates %d/%d", p.Replay, p.Replays)
	}
	return fmt.Sprintf("epoch %d/%d", p.Epoch, p.Epochs)
}
