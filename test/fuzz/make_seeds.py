#!/usr/bin/env python3
"""Writes the text seed inputs of fuzz_http_request, fuzz_json_bodies, fuzz_route_and_query,
fuzz_keys_file and fuzz_org_import into test/fuzz/corpus/<target>/ (the binary ones come from
make_seeds.cpp). The files are checked in; rerun after changing the seeds here:
    python3 test/fuzz/make_seeds.py
"""
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- fuzz_http_request: first byte = read size - 1, then one connection's bytes.
C = "/v1/music/org_local/collections"
ID = "mcoll_4a1f9c7e2b8d"
KEY = "X-API-Key: mxt_k\r\n"


def req(method, target, body=None, extra="", version="1.1", host="127.0.0.1:8080"):
    head = f"{method} {target} HTTP/{version}\r\n"
    if host is not None:
        head += f"Host: {host}\r\n"
    head += extra
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n"
    return head + "\r\n" + (body or "")


def chunked(method, target, chunks, extra="", trailers=""):
    out = f"{method} {target} HTTP/1.1\r\nHost: h\r\n{extra}Transfer-Encoding: chunked\r\n\r\n"
    for c in chunks:
        out += f"{len(c):x}\r\n{c}\r\n"
    return out + "0\r\n" + trailers + "\r\n"


http = {
    "get-health": req("GET", "/healthz"),
    "head-collection": req("HEAD", f"{C}/{ID}", extra=KEY),
    "post-create": req("POST", C, '{"name": "Focus Sessions", "description": "Instrumental tracks for deep work"}', KEY),
    "patch-update": req("PATCH", f"{C}/{ID}", '{"name": "Deep Work", "description": null}', KEY),
    "get-list-query": req("GET", f"{C}?limit=10&offset=0", extra="Authorization: Bearer mxt_k\r\n"),
    "post-track": req("POST", f"{C}/{ID}/tracks", '{"track_id": "mtrack_42"}', KEY),
    "patch-order": req("PATCH", f"{C}/{ID}/order", '{"ordered_track_ids": ["mtrack_42", "mtrack_17"]}', KEY),
    "delete-track": req("DELETE", f"{C}/{ID}/tracks/mtrack_17", extra=KEY),
    "post-share-chunked": chunked("POST", f"{C}/{ID}/share", ['{"visibility": ', '"public", "expires_in_days": 30}'], KEY),
    "chunked-ext-trailers": chunked("POST", f"{C}/{ID}/tracks", ['{"track_id"', ': "mtrack_1"}'], trailers="X-Trailer: 1\r\n").replace("\r\n{", ";name=value\r\n{", 1),
    "absolute-form": req("GET", f"http://127.0.0.1:8080{C}/{ID}", extra=KEY),
    "absolute-form-https-query": req("GET", "HTTPS://music.example.com/v1/music/shared/tok?x=1"),
    "http10-keepalive": req("GET", "/readyz", version="1.0", extra="Connection: keep-alive\r\n"),
    "http10-no-host": req("GET", "/metrics", version="1.0", host=None),
    "expect-continue": req("POST", C, '{"name": "x"}', KEY + "Expect: 100-continue\r\n"),
    "connection-close": req("DELETE", f"{C}/{ID}", extra=KEY + "Connection: close\r\n"),
    "leading-empty-lines": "\r\n\r\n\n" + req("GET", "/healthz"),
    "pipelined": req("GET", "/healthz") + req("POST", C, '{"name": "a"}', KEY) + chunked("PATCH", f"{C}/{ID}/order", ['{"ordered_track_ids": []}']) + req("HEAD", "/readyz"),
    "body-too-large": req("POST", C, "x" * 1500, KEY),
    "order-limit-body": req("PATCH", f"{C}/{ID}/order", '{"ordered_track_ids": [' + ",".join(f'"mtrack_{i}"' for i in range(60)) + "]}", KEY),
    "chunked-too-large": chunked("POST", C, ["y" * 700, "z" * 700]),
    "refused-two-hosts": "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "refused-te-and-cl": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
    "refused-te-gzip": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    "refused-te-http10": "POST / HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "refused-two-te": "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    "refused-http2": "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
    "refused-http09": "GET / HTTP/0.9\r\n\r\n",
    "http12-as-http11": req("GET", "/healthz", version="1.2") + chunked("POST", C, ['{"name": "b"}']).replace("HTTP/1.1", "HTTP/1.9"),
    "refused-header-too-large": "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b" * 1100 + "\r\n\r\n",
    "malformed": "GET /\x01 HTTP/1.1\r\nHost a\r\n\r\n",
    "te-uppercase-ows": "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  CHUNKED \r\n\r\n2\r\nab\r\n0\r\n\r\n",
}
pieces = [0, 6, 63, 255, 1, 15]
for i, (name, data) in enumerate(sorted(http.items())):
    write("fuzz_http_request", name, bytes([pieces[i % len(pieces)]]) + data.encode())

