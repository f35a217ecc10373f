package graph_test

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/graph"
)

// restLine is the exact form a root field's description names its REST operation in.
var restLine = regexp.MustCompile(`^REST: (GET|POST) (/\S+)$`)

// restExtras are operations the gateway uses beyond the Users contract.
var restExtras = map[string]bool{"POST /api/v1/login": true, "GET /api/info": true}

// federationFields are the root fields the Apollo Federation specification defines; their
// descriptions are not the gateway's to write.
var federationFields = map[string]bool{"_entities": true, "_service": true}

// contractFile is the Users contract, relative to this package (the repository root's
// ../shared/...), overridable with RC_OPENAPI.
func contractFile() string {
	if p := os.Getenv("RC_OPENAPI"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "shared", "rocketchat-openapi", "users.yaml")
}

// contractOperation is one operation of the contract.
type contractOperation struct {
	key         string // "GET /api/v1/users.info"
	operationID string
	summary     string
}

func loadContractOperations(t *testing.T) []contractOperation {
	t.Helper()
	path := contractFile()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("Users contract %s not found (set RC_OPENAPI to the path of rocketchat-openapi/users.yaml): %v", path, err)
	}
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	require.NoError(t, err)
	var ops []contractOperation
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, contractOperation{key: strings.ToUpper(method) + " " + p, operationID: op.OperationID, summary: op.Summary})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].key < ops[j].key })
	return ops
}

type introspectedField struct {
	parent, name, description string
}

// introspectRootFields asks the gateway, over HTTP, for its Query and Mutation fields.
func introspectRootFields(t *testing.T) []introspectedField {
	t.Helper()
	backend := newRecordingBackend(t, nil)
	gw := newGateway(t, backend.URL, graph.LoaderConfig{})
	resp := gw.do(t, nil, `{ __schema {
		queryType { name fields { name description } }
		mutationType { name fields { name description } } } }`, nil)
	require.Empty(t, resp.Errors)
	assert.Zero(t, backend.total(), "introspection costs no REST call")

	var out []introspectedField
	for _, typ := range []string{"queryType", "mutationType"} {
		root := at(t, resp.Data, "__schema", typ).(map[string]any)
		for _, f := range root["fields"].([]any) {
			field := f.(map[string]any)
			desc, _ := field["description"].(string)
			out = append(out, introspectedField{parent: root["name"].(string), name: field["name"].(string), description: desc})
		}
	}
	require.NotEmpty(t, out)
	return out
}

// trailingRESTLines returns the REST lines a description ends with, and an error text when the
// description is not prose followed only by REST lines.
func trailingRESTLines(desc string) ([]string, string) {
	lines := strings.Split(strings.TrimRight(desc, "\n"), "\n")
	first := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "REST:") {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, "names no REST operation"
	}
	var ops []string
	for _, l := range lines[first:] {
		m := restLine.FindStringSubmatch(l)
		if m == nil {
			return nil, "must end with REST lines only, in the exact form `REST: GET /api/v1/users.info`; found " + strings.TrimSpace(l)
		}
		ops = append(ops, m[1]+" "+m[2])
	}
	return ops, ""
}

// TestIntrospectionNamesEveryRESTOperation is the coverage check of the issue: introspecting the
// gateway finds a `REST: …` line for each of the 39 operations of the Users contract, and every
// root field's description ends with the REST operation(s) it uses.
func TestIntrospectionNamesEveryRESTOperation(t *testing.T) {
	t.Parallel()
	contract := loadContractOperations(t)
	require.Len(t, contract, 39, "the Users contract has 39 operations")
	fields := introspectRootFields(t)

	named := map[string][]string{} // "GET /api/v1/users.info" → the root fields naming it
	for _, f := range fields {
		for _, line := range strings.Split(f.description, "\n") {
			if m := restLine.FindStringSubmatch(line); m != nil {
				key := m[1] + " " + m[2]
				named[key] = append(named[key], f.parent+"."+f.name)
			}
		}
	}

	inContract := map[string]bool{}
	var missing []string
	for _, op := range contract {
		inContract[op.key] = true
		if len(named[op.key]) == 0 {
			missing = append(missing, op.key+" ("+op.operationID+": "+op.summary+")")
		}
	}
	assert.Empty(t, missing, "contract operations no root field names in a `REST:` line")

	var unknown []string
	for key, by := range named {
		if !inContract[key] && !restExtras[key] {
			unknown = append(unknown, key+" named by "+strings.Join(by, ", "))
		}
	}
	sort.Strings(unknown)
	assert.Empty(t, unknown, "REST lines that are neither a contract operation nor POST /api/v1/login or GET /api/info")
}

// TestRootFieldDescriptionsEndWithREST checks the description form of every root field: prose,
// then one `REST: METHOD /path` line per operation and nothing after them.
func TestRootFieldDescriptionsEndWithREST(t *testing.T) {
	t.Parallel()
	fields := introspectRootFields(t)
	checked := 0
	for _, f := range fields {
		if federationFields[f.name] {
			continue
		}
		checked++
		ops, problem := trailingRESTLines(f.description)
		if !assert.Empty(t, problem, "%s.%s: description %q", f.parent, f.name, f.description) {
			continue
		}
		seen := map[string]bool{}
		for _, op := range ops {
			assert.False(t, seen[op], "%s.%s names %s twice", f.parent, f.name, op)
			seen[op] = true
		}
		prose := strings.TrimSpace(strings.Split(f.description, "REST:")[0])
		assert.NotEmpty(t, prose, "%s.%s: the description says what the field does before naming its REST operation", f.parent, f.name)
	}
	assert.Greater(t, checked, 40, "every Query and Mutation field of the schema was checked")
}

// TestTrailingRESTLines holds the description parser to the rule it enforces.
func TestTrailingRESTLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, desc string
		ops        []string
		bad        bool
	}{
		{"one", "The caller.\nREST: GET /api/v1/users.info", []string{"GET /api/v1/users.info"}, false},
		{"two", "Users.\nREST: GET /api/v1/users.list\nREST: GET /api/v1/users.listByStatus\n",
			[]string{"GET /api/v1/users.list", "GET /api/v1/users.listByStatus"}, false},
		{"none", "Just prose.", nil, true},
		{"text after", "Prose.\nREST: GET /api/v1/users.info\nMore prose.", nil, true},
		{"words after the path", "Prose.\nREST: GET /api/v1/users.info\nREST: GET /api/v1/users.list (paged)", nil, true},
		{"lower-case method", "Prose.\nREST: get /api/v1/users.info", nil, true},
		{"no path", "Prose.\nREST: POST", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ops, problem := trailingRESTLines(tt.desc)
			assert.Equal(t, tt.bad, problem != "", problem)
			assert.Equal(t, tt.ops, ops)
		})
	}
}
