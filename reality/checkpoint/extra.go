// Case-specific values for the next checkpoint's "extra" object. Members are
// appended as raw JSON into a fixed buffer; the next Mark prints and clears
// them. When the buffer is full, further members are dropped and the line
// says "extra_truncated":true (allocating a bigger buffer would disturb the
// program being measured).

package checkpoint

import "strconv"

const extraSize = 2 << 10 // bytes of raw JSON members; the largest user (append-growth caps) needs ~400

var (
	extraBuf       []byte // len = bytes used; cap == extraSize, fixed at init
	extraTruncated bool
)

// extraKey starts a member `"key":` if key and need more bytes fit.
func extraKey(key string, need int) bool {
	if cap(extraBuf)-len(extraBuf) < 1+len(key)*escRoom+3+need {
		extraTruncated = true
		return false
	}
	if len(extraBuf) > 0 {
		extraBuf = append(extraBuf, ',')
	}
	extraBuf = appendJSONString(extraBuf, key)
	extraBuf = append(extraBuf, ':')
	return true
}

// Extra sets extra[key] = v for the next checkpoint.
func Extra(key string, v int64) {
	if extraKey(key, numRoom) {
		extraBuf = strconv.AppendInt(extraBuf, v, 10)
	}
}

// ExtraUint sets extra[key] = v for the next checkpoint.
func ExtraUint(key string, v uint64) {
	if extraKey(key, numRoom) {
		extraBuf = strconv.AppendUint(extraBuf, v, 10)
	}
}

// ExtraString sets extra[key] = s for the next checkpoint.
func ExtraString(key, s string) {
	if extraKey(key, len(s)*escRoom+2) {
		extraBuf = appendJSONString(extraBuf, s)
	}
}

// ExtraInts sets extra[key] = [vs...] for the next checkpoint. If the list
// does not fit, the member is dropped whole.
func ExtraInts(key string, vs []int64) {
	if !extraKey(key, 2+len(vs)*(numRoom+1)) {
		return
	}
	extraBuf = append(extraBuf, '[')
	for i, v := range vs {
		if i > 0 {
			extraBuf = append(extraBuf, ',')
		}
		extraBuf = strconv.AppendInt(extraBuf, v, 10)
	}
	extraBuf = append(extraBuf, ']')
}

// writeExtra emits `,"extra":{...}` when anything was set, then clears it.
func writeExtra() {
	if len(extraBuf) == 0 && !extraTruncated {
		return
	}
	putString(`,"extra":{`)
	putBytes(extraBuf)
	if extraTruncated {
		if len(extraBuf) > 0 {
			putByte(',')
		}
		putString(`"extra_truncated":true`)
	}
	putByte('}')
	if !discard {
		extraBuf = extraBuf[:0]
		extraTruncated = false
	}
}
