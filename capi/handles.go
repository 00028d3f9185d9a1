package main

import (
	"fmt"
	"sync"
)

// handles holds the objects the caller names by number. Numbers are never
// reused, so a closed handle stays closed.
var handles = struct {
	sync.Mutex
	next uint64
	objs map[uint64]any
}{objs: map[uint64]any{}}

// register stores obj and returns its handle.
func register(obj any) uint64 {
	handles.Lock()
	defer handles.Unlock()
	handles.next++
	handles.objs[handles.next] = obj
	return handles.next
}

// lookup returns the object of handle h if it is open and of type T.
func lookup[T any](h uint64, what string) (T, error) {
	handles.Lock()
	defer handles.Unlock()
	var zero T
	obj, ok := handles.objs[h]
	if !ok {
		return zero, &apiError{Kind: kindClosed, Message: fmt.Sprintf("palmc: %s %d is closed or was never opened", what, h)}
	}
	t, ok := obj.(T)
	if !ok {
		return zero, &apiError{Kind: kindValue, Message: fmt.Sprintf("palmc: handle %d is not a %s", h, what)}
	}
	return t, nil
}

// release forgets handle h; it reports whether h was open.
func release(h uint64) bool {
	handles.Lock()
	defer handles.Unlock()
	_, ok := handles.objs[h]
	delete(handles.objs, h)
	return ok
}

// open counts the open handles (for tests).
func open() int {
	handles.Lock()
	defer handles.Unlock()
	return len(handles.objs)
}
