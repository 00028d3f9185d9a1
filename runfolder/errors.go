package runfolder

import "errors"

// Refusal is an error found before any simulation, about what was asked
// (the params, the folder's state, the flags): palmc's exit code 2.
type Refusal struct{ Err error }

func (e *Refusal) Error() string { return e.Err.Error() }
func (e *Refusal) Unwrap() error { return e.Err }

// refuse wraps err as a Refusal.
func refuse(err error) error { return &Refusal{err} }

// ErrInterrupted is returned (wrapped) when a run was stopped and saved to
// its checkpoint.
var ErrInterrupted = errors.New("interrupted")
