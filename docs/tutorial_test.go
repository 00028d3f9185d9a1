package docs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tutorial's commands run as written, with one shortening: before a
// "palmc run --params FILE" command, "epochs" in FILE is lowered to at
// most maxEpochs, so that the long runs (Fig. 4a-b: 5000 epochs) take
// seconds. PALMC_TUTORIAL_FULL=1 runs everything as written (minutes).
const maxEpochs = 2

// Every command runs under these limits. The tutorial's runs are small: a
// command that needs more memory than this has changed.
const (
	commandTimeout = 3 * time.Minute
	maxRSSBytes    = 1 << 30 // peak resident memory of a command and its children
	memLimit       = "512MiB"
	virtualKB      = 4 << 20 // ulimit -v of the shell, in KiB
)

// setMarker, an HTML comment (invisible on GitHub) on the line before a
// ```json block, makes the test set the block's keys in a params file, as
// the tutorial asks the reader to do by hand:
//
//	<!-- tutorial_test: set in signals/params.json -->
var setMarker = regexp.MustCompile(`^<!--\s*tutorial_test:\s*set in\s+(\S+)\s*-->$`)

// step is one thing the tutorial asks the reader to do.
type step struct {
	line int
	// cmd is a shell command line of a ```sh block.
	cmd string
	// setFile and setJSON: set these keys in this params file.
	setFile, setJSON string
}

// tutorialSteps returns the commands of the tutorial's ```sh blocks and the
// edits marked with setMarker, in the order of the text, and the palmc
// commands that appear only as inline code in the prose.
func tutorialSteps(t *testing.T) (steps []step, inline []step) {
	lines, err := readMarkdown("tutorial.md")
	if err != nil {
		t.Fatal(err)
	}
	setFile := ""
	var set *step
	for i, l := range lines {
		switch {
		case !l.inFence:
			if set != nil {
				steps = append(steps, *set)
				set = nil
			}
			if m := setMarker.FindStringSubmatch(strings.TrimSpace(l.text)); m != nil {
				setFile = m[1]
				continue
			}
			if strings.TrimSpace(l.text) != "" {
				setFile = ""
			}
			for _, s := range l.spans {
				if strings.HasPrefix(s, "palmc ") || s == "palmc" {
					inline = append(inline, step{line: l.num, cmd: s})
				}
			}
		case setFile != "":
			if set == nil {
				if l.fence != "json" {
					t.Fatalf("tutorial.md:%d: the block after %q is not json", l.num, lines[i-1].text)
				}
				set = &step{line: l.num, setFile: setFile}
				setFile = ""
			}
			set.setJSON += l.text + "\n"
		case set != nil:
			set.setJSON += l.text + "\n"
		case l.fence == "sh":
			cmd := strings.TrimSpace(l.text)
			if cmd == "" || strings.HasPrefix(cmd, "#") {
				continue
			}
			steps = append(steps, step{line: l.num, cmd: cmd})
		}
	}
	if set != nil {
		steps = append(steps, *set)
	}
	return steps, inline
}

// segments splits a command line into its simple commands (at && and ;),
// each as fields without the trailing comment.
func segments(cmd string) [][]string {
	var out [][]string
	var cur []string
	for _, f := range strings.Fields(cmd) {
		if strings.HasPrefix(f, "#") {
			break
		}
		if f == "&&" || f == ";" {
			out = append(out, cur)
			cur = nil
			continue
		}
		cur = append(cur, f)
	}
	return append(out, cur)
}

// pathArgs returns the arguments of a command line that name files or
// folders: those with a slash, and the values of --params, --out and
// --load.
func pathArgs(cmd string) []string {
	var out []string
	for _, seg := range segments(cmd) {
		for i, f := range seg {
			switch {
			case strings.HasPrefix(f, "-"):
			case strings.Contains(f, "/") && !strings.Contains(f, "$"):
				out = append(out, f)
			case i > 0 && (seg[i-1] == "--params" || seg[i-1] == "--out" || seg[i-1] == "--load"):
				out = append(out, f)
			}
		}
	}
	return out
}

// palmcDir is the folder of the palmc binary the tests build once.
var (
	palmcOnce sync.Once
	palmcDir  string
	palmcErr  error
)

// TestMain removes the palmc binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if palmcDir != "" {
		os.RemoveAll(palmcDir)
	}
	os.Exit(code)
}

