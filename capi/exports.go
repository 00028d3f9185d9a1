package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"encoding/json"
	"unsafe"

	"palmc/dataset"
	"palmc/experiment"
	"palmc/microcircuit"
	"palmc/runfolder"
)

func main() {}

// cerr turns the result of call into the C error string: NULL on success.
func cerr(f func() error) *C.char {
	if s := call(f); s != "" {
		return C.CString(s)
	}
	return nil
}

// doubles views n doubles at p as a slice (nil for a NULL p).
func doubles(p *C.double, n C.int64_t) []float64 {
	if p == nil || n <= 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(p)), int(n))
}

func int64s(p *C.int64_t, n C.int64_t) []int64 {
	if p == nil || n <= 0 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(p)), int(n))
}

// putJSON stores the JSON of v in *out.
func putJSON(out **C.char, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	*out = C.CString(string(b))
	return nil
}

//export palmc_free
func palmc_free(s *C.char) { C.free(unsafe.Pointer(s)) }

//export palmc_version
func palmc_version() *C.char { return C.CString(runfolder.BuildInfo().String()) }

//export palmc_params
func palmc_params(kind, value, task *C.char, out **C.char) *C.char {
	return cerr(func() error {
		r, err := checkParams(C.GoString(kind), C.GoString(value), C.GoString(task))
		if err != nil {
			return err
		}
		return putJSON(out, r)
	})
}

//export palmc_teacher_seed
func palmc_teacher_seed(first C.int64_t, out *C.int64_t) *C.char {
	return cerr(func() error {
		if first < 0 || first > 4294967295 {
			return valueErr("palmc: seed %d is outside [0, 4294967295]", int64(first))
		}
		*out = C.int64_t(experiment.TeacherSeed(int64(first)))
		return nil
	})
}

//export palmc_net_new
func palmc_net_new(text, task *C.char, seed C.int64_t, teacher C.int, handle *C.uint64_t, info **C.char) *C.char {
	return cerr(func() error {
		nw, in, err := newNetwork([]byte(C.GoString(text)), C.GoString(task), int64(seed), teacher != 0)
		if err != nil {
			return err
		}
		if err := putJSON(info, in); err != nil {
			return err
		}
		*handle = C.uint64_t(register(nw))
		return nil
	})
}

//export palmc_close
func palmc_close(h C.uint64_t) *C.char {
	return cerr(func() error {
		if !release(uint64(h)) {
			return &apiError{Kind: kindClosed, Message: "palmc: the handle is closed or was never opened"}
		}
		return nil
	})
}

//export palmc_net_get
func palmc_net_get(h C.uint64_t, name *C.char, layer C.int64_t, dst *C.double, n C.int64_t) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		return nw.get(C.GoString(name), int(layer), doubles(dst, n))
	})
}

//export palmc_net_set
func palmc_net_set(h C.uint64_t, name *C.char, layer C.int64_t, src *C.double, n C.int64_t) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		return nw.set(C.GoString(name), int(layer), doubles(src, n))
	})
}

//export palmc_net_state
func palmc_net_state(h C.uint64_t, out **C.char) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		return putJSON(out, nw.state())
	})
}

//export palmc_net_clone
func palmc_net_clone(h C.uint64_t, out *C.uint64_t) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		*out = C.uint64_t(register(nw.clone()))
		return nil
	})
}

//export palmc_net_shuffle
func palmc_net_shuffle(h C.uint64_t, data *C.int64_t, n C.int64_t) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		if n < 0 || n > 1<<31 {
			return valueErr("palmc: a shuffle of %d samples", int64(n))
		}
		v := int64s(data, n)
		order := make([]int, len(v))
		for i, o := range v {
			order[i] = int(o)
		}
		nw.shuffle(order)
		for i, o := range order {
			v[i] = int64(o)
		}
		return nil
	})
}

//export palmc_check_panic
func palmc_check_panic() *C.char {
	// For tests of the callers: a Go panic inside a call comes back as an
	// internal error.
	return cerr(func() error {
		var m map[string]int
		m["panic"] = 1
		return nil
	})
}

//export palmc_net_record_start
func palmc_net_record_start(h C.uint64_t, vars *C.char, every, steps C.int64_t, compare C.int, maxBytes C.int64_t) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		var names []string
		if err := json.Unmarshal([]byte(C.GoString(vars)), &names); err != nil {
			return valueErr("palmc: variables to record: %v", err)
		}
		return nw.startRecording(names, int64(every), int64(steps), compare != 0, int64(maxBytes))
	})
}

//export palmc_net_record_stop
func palmc_net_record_stop(h C.uint64_t, out *C.uint64_t, info **C.char) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		rec, err := nw.stopRecording()
		if err != nil {
			return err
		}
		if err := putJSON(info, rec.series()); err != nil {
			return err
		}
		*out = C.uint64_t(register(rec))
		return nil
	})
}

//export palmc_record_get
func palmc_record_get(h C.uint64_t, name *C.char, dst *C.double, n C.int64_t) *C.char {
	return cerr(func() error {
		rec, err := lookup[*recording](uint64(h), "recording")
		if err != nil {
			return err
		}
		data, err := rec.data(C.GoString(name))
		if err != nil {
			return err
		}
		if int64(len(data)) != int64(n) {
			return valueErr("palmc: %s has %d values, not %d", C.GoString(name), len(data), int64(n))
		}
		copy(doubles(dst, n), data)
		return nil
	})
}

//export palmc_net_run
func palmc_net_run(h C.uint64_t, r0 *C.double, r0Len, r0Stride C.int64_t, tgt *C.double, tgtLen, tgtStride C.int64_t, steps C.int64_t, learnFW, learnLat, learnBW C.int) *C.char {
	return cerr(func() error {
		nw, err := lookup[*network](uint64(h), "network")
		if err != nil {
			return err
		}
		var target []float64
		if tgt != nil {
			target = doubles(tgt, tgtLen)
			if target == nil {
				return valueErr("palmc: an empty target")
			}
		}
		sw := microcircuit.Switches{LearnFW: learnFW != 0, LearnLat: learnLat != 0, LearnBW: learnBW != 0}
		return nw.run(doubles(r0, r0Len), int(r0Stride), target, int(tgtStride), int(steps), sw)
	})
}

//export palmc_data_load
func palmc_data_load(req *C.char, handle *C.uint64_t, info **C.char) *C.char {
	return cerr(func() error {
		set, in, err := loadData([]byte(C.GoString(req)))
		if err != nil {
			return err
		}
		if err := putJSON(info, in); err != nil {
			return err
		}
		*handle = C.uint64_t(register(set))
		return nil
	})
}

//export palmc_data_get
func palmc_data_get(h C.uint64_t, x *C.double, nx C.int64_t, y *C.int64_t, ny C.int64_t) *C.char {
	return cerr(func() error {
		set, err := lookup[*dataset.Set](uint64(h), "data set")
		if err != nil {
			return err
		}
		return copyData(set, doubles(x, nx), int64s(y, ny))
	})
}
