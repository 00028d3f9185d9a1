package main

import (
	"errors"
	"io"
	"sync"
	"syscall"
	"time"
)

// stream passes what palmc writes to its standard error on to it from a
// goroutine of its own, so that a terminal that is not read (a paused
// pager, Ctrl-S, a stalled pipe) never stalls the simulation: when its
// buffer is full, progress output is dropped. A closed or broken stream
// (a hung-up terminal, a closed pipe) is ignored.
type stream struct {
	w       io.Writer
	mu      sync.Mutex
	buf     [][]byte
	size    int
	dropped int
	wake    chan struct{}
	idle    *sync.Cond
	busy    bool
	broken  bool
}

// streamLimit is the most a stream holds before it drops output.
const streamLimit = 1 << 20

func newStream(w io.Writer) *stream {
	s := &stream{w: w, wake: make(chan struct{}, 1)}
	s.idle = sync.NewCond(&s.mu)
	go s.drain()
	return s
}

// Write queues p; it never blocks for long and never fails.
func (s *stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	if s.broken {
		s.mu.Unlock()
		return len(p), nil
	}
	if s.size+len(p) > streamLimit {
		s.dropped++
		s.mu.Unlock()
		return len(p), nil
	}
	s.buf = append(s.buf, append([]byte(nil), p...))
	s.size += len(p)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *stream) drain() {
	for range s.wake {
		for {
			s.mu.Lock()
			if len(s.buf) == 0 || s.broken {
				s.buf, s.size, s.busy = nil, 0, false
				s.idle.Broadcast()
				s.mu.Unlock()
				break
			}
			b := s.buf[0]
			s.buf = s.buf[1:]
			s.size -= len(b)
			s.busy = true
			s.mu.Unlock()
			if _, err := s.w.Write(b); err != nil {
				s.mu.Lock()
				s.broken = true
				s.mu.Unlock()
			}
		}
	}
}

// flush waits until everything queued is written, at most for timeout.
func (s *stream) flush(timeout time.Duration) {
	done := make(chan struct{})
	go func() {
		s.mu.Lock()
		for (len(s.buf) > 0 || s.busy) && !s.broken {
			s.idle.Wait()
		}
		s.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

// output passes what a command prints on to w (palmc's standard output).
// Once w reports a broken pipe — its reader is gone, as in palmc … | head —
// what follows is dropped and the command goes on: it may have more to do
// than print, and what it printed is what the reader wanted. Other errors
// (a full disk under a redirection) are returned.
type output struct {
	w      io.Writer
	mu     sync.Mutex
	broken bool
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.broken {
		return len(p), nil
	}
	n, err := o.w.Write(p)
	if errors.Is(err, syscall.EPIPE) {
		o.broken = true
		return len(p), nil
	}
	return n, err
}
