package plot

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sbinet/npyio/npz"
)

// ReadNPZ loads every array of an npz file such as results.npz into a map
// keyed like the file's entries without the ".npy" suffix. Float64 arrays
// are kept as they are; int64 arrays (the scalar "<net>/seed" keys) and
// float32/int32 arrays are converted to float64. Scalars have an empty
// Shape and one element in Data.
func ReadNPZ(path string) (map[string]Array, error) {
	f, err := npz.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keys := f.Keys()
	sort.Strings(keys)
	out := make(map[string]Array, len(keys))
	for _, k := range keys {
		h := f.Header(k)
		if h == nil {
			return nil, fmt.Errorf("plot: %s: %s: no header", path, k)
		}
		name := strings.TrimSuffix(k, ".npy")
		shape := append([]int{}, h.Descr.Shape...)
		var data []float64
		switch h.Descr.Type {
		case "<f8", "float64":
			if err := f.Read(k, &data); err != nil {
				return nil, fmt.Errorf("plot: %s: %s: %w", path, k, err)
			}
		case "<f4", "float32":
			var v []float32
			if err := f.Read(k, &v); err != nil {
				return nil, fmt.Errorf("plot: %s: %s: %w", path, k, err)
			}
			data = make([]float64, len(v))
			for i, x := range v {
				data[i] = float64(x)
			}
		case "<i8", "int64":
			var v []int64
			if err := f.Read(k, &v); err != nil {
				return nil, fmt.Errorf("plot: %s: %s: %w", path, k, err)
			}
			data = make([]float64, len(v))
			for i, x := range v {
				data[i] = float64(x)
			}
		case "<i4", "int32":
			var v []int32
			if err := f.Read(k, &v); err != nil {
				return nil, fmt.Errorf("plot: %s: %s: %w", path, k, err)
			}
			data = make([]float64, len(v))
			for i, x := range v {
				data[i] = float64(x)
			}
		default:
			return nil, fmt.Errorf("plot: %s: %s: unsupported dtype %s", path, k, h.Descr.Type)
		}
		out[name] = Array{Shape: shape, Data: data}
	}
	return out, nil
}
