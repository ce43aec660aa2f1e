package checkpoint

import (
	"encoding/json"
	"io"
	"os"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// capture runs fn with the output fd pointed at a pipe and returns what it wrote.
func capture(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		done <- string(b)
	}()
	saved := outFD
	outFD = int(w.Fd())
	fn()
	outFD = saved
	w.Close()
	s := <-done
	r.Close()
	return s
}

// devNull points the output at /dev/null for the duration of a test.
func devNull(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	saved := outFD
	outFD = int(f.Fd())
	t.Cleanup(func() { outFD = saved; f.Close() })
}

func parseLine(t *testing.T, line string) map[string]any {
	t.Helper()
	if !strings.HasPrefix(line, "CHECKPOINT {") || !strings.HasSuffix(line, "}\n") {
		t.Fatalf("not a checkpoint line: %.200q", line)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "CHECKPOINT ")), &m); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, line)
	}
	return m
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// The point of the package: a checkpoint allocates nothing.
func TestCheckpointAllocatesNothing(t *testing.T) {
	devNull(t)
	caps := []int64{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280}
	withExtra := func() {
		Extra("n", 42)
		ExtraUint("u", 1<<63)
		ExtraString("s", "after_\"quoted\"")
		ExtraInts("caps", caps)
		Mark("with_extra")
	}
	// testing.AllocsPerRun counts every allocation of the process while it
	// runs. ReadMemStats stops the world, and restarting it may make the
	// runtime start a thread when none is idle (5 objects; only seen on a
	// loaded machine), so a nonzero count is retried: a helper that
	// allocated would allocate every time.
	for _, c := range []struct {
		name string
		fn   func()
	}{{"Mark", func() { Mark("x") }}, {"Extra*+Mark", withExtra}} {
		n := 0.0
		for try := 0; try < 3; try++ {
			if n = testing.AllocsPerRun(20, c.fn); n == 0 {
				break
			}
		}
		if n != 0 {
			t.Errorf("%s allocates %v objects per call, want 0", c.name, n)
		}
	}

	// Exact attribution: profile every allocation while checkpoints run; none
	// may come from the helper's code, except the runtime starting a thread
	// (newm) inside ReadMemStats' stop-the-world.
	saved := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	for i := 0; i < 10; i++ {
		withExtra()
		Mark("y")
	}
	runtime.MemProfileRate = saved
	runtime.GC()
	runtime.GC() // MemProfile shows allocations as of the last completed cycle
	recs := make([]runtime.MemProfileRecord, 1<<14)
	n, ok := runtime.MemProfile(recs, true)
	if !ok {
		t.Fatalf("MemProfile needs %d records", n)
	}
	for _, r := range recs[:n] {
		ours, thread := false, false
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			ours = ours || strings.HasPrefix(f.Function, "gomem/reality/checkpoint.Mark")
			thread = thread || f.Function == "runtime.newm"
			if !more {
				break
			}
		}
		if ours && !thread {
			t.Errorf("a checkpoint allocated %d object(s) of %d B:", r.AllocObjects, r.AllocBytes/max(r.AllocObjects, 1))
			frames := runtime.CallersFrames(r.Stack())
			for {
				f, more := frames.Next()
				t.Logf("  %s:%d", f.Function, f.Line)
				if !more {
					break
				}
			}
		}
	}
}

