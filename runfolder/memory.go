package runfolder

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"palmc/experiment"
	"palmc/params"
)

// Available returns the memory this process may use, in bytes: the
// machine's available memory (MemAvailable of /proc/meminfo), or less when
// a control group limits the process (a batch job's memory request), and
// where the number comes from. It returns 0 when neither can be read.
func Available() (int64, string) {
	avail, from := int64(0), ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					avail, from = kb<<10, "available on this machine"
				}
			}
		}
		f.Close()
	}
	// cgroup v2, then v1: the limit less what the group uses.
	for _, c := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		limit, err1 := readInt(c[0])
		used, err2 := readInt(c[1])
		if err1 != nil || err2 != nil || limit <= 0 || limit >= 1<<60 {
			continue
		}
		if free := limit - used; avail == 0 || free < avail {
			avail, from = max(free, 0), "left under this process's memory limit (control group)"
		}
		break
	}
	return avail, from
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// checkMemory refuses a run whose estimated peak memory exceeds o.MaxMemory
// or, when that is 0, the memory available, naming what needs it.
func checkMemory(p *params.Params, o Options) error {
	if o.MaxMemory < 0 {
		return nil
	}
	parts, err := experiment.Memory(p, experiment.Options{Task: o.Task, Compare: o.Compare, SharedInput: o.SharedInput})
	if err != nil {
		return refuse(err)
	}
	need := 0.0
	for _, pt := range parts {
		need += pt.Bytes
	}
	limit, from := float64(o.MaxMemory), "allowed by --max-memory"
	if o.MaxMemory == 0 {
		a, f := Available()
		if a == 0 {
			return nil
		}
		limit, from = float64(a), f
	}
	if need <= limit {
		return nil
	}
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].Bytes > parts[j].Bytes })
	var lines []string
	for _, pt := range parts {
		if pt.Bytes < need/100 {
			continue
		}
		l := fmt.Sprintf("  %-10s %s", FormatBytes(pt.Bytes), pt.What)
		if pt.Fields != "" {
			l += " (" + pt.Fields + ")"
		}
		lines = append(lines, l)
	}
	return refuse(fmt.Errorf("this run needs about %s of memory, more than the %s %s:\n%s\nrecord less or less often (rec_*, rec_per_steps), run fewer seeds, smaller layers or a smaller data set; or pass --max-memory SIZE to run it anyway",
		FormatBytes(need), FormatBytes(limit), from, strings.Join(lines, "\n")))
}

// FormatBytes writes a size with a binary unit: 512 B, 3.2 MiB, 17 GiB.
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f B", b)
	}
	if b < 10 {
		return fmt.Sprintf("%.1f %s", b, units[i])
	}
	if b >= 1e4 {
		return fmt.Sprintf("%.3g %s", b, units[i])
	}
	return fmt.Sprintf("%.0f %s", b, units[i])
}

// ParseBytes reads a size such as 512M, 4GiB, 1.5G, 2T or 1000000 (bytes);
// K, M, G, T, P are binary units as in Slurm's --mem.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(strings.ToUpper(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := 1.0
	if t != "" {
		if i := strings.IndexByte("KMGTP", t[len(t)-1]); i >= 0 {
			mult = float64(int64(1) << (10 * (i + 1)))
			t = t[:len(t)-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 || v*mult >= 1<<62 {
		return 0, fmt.Errorf("%q is not a size (e.g. 512M, 4G, 1.5T)", s)
	}
	return int64(v * mult), nil
}
