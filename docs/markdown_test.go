package docs_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// repoRoot is the root of the repository, seen from this package.
const repoRoot = ".."

// mdLine is one line of a markdown file outside fenced code blocks, with
// its inline code spans, or one line inside a fenced block.
type mdLine struct {
	num  int    // 1-based line number
	text string // the line as written
	// fence is the info string of the fenced block the line is in ("sh",
	// "json", …); inFence tells whether it is in one at all.
	fence   string
	inFence bool
	// prose is text with the inline code spans removed (outside fences).
	prose string
	// spans are the inline code spans of the line (outside fences).
	spans []string
}

// codeSpan matches an inline code span of one or more backticks.
var codeSpan = regexp.MustCompile("(`+)([^`]|[^`].*?[^`])(`+)")

// readMarkdown splits a markdown file into lines, telling fenced code apart
// from prose and separating inline code spans from the prose around them.
func readMarkdown(path string) ([]mdLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []mdLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	inFence, fence, marker := false, "", ""
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if m := fenceMarker(trimmed); m != "" {
			if !inFence {
				inFence, marker, fence = true, m, ""
				if info := strings.Fields(trimmed[len(m):]); len(info) > 0 {
					fence = info[0]
				}
				continue
			}
			if m[0] == marker[0] && len(m) >= len(marker) && strings.TrimSpace(trimmed[len(m):]) == "" {
				inFence, fence, marker = false, "", ""
				continue
			}
		}
		l := mdLine{num: n, text: line, fence: fence, inFence: inFence}
		if !inFence {
			for _, m := range codeSpan.FindAllStringSubmatch(line, -1) {
				if len(m[1]) == len(m[3]) {
					l.spans = append(l.spans, strings.TrimSpace(m[2]))
				}
			}
			l.prose = codeSpan.ReplaceAllString(line, "")
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// fenceMarker returns the ``` or ~~~ run that opens or closes a fenced
// block on a trimmed line, or "".
func fenceMarker(trimmed string) string {
	for _, c := range []string{"`", "~"} {
		if strings.HasPrefix(trimmed, c+c+c) {
			return strings.Repeat(c, len(trimmed)-len(strings.TrimLeft(trimmed, c)))
		}
	}
	return ""
}

// headingSlugs returns the anchors GitHub gives the headings of a markdown
// file: the heading text in lower case, inline code and links reduced to
// their text, every character that is not a letter, digit, mark, space,
// hyphen or underscore dropped, spaces turned into hyphens, and "-1", "-2"…
// appended to repeats.
func headingSlugs(lines []mdLine) map[string]bool {
	seen := map[string]int{}
	out := map[string]bool{}
	for _, l := range lines {
		if l.inFence {
			continue
		}
		t := strings.TrimSpace(l.text)
		if !strings.HasPrefix(t, "#") {
			continue
		}
		text := strings.TrimLeft(t, "#")
		if len(text) == len(t) || len(t)-len(text) > 6 || text != "" && text[0] != ' ' {
			continue
		}
		text = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(text), "#"))
		text = linkText.ReplaceAllString(text, "$1")
		text = strings.ReplaceAll(text, "`", "")
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		s := b.String()
		if n := seen[s]; n > 0 {
			out[s+"-"+strconv.Itoa(n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// linkText matches a markdown link, keeping its text.
var linkText = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// markdownFiles returns the markdown files of the repository, relative to
// its root, leaving out hidden folders and run folders that tests or
// users may have left behind (folders without a tracked file are not
// known here, so only the names below are skipped).
func markdownFiles() ([]string, error) {
	var out []string
	err := filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && p != repoRoot && (strings.HasPrefix(name, ".") || name == "palmc-example") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(name, ".md") {
			rel, err := filepath.Rel(repoRoot, p)
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}
