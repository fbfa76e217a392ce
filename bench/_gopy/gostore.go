// Package gostore is the Go side of the gopy peer in bench/run.py: a string
// store equivalent to gocfg's flat Config (a map behind a read-write lock,
// keys and values checked the way gocfg checks them), so that the benchmark
// compares the cost of two bindings, not of two stores.
//
// bench/run.py copies this file into a temporary Go module and builds it with
// gopy v0.5.0 at bench time; the generated binding is never committed. The
// directory name starts with "_" so the go tool ignores it inside this
// repository's module.
package gostore

import (
	"errors"
	"strings"
	"sync"
	"unicode/utf8"
)

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = errors.New("key not found")

// ErrInvalid is returned by Set for a key or value that is not valid UTF-8
// or holds a NUL byte (gocfg refuses the same).
var ErrInvalid = errors.New("invalid key or value")

// Store is a thread-safe map of string keys to string values.
type Store struct {
	mu sync.RWMutex
	m  map[string]string
}

// NewStore returns an empty Store.
func NewStore() *Store { return &Store{m: map[string]string{}} }

// Version does nothing but return a constant: the no-op call through the
// binding, the counterpart of gocfg_abi_version.
func Version() int { return 1 }

// Get returns the value stored under key.
func (s *Store) Get(key string) (string, error) {
	s.mu.RLock()
	v, ok := s.m[key]
	s.mu.RUnlock()
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// Set stores value under key.
func (s *Store) Set(key, value string) error {
	if !valid(key) || !valid(value) {
		return ErrInvalid
	}
	s.mu.Lock()
	s.m[key] = value
	s.mu.Unlock()
	return nil
}

// Contains reports whether key is set.
func (s *Store) Contains(key string) bool {
	s.mu.RLock()
	_, ok := s.m[key]
	s.mu.RUnlock()
	return ok
}

func valid(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
