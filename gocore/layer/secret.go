package layer

import "github.com/gocfg/gocfg/gocore/secretname"

// The secret rule by key name lives in gocore/secretname, where the
// codecs, which this package imports, reach it too; these are its names
// here.

// Mask replaces a secret value in what the library writes.
const Mask = secretname.Mask

// IsSecretKey reports whether one key (a path segment) names a secret
// (secretname.IsKey).
func IsSecretKey(key string) bool { return secretname.IsKey(key) }

// IsSecretPath reports whether a path is a secret or lies under one
// (secretname.IsPath).
func IsSecretPath(segs []string) bool { return secretname.IsPath(segs) }
