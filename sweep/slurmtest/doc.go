// Package slurmtest runs a throw-away single-node Slurm cluster (Debian
// 12's slurmctld, slurmd and munge) for the tests of palmc sweep slurm, and
// holds those tests.
//
// Start puts everything in one temporary folder — the munge key and
// socket, slurm.conf, the state and spool folders, the pid and log files —
// and commands find the cluster through SLURM_CONF (Cluster.Command). The
// cluster is stopped by the daemons' PIDs when the test ends, also when it
// fails: every job cancelled, then slurmd, slurmctld and munged.
//
// Without Slurm's programs, or when not root (the cluster runs its daemons
// as root), the tests skip; PALMC_REQUIRE_SLURM=1 (set by .ci/run, which
// installs the packages) makes that a failure.
package slurmtest
