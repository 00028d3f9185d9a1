// Package runfolder keeps palmc's run folders: one run per folder,
// complete, with where it came from.
//
// A run folder holds the params (params.json), the results of the last
// finished run (results.npz, model.npz, summary.json, plots/) and, while a
// run is unfinished, its checkpoint (checkpoint.npz). The package
// guarantees:
//
//   - One run at a time: a run locks its folder (.palmc.lock, an advisory
//     lock that the kernel drops when the process dies); a second palmc
//     that wants to write the folder is refused and told who holds it.
//   - All or nothing: a run writes its outputs into a fresh hidden folder
//     and switches them into place together (see Stage). A crash, a kill
//     or a full disk leaves either the previous run's outputs or the new
//     run's, never a mix; what a killed palmc left half-done is finished
//     (if the switch was decided) or removed (if not) by the next palmc
//     that opens the folder. Every output carries the run's id.
//   - Nothing lost: an interrupted run (a signal, a periodic checkpoint
//     before a kill) is saved to checkpoint.npz and goes on with Resume,
//     bit for bit; a fresh run does not silently discard it.
//   - Provenance: summary.json and results.npz say which palmc made the
//     run, with which command line and options, when it started and ended.
//
// Files are created with the permissions the umask allows (store.FileMode).
package runfolder
