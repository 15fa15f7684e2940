#!/usr/bin/env bash
# serve-rss-ja.sh measures the resident memory of `earshot serve` for a
# Japanese business under Japanese traffic: a loopback site serves a
# schema.org review page with fresh Japanese reviews (the 397 labelled
# sentences of sentiment/ja/testdata, a quarter of them 1★) on every
# fetch; serve scrapes it every 10 s, analyses each review with the
# Japanese tokenizer, opens tasks and writes Japanese alert emails to its
# mailbox, while the inbox is read in Japanese over HTTP.
#
#   bash scripts/serve-rss-ja.sh [seconds] [ja|en]   (default 180 ja)
#
# "en" is the peer: the same run for an English business with English
# reviews (sentiment/testdata/snippets.txt), which never loads the
# Japanese dictionary.
#
# It prints the peak (VmHWM) and last (VmRSS) resident set of the serve
# process, and what it did. Everything runs on loopback in a temp folder.
set -euo pipefail
secs=${1:-180}
mode=${2:-ja}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
trap 'kill "$site_pid" "$serve_pid" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $dir" || rm -rf "$dir"' EXIT

go build -o "$dir/earshot" "$root/cmd/earshot"
if [ "$mode" = en ]; then
	cut -f3 "$root/sentiment/testdata/snippets.txt" >"$dir/sentences.txt"
	locale=en zone=Europe/London name="Sakura Diner"
else
	cat "$root"/sentiment/ja/testdata/reviews_*.tsv | cut -f2 >"$dir/sentences.txt"
	locale=ja zone=Asia/Tokyo name="さくら食堂"
fi

cat >"$dir/site.py" <<'EOF'
import http.server, json, sys, datetime, itertools
sentences = [l.strip() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
counter = itertools.count()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        n = next(counter)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        reviews = []
        for i in range(100):
            k = (n * 100 + i) % len(sentences)
            reviews.append({"@type": "Review", "@id": "https://shop.example/r/%d-%d" % (n, i),
                "author": {"@type": "Person", "name": "お客様%d" % (n * 100 + i)}, "datePublished": now,
                "inLanguage": sys.argv[3], "reviewBody": sentences[k],
                "reviewRating": {"ratingValue": 1 if i % 4 == 0 else 4, "bestRating": 5}})
        doc = {"@context": "https://schema.org", "@type": "Restaurant", "name": "さくら食堂", "review": reviews}
        body = ('<!DOCTYPE html><html lang="ja"><head><script type="application/ld+json">%s</script></head><body></body></html>'
                % json.dumps(doc, ensure_ascii=False)).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
site_port=$(free_port)
web_port=$(free_port)
python3 "$dir/site.py" "$site_port" "$dir/sentences.txt" "$locale" &
site_pid=$!

cat >"$dir/earshot.yaml" <<EOF
database: {path: $dir/earshot.db}
server: {listen: "127.0.0.1:$web_port"}
scraping: {min_interval: 5s, request_delay: 10ms, user_agent: "earshot-rss/1.0"}
smtp: {mailbox: $dir/mailbox}
channels:
  - {name: owner-email, type: email, to: ["hanako@sakura.example"]}
businesses:
  - name: sakura
    display_name: "$name"
    domain: restaurant
    time_zone: $zone
    locale: $locale
    keywords: ["$name"]
    users:
      - {name: hanako, email: hanako@sakura.example, role: owner}
    sources:
      - {name: reviews, kind: jsonld, url: "http://127.0.0.1:$site_port/reviews", interval: 10s}
EOF
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$site_port/" 2>/dev/null && break; sleep 0.1; done
EARSHOT_RSS_PW='a long test password' "$dir/earshot" -config "$dir/earshot.yaml" users add hanako --role owner --business sakura --password-env EARSHOT_RSS_PW >/dev/null

"$dir/earshot" -config "$dir/earshot.yaml" serve >"$dir/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 300); do curl -fsS -o /dev/null "http://127.0.0.1:$web_port/healthz" 2>/dev/null && break; sleep 0.2; done
curl -fsS -c "$dir/jar" -o /dev/null -d 'name=hanako&password=a long test password' "http://127.0.0.1:$web_port/login" || true
end=$((SECONDS + secs))
pages=0
while [ $SECONDS -lt $end ]; do
	curl -fsS -b "$dir/jar" -o /dev/null "http://127.0.0.1:$web_port/inbox?all=1" && pages=$((pages + 1)) || true
	curl -fsS -b "$dir/jar" -o /dev/null "http://127.0.0.1:$web_port/dashboard" || true
	sleep 2
done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$serve_pid/status")
rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status")
kill -INT "$serve_pid"
wait "$serve_pid" || true
tasks=$("$dir/earshot" -config "$dir/earshot.yaml" tasks list --all --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' || echo "?")
mails=$(find "$dir/mailbox" -name '*.eml' 2>/dev/null | wc -l)
ja_mails=$(grep -lE 'lang=(3D)?"ja"' -r "$dir/mailbox" 2>/dev/null | wc -l || true)
mentions=$(sqlite3 "$dir/earshot.db" 'select count(*) from analyses' 2>/dev/null || echo "?")
echo "serve ($mode) ran ${secs}s: peak RSS (VmHWM) $((hwm / 1024)) MB, last RSS $((rss / 1024)) MB; mentions analysed $mentions; tasks (first page) $tasks; emails $mails (lang=ja in $ja_mails); inbox pages read $pages"
