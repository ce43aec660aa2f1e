// The output side of a checkpoint: one line assembled in a fixed buffer and
// written to fd 1 with a raw write(2) (like the procfs reads: the goroutine
// keeps its P; a line fits in a pipe buffer, so the write does not block in
// practice). Nothing here may allocate, so the buffer never grows: when it
// is about to overflow it is flushed early, and a line of any length leaves
// the process as a few write(2) calls instead of one.

package checkpoint

import (
	"math"
	"strconv"
	"syscall"
	"unsafe"
)

const (
	outSize  = 8 << 10 // bytes of the output buffer (a line is 3.5-7 KiB; longer ones flush early)
	numRoom  = 32      // enough room for any uint64/int64 in decimal
	fltRoom  = 40      // enough room for strconv 'g' -1 of any float64
	escRoom  = 6       // the longest JSON escape of one byte: \u00XX
	hexDigit = "0123456789abcdef"
)

var (
	outBuf  []byte // pending bytes; cap(outBuf) == outSize, fixed at init
	outFD   = 1    // tests point this at /dev/null
	discard bool   // the dry run at init assembles a line and writes nothing
)

// flush writes the pending bytes (retrying short writes and EINTR) and
// empties the buffer.
func flush() {
	b := outBuf
	for len(b) > 0 && !discard {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(outFD), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 || n == 0 {
			break // stdout is gone; nothing useful left to do
		}
		b = b[n:]
	}
	outBuf = outBuf[:0]
}

// room makes sure n more bytes fit without growing the buffer.
func room(n int) {
	if cap(outBuf)-len(outBuf) < n {
		flush()
	}
}

func putByte(c byte) {
	room(1)
	outBuf = append(outBuf, c)
}

// putString copies s verbatim (no escaping), in pieces if needed.
func putString(s string) {
	for len(s) > 0 {
		room(1)
		k := copy(outBuf[len(outBuf):cap(outBuf)], s)
		outBuf = outBuf[:len(outBuf)+k]
		s = s[k:]
	}
}

func putBytes(b []byte) {
	for len(b) > 0 {
		room(1)
		k := copy(outBuf[len(outBuf):cap(outBuf)], b)
		outBuf = outBuf[:len(outBuf)+k]
		b = b[k:]
	}
}

func putUint(v uint64) {
	room(numRoom)
	outBuf = strconv.AppendUint(outBuf, v, 10)
}

func putInt(v int64) {
	room(numRoom)
	outBuf = strconv.AppendInt(outBuf, v, 10)
}

// putFloat prints v in the shortest form that reads back exactly; JSON has no
// NaN or infinities, so those become null.
func putFloat(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		putString("null")
		return
	}
	room(fltRoom)
	outBuf = strconv.AppendFloat(outBuf, v, 'g', -1, 64)
}

// putMillis prints a duration in nanoseconds as milliseconds with three
// decimals (microsecond resolution is all t_ms needs).
func putMillis(ns int64) {
	room(numRoom + 8)
	outBuf = strconv.AppendFloat(outBuf, float64(ns)/1e6, 'f', 3, 64)
}

// putJSONString writes s as a quoted JSON string.
func putJSONString(s string) {
	putByte('"')
	for i := 0; i < len(s); i++ {
		putEscaped(s[i])
	}
	putByte('"')
}

func putJSONBytes(b []byte) {
	putByte('"')
	for _, c := range b {
		putEscaped(c)
	}
	putByte('"')
}

func putEscaped(c byte) {
	room(escRoom)
	switch {
	case c == '"' || c == '\\':
		outBuf = append(outBuf, '\\', c)
	case c < 0x20:
		outBuf = append(outBuf, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&15])
	default:
		outBuf = append(outBuf, c)
	}
}

// appendJSONString is putJSONString for a caller-owned buffer whose spare
// capacity the caller has already checked (len(s)*escRoom+2 bytes).
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&15])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

// SetOutput sends the lines to fd instead of fd 1 (the calibration's
// BenchmarkCheckpoint times checkpoints into /dev/null, so as not to mix
// them with its own output). No recorded case calls it.
func SetOutput(fd int) {
	outFD = fd
}
