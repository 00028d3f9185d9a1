package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"palmc/runfolder"
)

// Tests with a real palmc process: signals at awkward moments, kills,
// closed and stalled output, a full disk, concurrent runs, the umask.

// longSet makes pal_bw_deep run for a few seconds, recording little.
var longSet = map[string]any{"epochs": 200, "rec_per_steps": 500, "rec_only": []string{"WPP", "BPP", "vbas", "noise"}}

// manyPlots makes pal_bw_deep simulate briefly and then write for seconds:
// six variables recorded at every step, 25 plots.
var manyPlots = map[string]any{"epochs": 2, "rec_per_steps": 1, "rec_only": []string{"WPP", "BPP", "BPI", "uP", "vbas", "rP_breve"}}

// reference runs a case to the end in a folder of its own and returns it.
func reference(t *testing.T, name string, set map[string]any, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reference")
	par := writeParams(t, name, dir, set)
	run(t, 0, append([]string{"run", "--params", par, "--quiet"}, args...)...)
	return dir
}

// start starts palmc and returns the command and its standard error, read
// into a buffer as it comes.
func start(t *testing.T, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(buildPalmc(t), args...)
	var buf syncBuffer
	cmd.Stderr = &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, &buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until ok, failing after a minute.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited a minute for %s", what)
}

// exitCode waits for cmd and returns its exit code, failing after limit.
func exitCode(t *testing.T, cmd *exec.Cmd, limit time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(limit):
		cmd.Process.Kill()
		t.Fatalf("palmc still running %s after it should have stopped", limit)
	}
	return -1
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// stageExists reports whether a run is writing its outputs in dir.
func stageExists(dir string) bool {
	m, _ := filepath.Glob(filepath.Join(dir, ".palmc-stage-*", "*"))
	return len(m) > 0
}

// A SIGKILL loses at most one checkpoint interval: the periodic checkpoint
// resumes to the results of a run that was never interrupted.
func TestPeriodicCheckpointSurvivesKill(t *testing.T) {
	ref := reference(t, "pal_bw_deep", longSet, "--task", "bw_only", "--compare", "BP")
	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, longSet)
	cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only", "--compare", "BP", "--checkpoint-every", "200ms", "--workers", "1")
	cp := filepath.Join(dir, runfolder.CheckpointFile)
	waitFor(t, "a periodic checkpoint", func() bool { return exists(cp) })
	first, _ := os.Stat(cp)
	waitFor(t, "a second periodic checkpoint", func() bool {
		fi, err := os.Stat(cp)
		return err == nil && !fi.ModTime().Equal(first.ModTime())
	})
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if exists(filepath.Join(dir, resultsFile)) {
		t.Skipf("the run finished before the kill; stderr:\n%s", stderr)
	}
	out := run(t, 0, "run", "--resume", dir, "--quiet")
	if exists(cp) {
		t.Errorf("checkpoint left after the resume: %s", out)
	}
	sameNPZ(t, filepath.Join(ref, resultsFile), filepath.Join(dir, resultsFile))
	sameNPZ(t, filepath.Join(ref, modelFile), filepath.Join(dir, modelFile))
}

// SIGTERM while the results and plots are written stops palmc within
// seconds; the previous run's outputs stay whole, the finished simulation
// is saved to the checkpoint, and --resume writes the outputs.
func TestTerminateWhileWriting(t *testing.T) {
	ref := reference(t, "pal_bw_deep", manyPlots, "--task", "bw_only")
	dir := filepath.Join(t.TempDir(), "run")
	par, before := previousRun(t, dir)
	cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only", "--quiet")
	waitFor(t, "palmc to write its outputs", func() bool { return stageExists(dir) })
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCode(t, cmd, 10*time.Second); code != 1 {
		t.Fatalf("exit %d after SIGTERM; stderr:\n%s", code, stderr)
	}
	keptPreviousRun(t, dir, before, runfolder.CheckpointFile)
	if !exists(filepath.Join(dir, runfolder.CheckpointFile)) {
		t.Fatalf("no checkpoint of the finished simulation; stderr:\n%s", stderr)
	}
	if h := hidden(t, dir); len(h) > 0 {
		t.Errorf("left behind: %v", h)
	}
	run(t, 0, "run", "--resume", dir, "--quiet")
	sameNPZ(t, filepath.Join(ref, resultsFile), filepath.Join(dir, resultsFile))
	if len(plotFiles(t, dir)) != len(plotFiles(t, ref)) {
		t.Errorf("%d plots after resume, %d in the reference", len(plotFiles(t, dir)), len(plotFiles(t, ref)))
	}
}

