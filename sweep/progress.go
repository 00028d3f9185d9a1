package sweep

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"palmc/experiment"
)

// display shows a local run of a sweep: cells done, running, failed and
// pending, the share of the steps made and the time left, on one line that
// is redrawn on a terminal and written every lineEvery otherwise; a line
// for every cell that ends.
type display struct {
	mu          sync.Mutex
	w           io.Writer
	quiet, term bool
	// cells in the sweep; done before this run.
	cells, before             int
	done, failed, interrupted int
	running                   map[int]bool
	pending                   int
	// steps: per cell to run, its total and where each network stands.
	total   map[int]int
	nets    map[int]map[string]int
	first   map[int]map[string]bool
	made    int // steps made in this process
	resumed int // steps the resumed cells had made before it
	left    int // steps left in the cells to run
	start   time.Time
	last    time.Time
	lastMsg string
	quit    chan struct{}
	wg      sync.WaitGroup
	stopped bool
}

// lineEvery is how often a plain status line is written.
const lineEvery = 10 * time.Second

func newDisplay(w io.Writer, quiet, term bool, cells int, todo []CellStatus, before int) *display {
	d := &display{w: w, quiet: quiet || w == nil, term: term, cells: cells, before: before, running: map[int]bool{},
		pending: len(todo), total: map[int]int{}, nets: map[int]map[string]int{}, first: map[int]map[string]bool{},
		start: time.Now(), quit: make(chan struct{})}
	for _, st := range todo {
		d.total[st.Cell.Index] = st.Cell.Steps
		d.left += st.Cell.Steps
	}
	if !d.quiet {
		d.wg.Add(1)
		go d.loop()
	}
	return d
}

func (d *display) loop() {
	defer d.wg.Done()
	every := lineEvery
	if d.term {
		every = 500 * time.Millisecond
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			d.mu.Lock()
			d.status(false)
			d.mu.Unlock()
		case <-d.quit:
			return
		}
	}
}

// status writes the status line (on a terminal in place); force writes a
// plain line even if nothing changed.
func (d *display) status(force bool) {
	if d.quiet {
		return
	}
	msg := fmt.Sprintf("palmc: sweep %d/%d cells done, %d running, %d failed, %d interrupted, %d to run",
		d.before+d.done, d.cells, len(d.running), d.failed, d.interrupted, d.pending)
	// The share counts the steps of resumed cells made before; the time
	// left, the rate of this process.
	if all := d.resumed + d.made + d.left; all > 0 {
		msg += fmt.Sprintf("; %.0f%% of the steps", 100*float64(d.resumed+d.made)/float64(all))
	}
	if el := time.Since(d.start); d.made > 0 && d.left > 0 {
		eta := time.Duration(float64(el) / float64(d.made) * float64(d.left))
		msg += "; eta " + eta.Round(time.Second).String()
	}
	if d.term {
		fmt.Fprintf(d.w, "\r\033[K%s", msg)
		return
	}
	if force || msg != d.lastMsg {
		fmt.Fprintln(d.w, msg)
		d.lastMsg = msg
	}
}

// event writes a line about one cell.
func (d *display) event(format string, a ...any) {
	if d.quiet {
		return
	}
	if d.term {
		fmt.Fprint(d.w, "\r\033[K")
	}
	fmt.Fprintf(d.w, "palmc: "+format+"\n", a...)
	if d.term {
		d.status(false)
	}
}

func (d *display) started(c IndexCell) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pending--
	d.running[c.Index] = true
}

// progress counts a network's report: its first report in this process
// gives where it starts (a resumed cell's steps so far), the next ones the
// steps made.
func (d *display) progress(cell int, p experiment.Progress) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.nets[cell] == nil {
		d.nets[cell], d.first[cell] = map[string]int{}, map[string]bool{}
	}
	prev := d.nets[cell][p.Name]
	d.nets[cell][p.Name] = p.Step
	if !d.first[cell][p.Name] {
		d.first[cell][p.Name] = true
		d.left -= p.Step
		d.resumed += p.Step
		return
	}
	d.made += p.Step - prev
	d.left -= p.Step - prev
	if p.Done && p.Step < p.Steps {
		d.left -= p.Steps - p.Step // stopped early: diverged
	}
}

func (d *display) ended(c IndexCell, state State, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.running, c.Index)
	sofar := 0
	for _, s := range d.nets[c.Index] {
		sofar += s
	}
	switch state {
	case Done:
		d.done++
		d.left -= max(0, d.total[c.Index]-sofar)
		note := ""
		if err != nil {
			note = ": " + firstLine(err.Error())
		}
		d.event("%s done%s", c.Dir, note)
	case Interrupted:
		d.interrupted++
		d.event("%s interrupted; saved to its checkpoint", c.Dir)
	default:
		d.failed++
		d.left -= max(0, d.total[c.Index]-sofar)
		d.event("%s %s: %v", c.Dir, state, firstLine(fmt.Sprint(err)))
	}
}

// stop ends the display with a last status line.
func (d *display) stop() {
	d.mu.Lock()
	if d.stopped {
		d.mu.Unlock()
		return
	}
	d.stopped = true
	d.mu.Unlock()
	close(d.quit)
	d.wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.status(true)
	if d.term && !d.quiet {
		fmt.Fprintln(d.w)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