# --- fuzz_json_bodies: request bodies, valid and not.
bodies = {
    "create": '{"name": "Focus Sessions", "description": "Instrumental tracks for deep work"}',
    "create-all-fields": '{"name":"Road trip \\u00e9\\ud83c\\udfb5","description":null,"cover_track_id":"mtrack_8d2e1f6a3c9b","cover_image_url":"https://img.example.com/c.png"}',
    "patch": '{"name": "Deep Work", "description": null}',
    "patch-clear": '{"cover_track_id": null, "cover_image_url": null}',
    "add-track": '{"track_id": "mtrack_42"}',
    "add-tracks": '{"track_ids": ["mtrack_42", "mtrack_7"]}',
    "add-tracks-both": '{"track_id": "mtrack_1", "track_ids": ["mtrack_2"]}',
    "reorder": '{"ordered_track_ids": ["mtrack_42", "mtrack_17"]}',
    "reorder-empty": '{"ordered_track_ids": []}',
    "reorder-repeat": '{"ordered_track_ids": ["mtrack_1", "mtrack_1"]}',
    "share": '{"visibility": "public", "expires_in_days": 30}',
    "share-clamp": '{"visibility": "link_only", "expires_in_days": 100000000000000000000000}',
    "share-null": '{"expires_in_days": null}',
    "share-negative": '{"expires_in_days": -99999999999999999999}',
    "share-double": '{"expires_in_days": 1.5e3}',
    "empty-object": "{}",
    "empty": "",
    "name-empty": '{"name": ""}',
    "duplicate-key": '{"name": "a", "name": "b"}',
    "nested-duplicate": '{"name": "a", "x": {"k": 1, "k": 2}}',
    "unknown-field": '{"name": "a", "colour": "red"}',
    "empty-key": '{"": 1}',
    "deep": "{\"a\":" + "[" * 40 + "]" * 40 + "}",
    "trailing": '{"name": "a"} x',
    "not-object": '["name"]',
    "bad-utf8": b'{"name": "\xc0\xaf"}',
    "bad-url": '{"name": "a", "cover_image_url": "ftp://x"}',
    "numbers": '{"a": [0, -0, 1e308, -1e-308, 18446744073709551615, -9223372036854775808, 0.1, 123456789012345678901234567890]}',
}
for name, data in bodies.items():
    write("fuzz_json_bodies", name, data)

# --- fuzz_route_and_query: first byte picks the page bounds, then a request-target.
targets = [
    "/healthz", "/readyz", "/metrics", C, f"{C}?limit=10&offset=0", f"{C}/{ID}",
    f"{C}/{ID}/tracks?limit=500", f"{C}/{ID}/tracks/mtrack_17", f"{C}/{ID}/order",
    f"{C}/{ID}/share", "/v1/music/shared/ImL1vmCH", f"http://127.0.0.1:8080{C}?offset=18446744073709551616",
    "https://h/v1/music/shared/t?limit=0", "http://host", "/v1/music//collections", f"{C}/",
    "?limit=1&limit=2", "?offset=-1&limit=abc", "req_0123456789abcdef", "limit=50&offset=7&x=y",
    f"{C}/{ID}/shares?limit=5", "/v1/music/org_1/share/shr_0123456789abcdef", "/openapi.json", "/docs",
    "/docs/init.js", "/docs/swagger-ui.css",
]
for i, t in enumerate(targets):
    write("fuzz_route_and_query", f"target-{i:02d}", bytes([(i * 37) & 0xff]) + t.encode())

# --- fuzz_keys_file: keys files, and header values (first line X-API-Key, rest Authorization).
def entry(i, orgs, caps=("USE_MUSIC_GENERATION",), key=None):
    return {"id": f"key_{i}", "sha256": hashlib.sha256((key or f"mxt_{i}").encode()).hexdigest(),
            "principal": f"usr_{i}", "organizations": list(orgs), "capabilities": list(caps)}

