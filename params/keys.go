package params

import "slices"

// IsKey reports whether key is a params.json key that palmc reads (not
// "_comment").
func IsKey(key string) bool { return knownKeys[key] }

// Suggest returns the known key that key most likely misspells: one that
// differs only in case, else the nearest by edit distance if that is small
// for the key's length; "" when none is near.
func Suggest(key string) string { return suggest(key, knownKeys) }

// Keys that only some tasks read: the teacher's (fw_bw), the data set's and
// the classifier's (classify), and those of the generated input of the
// other two tasks.
var (
	teacherOnly  = append(slices.Clone(teacherKeys), "copy_teacher_weights", "copy_teacher_voltages")
	classifyOnly = []string{"dataset", "dataset_dir", "dataset_sizes", "dataset_seeds", "dataset_noise", "uhigh", "ulow", "readout_every", "readout_skip"}
	inputOnly    = []string{"dataset_size", "input_signal"}
)

// Unused returns the keys that a run of task never reads: two params that
// differ only in them give the same results.
func Unused(task Task) []string {
	switch task {
	case BwOnly:
		return append(slices.Clone(teacherOnly), classifyOnly...)
	case FwBw:
		return slices.Clone(classifyOnly)
	case Classify:
		return append(slices.Clone(teacherOnly), inputOnly...)
	}
	return nil
}
