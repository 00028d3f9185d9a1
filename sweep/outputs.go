package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"palmc/params"
	"palmc/runfolder"
)

// A cell's outputs must be its own: made from its params, with the sweep's
// options. A cell folder holding another cell's results (copied by hand)
// or a run of its params by hand with other options (palmc run without
// the sweep's --compare BP) is a fault of a folder edited by hand: the
// cell is Changed, and gather leaves its numbers out.

// runParamsDigest returns the SHA-256 of params as a run records them
// (params.Params.MarshalJSON, or summary.json's "params", which the
// summary's indentation and escaping change): compacted, with <, > and &
// escaped as encoding/json escapes them.
func runParamsDigest(raw []byte) string {
	var c, e bytes.Buffer
	if json.Compact(&c, raw) != nil {
		return ""
	}
	json.HTMLEscape(&e, c.Bytes())
	return digest(e.Bytes())
}

// foreignOutputs says how the run recorded in a cell's summary.json is not
// the cell's own — other options, other params — or "" when it is.
func (s *Sweep) foreignOutputs(c IndexCell, sum *runfolder.Summary) string {
	o := sum.Options
	want := s.Flags
	var diff []string
	if o.Task != s.Index.Task {
		diff = append(diff, fmt.Sprintf("task %s, not %s", o.Task, s.Index.Task))
	}
	if o.Compare != want.Compare {
		diff = append(diff, fmt.Sprintf("--compare BP %s, the sweep's %s", onOff(o.Compare), onOff(want.Compare)))
	}
	if o.SharedInput != want.SharedInput {
		diff = append(diff, fmt.Sprintf("--shared-input %s, the sweep's %s", onOff(o.SharedInput), onOff(want.SharedInput)))
	}
	if keys := s.paramsOfRun(c, sum.Params); keys != "" {
		diff = append(diff, keys)
	}
	if len(diff) == 0 {
		return ""
	}
	return fmt.Sprintf("its results are not this cell's (%s): made by hand or copied from elsewhere; move its %s, %s, %s and %s away, and palmc sweep run runs it",
		strings.Join(diff, "; "), runfolder.ResultsFile, runfolder.ModelFile, runfolder.SummaryFile, runfolder.PlotsDir)
}

// paramsOfRun says how the params a run recorded differ from the cell's,
// or "" when they are the same.
func (s *Sweep) paramsOfRun(c IndexCell, recorded json.RawMessage) string {
	got := runParamsDigest(recorded)
	if c.RunParamsSHA256 != "" && got == c.RunParamsSHA256 {
		return ""
	}
	text, err := params.ReadFile(filepath.Join(s.CellDir(c), runfolder.ParamsFile))
	if err != nil {
		return ""
	}
	want, _, err := params.Parse(text, s.Index.Task)
	if err != nil {
		return ""
	}
	canon, _ := want.MarshalJSON()
	if got == runParamsDigest(canon) {
		return ""
	}
	ran, _, err := params.Parse(recorded, s.Index.Task)
	if err != nil {
		return "params that do not parse"
	}
	if keys := differingKeys(ran, want); len(keys) > 0 {
		return "other params: " + strings.Join(keys, ", ")
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
