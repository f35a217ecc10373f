package graph_test

import (
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/rocketgql/rocketgql/graph"
	"github.com/rocketgql/rocketgql/graph/model"
)

func TestAvatarURLPolicy(t *testing.T) {
	t.Parallel()
	dns := map[string][]string{
		"images.example.com": {"93.184.216.34"},
		"internal.example":   {"10.1.2.3"},
		"mixed.example":      {"93.184.216.34", "127.0.0.1"},
		"v6.example":         {"2606:4700::1111"},
		"meta.example":       {"169.254.169.254"},
		"cgnat.example":      {"100.64.1.1"},
	}
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range dns[host] {
			out = append(out, netip.MustParseAddr(a))
		}
		if out == nil {
			return nil, errors.New("no such host")
		}
		return out, nil
	}
	open := &graph.AvatarURLPolicy{Resolve: resolve}
	listed := &graph.AvatarURLPolicy{Resolve: resolve, AllowedHosts: []string{"internal.example", "*.cdn.example"}}
	tests := []struct {
		name   string
		policy *graph.AvatarURLPolicy
		url    string
		why    string // "" accepted, else a part of the message
	}{
		{"public host", open, "https://images.example.com/a.png", ""},
		{"public IPv6 host", open, "http://v6.example/a.png", ""},
		{"public IP literal", open, "http://93.184.216.34/a.png", ""},
		{"not http", open, "file:///etc/passwd", "absolute http(s)"},
		{"gopher", open, "gopher://images.example.com/", "absolute http(s)"},
		{"relative", open, "/a.png", "absolute http(s)"},
		{"user info", open, "http://user:pw@images.example.com/", "user name or password"},
		{"loopback literal", open, "http://127.0.0.1:3000/", "loopback"},
		{"loopback v6", open, "http://[::1]/", "loopback"},
		{"mapped loopback", open, "http://[::ffff:127.0.0.1]/", "loopback"},
		{"private literal", open, "http://192.168.1.1/", "private"},
		{"private by name", open, "http://internal.example/", "private"},
		{"one bad address of many", open, "http://mixed.example/", "loopback"},
		{"metadata literal", open, "http://169.254.169.254/latest/meta-data/", "metadata"},
		{"metadata by name", open, "http://meta.example/", "metadata"},
		{"metadata v6", open, "http://[fd00:ec2::254]/", "metadata"},
		{"link-local", open, "http://169.254.10.1/", "link-local"},
		{"cgnat", open, "http://cgnat.example/", "carrier-grade NAT"},
		{"unspecified", open, "http://0.0.0.0/", "unspecified"},
		{"multicast", open, "http://224.0.0.1/", "multicast"},
		{"zoned loopback", open, "http://[::1%25lo]/", "IPv6 zone"},
		{"zoned link-local", open, "http://[fe80::a9fe:a9fe%25x]/", "IPv6 zone"},
		{"zoned private", open, "http://[fd00::1%25eth0]/", "IPv6 zone"},
		{"IPv4-compatible", open, "http://[::127.0.0.1]/", "IPv4-compatible"},
		{"discard prefix", open, "http://[100::1]/", "discard-only"},
		{"decimal IPv4", open, "http://2130706433/", "non-standard"},
		{"hex IPv4", open, "http://0x7f.1/", "non-standard"},
		{"short IPv4", open, "http://127.1/", "non-standard"},
		{"unresolvable", open, "http://nowhere.example/", "could not be resolved"},
		{"listed host trusted", listed, "http://internal.example/a.png", ""},
		{"listed wildcard", listed, "https://a.cdn.example/a.png", ""},
		{"wildcard is not the apex", listed, "https://cdn.example/a.png", "not on this gateway's list"},
		{"unlisted public host", listed, "https://images.example.com/a.png", "not on this gateway's list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.policy.Check(t.Context(), tt.url)
			if tt.why == "" {
				assert.NoError(t, err)
				return
			}
			var in *model.InputError
			if assert.ErrorAs(t, err, &in, "BAD_USER_INPUT") {
				assert.Contains(t, in.Message, tt.why)
			}
		})
	}
}
