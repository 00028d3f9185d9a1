package params

// IsKey reports whether key is a params.json key that palmc reads (not
// "_comment").
func IsKey(key string) bool { return knownKeys[key] }

// Suggest returns the known key that key most likely misspells: one that
// differs only in case, else the nearest by edit distance if that is small
// for the key's length; "" when none is near.
func Suggest(key string) string { return suggest(key, knownKeys) }
