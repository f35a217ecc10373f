package graph

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// Default operation limits, tuned to this schema: the deepest useful selection
// (users → edges → node → teams → createdBy → presence → status) is 7 levels; 50 aliased
// `user(id:)` look-ups are a documented use; a full page of 100 users with their full records
// and teams costs 201 upstream calls.
const (
	DefaultMaxDepth      = 10
	DefaultMaxComplexity = 250
	DefaultMaxAliases    = 100
	DefaultMaxRootFields = 50
	DefaultMaxDirectives = 50
	DefaultMaxTokens     = 10000
)

// Limits bounds what one operation may ask for. A zero field takes its default; a negative one
// turns that limit off.
type Limits struct {
	// MaxDepth is the deepest field nesting (`{ me { id } }` is 2). Introspection subtrees are
	// bounded by gqlparser's own introspection depth rule instead.
	MaxDepth int
	// MaxComplexity bounds the upstream REST calls an operation can cause (see Complexity).
	MaxComplexity int
	// MaxAliases bounds aliased fields, counted through fragments.
	MaxAliases int
	// MaxRootFields bounds the root fields of one operation.
	MaxRootFields int
	// MaxDirectives bounds directives, counted through fragments.
	MaxDirectives int
	// MaxTokens is the parser token limit: a document longer than that is not parsed at all.
	MaxTokens int
}

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = math.MaxInt
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxRootFields, DefaultMaxRootFields)
	def(&l.MaxDirectives, DefaultMaxDirectives)
	def(&l.MaxTokens, DefaultMaxTokens)
	return l
}

func init() {
	// Refusals of the limits are protocol errors, like gqlgen's validation failures: 422 for
	// application/json, 400 for application/graphql-response+json.
	for _, code := range []string{CodeOperationTooDeep, CodeOperationTooComplex, CodeTooManyAliases,
		CodeTooManyRootFields, CodeTooManyDirectives, CodeTooManyTokens, CodeIntrospectionDisabled} {
		errcode.RegisterErrorType(code, errcode.KindProtocol)
	}
}

// limitsExtension enforces Limits as a gqlgen handler extension. Structural limits (tokens,
// depth, aliases, root fields, directives) are checked on the parsed document before gqlgen
// validates it, so an abusive document costs one bounded parse and nothing else; complexity and
// the introspection switch are checked on the validated operation with its variables. Every
// refusal happens before any resolver runs: zero REST calls.
type limitsExtension struct {
	limits        Limits
	introspection bool
	accepted      *lru.LRU[struct{}] // documents that passed the structural checks
}

var (
	_ graphql.HandlerExtension          = (*limitsExtension)(nil)
	_ graphql.OperationParameterMutator = (*limitsExtension)(nil)
	_ graphql.OperationContextMutator   = (*limitsExtension)(nil)
)

func newLimitsExtension(l Limits, introspection bool) *limitsExtension {
	return &limitsExtension{limits: l.withDefaults(), introspection: introspection, accepted: lru.New[struct{}](1000)}
}

func (e *limitsExtension) ExtensionName() string { return "OperationLimits" }

func (e *limitsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func limitError(code string, limit int, format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": code, "limit": limit},
	}
}

// MutateOperationParameters checks the structural limits on the raw document.
func (e *limitsExtension) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := e.accepted.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, e.limits.MaxTokens)
	if err != nil {
		if strings.Contains(err.Error(), "exceeded token limit") {
			return limitError(CodeTooManyTokens, e.limits.MaxTokens,
				"the operation is too long: more than %d tokens", e.limits.MaxTokens)
		}
		return nil // gqlgen reports the syntax error itself
	}
	if gerr := e.checkStructure(doc); gerr != nil {
		return gerr
	}
	e.accepted.Add(ctx, p.Query, struct{}{})
	return nil
}

func (e *limitsExtension) checkStructure(doc *ast.QueryDocument) *gqlerror.Error {
	s := structureWalker{doc: doc, memo: map[string]shape{}, active: map[string]bool{}}
	for _, op := range doc.Operations {
		sh := s.selectionSet(op.SelectionSet)
		sh.directives = satAdd(sh.directives, len(op.Directives))
		roots := s.rootFields(op.SelectionSet, map[string]bool{})
		switch {
		case sh.depth > e.limits.MaxDepth:
			return limitError(CodeOperationTooDeep, e.limits.MaxDepth,
				"the operation is nested %d levels deep; the limit is %d", sh.depth, e.limits.MaxDepth)
		case sh.aliases > e.limits.MaxAliases:
			return limitError(CodeTooManyAliases, e.limits.MaxAliases,
				"the operation has %s aliases; the limit is %d", count(sh.aliases), e.limits.MaxAliases)
		case roots > e.limits.MaxRootFields:
			return limitError(CodeTooManyRootFields, e.limits.MaxRootFields,
				"the operation has %s root fields; the limit is %d", count(roots), e.limits.MaxRootFields)
		case sh.directives > e.limits.MaxDirectives:
			return limitError(CodeTooManyDirectives, e.limits.MaxDirectives,
				"the operation has %s directives; the limit is %d", count(sh.directives), e.limits.MaxDirectives)
		}
	}
	return nil
}

