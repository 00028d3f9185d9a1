package experiment

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// runPool runs every network on at most workers goroutines at once (0:
// runtime.NumCPU()), never more than there are networks, and stores what
// run returns in the network's Err. A network that arrives with an error
// (restored from a checkpoint after it diverged) is not run again. sn
// learns when each network starts and finishes, and counts its time.
func runPool(workers int, nets []*Net, sn *snapshotter, run func(*Net) error) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, len(nets))
	jobs := make(chan *Net)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for net := range jobs {
				if net.Err != nil {
					continue
				}
				sn.start(net)
				sn.finish(net, guarded(net, run))
			}
		}()
	}
	for _, net := range nets {
		jobs <- net
	}
	close(jobs)
	wg.Wait()
}

// guarded runs run(net), turning a panic into an error of that network, so
// that a bug stops one network with a message instead of the process.
func guarded(net *Net, run func(*Net) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: internal error (a bug in palmc; please report it): %v\n%s", net.Name, r, debug.Stack())
		}
	}()
	return run(net)
}
