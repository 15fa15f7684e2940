package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/earshot/earshot/store"
)

// MaxRequestBody bounds what one request to the server may send. The
// inbox's forms carry a reply text and a note; 1 MB is far more than
// either, and 20 concurrent 9 MB posts no longer cost a gigabyte.
const MaxRequestBody = 1 << 20

// limitBodies refuses request bodies over max with 413 before reading
// them (by Content-Length) and caps the rest as they are read, so a
// handler that parses a form sees an error, not an exhausted server.
func limitBodies(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.Header().Set("Connection", "close")
			http.Error(w, fmt.Sprintf("earshot: request body over %d KB", max>>10), http.StatusRequestEntityTooLarge)
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

// allowedHosts lists the host names the server answers to: base_url's
// host, the listen host, server.allowed_hosts, and on a loopback
// listener localhost and the loopback addresses. A request naming any
// other host is a DNS-rebinding attempt (evil.example resolving to
// 127.0.0.1 lets a web page read the inbox with the visitor's browser)
// or a misrouted one.
func (a *App) allowedHosts(listen net.Addr) map[string]bool {
	out := map[string]bool{}
	add := func(h string) {
		h = strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
		if h != "" {
			out[h] = true
		}
	}
	srv := a.Config.Server
	if u, err := url.Parse(srv.BaseURL); err == nil {
		add(u.Hostname())
	}
	for _, h := range srv.AllowedHosts {
		add(h)
	}
	loopback := false
	if host, _, err := net.SplitHostPort(srv.Listen); err == nil {
		add(host)
		if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
			loopback = true
		}
		if host == "localhost" {
			loopback = true
		}
	}
	if listen != nil {
		loopback = isLoopback(listen)
		if tcp, ok := listen.(*net.TCPAddr); ok && !tcp.IP.IsUnspecified() {
			add(tcp.IP.String())
		}
	}
	if loopback {
		for _, h := range []string{"localhost", "127.0.0.1", "::1"} {
			add(h)
		}
	}
	return out
}

// checkHost answers 421 Misdirected Request to a request whose Host is
// not one of allowed. A Host that is an IP address is accepted when the
// server listens on all interfaces (0.0.0.0, ::): DNS rebinding needs a
// name, and operators reach such servers by address.
func checkHost(allowed map[string]bool, wildcard bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
		if !allowed[host] {
			_, err := netip.ParseAddr(host)
			if !(wildcard && err == nil) {
				http.Error(w, "earshot: this server does not answer to host "+fmt.Sprintf("%q", host)+"; add it to server.base_url or server.allowed_hosts", http.StatusMisdirectedRequest)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// wildcardListen reports whether the server listens on every interface.
func (a *App) wildcardListen(listen net.Addr) bool {
	if tcp, ok := listen.(*net.TCPAddr); ok {
		return tcp.IP == nil || tcp.IP.IsUnspecified()
	}
	host, _, err := net.SplitHostPort(a.Config.Server.Listen)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return host == "" || (err == nil && ip.IsUnspecified())
}

// requirePassword guards h with HTTP basic auth on the inbox password.
func requirePassword(password string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pass, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(pass), []byte(password)) != 1 {
			w.Header().Set("WWW-Authenticate", `Basic realm="earshot", charset="UTF-8"`)
			http.Error(w, "earshot: sign in with the password from server.password_env (or set server.metrics_public)", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// healthz answers 200 "ok" only when the database is the file that was
// opened, has disk to spare and accepts a write; otherwise 503 with the
// reason (a class, not a path: /healthz needs no password).
func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	db, err := a.Store.DB()
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err == nil {
		err = a.Store.Health(ctx)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		a.Log.Error("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		switch {
		case errors.Is(err, store.ErrDatabaseGone):
			fmt.Fprintln(w, "database file deleted or replaced; earshot must be restarted")
		case errors.Is(err, store.ErrDiskFull):
			fmt.Fprintln(w, "disk full")
		case errors.Is(err, store.ErrReadOnly):
			fmt.Fprintln(w, "database does not accept writes")
		default:
			fmt.Fprintln(w, "database unavailable")
		}
		return
	}
	fmt.Fprintln(w, "ok")
}
