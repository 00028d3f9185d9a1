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