// buildPalmc builds the command, once for all tests, and returns the folder
// that holds it.
func buildPalmc(t *testing.T) string {
	t.Helper()
	palmcOnce.Do(func() {
		palmcDir, palmcErr = os.MkdirTemp("", "palmc-docs-test")
		if palmcErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(palmcDir, "palmc"), "./cmd/palmc")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			palmcErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if palmcErr != nil {
		t.Fatal(palmcErr)
	}
	return palmcDir
}

// commandEnv is the environment of the commands: palmc first on the PATH,
// and a soft memory limit for the Go runtime.
func commandEnv(bin string) []string {
	env := []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "GOMEMLIMIT=" + memLimit}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "PATH=") && !strings.HasPrefix(e, "GOMEMLIMIT=") {
			env = append(env, e)
		}
	}
	return env
}

// TestTutorialCommands builds palmc and runs the tutorial's commands, in
// the order of the text, in a temporary folder that stands for the
// reader's folder outside the repository; PALMC_SRC names the repository,
// as the tutorial asks the reader to set it. A command fails the test if it
// exits with an error, if a file or folder it names does not exist after
// it ran, or if it needs more than maxRSSBytes. Lines starting with "go"
// (building palmc) are left out: the test builds palmc itself; so are
// those that change the folder (cd): the temporary folder stands for the
// one they go to. The keys of a ```json block marked with setMarker are set
// in the params file it names. Long runs are shortened (maxEpochs).
//
// With -short the commands are only checked by the command line parser:
// every palmc command runs with --help added, which fails on an unknown
// subcommand or flag; the other commands do not run.
func TestTutorialCommands(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the tutorial's commands are POSIX shell commands")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	steps, inline := tutorialSteps(t)
	if len(steps) < 10 {
		t.Fatalf("found only %d steps in tutorial.md: is the parser broken?", len(steps))
	}
	bin := buildPalmc(t)
	src, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	env := append(commandEnv(bin), "PALMC_SRC="+src)
	full := os.Getenv("PALMC_TUTORIAL_FULL") == "1"
	dir := t.TempDir()
	start := time.Now()

	// The inline commands of the prose are checked by the parser only.
	for _, s := range append(inline, steps...) {
		for _, seg := range segments(s.cmd) {
			if len(seg) > 0 && seg[0] == "palmc" {
				checkHelp(t, bin, dir, "tutorial.md:"+strconv.Itoa(s.line), seg)
			}
		}
	}
	if testing.Short() {
		return
	}

	for _, s := range steps {
		if s.setFile != "" {
			setKeys(t, filepath.Join(dir, s.setFile), s)
			continue
		}
		if strings.HasPrefix(s.cmd, "go ") {
			t.Logf("tutorial.md:%d: %s (left out: the test built palmc)", s.line, s.cmd)
			continue
		}
		if changesFolder(s.cmd) {
			t.Logf("tutorial.md:%d: %s (left out: the test's folder stands for it)", s.line, s.cmd)
			continue
		}
		if !full {
			shorten(t, dir, s)
		}
		runCommand(t, dir, env, s, full)
		for _, p := range pathArgs(s.cmd) {
			if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
				t.Errorf("tutorial.md:%d: %s: %s does not exist after the command", s.line, s.cmd, p)
			}
		}
		if t.Failed() {
			return // the later commands build on this one
		}
	}
	t.Logf("%d steps in %s", len(steps), time.Since(start).Round(100*time.Millisecond))
}

// changesFolder reports whether a command line changes the folder (cd),
// which a step cannot pass on to the next.
func changesFolder(cmd string) bool {
	for _, seg := range segments(cmd) {
		if len(seg) > 0 && seg[0] == "cd" {
			return true
		}
	}
	return false
}

// checkHelp runs a palmc command with --help added: the subcommand and
// every flag must be known. where names the line of the document.
func checkHelp(t *testing.T, bin, dir, where string, seg []string) {
	t.Helper()
	args := append(append([]string(nil), seg[1:]...), "--help")
	cmd := exec.Command(filepath.Join(bin, "palmc"), args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: %s --help: %v\n%s", where, strings.Join(seg, " "), err, lastLines(out, 5))
	}
}

