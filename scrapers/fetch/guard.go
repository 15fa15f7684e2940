package fetch

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"github.com/earshot/earshot/scrapers"
)

// The network boundary. A review page is hostile: a redirect could point
// earshot at an internal address (a cloud metadata service, an admin
// panel on the LAN) and have whatever answers stored as "reviews". So:
//
//   - redirects are followed only within the source's site, the same
//     registrable domain as the configured URL (www.example.com and
//     reviews.example.com are one site; example.org is another), unless
//     scraping.follow_redirects is "any";
//   - no connection is made to a loopback, private, link-local or
//     otherwise non-public address unless the configured URL itself names
//     such a host (a self-hosted feed on the LAN, a test server) or
//     scraping.allow_private_networks is set. The check runs on the
//     resolved address at dial time, so a name that resolves to 127.0.0.1
//     (DNS rebinding) is refused too;
//   - robots.txt is read for every host fetched, including a host a
//     redirect leads to.

// site is what a request chain started from: the configured URL's host.
type site struct {
	host string
	// private: the configured host is itself loopback/private (an IP
	// literal in those ranges, or localhost), so the operator chose to
	// read from a private network.
	private bool
	// robots: apply robots.txt to redirect targets (pages, not APIs).
	robots bool
}

type siteKey struct{}

// robotsKey marks the robots.txt request itself, whose redirects must not
// trigger another robots.txt check.
type robotsKey struct{}

// withSite records u as the site a request chain belongs to, unless the
// chain already has one (pagination and API transports keep the site of
// the configured URL).
func withSite(ctx context.Context, u *url.URL, robots bool) context.Context {
	if siteOf(ctx) != nil {
		return ctx
	}
	h := strings.ToLower(u.Hostname())
	return context.WithValue(ctx, siteKey{}, &site{host: h, private: privateName(h), robots: robots})
}

func siteOf(ctx context.Context) *site {
	s, _ := ctx.Value(siteKey{}).(*site)
	return s
}

// privateName reports whether a host as written names a non-public
// place: an IP literal in a non-public range or localhost.
func privateName(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return !PublicAddr(ip)
	}
	return false
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisNet   = netip.MustParsePrefix("0.0.0.0/8")
	benchmark = netip.MustParsePrefix("198.18.0.0/15")
)

// PublicAddr reports whether ip is an address on the public internet:
// not loopback, private (RFC 1918, fc00::/7), link-local (169.254/16,
// fe80::/10, where cloud metadata services live), carrier-grade NAT,
// unspecified or multicast.
func PublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid(), ip.IsLoopback(), ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(), ip.IsMulticast(), ip.IsUnspecified():
		return false
	case ip.Is4() && (cgnat.Contains(ip) || thisNet.Contains(ip) || benchmark.Contains(ip) || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255})):
		return false
	}
	return true
}

// SameSite reports whether two host names belong to one registrable
// domain (eTLD+1 by the public suffix list). IP addresses are only the
// same site as themselves.
func SameSite(a, b string) bool {
	a = strings.TrimSuffix(strings.ToLower(a), ".")
	b = strings.TrimSuffix(strings.ToLower(b), ".")
	if a == b {
		return true
	}
	if _, err := netip.ParseAddr(strings.Trim(a, "[]")); err == nil {
		return false
	}
	if _, err := netip.ParseAddr(strings.Trim(b, "[]")); err == nil {
		return false
	}
	ra, err1 := publicsuffix.EffectiveTLDPlusOne(a)
	rb, err2 := publicsuffix.EffectiveTLDPlusOne(b)
	return err1 == nil && err2 == nil && ra == rb
}

// mayDialPrivate reports whether a non-public address may be dialed for
// host within the chain s.
func (f *Fetcher) mayDialPrivate(s *site, host string) bool {
	if f.opts.AllowPrivateNetworks {
		return true
	}
	if s == nil {
		return false
	}
	return s.private || strings.EqualFold(host, s.host)
}

