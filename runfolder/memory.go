package runfolder

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"palmc/experiment"
	"palmc/params"
)

// Available returns the memory this process may use, in bytes: the
// machine's available memory (MemAvailable of /proc/meminfo), or less when
// the process's control group limits it (a batch job's memory request: the
// group's limit less what the group uses, for its own group and every
// group above it) or its address space is limited (ulimit -v: the limit
// less what the process has mapped); and where the number comes from. The
// heap this process holds but no longer uses (a finished run's, in a
// sweep that runs cells one after the other) counts as available: the
// next run reuses it. It returns 0 when nothing can be read.
func Available() (int64, string) {
	avail, from := int64(0), ""
	take := func(b int64, why string) {
		if b < 0 {
			b = 0
		}
		if avail == 0 && from == "" || b < avail {
			avail, from = b, why
		}
	}
	free, released := spareHeap()
	if kb, ok := procField("/proc/meminfo", "MemAvailable:"); ok {
		take(kb<<10+free, "available on this machine")
	}
	for _, g := range cgroupLimits() {
		take(g+free, "left under this process's memory limit (control group)")
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &rl); err == nil && rl.Cur < 1<<62 {
		if kb, ok := procField("/proc/self/status", "VmSize:"); ok {
			take(int64(rl.Cur)-kb<<10+free+released, "left under this process's address-space limit (ulimit -v)")
		}
	}
	return avail, from
}

// spareHeap returns the heap that this process holds and does not use:
// free, still in memory, and released, given back to the system but still
// mapped (it counts against ulimit -v). It collects the garbage first, so
// that a finished run's memory counts.
func spareHeap() (free, released int64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/free:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	v := func(x metrics.Sample) int64 {
		if x.Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(min(x.Value.Uint64(), 1<<62))
	}
	return v(s[0]), v(s[1])
}

// procField reads a "Name:  value kB" line of a /proc file, in kB.
func procField(path, name string) (int64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name); ok {
			v, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return v, err == nil
		}
	}
	return 0, false
}

// cgroupLimits returns, for the process's control group and each group
// above it that limits memory, its limit less its usage: cgroup v2
// (memory.max, memory.current) or v1 (the memory controller's
// memory.limit_in_bytes, memory.usage_in_bytes).
func cgroupLimits() []int64 {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil
	}
	var out []int64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var root, limitFile, usageFile string
		switch {
		case parts[0] == "0" && parts[1] == "":
			root, limitFile, usageFile = "/sys/fs/cgroup", "memory.max", "memory.current"
		case strings.Contains(","+parts[1]+",", ",memory,"):
			root, limitFile, usageFile = "/sys/fs/cgroup/memory", "memory.limit_in_bytes", "memory.usage_in_bytes"
		default:
			continue
		}
		for dir := filepath.Join(root, parts[2]); strings.HasPrefix(dir, root); dir = filepath.Dir(dir) {
			limit, err1 := readInt(filepath.Join(dir, limitFile))
			used, err2 := readInt(filepath.Join(dir, usageFile))
			if err1 == nil && err2 == nil && limit > 0 && limit < 1<<60 {
				out = append(out, limit-used)
			}
			if dir == root {
				break
			}
		}
	}
	return out
}

func readInt(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
}

// CheckMemory refuses a run of p whose estimated peak memory exceeds
// o.MaxMemory or, when that is 0, the memory available (Available), naming
// what needs it: a *Refusal. A negative o.MaxMemory checks nothing.
func CheckMemory(p *params.Params, o Options) error { return checkMemory(p, o) }

// MemoryNeed returns the estimated peak memory of a run of p with the
// options o, in bytes (see experiment.Memory).
func MemoryNeed(p *params.Params, o Options) (float64, error) {
	_, need, err := memoryParts(p, o)
	return need, err
}

// memoryParts returns the parts of the memory a run needs and their sum.
func memoryParts(p *params.Params, o Options) ([]experiment.MemoryPart, float64, error) {
	parts, err := experiment.Memory(p, experiment.Options{Task: o.Task, Compare: o.Compare, SharedInput: o.SharedInput})
	if err != nil {
		return nil, 0, err
	}
	need := 0.0
	for _, pt := range parts {
		need += pt.Bytes
	}
	return parts, need, nil
}

// checkMemory is CheckMemory.
func checkMemory(p *params.Params, o Options) error {
	if o.MaxMemory < 0 {
		return nil
	}
	parts, need, err := memoryParts(p, o)
	if err != nil {
		return refuse(err)
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
	if err != nil || !(v >= 0) || math.IsInf(v, 0) || v*mult >= 1<<62 {
		return 0, fmt.Errorf("%q is not a size (e.g. 512M, 4G, 1.5T)", s)
	}
	if b := int64(v * mult); b > 0 || v == 0 {
		return b, nil
	}
	return 0, fmt.Errorf("%q is less than a byte", s)
}