// Every key of checkpoints.md is there, with the right inner keys.
func TestLineHasEveryKey(t *testing.T) {
	Extra("k", 7)
	out := capture(t, func() { Mark("shape") })
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("want one line, got %q", out)
	}
	m := parseLine(t, out)
	want := []string{"extra", "goroutines", "memstats", "metrics", "name", "proc", "seq", "smaps_anon_ge1MiB", "smaps_summary", "t_ms"}
	if got := keys(m); !reflect.DeepEqual(got, want) {
		t.Errorf("top-level keys %v, want %v", got, want)
	}
	if m["name"] != "shape" {
		t.Errorf("name = %v", m["name"])
	}
	memstats := []string{"Alloc", "BuckHashSys", "Frees", "GCCPUFraction", "GCSys", "HeapAlloc", "HeapIdle", "HeapInuse",
		"HeapObjects", "HeapReleased", "HeapSys", "LastGC", "MCacheInuse", "MCacheSys", "MSpanInuse", "MSpanSys",
		"Mallocs", "NextGC", "NumForcedGC", "NumGC", "OtherSys", "PauseTotalNs", "StackInuse", "StackSys", "Sys", "TotalAlloc"}
	if got := keys(m["memstats"].(map[string]any)); !reflect.DeepEqual(got, memstats) {
		t.Errorf("memstats keys %v", got)
	}
	proc := []string{"RssAnon_kB", "RssFile_kB", "RssShmem_kB", "Threads", "VmData_kB", "VmExe_kB", "VmHWM_kB",
		"VmLib_kB", "VmPTE_kB", "VmPeak_kB", "VmRSS_kB", "VmSize_kB", "VmStk_kB"}
	if got := keys(m["proc"].(map[string]any)); !reflect.DeepEqual(got, proc) {
		t.Errorf("proc keys %v", got)
	}
	summary := []string{"anon_ge1MiB_anon_kB", "anon_ge1MiB_count", "anon_ge1MiB_rss_kB", "anon_ge1MiB_size_kB",
		"anon_maps_rss_kB", "anon_maps_size_kB", "anonhuge_kB", "anonymous_kB", "file_maps_rss_kB", "file_maps_size_kB",
		"lazyfree_kB", "maps", "prot_none_size_kB", "rss_kB", "size_kB"}
	if got := keys(m["smaps_summary"].(map[string]any)); !reflect.DeepEqual(got, summary) {
		t.Errorf("smaps_summary keys %v", got)
	}
	// Go 1.23.5 has 35 scalar metrics under the three prefixes (all uint64).
	metrics := m["metrics"].(map[string]any)
	if len(metrics) != 35 || metrics["/gc/gogc:percent"] == nil || metrics["/memory/classes/total:bytes"] == nil {
		t.Errorf("metrics: %d keys: %v", len(metrics), keys(metrics))
	}
	// Every Go process has its first heap arena at 0xc000000000.
	maps := m["smaps_anon_ge1MiB"].([]any)
	first := maps[0].(map[string]any)
	if r, _ := first["range"].(string); !strings.HasPrefix(r, "c000000000-") || first["perms"] != "rw-p" {
		t.Errorf("first anonymous ≥1 MiB mapping: %v", first)
	}
	entry := []string{"anon_kB", "anonhuge_kB", "lazyfree_kB", "name", "perms", "range", "rss_kB", "size_kB", "thp"}
	if got := keys(first); !reflect.DeepEqual(got, entry) {
		t.Errorf("map entry keys %v", got)
	}
	if e := m["extra"].(map[string]any); e["k"] != 7.0 || len(e) != 1 {
		t.Errorf("extra = %v", e)
	}
	// extra is cleared by the checkpoint that printed it; seq counts up.
	out2 := capture(t, func() { Mark("shape2") })
	m2 := parseLine(t, out2)
	if _, ok := m2["extra"]; ok {
		t.Errorf("extra printed twice")
	}
	if m2["seq"].(float64) != m["seq"].(float64)+1 {
		t.Errorf("seq %v then %v", m["seq"], m2["seq"])
	}
}

