package runfolder

import (
	"runtime"
	"testing"
)

// The memory of a finished run, garbage now, counts as spare heap: the
// next run in the same process (a sweep's next cell) may have it.
func TestFinishedRunsMemoryIsSpare(t *testing.T) {
	const size = 64 << 20
	buf := make([]float64, size/8)
	for i := range buf {
		buf[i] = float64(i)
	}
	free0, released0 := spareHeap()
	runtime.KeepAlive(buf)
	buf = nil
	free1, released1 := spareHeap()
	if got := (free1 + released1) - (free0 + released0); got < size*9/10 {
		t.Fatalf("spare heap grew by %d bytes when %d became garbage", got, size)
	}
}
