#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from the example and
the test data (run from anywhere: python3 tests/fuzz/seeds.py). Seeds are
small, meaningful inputs; libFuzzer mutates from there. The first byte of a
seed is the target's mode byte (see the comment at the top of each
fuzz_<target>.c)."""
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
EX = os.path.join(SRC, "examples", "after-sales")
CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def head(path, lines):
    with open(path, "rb") as f:
        return b"".join(f.readlines()[:lines])


def config():
    for sub in ("valid", "invalid"):
        d = os.path.join(SRC, "tests", "data", "config", sub)
        for n in sorted(os.listdir(d)):
            if sub == "valid" or n in ("alias.yaml", "hours-overlap.yaml", "int-hex.yaml",
                                       "invalid-utf8.yaml", "duplicate-key.yaml", "empty.yaml"):
                put("config", sub + "-" + n, open(os.path.join(d, n), "rb").read())
    put("config", "example.yaml", open(os.path.join(EX, "manyi.yaml"), "rb").read())


def records():
    io = os.path.join(SRC, "tests", "data", "io")
    for n in sorted(os.listdir(io)):
        if n.endswith(".csv") and n not in ("gb18030.csv", "latin1.csv"):
            put("records", n, b"\x00" + open(os.path.join(io, n), "rb").read())
            put("records", "tiny-blocks-" + n, b"\x02" + open(os.path.join(io, n), "rb").read())
        elif n.endswith(".jsonl"):
            put("records", n, b"\x01" + open(os.path.join(io, n), "rb").read())
            put("records", "tiny-blocks-" + n, b"\x03" + open(os.path.join(io, n), "rb").read())


def import_():
    entities = ["customers", "staff", "orders", "interactions", "tickets", "responses"]
    for i, ent in enumerate(entities):
        rows = head(os.path.join(EX, "data", ent + ".csv"), 4)
        put("import", ent + ".csv", bytes([i]) + rows)
        put("import", ent + "-rejects.csv", bytes([i + 12]) + rows + b"x,y\n")
    put("import", "orders.jsonl", bytes([2 + 6]) +
        b'{"external_id":"O1","customer_id":"C0000001","amount":12.5,'
        b'"currency":"CNY","ordered_at":"2026-05-01T09:10:43+08:00","status":"paid"}\n'
        b'{"external_id":"O2","customer_id":"C0000002","amount":1E2,'
        b'"currency":"CNY","ordered_at":"2026-05-02","status":"completed"}\n')
    put("import", "customers.jsonl", bytes([0 + 6]) +
        b'{"external_id":"C9","name":"Wang","kind":"person","created_at":"2025-01-01"}\n')


def time():
    cases = [(0, "2026-02-28"), (0, "2024-02-29"), (1, "2026-11-20T17:00:00+08:00"),
             (1, "2026-11-20 08:00Z"), (1, "9999-12-31T23:59:59-14:00"), (2, "1d12h"),
             (2, "90m"), (2, "2w"), (3, "24:00"), (3, "09:30"), (4, "16MiB"), (4, "1048576"),
             (5, "250ms"), (5, "2s"), (6, "09:00-12:00"), (6, "13:30-24:00"),
             (7, "2026-03-08T02:30"), (7, "2026-11-01 01:30"), (7, "2026-11-20T17:00:00+08:00"),
             (8, "after 30d"), (8, "end_of_month"), (8, "end_of_year"), (8, "2027-01-31"),
             (8, "never")]
    for i, (mode, text) in enumerate(cases):
        put("time", "%02d" % i, bytes([mode]) + text.encode())


def cron():
    exprs = ["0 18 * * *", "*/15 9-17 * * mon-fri", "0 0 13 * fri", "30 2 * * sun",
             "0 0 29 2 *", "@weekly", "@hourly", "5,10-20/5 1 1 jan,jul *", "0 0 * * 7"]
    for i, x in enumerate(exprs):
        put("cron", "%02d" % i, bytes([i % 12]) + x.encode())


def policy():
    # Encoding (fuzz_policy.c): op bytes; 7 = a word by index, 9 = a record,
    # 8 = a list, 3 = small int, 6 = string of bytes, 5 = float (8 bytes).
    W = ["tier", "reason", "department", "priority", "level", "notify", "score",
         "grade", "passed", "reasons", "kind", "channel", "template", "points",
         "expires", "A", "B", "C", "support", "quality", "sms", "email", "never",
         "after 30d", "end_of_month", "end_of_year", "2027-01-31", "team_lead", "ok",
         "", "after 0d", "2026-11-19", "after 36500d", "eligible", "phone", "no_consent"]

    def word(w):
        return bytes([7, W.index(w)])

    def rec(*pairs):
        out = bytes([9, len(pairs)])
        for k, v in pairs:
            out += bytes([W.index(k)]) + v
        return out

    def lst(*items):
        return bytes([8, len(items)]) + b"".join(items)

    def small(n):
        return bytes([3, n & 0xFF])

    def num(x):
        return bytes([5]) + struct.pack(">d", x)

    put("policy", "tier", bytes([0]) + word("A") + word("ok"))
    put("policy", "route", bytes([1]) + rec(("department", word("support")),
                                            ("priority", small(2)), ("reason", word("ok"))) + b"\0")
    put("policy", "escalate", bytes([2]) + rec(("level", small(1)),
                                               ("notify", lst(word("team_lead"))),
                                               ("reason", word("ok"))) + b"\0")
    put("policy", "evaluate", bytes([3]) + rec(("score", num(87.5)), ("grade", word("A")),
                                               ("passed", b"\1"), ("reasons", lst())) + b"\0")
    put("policy", "care", bytes([4]) + lst(rec(("kind", word("ok")), ("channel", word("sms")),
                                               ("template", word("ok")))) + b"\0")
    put("policy", "points", bytes([5]) + rec(("points", small(50)), ("reason", word("ok")),
                                             ("expires", word("after 30d"))) + b"\0")
    put("policy", "points-nil", bytes([5, 0, 0]))
    put("policy", "raw-route", bytes([0xF1]) +
        b'return setmetatable({}, {__index = function(t, k) return k end})')
    # eligible (hook 6): the customers are one with email only, then one with
    # no address (fuzz_policy.c), so "yes" is accepted once and refused once
    put("policy", "eligible-yes", bytes([6]) + rec(("eligible", b"\1"), ("channel", word("email"))) + b"\0")
    put("policy", "eligible-no", bytes([6]) + rec(("eligible", b"\2"), ("reason", word("no_consent"))) + b"\0")
    put("policy", "eligible-true", bytes([6, 1, 0]))
    put("policy", "eligible-phone", bytes([6]) + rec(("eligible", b"\1"), ("channel", word("phone"))) + b"\0")
    put("policy", "eligible-no-channel", bytes([6]) + rec(("eligible", b"\2"), ("channel", word("sms"))) + b"\0")
    put("policy", "raw-eligible", bytes([0xF6]) +
        b'if a and a.has_email then return {eligible = true, reason = "x", channel = "email"} end\n'
        b'return {eligible = false, reason = "quiet_period"}')


def form():
    put("form", "answers", b"\0_opened=1795395500&q_overall=4&q_nps=9&q_comment=%E6%88%91+ok")
    put("form", "empty-fields", b"\0a=&&b&=c")
    put("form", "twice", b"\0q=1&q=2")
    put("form", "bad-escape", b"\0q=%Z1&r=%4")
    put("form", "nul", b"\0q=a%00b")
    put("form", "bad-utf8", b"\0q=%C3%28")
    put("form", "page-markup", b"\1</textarea><script>alert('x')</script> & \"q\"")
    put("form", "page-chinese", "\1总体而言，您对我们的服务满意吗？".encode())
    put("form", "lang", b"\2zh-CN,zh;q=0.9,en;q=0.8\0en")
    put("form", "lang-odd", b"\2,,;q=0 , EN-us\0")
    put("form", "api-find", b"\3\0/api/v1/customers\0q\0138\0phone\0true\0limit\05\0")
    put("form", "api-stage", b"\3\1/api/v1/tickets/T1/stage\0stage\0acknowledged\0reason\0--dry-run\0")
    put("form", "api-dash", b"\3\1/api/v1/tickets/-x/reply\0text\0-h\0")
    put("form", "api-unknown", b"\3\0/api/v1/customers/C1\0db\0/etc/passwd\0")
    put("form", "api-method", b"\3\3/api/v1/tickets/T1\0")


if __name__ == "__main__":
    shutil.rmtree(CORPUS, ignore_errors=True)
    config()
    records()
    import_()
    time()
    cron()
    policy()
    form()