// TestMarkdownCommandsParse checks the palmc commands of the other
// markdown files of the repository (README.md, docs/reproduction.md,
// experiments/README.md, …), in ```sh blocks and in inline code, with the
// command line parser: each runs with --help added. TestTutorialCommands
// covers the tutorial.
func TestMarkdownCommandsParse(t *testing.T) {
	files, err := markdownFiles()
	if err != nil {
		t.Fatal(err)
	}
	bin := buildPalmc(t)
	dir := t.TempDir()
	checked := 0
	for _, file := range files {
		if file == "docs/tutorial.md" {
			continue
		}
		lines, err := readMarkdown(filepath.Join(repoRoot, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			cmds := l.spans
			if l.inFence {
				cmds = nil
				if l.fence == "sh" {
					cmds = []string{l.text}
				}
			}
			for _, c := range cmds {
				for _, seg := range segments(c) {
					if len(seg) > 0 && seg[0] == "palmc" {
						checkHelp(t, bin, dir, file+":"+strconv.Itoa(l.num), seg)
						checked++
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked only %d palmc commands: is the parser broken?", checked)
	}
	t.Logf("%d palmc commands parse", checked)
}

// runCommand runs one command line with sh in dir, under the time and
// memory limits.
func runCommand(t *testing.T, dir string, env []string, s step, full bool) {
	t.Helper()
	timeout := commandTimeout
	if full {
		timeout = 2 * time.Hour
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	script := fmt.Sprintf("ulimit -v %d 2>/dev/null || true\n%s", virtualKB, s.cmd)
	cmd := exec.CommandContext(ctx, "sh", "-ec", script)
	cmd.Dir = dir
	cmd.Env = env
	killGroupOnCancel(cmd)
	cmd.WaitDelay = 10 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	begin := time.Now()
	err := cmd.Run()
	took := time.Since(begin).Round(10 * time.Millisecond)
	if err != nil {
		t.Errorf("tutorial.md:%d: %s: %v after %s\n%s", s.line, s.cmd, err, took, lastLines(out.Bytes(), 20))
		return
	}
	rss := peakRSS(cmd.ProcessState)
	t.Logf("tutorial.md:%d: %s (%s, peak %d MB)", s.line, s.cmd, took, rss>>20)
	if rss > maxRSSBytes {
		t.Errorf("tutorial.md:%d: %s: peak memory %d MB, more than %d MB", s.line, s.cmd, rss>>20, maxRSSBytes>>20)
	}
}

// epochsKey matches the epochs of a params file.
var epochsKey = jsonKey("epochs")

// shorten lowers the epochs of the params file of a "palmc run --params
// FILE" command to maxEpochs.
func shorten(t *testing.T, dir string, s step) {
	t.Helper()
	for _, seg := range segments(s.cmd) {
		if len(seg) < 2 || seg[0] != "palmc" || seg[1] != "run" {
			continue
		}
		for i := 2; i+1 < len(seg); i++ {
			if seg[i] != "--params" {
				continue
			}
			path := filepath.Join(dir, seg[i+1])
			b, err := os.ReadFile(path)
			if err != nil {
				continue // the command reports it
			}
			short := epochsKey.ReplaceAllFunc(b, func(m []byte) []byte {
				sub := epochsKey.FindSubmatch(m)
				n, err := strconv.Atoi(string(sub[2]))
				if err != nil || n <= maxEpochs {
					return m
				}
				t.Logf("tutorial.md:%d: epochs %d -> %d in %s", s.line, n, maxEpochs, seg[i+1])
				return []byte(string(sub[1]) + strconv.Itoa(maxEpochs))
			})
			if err := os.WriteFile(path, short, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// jsonKey returns the pattern of a key of a params file and its value (a
// number, true/false, a string or a flat list), as a key of the object and
// not inside a comment's text.
func jsonKey(key string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)((?:^|[{,])\s*"` + regexp.QuoteMeta(key) + `"\s*:\s*)(\[[^\]]*\]|"[^"]*"|[^,\s}\]]+)`)
}

// setKeys sets the keys of a JSON fragment ("key": value, …) in a params
// file, replacing the value of a key the file has and adding one it does
// not have.
func setKeys(t *testing.T, path string, s step) {
	t.Helper()
	var values map[string]json.RawMessage
	if err := json.Unmarshal([]byte("{"+s.setJSON+"}"), &values); err != nil {
		t.Fatalf("tutorial.md:%d: the keys to set in %s are not JSON: %v", s.line, s.setFile, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("tutorial.md:%d: %v", s.line, err)
	}
	text := string(b)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		v := strings.TrimSpace(string(values[key]))
		locs := jsonKey(key).FindAllStringSubmatchIndex(text, -1)
		if len(locs) == 0 {
			end := strings.LastIndex(text, "}")
			if end < 0 {
				t.Fatalf("tutorial.md:%d: %s is not a JSON object", s.line, s.setFile)
			}
			text = strings.TrimRight(text[:end], " \t\n") + fmt.Sprintf(",\n    %q: %s\n", key, v) + text[end:]
			continue
		}
		for i := len(locs) - 1; i >= 0; i-- {
			text = text[:locs[i][4]] + v + text[locs[i][5]:]
		}
	}
	if !json.Valid([]byte(text)) {
		t.Fatalf("tutorial.md:%d: %s is no longer JSON after setting %v:\n%s", s.line, s.setFile, keys, text)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("tutorial.md:%d: set %s in %s", s.line, strings.Join(keys, ", "), s.setFile)
}

// lastLines returns the last n lines of b.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
