package plot

import "palmc/store"

// ReadNPZ loads every numeric array of an npz file such as results.npz,
// keyed like the file's entries without the ".npy" suffix; scalars have an
// empty Shape and one element in Data.
func ReadNPZ(path string) (map[string]Array, error) { return store.ReadNPZ(path) }
