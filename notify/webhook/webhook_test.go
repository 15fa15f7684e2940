package webhook

import "testing"

func TestSignMatchesReferenceHMAC(t *testing.T) {
	// echo -n '1700000000.{"id":"k"}' | openssl dgst -sha256 -hmac k3y
	const want = "sha256=be58e89181b214ccce4f4084e103e67aeed735ab3d0a3c629941b8c2e0a1e58d"
	got := Sign([]byte("k3y"), "1700000000", []byte(`{"id":"k"}`))
	if got != want {
		t.Fatalf("signature %q, want %q (what a receiver computes with openssl)", got, want)
	}
	if !Verify([]byte("k3y"), "1700000000", []byte(`{"id":"k"}`), got) {
		t.Fatal("own signature does not verify")
	}
	for _, c := range []struct{ secret, ts, body string }{{"k3y", "1700000001", `{"id":"k"}`}, {"k3y", "1700000000", `{"id":"K"}`}, {"other", "1700000000", `{"id":"k"}`}} {
		if Verify([]byte(c.secret), c.ts, []byte(c.body), got) {
			t.Errorf("signature verifies for %+v", c)
		}
	}
}