// The smaps fixture is this machine's real format (Linux 6.18, 24 lines per
// entry) with invented round numbers; expected sums are worked by hand in
// testdata/README.md.
func TestSmapsFixture(t *testing.T) {
	out := capture(t, func() {
		putString("{")
		putString(`"x":0`)
		writeSmaps("testdata/smaps.txt\x00")
		putString("}")
		flush()
	})
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	wantSum := map[string]any{
		"maps": 12.0, "size_kB": 718676.0, "rss_kB": 3972.0, "anonymous_kB": 3496.0, "lazyfree_kB": 512.0,
		"anonhuge_kB": 2048.0, "prot_none_size_kB": 61440.0, "anon_maps_size_kB": 103700.0, "anon_maps_rss_kB": 3480.0,
		"file_maps_size_kB": 614952.0, "file_maps_rss_kB": 488.0, "anon_ge1MiB_count": 5.0,
		"anon_ge1MiB_size_kB": 103424.0, "anon_ge1MiB_rss_kB": 3428.0, "anon_ge1MiB_anon_kB": 3428.0,
	}
	if got := m["smaps_summary"]; !reflect.DeepEqual(got, wantSum) {
		t.Errorf("summary\n got %v\nwant %v", got, wantSum)
	}
	type entry struct {
		Range, Perms, Name, Thp             string
		Size, Rss, Anon, LazyFree, AnonHuge float64
	}
	var got []entry
	for _, e := range m["smaps_anon_ge1MiB"].([]any) {
		x := e.(map[string]any)
		got = append(got, entry{x["range"].(string), x["perms"].(string), x["name"].(string), x["thp"].(string),
			x["size_kB"].(float64), x["rss_kB"].(float64), x["anon_kB"].(float64), x["lazyfree_kB"].(float64), x["anonhuge_kB"].(float64)})
	}
	want := []entry{
		{"c000000000-c000400000", "rw-p", "", "", 4096, 348, 348, 0, 0},
		{"c000400000-c004000000", "---p", "", "", 61440, 0, 0, 0, 0},
		{"7fffa0000000-7fffa0200000", "rw-p", "", "", 2048, 1024, 1024, 512, 0},
		{"7fffb1500000-7fffb3600000", "rw-p", "", "nh", 33792, 8, 8, 0, 0},
		{"7fffc3600000-7fffc3800000", "rw-p", "", "hg", 2048, 2048, 2048, 0, 2048},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("smaps_anon_ge1MiB\n got %+v\nwant %+v", got, want)
	}
}

// Values read off the real /proc/self/status of `cat` on this machine.
func TestStatusFixture(t *testing.T) {
	out := capture(t, func() {
		putString(`{"x":{}`)
		writeProc("testdata/status.txt\x00")
		putString("}")
		flush()
	})
	var m map[string]map[string]float64
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]float64{"VmPeak_kB": 3060, "VmSize_kB": 3060, "VmHWM_kB": 1696, "VmRSS_kB": 1696,
		"RssAnon_kB": 116, "RssFile_kB": 1580, "RssShmem_kB": 0, "VmData_kB": 360, "VmStk_kB": 132,
		"VmExe_kB": 20, "VmLib_kB": 1528, "VmPTE_kB": 52, "Threads": 1}
	if !reflect.DeepEqual(m["proc"], want) {
		t.Errorf("proc\n got %v\nwant %v", m["proc"], want)
	}
}

// A read buffer smaller than the file still yields every line whole, as
// long as each line fits (lines are reassembled across read calls).
func TestSmallReadBuffer(t *testing.T) {
	full := capture(t, func() { writeSmaps("testdata/smaps.txt\x00"); flush() })
	saved := rdBuf
	rdBuf = rdBuf[:128] // the longest fixture line is 101 bytes
	small := capture(t, func() { writeSmaps("testdata/smaps.txt\x00"); flush() })
	rdBuf = saved
	if full != small {
		t.Errorf("128-byte reads differ:\n%s\n%s", full, small)
	}
}

// Output longer than the buffer leaves in several writes, intact.
func TestLongOutputFlushes(t *testing.T) {
	long := strings.Repeat("0123456789", 3*outSize/10+7)
	out := capture(t, func() {
		putString(long)
		putJSONString(long)
		flush()
	})
	if out != long+`"`+long+`"` {
		t.Errorf("long output mangled: %d bytes, want %d", len(out), 2*len(long)+2)
	}
	if cap(outBuf) != outSize {
		t.Errorf("output buffer grew to %d", cap(outBuf))
	}
}

func TestExtraTruncates(t *testing.T) {
	big := make([]int64, 200) // 200 × (numRoom+1) > extraSize: dropped whole
	Extra("a", -1)
	ExtraInts("big", big)
	ExtraString("s", "x\n")
	out := capture(t, func() { Mark("extra") })
	m := parseLine(t, out)
	want := map[string]any{"a": -1.0, "s": "x\n", "extra_truncated": true}
	if !reflect.DeepEqual(m["extra"], want) {
		t.Errorf("extra = %v, want %v", m["extra"], want)
	}
	if cap(extraBuf) != extraSize {
		t.Errorf("extra buffer grew to %d", cap(extraBuf))
	}
}

func TestOpenProcMissingFile(t *testing.T) {
	if fd := openProc("testdata/no-such-file\x00"); fd != -1 {
		syscall.Close(fd)
		t.Errorf("openProc of a missing file = %d, want -1", fd)
	}
}
