package graph

import (
	"encoding/json"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// List sizes the complexity assumes where the answer's length is not given by an argument.
const (
	assumedSearchResults = 10  // users.autocomplete answers at most 10 users
	assumedTeams         = 10  // teams per user
	assumedPresences     = 100 // the presence feed without ids
	presenceChunk        = 100 // ids per users.presence call
)

// listedUserFields are the User fields a listing (users.list, users.autocomplete, users.presence,
// a team's creator) carries or that cost no user record (teams, presence, avatarUrl); selecting
// any other field of a listed user costs its full record.
var listedUserFields = map[string]bool{
	"__typename": true, "id": true, "avatarUrl": true, "teams": true, "presence": true,
	"username": true, "name": true, "status": true, "active": true, "type": true, "avatarETag": true,
	"emails": true, "roles": true, "lastLogin": true,
}

// Complexity is an upper bound of the REST calls the validated operation can cause:
//   - every root field costs 1 (its REST call); `users(first: n)` multiplies what its nodes and
//     edges select by n (default 50, at most 100), `searchUsers` by 10, `presences(ids)` by the
//     ids given (100 without), `teams` by 10, `_entities` by its representations;
//   - on a user from a listing (users, searchUsers, presences, a team's creator), selecting any
//     field the listing lacks costs 1 per user (the full record, users.info in fan-out mode);
//   - `User.teams` costs 1 per user (users.listTeams) and multiplies what it selects by 10;
//   - `presence` and repeated look-ups of the same user are batched: 0.
//
// Fields with the same response key are merged as the executor merges them; @skip and
// @include are ignored (an upper bound). The result saturates at 2^30.
func Complexity(op *graphql.OperationContext) int {
	if op == nil || op.Operation == nil {
		return 0
	}
	w := complexityWalker{vars: op.Variables}
	return w.cost([]ast.SelectionSet{op.Operation.SelectionSet}, costScope{})
}

// costScope is what a selection set inherits from its parent field.
type costScope struct {
	partialUsers bool // users here come from a listing and lack fields
	size         int  // the length of the list the connection or feed holds
}

type complexityWalker struct {
	vars map[string]any
}

type fieldGroup struct {
	field *ast.Field
	sets  []ast.SelectionSet
}

// collect merges the fields of sets by response key, through fragments (each fragment once per
// level, as the executor does).
func collect(sets []ast.SelectionSet) []*fieldGroup {
	var groups []*fieldGroup
	index := map[string]*fieldGroup{}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				g := index[key]
				if g == nil {
					g = &fieldGroup{field: s}
					index[key] = g
					groups = append(groups, g)
				}
				if len(s.SelectionSet) > 0 {
					g.sets = append(g.sets, s.SelectionSet)
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if seen[s.Name] || s.Definition == nil {
					continue
				}
				seen[s.Name] = true
				walk(s.Definition.SelectionSet)
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	return groups
}

func (w *complexityWalker) cost(sets []ast.SelectionSet, scope costScope) int {
	total := 0
	fullRecord := false
	for _, g := range collect(sets) {
		f := g.field
		parent := ""
		if f.ObjectDefinition != nil {
			parent = f.ObjectDefinition.Name
		}
		if parent == "User" && scope.partialUsers {
			if !listedUserFields[f.Name] {
				fullRecord = true
			}
		}
		own, mult, child := w.rule(parent, f, scope)
		sub := 0
		if len(g.sets) > 0 {
			sub = w.cost(g.sets, child)
		}
		total = satAdd(total, satAdd(own, satMul(mult, sub)))
		if total >= saturated {
			return saturated
		}
	}
	if fullRecord {
		total = satAdd(total, 1)
	}
	return total
}

// rule is the cost model of one field: its own calls, the multiplier of what it selects, and the
// scope of its selection.
func (w *complexityWalker) rule(parent string, f *ast.Field, scope costScope) (own, mult int, child costScope) {
	if len(f.Name) > 1 && f.Name[:2] == "__" {
		return 0, 1, costScope{}
	}
	switch parent {
	case "Query", "Mutation":
		switch f.Name {
		case "_service":
			return 0, 1, costScope{}
		case "_entities":
			n := w.listLen(f, "representations", 1)
			return n, n, costScope{}
		case "users":
			n := w.intArg(f, "first", defaultPageSize)
			return 1, 1, costScope{size: min(max(n, 0), maxPageSize)}
		case "searchUsers":
			return 1, assumedSearchResults, costScope{partialUsers: true}
		case "presences":
			n := w.listLen(f, "ids", -1)
			if n < 0 {
				return 1, 1, costScope{size: assumedPresences}
			}
			return max((n+presenceChunk-1)/presenceChunk, 1), 1, costScope{size: n}
		case "teams":
			return 1, assumedTeams, costScope{partialUsers: true}
		}
		return 1, 1, costScope{}
	case "UserConnection":
		if f.Name == "nodes" || f.Name == "edges" {
			return 0, scope.size, costScope{partialUsers: true}
		}
	case "UserEdge":
		return 0, 1, costScope{partialUsers: scope.partialUsers}
	case "PresenceFeed":
		if f.Name == "users" {
			return 0, scope.size, costScope{partialUsers: true}
		}
	case "UserPresence", "Team":
		return 0, 1, costScope{partialUsers: true}
	case "User":
		if f.Name == "teams" {
			return 1, assumedTeams, costScope{partialUsers: true}
		}
	}
	return 0, 1, costScope{}
}

func (w *complexityWalker) intArg(f *ast.Field, name string, def int) int {
	v, ok := f.ArgumentMap(w.vars)[name]
	if !ok || v == nil {
		return def
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(min(max(n, -saturated), saturated))
	case float64:
		return int(min(max(n, -saturated), saturated))
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return int(min(max(i, -saturated), saturated))
		}
	}
	return def
}

func (w *complexityWalker) listLen(f *ast.Field, name string, def int) int {
	v, ok := f.ArgumentMap(w.vars)[name]
	if !ok || v == nil {
		return def
	}
	if l, ok := v.([]any); ok {
		return len(l)
	}
	return def
}
