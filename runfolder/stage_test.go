package runfolder

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// tree lists the files of dir with their contents, hidden entries left out.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, path)
		if rel != "." && strings.HasPrefix(filepath.Base(rel), ".") {
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

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// oldRun and newRun are the outputs of two runs in a folder.
var (
	oldRun = map[string]string{"params.json": "P", "results.npz": "old results", "model.npz": "old model",
		"summary.json": "old summary", "plots/a.png": "old a", "plots/b.png": "old b", "checkpoint.npz": "old checkpoint"}
	newRun = map[string]string{"params.json": "P", "results.npz": "new results", "model.npz": "new model",
		"summary.json": "new summary", "plots/a.png": "new a"}
)

func stageNew(t *testing.T, f *Folder) *Stage {
	t.Helper()
	st, err := f.NewStage()
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range newRun {
		if name != "params.json" {
			write(t, st.Path(name), text)
		}
	}
	return st
}

func equalTrees(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		var g, w []string
		for k := range got {
			g = append(g, k)
		}
		for k := range want {
			w = append(w, k)
		}
		sort.Strings(g)
		sort.Strings(w)
		t.Fatalf("%s: files %v, want %v", what, g, w)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: %s = %q, want %q", what, k, got[k], v)
		}
	}
}

// A commit replaces every output of the previous run, removes what the new
// run does not bring (a plot, the checkpoint), and leaves nothing hidden
// behind but the lock.
func TestCommitReplacesTheWholeRun(t *testing.T) {
	dir := t.TempDir()
	for name, text := range oldRun {
		write(t, filepath.Join(dir, name), text)
	}
	f, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st := stageNew(t, f)
	if err := st.Commit(append(slices.Clone(runOutputs), CheckpointFile)); err != nil {
		t.Fatal(err)
	}
	equalTrees(t, "after commit", tree(t, dir), newRun)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && e.Name() != lockFile {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// A palmc killed at any point of a commit, the removal of the old entries
// included, leaves the folder so that the next Open shows either the whole
// old run (switch not decided) or the whole new run (decided), never a mix,
// and nothing of the commit behind.
func TestCommitSurvivesAKillAtEveryStep(t *testing.T) {
	for stop := 0; ; stop++ {
		dir := t.TempDir()
		for name, text := range oldRun {
			write(t, filepath.Join(dir, name), text)
		}
		f, err := Open(dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := stageNew(t, f)
		crashAfter = stop
		err = st.Commit(append(slices.Clone(runOutputs), CheckpointFile))
		crashed := crashAfter == -2
		crashAfter = -1
		f.Close()
		if !crashed {
			if err != nil {
				t.Fatal(err)
			}
			if stop < 3 {
				t.Fatalf("the commit has only %d steps", stop)
			}
			return
		}
		f, err = Open(dir, nil)
		if err != nil {
			t.Fatalf("kill after step %d: Open: %v", stop, err)
		}
		f.Close()
		if h, _ := filepath.Glob(filepath.Join(dir, ".palmc-*")); len(h) > 0 {
			t.Fatalf("kill after step %d: left behind after Open: %v", stop, h)
		}
		got := tree(t, dir)
		if got["results.npz"] == "old results" {
			equalTrees(t, "kill before the switch was decided", got, oldRun)
		} else {
			equalTrees(t, "kill after the switch was decided", got, newRun)
		}
	}
}

// A second Open of a locked folder is refused with the holder named; the
// lock goes with Close.
func TestOpenLocks(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, []string{"palmc", "run", "--params", "x"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(dir, nil)
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Holder == nil || busy.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "palmc run --params x") {
		t.Fatalf("second Open: %v, want a BusyError naming this process and its command", err)
	}
	f.Close()
	g, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	g.Close()
}

// Open removes unfinished stages and the temporary files of killed
// writes, and nothing else.
func TestOpenCleansUp(t *testing.T) {
	dir := t.TempDir()
	keep := map[string]string{"params.json": "P", "notes.txt": "mine", ".hidden": "mine too", ".results.npz.tmpx": "not palmc's"}
	for name, text := range keep {
		write(t, filepath.Join(dir, name), text)
	}
	for _, name := range []string{".palmc-stage-123/results.npz", ".results.npz.tmp8812", ".checkpoint.npz.tmp1"} {
		write(t, filepath.Join(dir, name), "debris")
	}
	f, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	want := []string{".hidden", lockFile, ".results.npz.tmpx", "notes.txt", "params.json"}
	sort.Strings(want)
	if !slices.Equal(names, want) {
		t.Fatalf("after Open: %v, want %v", names, want)
	}
}

// A symbolic link in the folder's plots is replaced, not followed: its
// target keeps its content.
func TestCommitDoesNotFollowLinks(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "precious.png")
	write(t, target, "precious")
	write(t, filepath.Join(dir, "plots", "b.png"), "old b")
	if err := os.Symlink(target, filepath.Join(dir, "plots", "a.png")); err != nil {
		t.Fatal(err)
	}
	f, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := stageNew(t, f).Commit(runOutputs); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "precious" {
		t.Fatalf("the link's target was overwritten: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "plots", "a.png")); string(b) != "new a" {
		t.Fatalf("plots/a.png = %q", b)
	}
}

// A commit folder whose manifest is gone and that holds only old entries
// is what a palmc that removed the commit folder in place left when it was
// killed (the manifest went first): the switch was finished, and the next
// Open removes the rest. Anything else in such a folder is left alone and
// named.
func TestOpenFinishesAnInterruptedRemoval(t *testing.T) {
	dir := t.TempDir()
	for name, text := range newRun {
		write(t, filepath.Join(dir, name), text)
	}
	write(t, filepath.Join(dir, commitDir, oldPrefix+"plots", "b.png"), "old b")
	write(t, filepath.Join(dir, commitDir, oldPrefix+CheckpointFile), "old checkpoint")
	os.MkdirAll(filepath.Join(dir, ".palmc-old-123", oldPrefix+"plots"), 0o755)
	f, err := Open(dir, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	f.Close()
	equalTrees(t, "after Open", tree(t, dir), newRun)
	if h, _ := filepath.Glob(filepath.Join(dir, ".palmc-*")); len(h) > 0 {
		t.Errorf("left behind: %v", h)
	}

	write(t, filepath.Join(dir, commitDir, "results.npz"), "whose?")
	_, err = Open(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "holds results.npz") {
		t.Fatalf("Open of a commit folder without manifest with a new entry: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, commitDir, "results.npz")); string(b) != "whose?" {
		t.Fatal("the unknown entry was removed")
	}
}