// count prints a saturated count as "more than N".
func count(n int) string {
	if n >= saturated {
		return fmt.Sprintf("more than %d", saturated)
	}
	return fmt.Sprint(n)
}

// MutateOperationContext checks the introspection switch and the complexity of the validated
// operation with its variables.
func (e *limitsExtension) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	if !e.introspection && usesIntrospection(op.Operation.SelectionSet, map[string]bool{}) {
		err := &gqlerror.Error{Message: "introspection is disabled on this server",
			Extensions: map[string]any{"code": CodeIntrospectionDisabled}}
		return err
	}
	c := Complexity(op)
	if c > e.limits.MaxComplexity {
		return limitError(CodeOperationTooComplex, e.limits.MaxComplexity,
			"the operation could cause %s calls to Rocket.Chat; the limit is %d: ask for fewer users (first) or fewer per-user fields (teams)",
			count(c), e.limits.MaxComplexity)
	}
	return nil
}

func usesIntrospection(set ast.SelectionSet, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if usesIntrospection(s.SelectionSet, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				if usesIntrospection(s.Definition.SelectionSet, seen) {
					return true
				}
			}
		}
	}
	return false
}

// saturated caps every count so that fragment fan-out cannot overflow.
const saturated = 1 << 30

func satAdd(a, b int) int {
	if a >= saturated-b {
		return saturated
	}
	return a + b
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= saturated/b {
		return saturated
	}
	return a * b
}

// shape is what the structural checks measure of a selection set, fragments expanded.
type shape struct {
	depth, aliases, directives int
}

// structureWalker measures an unvalidated document: fragment shapes are memoized (so fragment
// fan-out costs linear time) and cycles are cut (validation reports them afterwards).
type structureWalker struct {
	doc    *ast.QueryDocument
	memo   map[string]shape
	active map[string]bool
}

func (s *structureWalker) selectionSet(set ast.SelectionSet) shape {
	var out shape
	for _, sel := range set {
		var sh shape
		switch f := sel.(type) {
		case *ast.Field:
			if f.Name == "__schema" || f.Name == "__type" {
				// gqlparser's MaxIntrospectionDepth bounds these; count aliases and directives only.
				sub := s.selectionSet(f.SelectionSet)
				sh = shape{depth: 1, aliases: sub.aliases, directives: sub.directives}
			} else {
				sub := s.selectionSet(f.SelectionSet)
				sh = shape{depth: satAdd(sub.depth, 1), aliases: sub.aliases, directives: sub.directives}
			}
			if f.Alias != "" && f.Alias != f.Name {
				sh.aliases = satAdd(sh.aliases, 1)
			}
			sh.directives = satAdd(sh.directives, len(f.Directives))
		case *ast.InlineFragment:
			sh = s.selectionSet(f.SelectionSet)
			sh.directives = satAdd(sh.directives, len(f.Directives))
		case *ast.FragmentSpread:
			sh = s.fragment(f.Name)
			sh.directives = satAdd(sh.directives, len(f.Directives))
		}
		out.depth = max(out.depth, sh.depth)
		out.aliases = satAdd(out.aliases, sh.aliases)
		out.directives = satAdd(out.directives, sh.directives)
	}
	return out
}

func (s *structureWalker) fragment(name string) shape {
	if sh, ok := s.memo[name]; ok {
		return sh
	}
	def := s.doc.Fragments.ForName(name)
	if def == nil || s.active[name] {
		return shape{} // unknown or cyclic: validation refuses the document
	}
	s.active[name] = true
	sh := s.selectionSet(def.SelectionSet)
	sh.directives = satAdd(sh.directives, len(def.Directives))
	delete(s.active, name)
	s.memo[name] = sh
	return sh
}

// rootFields counts the fields of a root selection set, through fragments (each fragment once).
func (s *structureWalker) rootFields(set ast.SelectionSet, seen map[string]bool) int {
	n := 0
	for _, sel := range set {
		switch f := sel.(type) {
		case *ast.Field:
			n = satAdd(n, 1)
		case *ast.InlineFragment:
			n = satAdd(n, s.rootFields(f.SelectionSet, seen))
		case *ast.FragmentSpread:
			if seen[f.Name] {
				continue
			}
			seen[f.Name] = true
			if def := s.doc.Fragments.ForName(f.Name); def != nil {
				n = satAdd(n, s.rootFields(def.SelectionSet, seen))
			}
		}
	}
	return n
}
