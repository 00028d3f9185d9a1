package docs_test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// linkTarget matches the target of an inline link or image, "](target)" or
// "](target "title")", whatever the link text holds.
var linkTarget = regexp.MustCompile(`\]\(\s*<?([^()\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// TestMarkdownLinks checks every relative link and image of the markdown
// files of the repository (README.md, docs/*.md and the others): the
// target must be a file or folder of the repository, and an anchor
// (#…) must name a heading of the markdown file it points to. Links with
// a scheme (https:, mailto:) are not followed.
func TestMarkdownLinks(t *testing.T) {
	files, err := markdownFiles()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"README.md", "docs/model.md", "docs/tutorial.md", "docs/reproduction.md"} {
		found := false
		for _, f := range files {
			found = found || f == want
		}
		if !found {
			t.Errorf("%s not found", want)
		}
	}
	parsed := map[string][]mdLine{}
	read := func(rel string) ([]mdLine, error) {
		if l, ok := parsed[rel]; ok {
			return l, nil
		}
		l, err := readMarkdown(filepath.Join(repoRoot, filepath.FromSlash(rel)))
		parsed[rel] = l
		return l, err
	}
	links := 0
	for _, file := range files {
		lines, err := read(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if l.inFence {
				continue
			}
			for _, m := range linkTarget.FindAllStringSubmatch(l.prose, -1) {
				target := m[1]
				if strings.Contains(target, ":") && !strings.HasPrefix(target, "#") {
					continue // https:, mailto: …
				}
				links++
				where := file + ":" + strconv.Itoa(l.num)
				p, anchor, _ := strings.Cut(target, "#")
				dest := file
				if p != "" {
					dest = path.Clean(path.Join(path.Dir(file), p))
					if dest == ".." || strings.HasPrefix(dest, "../") || path.IsAbs(p) {
						t.Errorf("%s: link %q leaves the repository", where, target)
						continue
					}
					if _, err := os.Stat(filepath.Join(repoRoot, filepath.FromSlash(dest))); err != nil {
						t.Errorf("%s: link %q: no %s in the repository", where, target, dest)
						continue
					}
				}
				if anchor == "" {
					continue
				}
				if !strings.HasSuffix(dest, ".md") {
					t.Errorf("%s: link %q: anchor into %s, which is not markdown", where, target, dest)
					continue
				}
				dl, err := read(dest)
				if err != nil {
					t.Errorf("%s: link %q: %v", where, target, err)
					continue
				}
				if !headingSlugs(dl)[anchor] {
					t.Errorf("%s: link %q: %s has no heading with anchor #%s", where, target, dest, anchor)
				}
			}
		}
	}
	if links < 50 {
		t.Errorf("found only %d relative links in %d files: is the link pattern broken?", links, len(files))
	}
	t.Logf("%d relative links in %d markdown files", links, len(files))
}

// modelCitation matches a citation of a section of docs/model.md: "§4",
// "§4 F" (a step of section 4), "§3.2".
var modelCitation = regexp.MustCompile(`model\.md §(\d+(?:\.\d+)?)(?: ([A-H])\b)?`)

// TestModelCitations checks that every "docs/model.md §N" in the Go code
// and the markdown files names a section of docs/model.md ("## N." or
// "### N."), and "§N X" a step "### X." of section N.
func TestModelCitations(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs", "model.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		if m := regexp.MustCompile(`^##+ (\d+(?:\.\d+)?)[. ]`).FindStringSubmatch(line); m != nil {
			sections[m[1]] = true
			if !strings.Contains(m[1], ".") {
				section = m[1]
			}
		} else if m := regexp.MustCompile(`^### ([A-H])\. `).FindStringSubmatch(line); m != nil && section != "" {
			sections[section+" "+m[1]] = true
		}
	}
	n := 0
	err = filepath.WalkDir(repoRoot, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != repoRoot && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".md")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range modelCitation.FindAllStringSubmatch(string(b), -1) {
			n++
			want := m[1]
			if m[2] != "" {
				want += " " + m[2]
			}
			if !sections[want] {
				rel, _ := filepath.Rel(repoRoot, p)
				t.Errorf("%s cites docs/model.md §%s, which has no such section", rel, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("%d citations of docs/model.md found; the code cites it about 70 times", n)
	}
}
