package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"

	"palmc/inputfile"
	"palmc/runfolder"
	"palmc/store"
)

// The Slurm backend: palmc sweep slurm writes two batch scripts into
// DIR/slurm — array.sbatch, a job array whose task t runs the cells of
// block t with palmc sweep cell, and gather.sbatch, which runs palmc sweep
// gather — and, with Submit, submits them, the gather job depending on the
// array (afterok). The array asks Slurm for SIGUSR1 a while before its time
// limit (--signal=B:USR1@…, to the batch shell, which is palmc itself: the
// script execs it); palmc then saves the running cell's checkpoint and
// requeues the task (--requeue, scontrol requeue), which resumes it.
// Submitting again submits only the blocks with cells not done, leaving
// out those that run or that an earlier array still has queued.

// The files of DIR/slurm.
const (
	ArrayScript  = "array.sbatch"
	GatherScript = "gather.sbatch"
	logsDir      = "logs"
	jobsFile     = "jobs.json"
)

// DefaultSignalBefore is how long before the time limit the array's tasks
// are warned.
const DefaultSignalBefore = 5 * time.Minute

// SlurmOptions are the options of palmc sweep slurm.
type SlurmOptions struct {
	// Partition, Time ([D-]HH:MM:SS), Mem (e.g. 4G) and CPUsPerTask go to
	// the #SBATCH lines of both scripts ("" or 0: Slurm's defaults; one
	// CPU per task by default).
	Partition, Time, Mem string
	CPUsPerTask          int
	// MaxParallel bounds the array's tasks that run at once (0: no bound).
	MaxParallel int
	// SbatchArgs are extra #SBATCH lines, e.g. --account=X.
	SbatchArgs []string
	// Block is the number of cells per array task (0: 1).
	Block int
	// Palmc is the palmc binary the scripts run, an absolute path.
	Palmc string
	// SignalBefore is how long before the time limit SIGUSR1 comes (0:
	// DefaultSignalBefore, at most a quarter of Time).
	SignalBefore time.Duration
	// Submit submits the scripts with sbatch.
	Submit bool
}

// SlurmReport says what palmc sweep slurm wrote and submitted.
type SlurmReport struct {
	// Array and Gather are the scripts' paths.
	Array, Gather string
	// Tasks are the array's task ids; Cells the cells they run.
	Tasks []int
	Cells int
	// Left lists the blocks left out: cells running, or queued by an
	// earlier array.
	Left []string
	// Failed lists the cells that failed before, which run again.
	Failed []string
	// ArrayJob and GatherJob are the submitted jobs' ids.
	ArrayJob, GatherJob string
}

// submission is one entry of DIR/slurm/jobs.json.
type submission struct {
	Array     string    `json:"array"`
	Gather    string    `json:"gather"`
	Tasks     []int     `json:"tasks"`
	Block     int       `json:"block"`
	Submitted time.Time `json:"submitted"`
}

// slurmTime matches Slurm's time formats: M, M:S, H:M:S, D-H, D-H:M,
// D-H:M:S.
var slurmTime = regexp.MustCompile(`^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$`)

// parseSlurmTime reads a Slurm time limit.
func parseSlurmTime(s string) (time.Duration, error) {
	m := slurmTime.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%q is not a Slurm time (HH:MM:SS, D-HH:MM:SS or minutes)", s)
	}
	n := func(i int) time.Duration {
		v, _ := strconv.Atoi(m[i])
		return time.Duration(v)
	}
	switch {
	case m[1] != "": // D-H[:M[:S]]
		return n(1)*24*time.Hour + n(2)*time.Hour + n(3)*time.Minute + n(4)*time.Second, nil
	case m[4] != "": // H:M:S
		return n(2)*time.Hour + n(3)*time.Minute + n(4)*time.Second, nil
	case m[3] != "": // M:S
		return n(2)*time.Minute + n(3)*time.Second, nil
	}
	return n(2) * time.Minute, nil
}

