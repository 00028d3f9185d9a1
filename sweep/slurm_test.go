package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestArrayRange(t *testing.T) {
	for _, c := range []struct {
		ids  []int
		want string
	}{{nil, ""}, {[]int{3}, "3"}, {[]int{0, 1, 2, 5, 7, 8}, "0-2,5,7-8"}} {
		if got := arrayRange(c.ids); got != c.want {
			t.Errorf("%v: %q, want %q", c.ids, got, c.want)
		}
	}
}

func TestParseSlurmTime(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30": 30 * time.Minute, "02:00:00": 2 * time.Hour, "5:30": 5*time.Minute + 30*time.Second,
		"1-00": 24 * time.Hour, "1-02:03:04": 26*time.Hour + 3*time.Minute + 4*time.Second,
	} {
		if got, err := parseSlurmTime(in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2h", "1:2:3:4", "-1", "99999999999999999999", "1-99999999999999"} {
		if _, err := parseSlurmTime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// fakeSlurm puts an sbatch and a squeue on PATH that record their
// arguments in log and answer job ids 100, 101, …
func fakeSlurm(t *testing.T) (log string) {
	t.Helper()
	bin := t.TempDir()
	log = filepath.Join(bin, "calls")
	sbatch := `#!/bin/sh
echo "sbatch $*" >> ` + log + `
n=$(wc -l < ` + log + `)
echo "$((99 + n));cluster"
`
	os.WriteFile(filepath.Join(bin, "sbatch"), []byte(sbatch), 0o755)
	// squeue answers what the file "queued" beside the log holds.
	squeue := "#!/bin/sh\necho \"squeue $*\" >> " + log + "\ncat " + filepath.Join(bin, "queued") + " 2>/dev/null\n"
	os.WriteFile(filepath.Join(bin, "squeue"), []byte(squeue), 0o755)
	t.Setenv("PATH", bin+":/usr/bin:/bin")
	return log
}

// The scripts run palmc by its absolute path, with the options asked for;
// --submit submits the array and then the gather job after it; submitted
// again, only the cells not done are.
func TestSlurmScriptsAndResubmission(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1, 2, 3, 4, 5]}`)
	exe, _ := os.Executable()
	o := SlurmOptions{Partition: "short", Time: "00:20:00", Mem: "2G", CPUsPerTask: 2, MaxParallel: 3,
		SbatchArgs: []string{"--account=lab"}, Palmc: exe}
	rep, err := s.Slurm(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(rep.Array)
	script := string(b)
	dir, _ := filepath.Abs(s.Dir)
	for _, want := range []string{"#!/bin/bash\n", "#SBATCH --array=0-4%3\n", "#SBATCH --requeue\n", "#SBATCH --signal=B:USR1@300\n",
		"#SBATCH --partition=short\n", "#SBATCH --time=00:20:00\n", "#SBATCH --mem=2G\n", "#SBATCH --cpus-per-task=2\n",
		"#SBATCH --account=lab\n", "#SBATCH --output=" + dir + "/slurm/logs/task-%a.log\n",
		"\nexec " + exe + " sweep cell " + dir + ` "$SLURM_ARRAY_TASK_ID" --block 1 --requeue` + "\n"} {
		if !strings.Contains(script, want) {
			t.Errorf("array.sbatch lacks %q:\n%s", want, script)
		}
	}
	b, _ = os.ReadFile(rep.Gather)
	if !strings.Contains(string(b), "\nexec "+exe+" sweep gather "+dir+"\n") || strings.Contains(string(b), "--array") ||
		!strings.Contains(string(b), "#SBATCH --cpus-per-task=2\n") || !strings.Contains(string(b), "#SBATCH --partition=short\n") {
		t.Errorf("gather.sbatch:\n%s", b)
	}
	// No Slurm: a clear message, the scripts written.
	t.Setenv("PATH", t.TempDir())
	os.Remove(rep.Array)
	o.Submit = true
	if _, err := s.Slurm(o); err == nil || !strings.Contains(err.Error(), "no Slurm here") {
		t.Errorf("without Slurm: %v", err)
	}
	if _, err := os.Stat(rep.Array); err != nil {
		t.Error("array.sbatch not written without Slurm")
	}
	// With Slurm: the array, then gather after it.
	log := fakeSlurm(t)
	rep, err = s.Slurm(o)
	if err != nil || rep.ArrayJob != "100" || rep.GatherJob != "101" {
		t.Fatalf("%+v %v", rep, err)
	}
	calls, _ := os.ReadFile(log)
	if want := "sbatch --parsable " + rep.Array + "\nsbatch --parsable --dependency=afterany:100 " + rep.Gather + "\n"; !strings.HasSuffix(string(calls), want) {
		t.Errorf("calls:\n%s\nwant\n%s", calls, want)
	}
	// Cells 1 and 3 done, cell 2 failed: the others are submitted again,
	// in blocks of 2: tasks 0 (cell 0) and 1 (cell 2); task 2 (cell 4).
	ctx := context.Background()
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true, Cells: []int{1, 3}}); err != nil {
		t.Fatal(err)
	}
	writeJSON(filepath.Join(s.CellDir(s.Index.Cells[2]), recordFile), record{State: Failed, Error: "node failure"})
	o.Block, o.MaxParallel = 2, 0
	rep, err = s.Slurm(o)
	if err != nil || len(rep.Tasks) != 3 || len(rep.Failed) != 1 || !strings.Contains(rep.Failed[0], "node failure") {
		t.Fatalf("%+v %v", rep, err)
	}
	b, _ = os.ReadFile(rep.Array)
	if !strings.Contains(string(b), "#SBATCH --array=0-2\n") || !strings.Contains(string(b), "--block 2 --requeue") {
		t.Errorf("array.sbatch:\n%s", b)
	}
	// A task of an earlier array still queued is not submitted again, and
	// with nothing else to run nothing is submitted.
	os.WriteFile(filepath.Join(filepath.Dir(log), "queued"), []byte("102_0 RUNNING\n102_1 PENDING\n102_2 PENDING\n"), 0o644)
	rep, err = s.Slurm(o)
	if err != nil || len(rep.Tasks) != 0 || rep.ArrayJob != "" || rep.GatherJob != "" || len(rep.Left) != 3 || !strings.Contains(strings.Join(rep.Left, " "), "queued in job 102_1 pending") {
		t.Fatalf("with tasks queued: %+v %v", rep, err)
	}
	os.Remove(filepath.Join(filepath.Dir(log), "queued"))
	// Every cell done: only a gather job.
	if _, err := s.Run(ctx, ctx, RunOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Slurm(o)
	if err != nil || len(rep.Tasks) != 0 || rep.ArrayJob != "" || rep.GatherJob == "" {
		t.Fatalf("all done: %+v %v", rep, err)
	}
	// Bad options, refused before a script is written.
	os.Remove(rep.Array)
	for _, bad := range []SlurmOptions{{Palmc: "palmc"}, {Palmc: exe, Time: "2h"}, {Palmc: exe, Time: "00:10:00", SignalBefore: time.Hour},
		{Palmc: exe, Partition: "a b"}, {Palmc: exe, Partition: "a;id"}, {Palmc: exe, Mem: "-5G"}, {Palmc: exe, Mem: "5 G"},
		{Palmc: exe, Mem: "1K"}, {Palmc: exe, CPUsPerTask: -1}, {Palmc: exe, SbatchArgs: []string{"--comment=a\nb"}},
		{Palmc: exe, SbatchArgs: []string{"account=lab"}}} {
		var r *Refusal
		if _, err := s.Slurm(bad); !errors.As(err, &r) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if _, err := os.Stat(rep.Array); err == nil {
		t.Error("a refused option wrote array.sbatch")
	}
}

// Values that a shell or sbatch would read as something else are quoted
// as each reads them: a shell word in single quotes, an #SBATCH argument in
// double quotes (sbatch ends an unquoted one at a blank or a #), a % of a
// log file's path doubled (% starts Slurm's file name patterns).
func TestSlurmQuoting(t *testing.T) {
	for in, want := range map[string]string{
		"/a/b-1.2": "/a/b-1.2", "d&id>x": `'d&id>x'`, "it's": `'it'\''s'`, "": "''", "$(id)": `'$(id)'`,
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
		if out, err := exec.Command("sh", "-c", "printf %s "+shellWord(in)).Output(); err != nil || string(out) != in {
			t.Errorf("sh reads %s as %q (%v)", shellWord(in), out, err)
		}
	}
	for in, want := range map[string]string{
		"--account=lab": "--account=lab", "--comment=a b": `"--comment=a b"`, `--comment=#"\`: `"--comment=#\"\\"`,
	} {
		if got := sbatchWord(in); got != want {
			t.Errorf("sbatchWord(%q) = %s, want %s", in, got, want)
		}
	}
	if got := slurmPattern("/a%j/b"); got != "/a%%j/b" {
		t.Errorf("slurmPattern: %s", got)
	}
}

// palmc sweep slurm refuses a --mem below what a cell needs, and warns
// when the array's task ids exceed Slurm's default MaxArraySize.
func TestSlurmMemoryAndArraySize(t *testing.T) {
	s := newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "flags": ["--no-plots"], "seeds": [1, 2]}`)
	exe, _ := os.Executable()
	need := cellNeed(t, s, s.Index.Cells[0])
	mem := fmt.Sprintf("%dK", int64(need)>>10-1)
	if _, err := s.Slurm(SlurmOptions{Palmc: exe, Mem: mem}); err == nil || !strings.Contains(err.Error(), "--mem "+mem) {
		t.Errorf("--mem %s below a cell's %g bytes: %v", mem, need, err)
	}
	for _, ok := range []string{fmt.Sprintf("%dK", int64(need)>>10+1), "0"} {
		if _, err := s.Slurm(SlurmOptions{Palmc: exe, Mem: ok}); err != nil {
			t.Errorf("--mem %s: %v", ok, err)
		}
	}
	if rep, err := s.Slurm(SlurmOptions{Palmc: exe}); err != nil || len(rep.Warnings) != 0 {
		t.Errorf("2 cells: %v %v", rep, err)
	}
	seeds := make([]string, 1002)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i)
	}
	s = newSweep(t, tinyBase(t), `{"base": "base.json", "task": "fw_bw", "seeds": [`+strings.Join(seeds, ", ")+`]}`)
	rep, err := s.Slurm(SlurmOptions{Palmc: exe})
	if err == nil && (len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "up to 1001") || !strings.Contains(rep.Warnings[0], "with --block 2 the ids end at 500")) {
		t.Errorf("1002 cells: %v", rep.Warnings)
	}
	if err != nil {
		t.Fatal(err)
	}
}
