package sweep

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteStatus writes a table of the cells — number, variant, grid values,
// seed, state, wall time, the Slurm job that ran it last, a note — and a
// line that counts the cells per state.
func (s *Sweep) WriteStatus(w io.Writer) error {
	sts, extra := s.Statuses()
	ix := s.Index
	slurm := false
	for _, st := range sts {
		slurm = slurm || st.Slurm != ""
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	head := []string{"cell"}
	if len(ix.Variants) > 0 {
		head = append(head, "variant")
	}
	head = append(head, ix.Axes...)
	head = append(head, "seed", "state", "wall")
	if slurm {
		head = append(head, "slurm job")
	}
	head = append(head, "note")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	count := map[State]int{}
	for _, st := range sts {
		c := st.Cell
		count[st.State]++
		row := []string{fmt.Sprint(c.Index)}
		if len(ix.Variants) > 0 {
			row = append(row, c.Variant)
		}
		for _, v := range c.Values {
			row = append(row, string(v))
		}
		wall := ""
		if st.Seconds > 0 {
			wall = formatSeconds(st.Seconds)
		}
		row = append(row, fmt.Sprint(c.Seed), string(st.State), wall)
		if slurm {
			row = append(row, st.Slurm)
		}
		row = append(row, firstLine(st.Note))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, state := range []State{Done, Running, Interrupted, Failed, Pending, Missing, Changed} {
		if n := count[state]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, state))
		}
	}
	fmt.Fprintf(w, "%d cells: %s\n", len(sts), strings.Join(parts, ", "))
	for _, e := range extra {
		fmt.Fprintf(w, "%s is no cell of this sweep (not in %s); palmc leaves it alone\n", e, IndexFile)
	}
	if count[Missing]+count[Changed] > 0 {
		fmt.Fprintf(w, "cells missing or changed by hand do not run: restore them, or remove their folders and write them again with palmc sweep init %s/%s %s\n", s.Dir, SweepFile, s.Dir)
	}
	return nil
}

// formatSeconds writes a wall time: 12.3s, 4m05s, 2h10m.
func formatSeconds(sec float64) string {
	d := time.Duration(sec * float64(time.Second))
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", sec)
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}
