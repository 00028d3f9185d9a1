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
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb" {
		return newBars(w, names, totals)
	}
	return &lineProgress{w: w, every: 5 * time.Second, last: map[string]time.Time{}, start: time.Now()}
}

type nopProgress struct{}

func (nopProgress) update(experiment.Progress) {}
func (nopProgress) wait()                      {}

// lineProgress writes one plain line per network at most every few
// seconds, and when a network finishes. It writes no control characters.
type lineProgress struct {
	mu    sync.Mutex
	w     io.Writer
	every time.Duration
	last  map[string]time.Time
	start time.Time
}

func (l *lineProgress) update(p experiment.Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if t, ok := l.last[p.Name]; ok && !p.Done && now.Sub(t) < l.every {
		return
	}
	l.last[p.Name] = now
	el := now.Sub(l.start)
	state := "running"
	if p.Done {
		state = "done"
	}
	frac := float64(p.Step) / float64(max(p.Steps, 1))
	eta := ""
	if frac > 0 && !p.Done {
		eta = fmt.Sprintf(" eta %s", (time.Duration(float64(el)/frac) - el).Round(time.Second))
	}
	fmt.Fprintf(l.w, "palmc: %s %s epoch %d/%d step %d/%d (%.0f%%)%s\n",
		p.Name, state, p.Epoch, p.Epochs, p.Step, p.Steps, 100*frac, eta)
}

func (l *lineProgress) wait() {}

// bars draws one live progress bar per network.
type bars struct {
	p    *mpb.Progress
	mu   sync.Mutex
	bars map[string]*mpb.Bar
	ep   map[string]*experiment.Progress
	last map[string]time.Time
}

func newBars(w io.Writer, names []string, totals []int) *bars {
	b := &bars{p: mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond)),
		bars: map[string]*mpb.Bar{}, ep: map[string]*experiment.Progress{}, last: map[string]time.Time{}}
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for i, n := range names {
		st := &experiment.Progress{Name: n}
		b.ep[n] = st
		b.last[n] = time.Now()
		b.bars[n] = b.p.AddBar(int64(totals[i]),
			mpb.PrependDecorators(
				decor.Name(n, decor.WC{W: width + 1, C: decor.DindentRight}),
				decor.Any(func(decor.Statistics) string {
					b.mu.Lock()
					defer b.mu.Unlock()
					if st.Epoch == 0 {
						return "settling  "
					}
					return fmt.Sprintf("epoch %d/%d", st.Epoch, st.Epochs)
				}, decor.WC{W: 14}),
			),
			mpb.AppendDecorators(
				decor.CountersNoUnit("%d/%d steps", decor.WC{W: 24}),
				decor.OnComplete(decor.EwmaETA(decor.ET_STYLE_GO, 30, decor.WC{W: 10}), "done"),
			),
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
	now := time.Now()
	dur := now.Sub(b.last[p.Name])
	b.last[p.Name] = now
	b.mu.Unlock()
	bar.EwmaSetCurrent(int64(p.Step), dur)
	if p.Done {
		bar.SetTotal(int64(p.Step), true)
	}
}

func (b *bars) wait() {
	for _, bar := range b.bars {
		if !bar.Completed() {
			bar.Abort(false)
		}
	}
	b.p.Wait()
}
