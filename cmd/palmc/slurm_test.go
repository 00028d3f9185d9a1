package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A throw-away single-node Slurm cluster (Debian 12's slurmctld, slurmd and
// munge) for the test of palmc sweep slurm. Everything lives in one
// temporary folder: the munge key and socket, slurm.conf, the state and
// spool folders, pid and log files. Commands find the cluster through
// SLURM_CONF. The test stops it by the daemons' PIDs, also when it fails.
//
// PALMC_REQUIRE_SLURM=1 (set by .ci/run, which installs the packages) turns
// "skip when Slurm is missing" into a failure.

// slurmPrograms are the programs the cluster needs.
var slurmPrograms = []string{"mungekey", "munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "scontrol", "sinfo"}

type slurmCluster struct {
	dir string
	env []string
}

// needSlurm skips the test, or fails it under PALMC_REQUIRE_SLURM, when
// Slurm cannot run here.
func needSlurm(t *testing.T) {
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
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startSlurm starts munged, slurmctld and slurmd in a temporary folder and
// waits until the node is idle. The cluster is stopped when the test ends.
func startSlurm(t *testing.T) *slurmCluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "palmc-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	c := &slurmCluster{dir: dir, env: append(os.Environ(), "SLURM_CONF="+filepath.Join(dir, "slurm.conf"))}
	// The stop is in place before anything starts.
	t.Cleanup(func() { c.stop(t) })
	// munged refuses a socket whose folder is not searchable by others.
	os.Chmod(dir, 0o755)
	for _, d := range []string{"state", "spool"} {
		os.Mkdir(filepath.Join(dir, d), 0o755)
	}
	c.must(t, "mungekey", "--create", "--keyfile="+c.path("munge.key"))
	c.must(t, "munged", "--socket="+c.path("munge.sock"), "--key-file="+c.path("munge.key"), "--pid-file="+c.path("munged.pid"),
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
	c.must(t, "slurmctld", "-f", c.path("slurm.conf"))
	c.must(t, "slurmd", "-f", c.path("slurm.conf"), "-N", "localhost")
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, _ := c.command("sinfo", "-h", "-n", "localhost", "-o", "%T").Output()
		if strings.TrimSpace(string(out)) == "idle" {
			return c
		}
		if time.Now().After(end) {
			t.Fatalf("the node is not idle after 30 s (sinfo: %q); slurmctld.log:\n%s\nslurmd.log:\n%s", out, c.tail("slurmctld.log"), c.tail("slurmd.log"))
		}
	}
}

func (c *slurmCluster) path(name string) string { return filepath.Join(c.dir, name) }

// command returns a command that finds the cluster.
func (c *slurmCluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Env = c.env
	return cmd
}

// must runs a command and fails the test if it fails.
func (c *slurmCluster) must(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := c.command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// tail returns the end of a file of the cluster's folder.
func (c *slurmCluster) tail(name string) string {
	b, _ := os.ReadFile(c.path(name))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-15):], "\n")
}

