package graph_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rocketgql/rocketgql/graph"
)

// BenchmarkFiftyUsersWithPresence is the headline query over real loopback HTTP on both hops:
// client → gateway → stand-in Rocket.Chat. It reports upstream calls per operation next to
// ns/op and allocations (gateway and the in-process backend together).
func BenchmarkFiftyUsersWithPresence(b *testing.B) {
	backend := newRecordingBackend(b, newDirectory(200, false).routes())
	gw := newGateway(b, backend.URL, graph.LoaderConfig{})
	const query = `{ users(first: 50) { nodes { id username name presence { status } } } }`
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp := gw.do(b, creds, query, nil)
		if len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
	b.ReportMetric(float64(backend.total())/float64(b.N), "upstream-calls/op")
}

// BenchmarkBatchWait measures what the loader's batch window costs and saves: ten aliased
// user(id:) fields in list-query mode, for several windows. Too short a window splits the batch
// (more upstream calls per op); a longer one only adds latency.
func BenchmarkBatchWait(b *testing.B) {
	var q strings.Builder
	q.WriteString("{")
	for i := range 10 {
		fmt.Fprintf(&q, ` u%d: user(id: "id%03d") { username }`, i, i)
	}
	q.WriteString(" }")
	for _, wait := range []time.Duration{time.Microsecond, 50 * time.Microsecond, 200 * time.Microsecond, time.Millisecond, 4 * time.Millisecond} {
		b.Run(wait.String(), func(b *testing.B) {
			backend := newRecordingBackend(b, newDirectory(20, true).routes())
			gw := newGateway(b, backend.URL, graph.LoaderConfig{UserLookup: graph.LookupListQuery, Wait: wait})
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if resp := gw.do(b, creds, q.String(), nil); len(resp.Errors) > 0 {
					b.Fatal(resp.Errors)
				}
			}
			b.ReportMetric(float64(backend.total())/float64(b.N), "upstream-calls/op")
		})
	}
}
