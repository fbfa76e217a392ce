// Package store is the thread-safe configuration store behind a Config handle.
package store

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/value"
)

// Config is a configuration tree guarded by a read-write lock, so any number
// of readers proceed together and writers take turns.
type Config struct {
	mu   sync.RWMutex
	root value.Map
	// version counts mutations. It lets a reader tell cheaply whether
	// anything changed since it last looked.
	version atomic.Uint64
}

// New returns an empty Config.
func New() *Config { return &Config{} }

// CheckKey refuses keys that cannot cross into every language and format
// intact: invalid UTF-8 and NUL bytes (C strings would cut them short).
func CheckKey(key string) error {
	return checkText("key", key)
}

// CheckText refuses a string value that is not valid UTF-8 or holds NUL.
func CheckText(what, s string) error { return checkText(what, s) }

func checkText(what, s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return fmt.Errorf("%s %q contains a NUL byte at offset %d: %w", what, trimForMessage(s), i, errs.ErrInvalidArgument)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return fmt.Errorf("%s is not valid UTF-8 (bad byte %#x at offset %d): %w", what, s[i], i, errs.ErrInvalidArgument)
		}
		i += size
	}
	return nil
}

func trimForMessage(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func quoteForMessage(s string) string { return fmt.Sprintf("%q", trimForMessage(s)) }

func notFound(key string) error {
	return fmt.Errorf("key %q: %w", trimForMessage(key), errs.ErrNotFound)
}

// Version returns the mutation counter.
func (c *Config) Version() uint64 { return c.version.Load() }

// Get returns the value stored under key.
func (c *Config) Get(key string) (any, error) {
	c.mu.RLock()
	v, ok := c.root.Get(key)
	c.mu.RUnlock()
	if !ok {
		return nil, notFound(key)
	}
	return v, nil
}

// Contains reports whether key is set.
func (c *Config) Contains(key string) bool {
	c.mu.RLock()
	_, ok := c.root.Get(key)
	c.mu.RUnlock()
	return ok
}

// Set stores v under key.
func (c *Config) Set(key string, v any) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if s, ok := v.(string); ok {
		if err := checkText("value for key "+quoteForMessage(key), s); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.root.Set(key, v)
	c.version.Add(1)
	c.mu.Unlock()
	return nil
}

// Delete removes key; it is an error if key is not set.
func (c *Config) Delete(key string) error {
	c.mu.Lock()
	ok := c.root.Delete(key)
	if ok {
		c.version.Add(1)
	}
	c.mu.Unlock()
	if !ok {
		return notFound(key)
	}
	return nil
}

// Len is the number of top-level keys.
func (c *Config) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.root.Len()
}

// Keys returns the top-level keys in insertion order.
func (c *Config) Keys() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.root.Keys()
}

// Clear removes every key.
func (c *Config) Clear() {
	c.mu.Lock()
	c.root.Clear()
	c.version.Add(1)
	c.mu.Unlock()
}

// View runs f with the tree read-locked, for serializers that need a
// consistent snapshot. f must not keep root or call back into c.
func (c *Config) View(f func(root *value.Map) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return f(&c.root)
}