keys = {
    "one-key": {"keys": [entry("local", ["org_local"])]},
    "two-keys": {"keys": [entry("alice", ["org_a", "org_abc123"]), entry("bob", ["org_b"], [])]},
    "key-k": {"keys": [entry("k", ["org_a"], key="k")]},
    "empty": {"keys": []},
}
for name, doc in keys.items():
    text = "{\"keys\": [" + ",\n  ".join(json.dumps(e) for e in doc["keys"]) + "]}\n"
    write("fuzz_keys_file", name, text)
write("fuzz_keys_file", "no-capabilities", '{"keys":[{"id":"key_x","sha256":"' + "ab" * 32 + '","principal":"usr_x","organizations":["org_x"]}]}')
write("fuzz_keys_file", "duplicate-hash", '{"keys":[{"id":"a","sha256":"' + "00" * 32 + '","principal":"p","organizations":[]},{"id":"b","sha256":"' + "00" * 32 + '","principal":"p","organizations":[]}]}')
write("fuzz_keys_file", "bad-org", '{"keys":[{"id":"a","sha256":"' + "0F" * 32 + '","principal":"p","organizations":["acme"]}]}')
write("fuzz_keys_file", "unknown-field", '{"keys":[], "version": 2}')
write("fuzz_keys_file", "header-x-api-key", "  mxt_abc \n")
write("fuzz_keys_file", "header-bearer", "\nBearer   mxt_abc  ")
write("fuzz_keys_file", "header-bearer-lower", "\t\n bearer k")

# --- fuzz_org_import: lines of an organization export (model/org_export.hpp), one per '\n'.
def line(**members):
    return json.dumps(members, separators=(",", ":"), ensure_ascii=False)


def collection(id, name, tracks, **extra):
    c = {"type": "collection", "id": id, "owner": "usr_alice", "name": name, "description": None,
         "cover_track_id": None, "cover_image_url": None, "created_at": "2026-12-07T10:04:59Z",
         "updated_at": "2026-12-07T10:05:59Z", "version": 42,
         "tracks": [{"track_id": t, "added_at": "2026-12-07T10:04:59Z"} for t in tracks]}
    c.update(extra)
    return line(**c)


def share(id, visibility, expires_at, revoked_at, token="ab" * 32):
    return line(type="share", id=id, collection_id="mcoll_0123456789ab", token_sha256=token,
                visibility=visibility, expires_at=expires_at, created_at="2026-12-07T10:04:59Z",
                creator="usr_alice", revoked_at=revoked_at)


export_lines = {
    "header": line(type="mixtape-org-export", version=1, org="org_acme", seq=123),
    "collection": collection("mcoll_0123456789ab", "Focus \"Deep\" \\ Work\n\u0001 caf\u00e9 \U0001f3b5",
                             ["mtrack_1", "mtrack_Ab9"], description="Instrumental \u2028",
                             cover_track_id="mtrack_1", cover_image_url="https://img.example.com/c.png"),
    "collection-empty": collection("mcoll_00000000beef", "x", []),
    "collection-offsets": collection("mcoll_0123456789ab", "t", ["mtrack_2"],
                                     created_at="2026-12-07T11:04:59.250+01:00", updated_at="1970-01-01t00:00:00z"),
    "share-public-revoked": share("mslink_7823be710445", "public", "2026-12-08T10:04:59Z", "2026-12-07T11:04:59Z"),
    "share-link-only": share("mslink_000000000001", "link_only", None, None, token="0f" * 32),
    "end": line(type="end", collections=2, shares=2),
    "refused-repeat": collection("mcoll_0123456789ab", "r", ["mtrack_1", "mtrack_2", "mtrack_1"]),
    "refused-too-many": collection("mcoll_0123456789ab", "m", [f"mtrack_{i}" for i in range(9)]),
    "refused-unknown-member": line(type="end", collections=0, shares=0, extra=1),
    "refused-uppercase-token": share("mslink_7823be710445", "public", None, None, token="AB" * 32),
    "refused-crlf": line(type="end", collections=0, shares=0) + "\r",
}
for name, text in export_lines.items():
    write("fuzz_org_import", name, text + "\n")
write("fuzz_org_import", "full-export", "".join(export_lines[k] + "\n" for k in
      ["header", "collection", "collection-empty", "share-public-revoked", "share-link-only", "end"]))
print("wrote text seeds to", CORPUS, file=sys.stderr)
