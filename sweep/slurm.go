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
// array having ended (afterany: a task whose cell failed, or whose network
// diverged, ends with exit code 1, and its cells are gathered all the same;
// a requeued task has not ended). The array asks Slurm for SIGUSR1 a while before its time
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
	// Warnings are things about the scripts to know before submitting.
	Warnings []string
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
	for _, f := range m[1:] {
		// Slurm's longest limit is a year or so; this bounds the sums below.
		if len(f) > 6 {
			return 0, fmt.Errorf("%q is not a Slurm time: %s is too large", s, f)
		}
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
		if strings.ContainsFunc(p, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\\' }) {
			return nil, refusef("slurm: %q: a path with a backslash or a control character (a line break, a tab) cannot go into a Slurm script; rename it", p)
		}
	}
	if strings.Contains(strings.ToLower(dir), "packjob") {
		return nil, refusef("slurm: %q: sbatch removes the word \"packjob\" from #SBATCH lines, and the log files' path would lose it; rename the folder", dir)
	}
	if err := o.check(); err != nil {
		return nil, err
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
	common = append(common, o.SbatchArgs...)
	if err := s.checkSlurmMemory(o.Mem); err != nil {
		return nil, err
	}
	if last := (len(sts) - 1) / block; last >= defaultMaxArraySize {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("the array's task ids go up to %d; Slurm's default MaxArraySize (%d) allows ids below %d only, and sbatch refuses a larger array unless the cluster raised it (scontrol show config | grep MaxArraySize): with --block %d the ids end at %d",
			last, defaultMaxArraySize, defaultMaxArraySize, (len(sts)+defaultMaxArraySize-1)/defaultMaxArraySize, (len(sts)-1)/((len(sts)+defaultMaxArraySize-1)/defaultMaxArraySize)))
	}
	array, allDone := arrayRange(rep.Tasks), false
	if array == "" {
		array, allDone = fmt.Sprintf("0-%d", (len(sts)-1)/block), true
	}
	if o.MaxParallel > 0 {
		array += "%" + strconv.Itoa(o.MaxParallel)
	}
	var lines []string
	for _, c := range common {
		lines = append(lines, sbatchWord(c))
	}
	logs := filepath.Join(dir, SlurmDir, logsDir)
	data := scriptData{Dir: dir, Palmc: o.Palmc, Name: name, Array: array, Block: block, Signal: sigSec,
		Common: lines, Cells: len(sts), AllDone: allDone, Task: string(s.Index.Task), Logs: logs,
		ArrayOutput: sbatchWord("--output=" + slurmPattern(logs) + "/task-%a.log"), GatherOutput: sbatchWord("--output=" + slurmPattern(logs) + "/gather.log"),
		Run:    shellWords(o.Palmc, "sweep", "cell", dir) + ` "$SLURM_ARRAY_TASK_ID" --block ` + strconv.Itoa(block) + " --requeue",
		Gather: shellWords(o.Palmc, "sweep", "gather", dir),
		QDir:   shellWord(dir), QArray: shellWord(filepath.Join(dir, SlurmDir, ArrayScript)), QGather: shellWord(filepath.Join(dir, SlurmDir, GatherScript)),
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
		return rep, fmt.Errorf("no Slurm here: sbatch is not on this machine's PATH; the scripts are written (%s, %s): submit them where Slurm runs, with sbatch %s and then sbatch --dependency=afterany:<array job id> %s",
			rep.Array, rep.Gather, rep.Array, rep.Gather)
	}
	if len(rep.Tasks) > 0 {
		if rep.ArrayJob, err = sbatch(rep.Array); err != nil {
			return rep, err
		}
		if rep.GatherJob, err = sbatch("--dependency=afterany:"+rep.ArrayJob, rep.Gather); err != nil {
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
			b, n := max(sub.Block, 1), len(s.Index.Cells)
			if t < 0 || n == 0 || t > (n-1)/b {
				continue
			}
			for c := t * b; c < t*b+min(b, n-t*b); c++ {
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

// scriptData fills the scripts' templates. Dir, Palmc and Logs are for
// the comments; ArrayOutput, GatherOutput and Common are #SBATCH options
// as sbatch reads them, Run and Gather shell command lines, QDir, QArray
// and QGather paths for the shell, all quoted.
type scriptData struct {
	Dir, Palmc, Name, Array, Task, Logs, Made, Build string
	ArrayOutput, GatherOutput, Run, Gather           string
	QDir, QArray, QGather                            string
	Block, Signal, Cells                             int
	AllDone                                          bool
	Common                                           []string
}

// defaultMaxArraySize is Slurm's default MaxArraySize: array task ids
// below it are allowed.
const defaultMaxArraySize = 1001

// check checks the options that go into the scripts as they are, which
// sbatch would otherwise take for something else or refuse only once
// submitted.
func (o SlurmOptions) check() error {
	var errs []string
	if o.Partition != "" && !slurmNames.MatchString(o.Partition) {
		errs = append(errs, fmt.Sprintf("--partition %q: a partition's name, or names separated by commas (letters, digits and . _ + -)", o.Partition))
	}
	if o.Mem != "" && !slurmMem.MatchString(o.Mem) {
		errs = append(errs, fmt.Sprintf("--mem %q: a size such as 4G, 500M or 4096 (MiB): digits and one of K, M, G, T", o.Mem))
	}
	if o.CPUsPerTask < 0 {
		errs = append(errs, fmt.Sprintf("--cpus-per-task %d: at least 1", o.CPUsPerTask))
	}
	if o.SignalBefore < 0 {
		errs = append(errs, fmt.Sprintf("--signal-before %s: must not be negative", o.SignalBefore))
	}
	for _, a := range o.SbatchArgs {
		switch {
		case !strings.HasPrefix(a, "-"):
			errs = append(errs, fmt.Sprintf("--sbatch-arg %q: an sbatch option, such as --account=lab", a))
		case strings.ContainsFunc(a, func(r rune) bool { return r < ' ' || r == 0x7f }):
			errs = append(errs, fmt.Sprintf("--sbatch-arg %q: one option without line breaks or control characters", a))
		case strings.Contains(strings.ToLower(a), "packjob"):
			errs = append(errs, fmt.Sprintf("--sbatch-arg %q: sbatch removes the word \"packjob\" from #SBATCH lines", a))
		}
	}
	if len(errs) > 0 {
		return refusef("slurm: %s", strings.Join(errs, "; "))
	}
	return nil
}

// slurmNames matches a partition name, or a list of them; slurmMem a
// memory size of sbatch --mem.
var (
	slurmNames = regexp.MustCompile(`^[A-Za-z0-9_.+-]+(,[A-Za-z0-9_.+-]+)*$`)
	slurmMem   = regexp.MustCompile(`^[0-9]+[KMGTkmgt]?$`)
)

// checkSlurmMemory refuses a --mem smaller than what a cell needs (as
// palmc run estimates it): the cell would be refused, or killed, in its
// job. --mem 0 (a node's whole memory) and cells whose flags turn the
// check off (--max-memory) are not checked.
func (s *Sweep) checkSlurmMemory(mem string) error {
	ro := s.Flags.RunOptions(s.Index.Task)
	if mem == "" || ro.MaxMemory != 0 {
		return nil
	}
	b, err := runfolder.ParseBytes(mem)
	if err != nil || b == 0 {
		return nil
	}
	limit := float64(b)
	if !strings.ContainsAny(mem, "KMGTkmgt") {
		limit *= 1 << 20 // sbatch --mem counts MiB by default
	}
	need, worst := 0.0, ""
	seen := map[string]bool{}
	for _, c := range s.Index.Cells {
		// The seed does not change the memory a cell needs.
		k := pointKey(c)
		if seen[k] {
			continue
		}
		seen[k] = true
		if n, err := s.cellNeed(c, ro); err == nil && n > need {
			need, worst = n, c.Dir
		}
	}
	if need > limit {
		return refusef("slurm: --mem %s: %s needs about %s, more than that (palmc run refuses a run that does not fit in its job's memory): ask for more", mem, worst, runfolder.FormatBytes(need))
	}
	return nil
}

// shellWord quotes s for a POSIX shell, leaving words of plain characters
// as they are.
func shellWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !plainRune(r) }) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWords quotes each word and joins them.
func shellWords(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = shellWord(w)
	}
	return strings.Join(out, " ")
}