// A second signal while a run writes its outputs stops palmc at once: it
// says that nothing was written, and the previous run stays whole. On a
// busy machine palmc may have saved its checkpoint for the first signal
// before the second arrives (TestTerminateWhileWriting checks that case):
// then the scenario is tried again, a few times.
func TestSecondSignalWhileWriting(t *testing.T) {
	for attempt := 1; ; attempt++ {
		dir := filepath.Join(t.TempDir(), "run")
		par, before := previousRun(t, dir)
		cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only")
		waitFor(t, "palmc to write its outputs", func() bool { return stageExists(dir) })
		cmd.Process.Signal(syscall.SIGTERM)
		time.Sleep(10 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		if code := exitCode(t, cmd, 10*time.Second); code != 1 {
			t.Fatalf("exit %d after two signals; stderr:\n%s", code, stderr)
		}
		msg := stderr.String()
		if !strings.Contains(msg, "stopped at once") && strings.Contains(msg, "the finished run is saved") && attempt < 5 {
			t.Logf("attempt %d: the first signal's checkpoint was saved before the second signal came", attempt)
			continue
		}
		if !strings.Contains(msg, "stopped at once") || strings.Contains(msg, "wrote") {
			t.Errorf("stderr:\n%s", msg)
		}
		keptPreviousRun(t, dir, before, "")
		return
	}
}

// previousRun runs pal_bw_deep for one epoch into dir, keeps its outputs'
// contents, and rewrites its params as manyPlots, for a second run whose
// writing a test interrupts.
func previousRun(t *testing.T, dir string) (par string, before map[string]string) {
	t.Helper()
	par = writeParams(t, "pal_bw_deep", dir, map[string]any{"epochs": 1, "rec_only": []string{"WPP"}})
	run(t, 0, "run", "--params", par, "--task", "bw_only", "--quiet")
	before = tree(t, dir)
	writeParams(t, "pal_bw_deep", dir, manyPlots)
	return par, before
}

// keptPreviousRun fails unless dir holds the outputs of previousRun
// unchanged, besides params.json and the file allowed ("" for none).
func keptPreviousRun(t *testing.T, dir string, before map[string]string, allowed string) {
	t.Helper()
	after := tree(t, dir)
	delete(after, "params.json")
	delete(before, "params.json")
	delete(after, allowed)
	if diff := diffTrees(before, after); diff != "" {
		t.Fatalf("the previous run's outputs changed: %s", diff)
	}
}

// tree maps the files of dir (hidden ones left out) to their contents.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(path)
			out[rel] = string(b)
		}
		return nil
	})
	return out
}

func diffTrees(a, b map[string]string) string {
	for k, v := range a {
		if w, ok := b[k]; !ok {
			return k + " is gone"
		} else if v != w {
			return k + " changed"
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return k + " appeared"
		}
	}
	return ""
}

// SIGHUP (a closed terminal or ssh session) and SIGUSR1 (a batch
// system's warning before its time limit) save a checkpoint as SIGTERM
// does.
func TestHangupAndUSR1SaveACheckpoint(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1} {
		dir := filepath.Join(t.TempDir(), "run")
		par := writeParams(t, "pal_bw_deep", dir, longSet)
		cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only")
		waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
		cmd.Process.Signal(sig)
		if code := exitCode(t, cmd, 20*time.Second); code != 1 {
			t.Fatalf("%v: exit %d; stderr:\n%s", sig, code, stderr)
		}
		if !exists(filepath.Join(dir, runfolder.CheckpointFile)) {
			t.Errorf("%v: no checkpoint; stderr:\n%s", sig, stderr)
		}
	}
}

// A run started with SIGHUP ignored (nohup) keeps it ignored: a hangup
// neither stops nor checkpoints it.
func TestIgnoredHangupStaysIgnored(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, longSet)
	cmd := exec.Command("/bin/sh", "-c", `trap "" HUP; exec "$0" "$@"`, buildPalmc(t), "run", "--params", par, "--task", "bw_only")
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
	cmd.Process.Signal(syscall.SIGHUP)
	if code := exitCode(t, cmd, time.Minute); code != 0 {
		t.Fatalf("exit %d after an ignored SIGHUP; stderr:\n%s", code, &stderr)
	}
	if !exists(filepath.Join(dir, resultsFile)) || exists(filepath.Join(dir, runfolder.CheckpointFile)) {
		t.Errorf("the run did not end as without the hangup; stderr:\n%s", &stderr)
	}
}

// warningParams writes pal_fw_tiny's params with n unknown keys: n warning
// lines at the start of a run and again at its end.
func warningParams(t *testing.T, dir string, n int) string {
	// Long names, so that the twenty that palmc names fill a pipe's page.
	set := map[string]any{}
	for i := range n {
		set[fmt.Sprintf("unknown_key_number_%04d_that_palmc_warns_about_%s", i, strings.Repeat("x", 400))] = i
	}
	return writeParams(t, "pal_fw_tiny", dir, set)
}