// Lookup resolves a host name to addresses; net.DefaultResolver.LookupNetIP
// in production, a table in tests.
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

func defaultLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// guardedTransport is http.DefaultTransport with a dialer that resolves
// names itself and refuses non-public addresses the chain may not reach.
func (f *Fetcher) guardedTransport(lookup Lookup) http.RoundTripper {
	base, _ := http.DefaultTransport.(*http.Transport)
	var t *http.Transport
	if base != nil {
		t = base.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	proxies := proxyHosts()
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if proxies[strings.ToLower(host)] {
			// The operator's proxy (HTTP_PROXY/HTTPS_PROXY) often lives on
			// the LAN; it resolves the target itself. Redirect targets are
			// still checked by checkRedirect.
			return d.DialContext(ctx, network, addr)
		}
		ips, err := f.resolve(ctx, host, lookup)
		if err != nil {
			return nil, err
		}
		var lastErr error
		for _, ip := range ips {
			c, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return c, nil
			}
			lastErr = err
		}
		return nil, lastErr
	}
	// Keep-alive connections are pooled by host:port. One gap remains: a
	// host name configured as one source's URL that resolves to a private
	// address is dialed for that source, and a redirect of another source
	// on the same registrable domain to that name could reuse the pooled
	// connection. It needs the operator to have configured that host.
	return t
}

// resolve returns the addresses of host the current chain may dial.
func (f *Fetcher) resolve(ctx context.Context, host string, lookup Lookup) ([]netip.Addr, error) {
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		ips = []netip.Addr{ip}
	} else {
		found, err := lookup(ctx, host)
		if err != nil {
			return nil, err
		}
		ips = found
	}
	allowPrivate := f.mayDialPrivate(siteOf(ctx), host)
	var ok []netip.Addr
	for _, ip := range ips {
		if allowPrivate || PublicAddr(ip) {
			ok = append(ok, ip.Unmap())
		}
	}
	if len(ok) == 0 {
		if len(ips) == 0 {
			return nil, fmt.Errorf("%s has no address", host)
		}
		return nil, fmt.Errorf("refusing to connect to %s (%s): not a public address, and the configured URL is not on a private network (set scraping.allow_private_networks to allow): %w", host, ips[0], scrapers.ErrConfig)
	}
	return ok, nil
}

// checkRedirect is every Fetcher client's redirect policy: at most 10
// hops, within the site (unless scraping.follow_redirects: any), never to
// a non-public address literal the chain may not reach, and allowed by
// the target host's robots.txt.
func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("stopped after 10 redirects: %w", scrapers.ErrHTTP)
	}
	ctx := req.Context()
	s := siteOf(ctx)
	host := strings.ToLower(req.URL.Hostname())
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to a %s: URL refused: %w", req.URL.Scheme, scrapers.ErrConfig)
	}
	if s != nil && !f.opts.FollowAnyRedirect && !SameSite(s.host, host) {
		return fmt.Errorf("redirect to %s leaves the source's site %s; not followed (set scraping.follow_redirects: any to follow redirects to other sites): %w", redact(req.URL.String()), s.host, scrapers.ErrConfig)
	}
	if privateName(host) && !f.mayDialPrivate(s, host) {
		return fmt.Errorf("redirect to %s refused: a private or loopback address, and the configured URL is not on a private network (set scraping.allow_private_networks to allow): %w", redact(req.URL.String()), scrapers.ErrConfig)
	}
	if s != nil && s.robots && !f.opts.IgnoreRobots && ctx.Value(robotsKey{}) == nil {
		if err := f.robotsAllow(ctx, req.URL); err != nil {
			return err
		}
	}
	return nil
}

// proxyHosts are the hosts of the proxies named in the environment.
func proxyHosts() map[string]bool {
	out := map[string]bool{}
	for _, k := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if !strings.Contains(v, "://") {
			v = "http://" + v
		}
		if u, err := url.Parse(v); err == nil && u.Hostname() != "" {
			out[strings.ToLower(u.Hostname())] = true
		}
	}
	return out
}