// sbatchWord quotes s as one argument of an #SBATCH line, as sbatch reads
// it: in double quotes, with \ before " and \, when it holds anything but
// plain characters (blanks, quotes, # and \ are special to sbatch).
func sbatchWord(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool { return !plainRune(r) }) {
		return s
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// plainRune reports characters that neither a shell nor sbatch treats
// specially.
func plainRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_./:=@%+,-", r)
}

// slurmPattern writes a path for a Slurm file name pattern (--output), in
// which % introduces a replacement: a % of the path is written %%.
func slurmPattern(path string) string { return strings.ReplaceAll(path, "%", "%%") }

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
# Submit with palmc sweep slurm {{.QDir}} --submit (it submits the gather
# job too, and again only the cells not done), or by hand:
#   sbatch {{.QArray}}
#   sbatch --dependency=afterany:<array job id> {{.QGather}}
#SBATCH --job-name={{.Name}}
#SBATCH --array={{.Array}}
#SBATCH {{.ArrayOutput}}
#SBATCH --open-mode=append
#SBATCH --requeue
#SBATCH --signal=B:USR1@{{.Signal}}
{{range .Common}}#SBATCH {{.}}
{{end}}
exec {{.Run}}
`))

var gatherTemplate = template.Must(template.New("gather").Parse(`#!/bin/bash
# Gathers the results of the palmc sweep in {{.Dir}} into sweep.csv,
# summary.json and plots/ once its array is done; written by palmc sweep
# slurm on {{.Made}} by
# {{.Build}}.
# Submitted with
# --dependency=afterany:<array job id>: it runs when every task of the array
# has ended, whatever their exit codes (a task whose cell failed or whose
# network diverged ends with 1); palmc sweep status {{.QDir}} shows why.
#SBATCH --job-name={{.Name}}-gather
#SBATCH {{.GatherOutput}}
#SBATCH --open-mode=append
{{range .Common}}#SBATCH {{.}}
{{end}}
exec {{.Gather}}
`))
