package experiment

import (
	"fmt"

	"palmc/params"
)

// CheckConfig makes the checks of Run before its first step that need no
// data and allocate nothing: the params for the task and the networks'
// configurations (the student's, and the teacher's for fw_bw). With
// LoadClassifyData for a classify run, it is everything Run checks before
// it simulates; a sweep makes both for every cell before any runs.
func CheckConfig(p *params.Params, task params.Task) error {
	if err := p.Validate(task); err != nil {
		return err
	}
	if task != params.BwOnly && task != params.FwBw && task != params.Classify {
		return fmt.Errorf("experiment: unknown task %q (bw_only, fw_bw or classify)", task)
	}
	teachers := []bool{false}
	if task == params.FwBw {
		teachers = append(teachers, true)
	}
	for _, teacher := range teachers {
		cfg, err := Config(p, teacher)
		if err != nil {
			return err
		}
		if err := cfg.Check(); err != nil {
			return err
		}
	}
	return nil
}
