package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"

	"palmc/experiment"
)

// jsonProgress writes one JSON object per line for programs that show
// palmc's progress themselves (palmc run --progress-json):
//
//	{"progress": {"name": "seed123", "epoch": 3, "epochs": 50, "step": 31000, "steps": 52000, "done": false}}
//
// at most every 0.2 s per network, and always a network's first and last
// report.
type jsonProgress struct {
	mu    sync.Mutex
	w     io.Writer
	every time.Duration
	last  map[string]time.Time
}

func newJSONProgress(w io.Writer) *jsonProgress {
	return &jsonProgress{w: w, every: 200 * time.Millisecond, last: map[string]time.Time{}}
}

type progressLine struct {
	Name   string `json:"name"`
	Epoch  int    `json:"epoch"`
	Epochs int    `json:"epochs"`
	Step   int    `json:"step"`
	Steps  int    `json:"steps"`
	Done   bool   `json:"done"`
}

func (j *jsonProgress) update(p experiment.Progress) {
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	if t, ok := j.last[p.Name]; ok && !p.Done && now.Sub(t) < j.every {
		return
	}
	j.last[p.Name] = now
	b, err := json.Marshal(map[string]progressLine{"progress": {p.Name, p.Epoch, p.Epochs, p.Step, p.Steps, p.Done}})
	if err != nil {
		return
	}
	j.w.Write(append(b, '\n'))
}

func (j *jsonProgress) wait() {}
