// Package sweep runs studies of many palmc runs — seeds × parameter grids —
// on one machine or as a Slurm job array, from one sweep file.
//
// # The sweep file
//
// A sweep file is one JSON object:
//
//		{
//		    "base": "base.json",
//		    "task": "fw_bw",
//		    "flags": ["--compare", "BP"],
//		    "grid": {"eta_bw": [[5], [20]]},
//		    "seeds": [123, 456]
//		}
//
//	  - base (required): the params file the cells start from, its path
//	    relative to the sweep file, or a params object {...} inline. A
//	    relative dataset_dir, wherever the file gives it, is taken from the
//	    sweep file's folder too, and written absolute into the cells.
//	  - task (required): bw_only, fw_bw or classify.
//	  - flags: palmc run flags for every cell: --compare BP, --shared-input,
//	    --checkpoint-every D (default 10m), --max-memory SIZE, --no-plots.
//	  - grid: params key → list of values. The cells are the product of all
//	    axes; a key whose value is a list takes a list of lists.
//	  - variants: a list of {"name": N, "params": {key: value, …}, "base":
//	    B}: sets of params keys that change together (Fig. 6's time scales:
//	    Tpres, tauHP, tauLO, tauxi and the learning rates), each with a name
//	    of letters, digits and . _ + -. Every variant is crossed with the
//	    grid; "params" sets keys on top of the variant's "base" (a path or
//	    object, default the sweep's). A key may be varied by the grid or by
//	    the variants, not both.
//	  - seeds (required): one cell per seed (params random_seed [seed]).
//	  - _comment: ignored, may repeat.
//
// A cell is a (variant, grid point, seed); Expand orders them variants
// outermost, then the axes in the order of the file, then the seeds. Its
// params.json is the base's keys in the base's order, without the base's
// comments (they may no longer hold), with the variant's and the grid
// point's values set and random_seed the cell's seed. Parse and Expand
// refuse (a *Refusal, palmc's exit code 2) a file with an unknown key, a
// params key palmc does not know, random_seed in the grid, an empty axis
// or seed list, a value given twice, a value that makes a cell's params
// invalid or that a run refuses before its first step (naming the key and
// value; experiment.CheckConfig, and the data of a classify cell, loaded
// once per data set), and two cells that differ only in keys their task
// does not read (params.Unused).
//
// # The sweep folder
//
// Init writes, all at once (into a hidden folder renamed into place):
//
//	DIR/sweep.json      the sweep file, its bases written inline
//	DIR/index.json      the cells: number, folder, variant, grid values,
//	                    seed, steps, SHA-256 of the params.json and of
//	                    the params as a run records them
//	DIR/cells/NNN-…/    one run folder per cell with its params.json
//
// then the cells add palmc run's outputs to their folders (results.npz,
// model.npz, summary.json, plots/, checkpoint.npz while unfinished; see
// package runfolder) and a record of the palmc that ran them last
// (.palmc-sweep-cell.json); gather adds DIR/sweep.csv, DIR/summary.json and
// DIR/plots/; the Slurm backend DIR/slurm/.
//
// A cell runs through the run folder exactly as palmc run runs it
// (runfolder.Open, then Folder.Start, or Folder.Resume when it has a
// checkpoint), with one seed and one worker, so its results are those of
//
//	palmc run --params DIR/cells/NNN-…/params.json --task TASK FLAGS…
//
// bit for bit, and a resumed cell's are those of an uninterrupted one.
//
// # States
//
// Status reads a cell's state from its folder: running (a palmc holds its
// lock), interrupted (a checkpoint waits), done (summary.json, no
// checkpoint; a diverged network is a result, and the cell is done),
// failed (the last palmc said so, or stopped without a checkpoint),
// pending, and the faults of a folder edited by hand: missing (no cell
// folder) and changed (its params.json is not the one the index names, or
// its summary.json records a run of other params or other options than
// the cell's: results copied from another cell, or a palmc run by hand).
// Such cells never run; Init on the folder with the same sweep file
// writes missing cell folders again, and a lost index.json (which Run and
// RunTask write again when it goes while they run). Folders in cells/ that the index does
// not name are reported and left alone.
//
// # Running
//
// Run runs the cells not done on this machine, several at once, each in a
// goroutine, holding the sweep's lock alone: a second Run is refused with
// a *BusyError. The cells that run at once need together at most the
// memory available when Run starts; a cell that needs more than it may
// have is refused before any runs. A signal saves the running cells to their checkpoints; the
// next Run resumes them. RunTask runs one task of a Slurm array (palmc
// sweep cell); tasks hold the lock together. Slurm writes the array and
// gather scripts and submits them (see slurm.go). Gather writes the
// results; Table.Fig6 groups a sweep as the paper's Fig. 6.
package sweep
