package runfolder

import (
	"strings"
	"testing"
	"time"
)

// A folder in use names its holder, and says that stopping it saves a
// checkpoint only of a palmc that simulates (not of a second gather or
// plot).
func TestBusyMessage(t *testing.T) {
	for _, c := range []struct {
		command    []string
		checkpoint bool
	}{
		{[]string{"/usr/bin/palmc", "run", "--params", "r1", "--task", "fw_bw"}, true},
		{[]string{"palmc", "--quiet", "example"}, true},
		{[]string{"palmc", "sweep", "run", "study"}, true},
		{[]string{"palmc", "sweep", "cell", "study", "3"}, true},
		{[]string{"palmc", "sweep", "gather", "study"}, false},
		{[]string{"palmc", "plot", "r1"}, false},
		{[]string{"palmc", "figure", "fig3", "r1"}, false},
		{nil, false},
	} {
		e := &BusyError{Dir: "d", Holder: &holder{PID: 7, Host: "h", Since: time.Now(), Command: c.command}}
		msg := e.Error()
		if strings.Contains(msg, "checkpoint") != c.checkpoint || !strings.Contains(msg, "pid 7") || strings.Contains(msg, "run folder") {
			t.Errorf("%v: %s", c.command, msg)
		}
	}
}