// jobState returns a job's state as scontrol shows it (COMPLETED, …).
func (c *slurmCluster) jobState(id string) string {
	out, _ := c.command("scontrol", "show", "job", id).Output()
	m := regexp.MustCompile(`JobState=(\S+)`).FindSubmatch(out)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// stop cancels every job, waits for the queue to empty, stops slurmd,
// slurmctld and munged by the PIDs in their pid files (SIGTERM, SIGKILL
// after 15 s) and removes the folder.
func (c *slurmCluster) stop(t *testing.T) {
	began := time.Now()
	if out, err := c.command("squeue", "-h", "-o", "%i").Output(); err == nil {
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			c.command("scancel", ids...).Run()
		}
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
			out, err := c.command("squeue", "-h", "-o", "%i").Output()
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
		syscall.Kill(pid, syscall.SIGTERM)
		pids = append(pids, pid)
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
	os.RemoveAll(c.dir)
	t.Logf("timing: Slurm stopped in %s", time.Since(began).Round(100*time.Millisecond))
}

// slurmProcesses lists the PIDs of the processes of Slurm and munge.
func slurmProcesses() map[int]string {
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

// A sweep of 4 cells through palmc sweep slurm --submit on a real Slurm:
// every cell done, the results those of a local palmc run, sweep.csv
// complete; a cell signalled with SIGUSR1 checkpoints, requeues and ends
// with the results of an uninterrupted run. The cluster is stopped by PID
// and nothing of it is left running.
func TestSweepOnSlurm(t *testing.T) {
	needSlurm(t)
	bin := buildPalmc(t)
	before := slurmProcesses()
	t.Cleanup(func() {
		for pid, name := range slurmProcesses() {
			if _, ok := before[pid]; !ok {
				t.Errorf("left running: %s (pid %d)", name, pid)
			}
		}
	})
	began := time.Now()
	c := startSlurm(t)
	t.Logf("timing: Slurm started in %s", time.Since(began).Round(100*time.Millisecond))

	set := map[string]any{"rec_per_steps": 500, "rec_only": []string{"WPP", "BPP"}}
	file := writeSweepFile(t, "pal_bw_deep", set, `{"base": "base.json", "task": "bw_only",
		"flags": ["--compare", "BP", "--checkpoint-every", "500ms", "--no-plots"],
		"grid": {"epochs": [100, 900]}, "seeds": [123, 456]}`)
	dir := filepath.Join(t.TempDir(), "study")
	run(t, 0, "sweep", "init", file, dir)
	cells := cellDirs(t, dir)

	submitted := time.Now()
	cmd := c.command(bin, "sweep", "slurm", dir, "--time", "00:10:00", "--submit")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("palmc sweep slurm --submit: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`array job (\d+)\ngather job (\d+)\n`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("job ids: %q", out)
	}
	array, gather := m[1], m[2]

	// Cell 2 (900 epochs) runs; after its first periodic checkpoint it is
	// asked to checkpoint and requeue, as the time-limit warning would.
	waitLong(t, "cell 2 to save a periodic checkpoint", func() bool { return exists(filepath.Join(cells[2], "checkpoint.npz")) })
	signalled := time.Now()
	c.must(t, "scancel", "--batch", "--signal=USR1", array+"_2")
	log2 := filepath.Join(dir, "slurm", "logs", "task-2.log")
	waitLong(t, "cell 2 to requeue", func() bool {
		b, _ := os.ReadFile(log2)
		return bytes.Contains(b, []byte("requeued"))
	})
	requeued := time.Now()
	waitLong(t, "cell 2 to end", func() bool {
		b, _ := os.ReadFile(filepath.Join(cells[2], ".palmc-sweep-cell.json"))
		return bytes.Contains(b, []byte(`"state": "done"`))
	})
	resumed := time.Now()
	waitLong(t, "the array", func() bool {
		out, err := c.command("squeue", "-h", "-j", array).Output()
		return err == nil && len(bytes.TrimSpace(out)) == 0
	})
	arrayDone := time.Now()
	waitLong(t, "the gather job", func() bool {
		s := c.jobState(gather)
		return s == "COMPLETED" || s == "FAILED" || s == "CANCELLED"
	})
	gathered := time.Now()
	if s := c.jobState(gather); s != "COMPLETED" {
		b, _ := os.ReadFile(filepath.Join(dir, "slurm", "logs", "gather.log"))
		t.Fatalf("gather job %s: %s\n%s", gather, s, b)
	}
	t.Logf("timing: array of 4 cells %s from submission to its end; cell 2 signalled %s after submission, checkpointed and requeued %s later, restarted, resumed and done %s after the requeue; gather job %s after the array",
		arrayDone.Sub(submitted).Round(100*time.Millisecond), signalled.Sub(submitted).Round(100*time.Millisecond),
		requeued.Sub(signalled).Round(100*time.Millisecond), resumed.Sub(requeued).Round(100*time.Millisecond),
		gathered.Sub(arrayDone).Round(100*time.Millisecond))

	_, status := palmcOut(t, "sweep", "status", dir)
	if !strings.Contains(status, "4 cells: 4 done") {
		t.Fatalf("status:\n%s", status)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "sweep.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], "final_angle_WPPT_BPP_2") {
		t.Fatalf("sweep.csv:\n%s", csv)
	}
	col := map[string]int{}
	for i, h := range strings.Split(lines[0], ",") {
		col[h] = i
	}
	for _, l := range lines[1:] {
		if f := strings.Split(l, ","); f[col["state"]] != "done" || f[col["status"]] != "ok" || f[col["final_angle_WPPT_BPP_2"]] == "" {
			t.Errorf("sweep.csv row: %s", l)
		}
	}
	// The requeued cell ran twice, the second time as Slurm's restart.
	var rec struct {
		Attempts int
		Slurm    map[string]string
	}
	b, _ := os.ReadFile(filepath.Join(cells[2], ".palmc-sweep-cell.json"))
	json.Unmarshal(b, &rec)
	if rec.Attempts != 2 || rec.Slurm["SLURM_RESTART_COUNT"] != "1" || len(readSummary(t, cells[2]).Segments) != 2 {
		t.Errorf("cell 2: %d attempts, Slurm %v, %d segments", rec.Attempts, rec.Slurm, len(readSummary(t, cells[2]).Segments))
	}
	for _, cell := range cells {
		ref := referenceRun(t, cell, "--task", "bw_only", "--compare", "BP")
		sameNPZ(t, filepath.Join(cell, resultsFile), filepath.Join(ref, resultsFile))
	}
	t.Logf("timing: whole test before the stop %s", time.Since(began).Round(100*time.Millisecond))
}

// waitLong polls until ok, failing after three minutes.
func waitLong(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(3 * time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 3 minutes for %s", what)
}
