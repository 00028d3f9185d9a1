package slurmtest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// slurmPrograms are the programs the cluster needs.
var slurmPrograms = []string{"mungekey", "munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo"}

// Cluster is a running throw-away cluster.
type Cluster struct {
	// Dir is its folder.
	Dir string
	// Env is the environment of commands that use it: this process's,
	// with SLURM_CONF.
	Env []string
}

// Need skips the test, or fails it under PALMC_REQUIRE_SLURM, when Slurm
// cannot run here.
func Need(t testing.TB) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("PALMC_REQUIRE_SLURM") != "" {
		fail = t.Fatalf
	}
	for _, p := range slurmPrograms {
		if _, err := exec.LookPath(p); err != nil {
			fail("%s not found: install Slurm (apt-get install slurmctld slurmd slurm-client munge)", p)
		}
	}
	if os.Geteuid() != 0 {
		fail("the throw-away Slurm cluster runs as root (SlurmUser=root)")
	}
}

// freePort returns a TCP port that is free on 127.0.0.1 now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start starts munged, slurmctld and slurmd in a temporary folder and waits
// until the node is idle. The cluster is stopped when the test ends.
func Start(t testing.TB) *Cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "palmc-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{Dir: dir, Env: append(os.Environ(), "SLURM_CONF="+filepath.Join(dir, "slurm.conf"))}
	// The stop is in place before anything starts.
	t.Cleanup(func() { c.stop(t) })
	// munged refuses a socket whose folder is not searchable by others.
	os.Chmod(dir, 0o755)
	for _, d := range []string{"state", "spool"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	c.Must(t, "mungekey", "--create", "--keyfile="+c.path("munge.key"))
	c.Must(t, "munged", "--socket="+c.path("munge.sock"), "--key-file="+c.path("munge.key"), "--pid-file="+c.path("munged.pid"),
		"--log-file="+c.path("munged.log"), "--seed-file="+c.path("munge.seed"))
	node, err := exec.Command("slurmd", "-C").Output()
	if err != nil {
		t.Fatalf("slurmd -C: %v", err)
	}
	nodeLine := regexp.MustCompile(`^NodeName=\S+`).ReplaceAllString(strings.SplitN(string(node), "\n", 2)[0], "NodeName=localhost NodeAddr=127.0.0.1")
	conf := fmt.Sprintf(`ClusterName=palmctest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=%d
SlurmdPort=%d
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%s,cred_expire=10
StateSaveLocation=%s
SlurmdSpoolDir=%s
SlurmctldPidFile=%s
SlurmdPidFile=%s
SlurmctldLogFile=%s
SlurmdLogFile=%s
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=%s
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0,sched_interval=2
DependencyParameters=kill_invalid_depend
ReturnToService=2
KillWait=5
MinJobAge=3600
MailProg=/bin/true
MpiDefault=none
%s
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
`, freePort(t), freePort(t), c.path("munge.sock"), c.path("state"), c.path("spool"), c.path("slurmctld.pid"), c.path("slurmd.pid"),
		c.path("slurmctld.log"), c.path("slurmd.log"), c.path("jobcomp.log"), nodeLine)
	os.WriteFile(c.path("slurm.conf"), []byte(conf), 0o644)
	// slurmd always loads a cgroup plugin; cgroup/v1 starts without
	// touching the container's cgroups.
	os.WriteFile(c.path("cgroup.conf"), []byte("CgroupPlugin=cgroup/v1\n"), 0o644)
	c.Must(t, "slurmctld", "-f", c.path("slurm.conf"))
	c.Must(t, "slurmd", "-f", c.path("slurm.conf"), "-N", "localhost")
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, _ := c.Command("sinfo", "-h", "-n", "localhost", "-o", "%T").Output()
		if strings.TrimSpace(string(out)) == "idle" {
			return c
		}
		if time.Now().After(end) {
			t.Fatalf("the node is not idle after 30 s (sinfo: %q); slurmctld.log:\n%s\nslurmd.log:\n%s", out, c.tail("slurmctld.log"), c.tail("slurmd.log"))
		}
	}
}

func (c *Cluster) path(name string) string { return filepath.Join(c.Dir, name) }

// Command returns a command that finds the cluster.
func (c *Cluster) Command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = c.Env
	return cmd
}

// Must runs a command and fails the test if it fails.
func (c *Cluster) Must(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := c.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tail returns the end of a file of the cluster's folder.
func (c *Cluster) tail(name string) string {
	b, _ := os.ReadFile(c.path(name))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

// JobState returns a job's state as scontrol shows it (COMPLETED, …); the
// cluster keeps finished jobs for an hour (MinJobAge).
func (c *Cluster) JobState(id string) string {
	out, _ := c.Command("scontrol", "show", "job", id).Output()
	m := regexp.MustCompile(`JobState=(\S+)`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// stop cancels every job, waits for the queue to empty, stops slurmd,
// slurmctld and munged by the PIDs in their pid files (SIGTERM, SIGKILL
// after 15 s) and removes the folder.
func (c *Cluster) stop(t testing.TB) {
	began := time.Now()
	if out, err := c.Command("squeue", "-h", "-o", "%i").Output(); err == nil {
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			c.Command("scancel", ids...).Run()
		}
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
			out, err := c.Command("squeue", "-h", "-o", "%i").Output()
			if err != nil || len(bytes.TrimSpace(out)) == 0 {
				break
			}
		}
	}
	var pids []int
	for _, d := range []string{"slurmd", "slurmctld", "munged"} {
		b, err := os.ReadFile(c.path(d + ".pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		// The PID must still be that daemon's.
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) != d {
			continue
		}
		pids = append(pids, pid)
	}
	// A daemon that died before it wrote its pid file, or whose file is
	// gone: found by its command line, which names this cluster's folder.
	for pid, name := range Processes() {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if name != "slurmstepd" && bytes.Contains(cmdline, []byte(c.Dir)) && !slices.Contains(pids, pid) {
			pids = append(pids, pid)
		}
	}
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGTERM)
	}
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		alive := 0
		for _, pid := range pids {
			if syscall.Kill(pid, 0) == nil {
				alive++
			}
		}
		if alive == 0 {
			break
		}
		if time.Now().After(end) {
			t.Errorf("Slurm's daemons did not stop within 15 s: SIGKILL")
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			break
		}
	}
	os.RemoveAll(c.Dir)
	t.Logf("timing: Slurm stopped in %s", time.Since(began).Round(100*time.Millisecond))
}

// Processes returns the processes of Slurm and munge on this machine, by
// PID.
func Processes() map[int]string {
	out := map[int]string{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		switch name := strings.TrimSpace(string(comm)); name {
		case "slurmctld", "slurmd", "slurmstepd", "munged":
			out[pid] = name
		}
	}
	return out
}
