package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals end a run: SIGINT (Ctrl-C), SIGTERM (kill, batch systems),
// SIGHUP (a closed terminal or ssh session), SIGUSR1 (the warning that
// batch systems such as Slurm send before a time limit, --signal), SIGQUIT
// (Ctrl-\) and SIGABRT. A SIGHUP that was ignored when palmc started (nohup)
// stays ignored.
var stopSignals = func() []os.Signal {
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGQUIT, syscall.SIGABRT}
	if !signal.Ignored(syscall.SIGHUP) {
		sigs = append(sigs, syscall.SIGHUP)
	}
	return sigs
}()

// watchers are the channels of the commands that watch the stop signals
// now (watchSignals); mu guards them.
var watchers = struct {
	mu sync.Mutex
	m  map[chan os.Signal]bool
}{m: map[chan os.Signal]bool{}}

func init() {
	// A closed pipe on standard output or error (palmc … | head) must not
	// kill a run: writes to it fail instead, and palmc ignores that.
	signal.Ignore(syscall.SIGPIPE)
	// The stop signals are caught from palmc's start: a command that
	// watches them gets them; one that comes while none watches (palmc
	// starting, or a command that writes nothing it could leave half done)
	// ends palmc at once, as it would end any program, but with palmc's
	// exit code 1 and no runtime dump (SIGQUIT).
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, stopSignals...)
	go func() {
		for s := range ch {
			watchers.mu.Lock()
			n := len(watchers.m)
			for w := range watchers.m {
				select {
				case w <- s:
				default:
				}
			}
			watchers.mu.Unlock()
			if n == 0 {
				fmt.Fprintf(os.Stderr, "palmc: %v: stopped\n", s)
				os.Exit(1)
			}
		}
	}()
}

// withSignals returns two contexts: stop ends at the first signal of
// stopSignals, abort at the second (palmc stops at once); what says what
// the first signal does ("stopping after the current step and saving a
// checkpoint"). release ends the watching.
func withSignals(log io.Writer, what string) (stop, abort context.Context, release func()) {
	stop, abort, _, release = watchSignals(log, what)
	return stop, abort, release
}

// watchSignals is withSignals that also tells which signal came first (nil
// before any).
func watchSignals(log io.Writer, what string) (stop, abort context.Context, first func() os.Signal, release func()) {
	stop, stopCancel := context.WithCancel(context.Background())
	abort, abortCancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	watchers.mu.Lock()
	watchers.m[ch] = true
	watchers.mu.Unlock()
	done := make(chan struct{})
	var mu sync.Mutex
	var firstSig os.Signal
	go func() {
		n := 0
		for {
			select {
			case s := <-ch:
				n++
				if n == 1 {
					mu.Lock()
					firstSig = s
					mu.Unlock()
					fmt.Fprintf(log, "palmc: %v: %s (again to stop at once)\n", s, what)
					stopCancel()
				} else {
					fmt.Fprintf(log, "palmc: %v again: stopping at once\n", s)
					abortCancel()
				}
			case <-done:
				return
			}
		}
	}()
	first = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return firstSig
	}
	return stop, abort, first, func() {
		watchers.mu.Lock()
		delete(watchers.m, ch)
		watchers.mu.Unlock()
		close(done)
		stopCancel()
		abortCancel()
	}
}
