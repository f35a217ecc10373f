package emulator_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/rocketgql/rocketgql/emulator"
)

// TestDeterministicDemoData: two instances serve identical demo data (ids, names, dates,
// statuses, teams), so demos, docs and golden files can rely on it.
func TestDeterministicDemoData(t *testing.T) {
	t.Parallel()
	a := newEnv(t, emulator.Options{Users: 200})
	b := newEnv(t, emulator.Options{Users: 200})
	require.Equal(t, a.ids, b.ids)
	for _, path := range []string{
		"/api/v1/users.listByStatus?count=100",
		"/api/v1/users.listByStatus?count=100&offset=100",
		"/api/v1/users.listByStatus?count=100&offset=200",
		"/api/v1/users.presence",
		"/api/v1/users.listTeams?userId=",
	} {
		if path == "/api/v1/users.listTeams?userId=" {
			path += a.ids["demo"]
		}
		ra, rb := a.get(path, "admin", nil), b.get(path, "admin", nil)
		require.Equal(t, http.StatusOK, ra.Status, string(ra.Raw))
		require.JSONEq(t, string(ra.Raw), string(rb.Raw), path)
	}
	list := a.get("/api/v1/users.list?count=1", "admin", nil)
	require.Equal(t, float64(204), list.Body["total"])

	// the generated population is varied as promised
	seen := map[string]int{}
	for off := 0; off < 204; off += 100 {
		r := a.get("/api/v1/users.listByStatus", "admin", q("count", "100", "offset", strconv.Itoa(off)))
		for _, u := range users(r) {
			seen["status:"+u["status"].(string)]++
			seen["type:"+u["type"].(string)]++
			if u["active"] == false {
				seen["inactive"]++
			}
		}
	}
	for _, k := range []string{"status:online", "status:away", "status:busy", "status:offline", "type:bot", "type:user", "inactive"} {
		require.Positive(t, seen[k], k)
	}
}