// Slurm writes the batch scripts of the sweep's cells that are not done
// and, with o.Submit, submits them. Without Slurm's commands on this
// machine, Submit fails after the scripts are written.
func (s *Sweep) Slurm(o SlurmOptions) (*SlurmReport, error) {
	block := max(o.Block, 1)
	if !filepath.IsAbs(o.Palmc) {
		return nil, refusef("slurm: the palmc binary %q must be an absolute path", o.Palmc)
	}
	if fi, err := os.Stat(o.Palmc); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return nil, refusef("slurm: %s is not an executable palmc binary", o.Palmc)
	}
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, err
	}
	for _, p := range []string{dir, o.Palmc} {
		if strings.ContainsAny(p, " \t\n'\"\\$`") {
			return nil, refusef("slurm: %q: a path with blanks, quotes or $ cannot go into #SBATCH lines; move it", p)
		}
	}
	signal := o.SignalBefore
	if o.Time != "" {
		limit, err := parseSlurmTime(o.Time)
		if err != nil {
			return nil, refusef("slurm: --time: %v", err)
		}
		switch {
		case signal == 0:
			signal = min(DefaultSignalBefore, limit/4)
		case signal >= limit:
			return nil, refusef("slurm: --signal-before %s: must be shorter than --time %s", signal, o.Time)
		}
	}
	if signal == 0 {
		signal = DefaultSignalBefore
	}
	sigSec := max(int(signal.Seconds()), 1)
	if err := notLockedAlone(s.Dir); err != nil {
		return nil, err
	}
	sts, _ := s.Statuses()
	var faults []string
	for _, st := range sts {
		if st.State == Missing || st.State == Changed {
			faults = append(faults, fmt.Sprintf("  %s: %s", st.Cell.Dir, st.Note))
		}
	}
	if len(faults) > 0 {
		return nil, refusef("sweep %s was edited by hand; these cells cannot run:\n%s\nrestore them, or remove their folders and write them again with: palmc sweep init %s/%s %s",
			s.Dir, strings.Join(faults, "\n"), s.Dir, SweepFile, s.Dir)
	}
	queued := s.queuedTasks(block)
	rep := &SlurmReport{}
	tasks := map[int]bool{}
	busy := map[int]string{}
	for _, st := range sts {
		t := st.Cell.Index / block
		switch {
		case st.State == Running:
			busy[t] = fmt.Sprintf("%s is running", st.Cell.Dir)
		case queued[t] != "":
			busy[t] = fmt.Sprintf("task %d is queued in job %s", t, queued[t])
		case st.State != Done:
			tasks[t] = true
			if st.State == Failed {
				rep.Failed = append(rep.Failed, fmt.Sprintf("%s: %s", st.Cell.Dir, firstLine(st.Note)))
			}
		}
	}
	for _, why := range busy {
		rep.Left = append(rep.Left, why)
	}
	for t := range tasks {
		if _, ok := busy[t]; ok {
			continue
		}
		rep.Tasks = append(rep.Tasks, t)
		rep.Cells += min(block, len(sts)-t*block)
	}
	slices.Sort(rep.Tasks)
	slices.Sort(rep.Left)
	sd := filepath.Join(s.Dir, SlurmDir)
	if err := os.MkdirAll(filepath.Join(sd, logsDir), store.DirMode); err != nil {
		return nil, err
	}
	name := "palmc-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, filepath.Base(dir))
	var common []string
	if o.Partition != "" {
		common = append(common, "--partition="+o.Partition)
	}
	if o.Time != "" {
		common = append(common, "--time="+o.Time)
	}
	if o.Mem != "" {
		common = append(common, "--mem="+o.Mem)
	}
	common = append(common, fmt.Sprintf("--cpus-per-task=%d", max(o.CPUsPerTask, 1)))
	for _, a := range o.SbatchArgs {
		if strings.ContainsAny(a, "\n\r") {
			return nil, refusef("slurm: --sbatch-arg %q: one argument per line", a)
		}
		common = append(common, a)
	}
	array, allDone := arrayRange(rep.Tasks), false
	if array == "" {
		array, allDone = fmt.Sprintf("0-%d", (len(sts)-1)/block), true
	}
	if o.MaxParallel > 0 {
		array += "%" + strconv.Itoa(o.MaxParallel)
	}
	data := scriptData{Dir: dir, Palmc: o.Palmc, Name: name, Array: array, Block: block, Signal: sigSec,
		Common: common, Cells: len(sts), AllDone: allDone, Task: string(s.Index.Task), Logs: filepath.Join(dir, SlurmDir, logsDir),
		Made: time.Now().Format("2006-01-02 15:04:05"), Build: runfolder.BuildInfo().String()}
	rep.Array, rep.Gather = filepath.Join(sd, ArrayScript), filepath.Join(sd, GatherScript)
	for _, sc := range []struct {
		path string
		t    *template.Template
	}{{rep.Array, arrayTemplate}, {rep.Gather, gatherTemplate}} {
		var b bytes.Buffer
		if err := sc.t.Execute(&b, data); err != nil {
			return nil, err
		}
		if err := writeFile(sc.path, b.Bytes()); err != nil {
			return nil, err
		}
		os.Chmod(sc.path, store.FileMode|(store.FileMode&0o444)>>2)
	}
	if !o.Submit {
		return rep, nil
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		return rep, fmt.Errorf("no Slurm here: sbatch is not on this machine's PATH; the scripts are written (%s, %s): submit them where Slurm runs, with sbatch %s and then sbatch --dependency=afterok:<array job id> %s",
			rep.Array, rep.Gather, rep.Array, rep.Gather)
	}
	if len(rep.Tasks) > 0 {
		if rep.ArrayJob, err = sbatch(rep.Array); err != nil {
			return rep, err
		}
		if rep.GatherJob, err = sbatch("--dependency=afterok:"+rep.ArrayJob, rep.Gather); err != nil {
			return rep, fmt.Errorf("the array is submitted (job %s), but not the gather job: %w", rep.ArrayJob, err)
		}
	} else if len(tasks) == 0 && len(busy) == 0 {
		// Every cell is done: gather once more.
		if rep.GatherJob, err = sbatch(rep.Gather); err != nil {
			return rep, err
		}
	} else {
		return rep, nil
	}
	subs := readJobs(sd)
	subs = append(subs, submission{Array: rep.ArrayJob, Gather: rep.GatherJob, Tasks: rep.Tasks, Block: block, Submitted: time.Now().UTC().Round(time.Second)})
	return rep, writeJSON(filepath.Join(sd, jobsFile), subs)
}

