// Records Go's runtime/metrics descriptions and histogram bucket boundaries
// for conformance/metrics.test.ts: metrics.All() (name, description, kind,
// cumulative) and the Buckets of a time histogram (/sched/latencies:seconds)
// and of the size-class histogram (/gc/heap/allocs-by-size:bytes), floats as
// strconv 'g' strings (JSON has no infinities).
// Regenerate with: go run conformance/testdata/metrics/main.go > conformance/testdata/metrics_go1.23.5.json
package main

import (
	"encoding/json"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
)

type desc struct {
	Name        string
	Description string
	Kind        int
	Cumulative  bool
}

func buckets(name string) []string {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	var out []string
	for _, b := range s[0].Value.Float64Histogram().Buckets {
		out = append(out, strconv.FormatFloat(b, 'g', -1, 64))
	}
	return out
}

func main() {
	var all []desc
	for _, d := range metrics.All() {
		all = append(all, desc{d.Name, d.Description, int(d.Kind), d.Cumulative})
	}
	e := json.NewEncoder(os.Stdout)
	e.SetEscapeHTML(false)
	e.SetIndent("", " ")
	e.Encode(map[string]any{
		"version":     runtime.Version(),
		"all":         all,
		"timeBuckets": buckets("/sched/latencies:seconds"),
		"sizeBuckets": buckets("/gc/heap/allocs-by-size:bytes"),
	})
}
