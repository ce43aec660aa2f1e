package checkpoint

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The contract of ALLOCATIONS.md, checked against the real runtime. A
// program imports the helper and a package that sets runtime.MemProfileRate
// = 1 before anything else initialises (its import path sorts first among
// the packages ready to initialise), so every heap allocation is profiled
// with its call stack. At the start of main it reads runtime.MemProfile and
// prints each allocation made by the helper's allocate(), by runtime/metrics'
// package init, or by the runtime's metric table on the first metrics.Read.
// Attributing by stack makes the check immune to what the scheduler does
// meanwhile (a thread started during init allocates too, in some runs).

const profileMain = `package main

import (
	"runtime"
	"strings"

	_ "gomem/reality/checkpoint"
	_ "initcost/aaprof"
)

var recs [8192]runtime.MemProfileRecord

func main() {
	runtime.GC()
	runtime.GC() // the profile is as of the last completed cycle
	n, ok := runtime.MemProfile(recs[:], true)
	if !ok {
		panic("MemProfile: too many records")
	}
	for _, r := range recs[:n] {
		group := ""
		frames := runtime.CallersFrames(r.Stack())
		for more := true; more && group == ""; {
			var f runtime.Frame
			f, more = frames.Next()
			switch {
			case strings.HasPrefix(f.Function, "gomem/reality/checkpoint.allocate"):
				group = "helper"
			case strings.HasPrefix(f.Function, "runtime/metrics.init"):
				group = "metrics-init"
			case f.Function == "runtime.initMetrics":
				group = "first-read"
			case strings.HasPrefix(f.Function, "gomem/reality/checkpoint."):
				group = "other:" + f.Function
			}
		}
		if group != "" {
			println(group, r.AllocBytes/r.AllocObjects, r.AllocObjects)
		}
	}
}
`

const profileFirst = `package aaprof

import "runtime"

func init() { runtime.MemProfileRate = 1 }
`

// helperObjects is ALLOCATIONS.md's table: group → object size → count.
var helperObjects = map[string]map[int]int{
	"helper":       {8192: 2, 2048: 1, 1408: 1},                       // outBuf, rdBuf; extraBuf; samples
	"metrics-init": {4864: 1, 144: 9, 128: 23, 64: 20, 48: 12},        // descriptions and GODEBUG metric names
	"first-read":   {4864: 1, 1408: 1, 576: 1, 64: 20, 48: 13, 24: 1}, // the runtime's metric map and buckets
}

// overflowBucket is the size of the metric map's overflow buckets: 0-3 of
// them on the first read, by the map's random hash seed.
const overflowBucket = 288

func TestHelperInitCost(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("SKIPPED: needs the go command to build the measurement program (not installed)")
	}
	here, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":       "module initcost\n\ngo 1.23\n\nrequire gomem/reality v0.0.0\n\nreplace gomem/reality => " + here + "\n",
		"aaprof/p.go":  profileFirst,
		"prog/main.go": profileMain,
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "prog.bin")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "./prog")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	seen := map[int]bool{}
	for run := 0; run < 5; run++ {
		cmd := exec.Command(bin)
		cmd.Env = []string{"GOMAXPROCS=2"}
		out, err := cmd.CombinedOutput() // println writes to stderr
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		got := map[string]map[int]int{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			size, _ := strconv.Atoi(f[1])
			n, _ := strconv.Atoi(f[2])
			if got[f[0]] == nil {
				got[f[0]] = map[int]int{}
			}
			got[f[0]][size] += n
		}
		buckets := got["first-read"][overflowBucket]
		delete(got["first-read"], overflowBucket)
		if !reflect.DeepEqual(got, helperObjects) || buckets > 3 {
			t.Fatalf("run %d: allocations by group %v (+%d overflow buckets), want %v (+0-3)", run, got, buckets, helperObjects)
		}
		seen[buckets] = true
	}
	t.Logf("overflow buckets seen: %v", seen)

	total, objects := 0, 0
	for _, g := range helperObjects {
		for size, n := range g {
			total += size * n
			objects += n
		}
	}
	if total != 39576 || objects != 106 {
		t.Errorf("ALLOCATIONS.md says 106 objects, 39,576 bytes; the table here sums to %d, %d", objects, total)
	}
}
