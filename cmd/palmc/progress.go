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
// step totals.
func newProgress(w io.Writer, quiet bool, names []string, totals []int) progress {
	if quiet {
		return nopProgress{}
	}
	if isTerminal(w) {
		return newBars(w, names, totals)
	}
	return &lineProgress{w: w, every: 5 * time.Second, last: map[string]time.Time{}, eta: newETA(names, totals)}
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
// started in this process, and for the whole run from the steps all
// networks made per second since the run started here.
type eta struct {
	start  time.Time
	total  map[string]int
	first  map[string]time.Time // a network's first report in this process
	base   map[string]int       // its steps then
	cur    map[string]int
	remain int // steps left in the run
	made   int // steps made in this process
}

func newETA(names []string, totals []int) *eta {
	e := &eta{start: time.Now(), total: map[string]int{}, first: map[string]time.Time{}, base: map[string]int{}, cur: map[string]int{}}
	for i, n := range names {
		e.total[n] = totals[i]
		e.remain += totals[i]
	}
	return e
}

// add counts a report.
func (e *eta) add(p experiment.Progress, now time.Time) {
	if _, ok := e.first[p.Name]; !ok {
		e.first[p.Name], e.base[p.Name], e.cur[p.Name] = now, p.Step, p.Step
		e.remain -= p.Step
		return
	}
	d := p.Step - e.cur[p.Name]
	e.cur[p.Name] = p.Step
	e.made += d
	e.remain -= d
	if p.Done {
		// A network that stopped early (diverged) leaves nothing to do.
		e.remain -= e.total[p.Name] - p.Step
		e.total[p.Name] = p.Step
	}
}

// net returns the time left for one network, or false before it can tell.
func (e *eta) net(name string, now time.Time) (time.Duration, bool) {
	el := now.Sub(e.first[name])
	made := e.cur[name] - e.base[name]
	if made <= 0 || el <= 0 {
		return 0, false
	}
	left := e.total[name] - e.cur[name]
	return time.Duration(float64(el) / float64(made) * float64(left)), true
}

// run returns the time left for the run, or false before it can tell.
func (e *eta) run(now time.Time) (time.Duration, bool) {
	el := now.Sub(e.start)
	if e.made <= 0 || el <= 0 {
		return 0, false
	}
	return time.Duration(float64(el) / float64(e.made) * float64(max(e.remain, 0))), true
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

func newBars(w io.Writer, names []string, totals []int) *bars {
	b := &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond)),
		bars: map[string]*mpb.Bar{}, ep: map[string]*experiment.Progress{}, eta: newETA(names, totals)}
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
