package graph

import (
	"context"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
)

// FuzzOperationLimits: the structural checks run on any document gqlparser accepts, valid or
// not (unknown fragments, cycles, fan-out), without panicking and in bounded time, and a refusal
// always carries a code and the limit.
func FuzzOperationLimits(f *testing.F) {
	f.Add(`{ me { id } }`)
	f.Add(`{ a: me { id } b: me { id } }`)
	f.Add(`query { ...F } fragment F on Query { ...F }`)
	f.Add(`{ me @include(if: true) @skip(if: false) { teams { createdBy { id } } } }`)
	ext := newLimitsExtension(Limits{MaxDepth: 4, MaxAliases: 3, MaxRootFields: 3, MaxDirectives: 3, MaxTokens: 500}, false)
	f.Fuzz(func(t *testing.T, query string) {
		start := time.Now()
		gerr := ext.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: query})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("limits took %s", d)
		}
		if gerr != nil {
			if code, _ := gerr.Extensions["code"].(string); code == "" || gerr.Extensions["limit"] == nil || gerr.Message == "" {
				t.Fatalf("refusal without code or limit: %+v", gerr)
			}
		}
	})
}