// A closed pipe (palmc run … | head -1) does not kill the run.
func TestClosedPipe(t *testing.T) {
	dir := t.TempDir()
	par := warningParams(t, dir, 200)
	cmd := exec.Command(buildPalmc(t), "run", "--params", par, "--task", "fw_bw")
	r, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(r).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if code := exitCode(t, cmd, time.Minute); code != 0 {
		t.Fatalf("exit %d with a closed standard error", code)
	}
	if !exists(filepath.Join(dir, resultsFile)) {
		t.Fatal("no results")
	}
}

// A standard error that nobody reads does not stall the run.
func TestUnreadOutputDoesNotStall(t *testing.T) {
	dir := t.TempDir()
	par := warningParams(t, dir, 500)
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	// The smallest pipe buffer: one page.
	unix.FcntlInt(wr.Fd(), unix.F_SETPIPE_SZ, 4096)
	cmd := exec.Command(buildPalmc(t), "run", "--params", par, "--task", "fw_bw")
	cmd.Stderr = wr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	waitFor(t, "the results while nobody reads palmc's output", func() bool { return exists(filepath.Join(dir, summaryFile)) })
	go io.Copy(io.Discard, rd)
	if code := exitCode(t, cmd, time.Minute); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// A second run into a folder in use is refused, naming the palmc that
// holds it, and so is a second resume; the first goes on undisturbed.
func TestConcurrentRunsAreRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, longSet)
	cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only", "--workers", "1")
	waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
	code, msg := palmc(t, "run", "--params", par, "--task", "bw_only", "--quiet")
	if code != 1 || !strings.Contains(msg, fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Errorf("second run: exit %d: %s", code, msg)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, cmd, 20*time.Second); code != 1 {
		t.Fatalf("exit %d after SIGINT", code)
	}
	cmd, stderr = start(t, "run", "--resume", dir, "--workers", "1")
	waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
	code, msg = palmc(t, "run", "--resume", dir, "--quiet")
	if code != 1 || !strings.Contains(msg, "in use") {
		t.Errorf("second resume: exit %d: %s", code, msg)
	}
	cmd.Process.Signal(syscall.SIGINT)
	exitCode(t, cmd, 20*time.Second)
}

// A full disk while writing leaves the previous run whole and nothing of
// the new one behind. It needs a small file system of its own: root mounts
// a tmpfs.
func TestFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if err := syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size=6m"); err != nil {
		if os.Getenv("CI") != "" && os.Geteuid() == 0 {
			t.Fatalf("mounting a tmpfs: %v", err)
		}
		t.Skipf("cannot mount a tmpfs (needs root): %v", err)
	}
	defer syscall.Unmount(mnt, 0)
	dir := filepath.Join(mnt, "run")
	par, before := previousRun(t, dir)
	msg := run(t, 1, "run", "--params", par, "--task", "bw_only")
	if !strings.Contains(msg, "no space") || strings.Contains(msg, "wrote") {
		t.Errorf("message: %s", msg)
	}
	keptPreviousRun(t, dir, before, "")
	if h := hidden(t, dir); len(h) > 0 {
		t.Errorf("left behind: %v", h)
	}
}

// Files and folders follow the umask: colleagues can read them.
func TestUmask(t *testing.T) {
	bin := buildPalmc(t)
	for _, c := range []struct {
		umask      string
		file, fold os.FileMode
	}{{"022", 0o644, 0o755}, {"002", 0o664, 0o775}, {"027", 0o640, 0o750}, {"077", 0o600, 0o700}} {
		dir := filepath.Join(t.TempDir(), "run")
		par := writeParams(t, "pal_fw_tiny", filepath.Join(t.TempDir(), "src"), nil)
		sh := fmt.Sprintf("umask %s && exec %s run --params %s --task fw_bw --quiet --out %s", c.umask, bin, par, dir)
		if out, err := exec.Command("sh", "-c", sh).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", sh, err, out)
		}
		for _, f := range []string{resultsFile, modelFile, summaryFile, "params.json", filepath.Join(plotsDir, "WPP_0.png")} {
			fi, err := os.Stat(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != c.file {
				t.Errorf("umask %s: %s has mode %v, want %v", c.umask, f, fi.Mode().Perm(), c.file)
			}
		}
		for _, d := range []string{dir, filepath.Join(dir, plotsDir)} {
			fi, _ := os.Stat(d)
			if fi.Mode().Perm() != c.fold {
				t.Errorf("umask %s: folder %s has mode %v, want %v", c.umask, d, fi.Mode().Perm(), c.fold)
			}
		}
	}
}

