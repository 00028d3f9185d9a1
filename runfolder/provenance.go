package runfolder

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"palmc/rng"
)

// Build describes the palmc binary that made a run.
type Build struct {
	// Version is the module version: a release tag for `go install
	// palmc@version`, "(devel)" for a build from a checkout.
	Version string `json:"version"`
	// Revision, RevisionTime and Modified come from the version control
	// system of a checkout (go build stamps them; go run and go test do
	// not): the commit and whether the work tree had changes.
	Revision     string `json:"revision,omitempty"`
	RevisionTime string `json:"revision_time,omitempty"`
	Modified     bool   `json:"modified,omitempty"`
	// Go is the toolchain that built palmc.
	Go string `json:"go"`
	// Cgo reports a build with cgo: normal draws then use the C library's
	// logarithm, as numpy does (see rng.CLog).
	Cgo bool `json:"cgo"`
}

// BuildInfo returns what the binary knows of its own build.
func BuildInfo() Build {
	b := Build{Version: "(unknown)", Go: runtime.Version(), Cgo: rng.CLog}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Version = info.Main.Version
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.time":
			b.RevisionTime = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String gives the build on one line, as `palmc --version` prints it.
func (b Build) String() string {
	s := "palmc " + b.Version
	if b.Revision != "" {
		s += " revision " + b.Revision
		if b.RevisionTime != "" {
			s += " (" + b.RevisionTime + ")"
		}
		if b.Modified {
			s += " with local changes"
		}
	} else {
		s += " revision unknown"
	}
	cgo := "cgo on: numpy-identical normal draws"
	if !b.Cgo {
		cgo = "cgo off: normal draws may differ from numpy's in the last bit"
	}
	return fmt.Sprintf("%s, %s, %s/%s, %s", s, b.Go, runtime.GOOS, runtime.GOARCH, cgo)
}

// Segment is one stretch of a run by one palmc process: the first, and
// one per resume.
type Segment struct {
	Command  []string  `json:"command"`
	Host     string    `json:"host"`
	Build    Build     `json:"palmc"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// SimulationSeconds is the time this process simulated.
	SimulationSeconds float64 `json:"simulation_seconds"`
}

// Provenance says where a run came from.
type Provenance struct {
	// RunID names the run; every output of the run carries it.
	RunID string `json:"run_id"`
	// Segments are the processes that made the run, in order.
	Segments []Segment `json:"segments"`
}

// newProvenance starts the provenance of a new run.
func newProvenance(command []string) Provenance {
	var b [8]byte
	rand.Read(b[:])
	id := time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
	return Provenance{RunID: id, Segments: []Segment{newSegment(command)}}
}

func newSegment(command []string) Segment {
	host, _ := os.Hostname()
	return Segment{Command: command, Host: host, Build: BuildInfo(), Started: time.Now().UTC().Round(time.Millisecond)}
}

// last returns the segment under way.
func (p *Provenance) last() *Segment { return &p.Segments[len(p.Segments)-1] }

// CommandLine joins a command for messages, quoting what a shell would
// split.
func CommandLine(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
