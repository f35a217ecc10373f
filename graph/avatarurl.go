package graph

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// AvatarURLPolicy decides which avatarUrl values setAvatar forwards. Rocket.Chat downloads the
// URL itself, from inside its network, so an unchecked URL lets any caller make the chat server
// fetch internal addresses (SSRF): cloud metadata, admin ports, intranet hosts.
//
// Without AllowedHosts, any http(s) URL is accepted whose host resolves only to public
// addresses. With AllowedHosts, only those hosts are accepted, and they are trusted without the
// address check (an intranet image server can be listed on purpose). The check happens when the
// mutation runs; Rocket.Chat resolves the name again later, so a host whose DNS answer changes in
// between (DNS rebinding) is out of the gateway's reach: list trusted hosts in production.
type AvatarURLPolicy struct {
	// AllowedHosts are host names (case-insensitive) or "*.example.com" suffix patterns.
	AllowedHosts []string
	// Resolve looks up a host's addresses; nil uses net.DefaultResolver.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Timeout bounds the lookup (default 2s).
	Timeout time.Duration
}

// blockedRanges are the address ranges Rocket.Chat must not be sent to, each with why.
var blockedRanges = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("169.254.169.254/32"), "the cloud metadata service"},
	{netip.MustParsePrefix("fd00:ec2::254/128"), "the cloud metadata service"},
	{netip.MustParsePrefix("0.0.0.0/8"), "an unspecified address"},
	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("fc00::/7"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a reserved address"},
	{netip.MustParsePrefix("64:ff9b::/96"), "a NAT64 address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a NAT64 address"},
	{netip.MustParsePrefix("2002::/16"), "a 6to4 address"},
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible IPv6 address"},
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
}

// blockedReason says why addr is refused, or "" when it is public.
func blockedReason(addr netip.Addr) string {
	// ::ffff:127.0.0.1 is 127.0.0.1; a zone (fe80::1%eth0) would make every Prefix.Contains false.
	addr = addr.Unmap().WithZone("")
	for _, b := range blockedRanges {
		if b.prefix.Contains(addr) {
			return b.why
		}
	}
	return ""
}

// Check returns a BAD_USER_INPUT error saying why raw is refused, or nil.
func (p *AvatarURLPolicy) Check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return badInputf("avatarUrl must be an absolute http(s) URL")
	}
	if u.User != nil {
		return badInputf("avatarUrl must not carry a user name or password")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if len(p.AllowedHosts) > 0 {
		if p.allowed(host) {
			return nil
		}
		return badInputf("avatarUrl host %q is not on this gateway's list of avatar hosts", host)
	}
	if strings.Contains(host, "%") {
		// An IPv6 zone (http://[fe80::1%25eth0]/) names an interface of the fetching host.
		return badInputf("avatarUrl must not carry an IPv6 zone")
	}
	if addr, err := netip.ParseAddr(host); err == nil {
		if why := blockedReason(addr); why != "" {
			return badInputf("avatarUrl points to %s: Rocket.Chat would fetch it from inside its network", why)
		}
		return nil
	}
	if looksNumeric(host) {
		// 2130706433, 0x7f.1, 017700000001: other resolvers read these as IPv4 addresses.
		return badInputf("avatarUrl host %q is a numeric address in a non-standard form", host)
	}
	addrs, err := p.resolve(ctx, host)
	if err != nil || len(addrs) == 0 {
		return badInputf("avatarUrl host %q could not be resolved", host)
	}
	for _, a := range addrs {
		if why := blockedReason(a); why != "" {
			return badInputf("avatarUrl host %q resolves to %s: Rocket.Chat would fetch it from inside its network", host, why)
		}
	}
	return nil
}

func (p *AvatarURLPolicy) allowed(host string) bool {
	for _, h := range p.AllowedHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if suffix, ok := strings.CutPrefix(h, "*."); ok {
			if strings.HasSuffix(host, "."+suffix) {
				return true
			}
			continue
		}
		if host == h {
			return true
		}
	}
	return false
}

func (p *AvatarURLPolicy) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if p.Resolve != nil {
		return p.Resolve(ctx, host)
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", host, err)
	}
	return addrs, nil
}

// looksNumeric is true for hosts made only of digits, dots and hex notation: legacy IPv4 forms.
func looksNumeric(host string) bool {
	if host == "" {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		l := strings.TrimPrefix(strings.TrimPrefix(label, "0x"), "0X")
		if l == "" {
			return false
		}
		for _, c := range l {
			isHex := c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
			if !isHex {
				return false
			}
		}
		if l == label && strings.ContainsAny(l, "abcdef") {
			return false // a plain word like "cafe" or "beef" is a name, not a number
		}
	}
	return true
}