// A params.json edited while its run runs is kept and said to differ; the
// results keep the params the run started with.
func TestParamsEditedDuringRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, longSet)
	cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only", "--workers", "1")
	waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
	writeParams(t, "pal_bw_deep", dir, map[string]any{"epochs": 7})
	edited, _ := os.ReadFile(par)
	if code := exitCode(t, cmd, 2*time.Minute); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "was changed while the run ran") {
		t.Errorf("no warning: %s", stderr)
	}
	if b, _ := os.ReadFile(par); string(b) != string(edited) {
		t.Error("the edited params.json was replaced")
	}
	s := readSummary(t, dir)
	if s.Epochs != 200 || len(s.Warnings) == 0 {
		t.Errorf("summary: epochs %d, warnings %v", s.Epochs, s.Warnings)
	}
}

// A run folder renamed while its run runs still receives the outputs, at
// its new name.
func TestFolderRenamedDuringRun(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "run")
	par := writeParams(t, "pal_bw_deep", dir, longSet)
	cmd, stderr := start(t, "run", "--params", par, "--task", "bw_only", "--workers", "1")
	waitFor(t, "progress", func() bool { return strings.Contains(stderr.String(), " step ") })
	moved := filepath.Join(base, "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	if code := exitCode(t, cmd, 2*time.Minute); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !exists(filepath.Join(moved, resultsFile)) || !strings.Contains(stderr.String(), "was moved") {
		t.Errorf("no results in the moved folder: %s", stderr)
	}
}

// palmc figure stops on signals with exit code 1 and leaves neither the
// figure nor its temporary file (no runtime dump for SIGQUIT); it does not
// draw into a folder that a run holds.
func TestFigureSignalsAndLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	par := writeParams(t, "pal_bw_deep", dir, map[string]any{"epochs": 100, "rec_per_steps": 1, "rec_only": []string{}})
	run(t, 0, "run", "--params", par, "--task", "bw_only", "--compare", "BP", "--quiet", "--no-plots")
	left := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, "*fig3*"))
		h, _ := filepath.Glob(filepath.Join(dir, ".*fig3*"))
		return append(m, h...)
	}
	cmd, stderr := start(t, "figure", "fig3", dir)
	waitFor(t, "the figure's temporary file", func() bool { return len(left()) > 0 })
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCode(t, cmd, 30*time.Second); code != 1 || len(left()) > 0 {
		t.Errorf("SIGTERM while drawing: exit %d, left %v\n%s", code, left(), stderr)
	}
	// Ctrl-\ once palmc has started (its packages' initialization, the
	// first 20-30 ms, is before palmc can catch a signal).
	cmd, stderr = start(t, "figure", "fig3", dir)
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGQUIT)
	if code := exitCode(t, cmd, 30*time.Second); code != 1 || strings.Contains(stderr.String(), "goroutine") || len(left()) > 0 {
		t.Errorf("SIGQUIT: exit %d, left %v\n%s", code, left(), stderr)
	}
	f, err := runfolder.Open(dir, []string{"palmc", "run"})
	if err != nil {
		t.Fatal(err)
	}
	code, out := palmcOut(t, "figure", "fig3", dir)
	f.Close()
	if code != 1 || len(left()) > 0 {
		t.Errorf("figure into a folder in use: exit %d, left %v %s", code, left(), out)
	}
	if code, _ := palmcOut(t, "figure", "fig3", dir); code != 0 || len(left()) != 1 {
		t.Errorf("figure: exit %d, files %v", code, left())
	}
}

// A standard output whose reader is gone (palmc … | head) ends no command
// with an error: what follows is dropped. A full disk under a redirection
// is still an error.
func TestClosedStandardOutput(t *testing.T) {
	file := writeSweepFile(t, "pal_fw_tiny", nil, `{"base": "base.json", "task": "fw_bw", "grid": {"eta_bw": [[1], [2], [3], [4], [5], [6], [7], [8]]}, "seeds": [1, 2, 3, 4, 5]}`)
	dir := filepath.Join(t.TempDir(), "study")
	run(t, 0, "sweep", "init", file, dir)
	for _, args := range [][]string{{"sweep", "status", dir}, {"params"}, {"params", "--list"}, {"--help"}, {"sweep", "--help"}, {"--version"}} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		cmd := exec.Command(buildPalmc(t), args...)
		cmd.Stdout = w
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		if code := exitCode(t, cmd, time.Minute); code != 0 || stderr.String() != "" {
			t.Errorf("%v into a closed pipe: exit %d: %s", args, code, stderr.String())
		}
	}
	if _, err := os.Stat("/dev/full"); err == nil {
		full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer full.Close()
		cmd := exec.Command(buildPalmc(t), "sweep", "status", dir)
		cmd.Stdout = full
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "no space left") {
			t.Errorf("status into a full disk: %v: %s", err, stderr.String())
		}
	}
}
