package db

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/gocfg/gocfg/gocore/errs"
	"github.com/gocfg/gocfg/gocore/limits"
)

// The storage encoding of a config, version 1:
//
//	"\x00gcf"  magic (4 bytes)
//	1          encoding version (1 byte)
//	method     0 = stored as is, 1 = zstd (1 byte)
//	size       the codec output's length, uvarint
//	payload    the codec output, compressed by method
//
// Stores written before the encoding was versioned hold the codec output
// itself. No codec output starts with a NUL byte (the wire format starts
// with a marshal type code, JSON with '{'), so a blob that does not start
// with the magic is read as such a legacy blob. Backends see the encoded
// bytes as opaque.
const (
	encMagic   = "\x00gcf"
	encVersion = 1

	methodRaw  = 0
	methodZstd = 1

	// compressAbove: smaller configs are stored as is; zstd's frame
	// overhead and the call itself buy nothing on a few hundred bytes.
	compressAbove = 512
)

// DefaultMaxConfigBytes bounds the encoded (uncompressed) size of one
// config. See README.md for why 64 MiB.
const DefaultMaxConfigBytes = 64 << 20

// encoder compresses and decompresses blobs for one DB. The zstd encoder
// and decoder are made on first use: most stores hold small configs only.
type encoder struct {
	compress bool  // whether this backend stores compressed blobs
	max      int64 // the size bound of a config's codec output

	once sync.Once
	zenc *zstd.Encoder
	zdec *zstd.Decoder
	zerr error
}

func (e *encoder) init() error {
	e.once.Do(func() {
		// Concurrency 1: EncodeAll and DecodeAll then run in the calling
		// goroutine and start none of their own, so a DB's goroutine count
		// does not depend on zstd (DecodeAll calls still run in parallel).
		e.zenc, e.zerr = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
		if e.zerr != nil {
			return
		}
		// The decoder's bounds are the config bound, but never below 64
		// KiB: below zstd's own sizes a frame the encoder wrote for a
		// config within the bound was refused as "window size exceeded"
		// (a bound of 1000 bytes saved configs it could not load). What a
		// frame gives is checked against the size sealed with it anyway.
		bound := max(e.max, 64<<10)
		e.zdec, e.zerr = zstd.NewReader(nil, zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxMemory(uint64(bound)), zstd.WithDecoderMaxWindow(uint64(min(bound, zstd.MaxWindowSize))))
	})
	if e.zerr != nil {
		return fmt.Errorf("db: starting zstd: %v: %w", e.zerr, errs.ErrInternal)
	}
	return nil
}

// limitErr says that a config of n bytes is over the bound.
func (e *encoder) limitErr(n int64) error {
	return fmt.Errorf("the config is %d bytes encoded, over the database's limit of %d bytes (%s); "+
		"raise it with Options.MaxConfigBytes or the URL parameter max_config_bytes: %w",
		n, e.max, limits.Format(e.max, "bytes"), errs.ErrLimit)
}

// seal encodes a codec output for storage.
func (e *encoder) seal(raw []byte) ([]byte, error) {
	if int64(len(raw)) > e.max {
		return nil, e.limitErr(int64(len(raw)))
	}
	head := make([]byte, 0, len(encMagic)+2+binary.MaxVarintLen64)
	head = append(head, encMagic...)
	head = append(head, encVersion, methodRaw)
	head = binary.AppendUvarint(head, uint64(len(raw)))
	if e.compress && len(raw) > compressAbove {
		if err := e.init(); err != nil {
			return nil, err
		}
		head[len(encMagic)+1] = methodZstd
		out := e.zenc.EncodeAll(raw, head)
		// Keep the compressed form only when it saves something real.
		if len(out) < len(head)+len(raw)-len(raw)/16 {
			return out, nil
		}
		head[len(encMagic)+1] = methodRaw
	}
	return append(head, raw...), nil
}

// unseal returns the codec output stored in blob.
func (e *encoder) unseal(blob []byte) ([]byte, error) {
	if len(blob) == 0 || blob[0] != 0 {
		return blob, nil // a legacy blob: the codec output itself
	}
	if len(blob) < len(encMagic)+2 || string(blob[:len(encMagic)]) != encMagic {
		return nil, fmt.Errorf("stored data is damaged (bad header): %w", errs.ErrIO)
	}
	version, method := blob[len(encMagic)], blob[len(encMagic)+1]
	if version != encVersion {
		return nil, fmt.Errorf("stored data has encoding version %d, newer than this gocfg knows (%d): %w", version, encVersion, errs.ErrIO)
	}
	rest := blob[len(encMagic)+2:]
	size, n := binary.Uvarint(rest)
	if n <= 0 {
		return nil, fmt.Errorf("stored data is damaged (bad size): %w", errs.ErrIO)
	}
	rest = rest[n:]
	if size > uint64(e.max) {
		return nil, e.limitErr(int64(min(size, 1<<62)))
	}
	switch method {
	case methodRaw:
		if uint64(len(rest)) != size {
			return nil, fmt.Errorf("stored data is damaged (%d bytes where %d were written): %w", len(rest), size, errs.ErrIO)
		}
		return rest, nil
	case methodZstd:
		if err := e.init(); err != nil {
			return nil, err
		}
		out, err := e.zdec.DecodeAll(rest, make([]byte, 0, size))
		if err != nil {
			return nil, fmt.Errorf("stored data is damaged (zstd: %v): %w", err, errs.ErrIO)
		}
		if uint64(len(out)) != size {
			return nil, fmt.Errorf("stored data is damaged (%d bytes decompressed where %d were written): %w", len(out), size, errs.ErrIO)
		}
		return out, nil
	}
	return nil, fmt.Errorf("stored data uses compression method %d, which this gocfg does not know: %w", method, errs.ErrIO)
}

// close releases zstd's buffers.
func (e *encoder) close() {
	if e.zenc != nil {
		e.zenc.Close()
	}
	if e.zdec != nil {
		e.zdec.Close()
	}
}