// sbatch submits a script and returns the job id.
func sbatch(args ...string) (string, error) {
	cmd := exec.Command("sbatch", append([]string{"--parsable"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(string(out)), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return "", fmt.Errorf("sbatch %s: unexpected answer %q", strings.Join(args, " "), out)
	}
	return id, nil
}

// readJobs reads the submissions recorded in DIR/slurm/jobs.json.
func readJobs(sd string) []submission {
	var subs []submission
	if b, err := inputfile.Read(filepath.Join(sd, jobsFile), maxSmallFile); err == nil {
		json.Unmarshal(b, &subs)
	}
	return subs
}

// queuedTasks asks Slurm which tasks of earlier arrays of this sweep are
// still pending or running (with the current block size), and in which
// job. Without squeue, or when Slurm no longer knows a job, it knows none.
func (s *Sweep) queuedTasks(block int) map[int]string {
	out := map[int]string{}
	for _, sub := range readJobs(filepath.Join(s.Dir, SlurmDir)) {
		if sub.Array == "" {
			continue
		}
		b, err := exec.Command("squeue", "-h", "-r", "-j", sub.Array, "-o", "%i %T").Output()
		if err != nil {
			continue
		}
		for line := range strings.Lines(string(b)) {
			f := strings.Fields(line)
			if len(f) < 2 {
				continue
			}
			_, task, ok := strings.Cut(f[0], "_")
			t, err := strconv.Atoi(task)
			if !ok || err != nil {
				continue
			}
			// Map the old task's cells onto the current blocks.
			for c := t * max(sub.Block, 1); c < (t+1)*max(sub.Block, 1); c++ {
				out[c/block] = f[0] + " " + strings.ToLower(f[1])
			}
		}
	}
	return out
}

// arrayRange writes task ids as Slurm's --array list: 0-9,12,15-20.
func arrayRange(ids []int) string {
	var parts []string
	for i := 0; i < len(ids); {
		j := i
		for j+1 < len(ids) && ids[j+1] == ids[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ids[i], ids[j]))
		} else {
			parts = append(parts, strconv.Itoa(ids[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// scriptData fills the scripts' templates.
type scriptData struct {
	Dir, Palmc, Name, Array, Task, Logs, Made, Build string
	Block, Signal, Cells                             int
	AllDone                                          bool
	Common                                           []string
}

var arrayTemplate = template.Must(template.New("array").Parse(`#!/bin/bash
# A Slurm job array for the palmc sweep in {{.Dir}}
# ({{.Cells}} cells, task {{.Task}}), written by palmc sweep slurm on {{.Made}} by
# {{.Build}}.
#
# {{if eq .Block 1}}Task T runs cell T{{else}}Task T runs cells T*{{.Block}} to T*{{.Block}}+{{.Block}}-1{{end}} with palmc sweep cell: a cell that is done
# is skipped, one with a checkpoint is resumed.{{if .AllDone}} (Every cell was done when
# this was written: the tasks would skip them.){{end}}
#
# {{.Signal}} s before the time limit Slurm sends SIGUSR1 to palmc (it is the batch
# shell: the script execs it), which saves the running cell's checkpoint and
# requeues the task; it then resumes where it stopped. scancel --batch
# --signal=USR1 JOB_TASK does the same by hand; plain scancel saves the
# checkpoint and ends the task. Logs: {{.Logs}}/task-<T>.log.
#
# Submit with palmc sweep slurm {{.Dir}} --submit (it submits the gather
# job too, and again only the cells not done), or by hand:
#   sbatch {{.Dir}}/slurm/array.sbatch
#   sbatch --dependency=afterok:<array job id> {{.Dir}}/slurm/gather.sbatch
#SBATCH --job-name={{.Name}}
#SBATCH --array={{.Array}}
#SBATCH --output={{.Logs}}/task-%a.log
#SBATCH --open-mode=append
#SBATCH --requeue
#SBATCH --signal=B:USR1@{{.Signal}}
{{range .Common}}#SBATCH {{.}}
{{end}}
exec {{.Palmc}} sweep cell {{.Dir}} "$SLURM_ARRAY_TASK_ID" --block {{.Block}} --requeue
`))

var gatherTemplate = template.Must(template.New("gather").Parse(`#!/bin/bash
# Gathers the results of the palmc sweep in {{.Dir}} into sweep.csv,
# summary.json and plots/ once its array is done; written by palmc sweep
# slurm on {{.Made}} by
# {{.Build}}.
# Submitted with
# --dependency=afterok:<array job id>: if a cell fails, Slurm does not run
# it (palmc sweep status {{.Dir}} shows why; palmc sweep gather {{.Dir}}
# gathers what is done).
#SBATCH --job-name={{.Name}}-gather
#SBATCH --output={{.Logs}}/gather.log
#SBATCH --open-mode=append
{{range .Common}}#SBATCH {{.}}
{{end}}
exec {{.Palmc}} sweep gather {{.Dir}}
`))
