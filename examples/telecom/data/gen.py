#!/usr/bin/env python3
"""Writes the telecom example's data: customers.csv, staff.csv, orders.csv.

Synthetic and made up: names are drawn from short lists, phone numbers are
in the 170/171 virtual-operator ranges with made-up digits, e-mail addresses
use the reserved example.* domains. Deterministic (fixed seed): running it
again writes byte-identical files. Usage, from the repository root:

    python3 examples/telecom/data/gen.py examples/telecom/data

The first four customers are written by hand (their tiers are worked out in
tests/e2e/telecom.sh); the others are random. Orders are monthly plan fees
(on the 10th of each month) and top-ups, from 2025-12 to 2026-11.
"""
import csv
import random
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "."
rng = random.Random(20261207)

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]
PINYIN = {"王": "wang", "李": "li", "张": "zhang", "刘": "liu", "陈": "chen", "杨": "yang", "黄": "huang",
          "赵": "zhao", "吴": "wu", "周": "zhou", "徐": "xu", "孙": "sun", "马": "ma", "朱": "zhu",
          "胡": "hu", "郭": "guo"}
REGIONS = ["Pudong", "Huangpu", "Xuhui", "Minhang", "Jiading"]
PLANS = [39, 59, 79, 129, 159, 199, 299, 399, 599]   # CNY a month
MONTHS = [(2025, 12)] + [(2026, m) for m in range(1, 12)]


def phone(i):
    return "+86 17%d %04d %04d" % (i % 2, rng.randrange(10000), rng.randrange(10000))


def customer(i, name, created, birthday, email=True, consent_sms=1):
    return {
        "external_id": "K%04d" % i, "name": name, "kind": "person",
        "region": REGIONS[i % len(REGIONS)], "industry": "", "phone": phone(i),
        "email": ("k%04d@mail.example.com" % i) if email else "", "birthday": birthday,
        "consent_email": 1 if email else 0, "consent_sms": consent_sms, "consent_phone": 1,
        "created_at": created,
    }


customers, orders = [], []


def monthly(cid, fee, first=(2025, 12), created=""):
    for y, m in MONTHS:
        at = "%04d-%02d-10T08:00:00+08:00" % (y, m)
        if (y, m) >= first and at[:10] >= created:   # no fee before the customer joined
            orders.append([cid, "%.2f" % fee, at, "completed"])


# Hand-made customers (tiers as of 2026-12-07, see tests/e2e/telecom.sh):
customers.append(customer(1, "王建国", "2021-03-01", "1975-04-12"))   # 12 x 399: ARPU 399, 5+ years -> gold
monthly("K0001", 399)
customers.append(customer(2, "李秀英", "2024-06-01", "1988-09-30"))   # 12 x 159: ARPU 159, 2.5 years -> silver
monthly("K0002", 159)
customers.append(customer(3, "张小明", "2026-09-01", "2001-01-20"))   # 3 x 199: ARPU 49.75 -> standard
monthly("K0003", 199, first=(2026, 9))
customers.append(customer(4, "刘洋", "2026-03-01", "1995-07-07"))     # 9 x 599: ARPU 449.25, 281 days -> standard
monthly("K0004", 599, first=(2026, 3))

for i in range(5, 201):
    s = rng.choice(SURNAMES)
    g = rng.choice(GIVEN)
    year = rng.choice([2016, 2018, 2020, 2022, 2023, 2024, 2025, 2026])
    created = "%04d-%02d-%02d" % (year, rng.randrange(1, 12 if year == 2026 else 13), rng.randrange(1, 29))
    bday = "%04d-%02d-%02d" % (rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
    c = customer(i, s + g, created, bday, email=rng.random() < 0.7, consent_sms=int(rng.random() < 0.85))
    c["email"] = c["email"] and "%s.%s%d@%s" % (PINYIN[s], "k", i, rng.choice(["mail.example.com", "example.net", "example.org"]))
    customers.append(c)
    fee = rng.choice(PLANS)
    first = (int(created[:4]), int(created[5:7]))
    monthly(c["external_id"], fee, first=max(first, (2025, 12)), created=created)
    for _ in range(rng.randrange(0, 4)):          # top-ups
        y, m = rng.choice(MONTHS)
        if "%04d-%02d-28" % (y, m) < created:
            continue
        status = "refunded" if rng.random() < 0.05 else "completed"
        orders.append([c["external_id"], "%.2f" % rng.choice([30, 50, 100]),
                       "%04d-%02d-%02dT%02d:%02d:00+08:00" % (y, m, rng.randrange(1, 29), rng.randrange(8, 22), rng.randrange(60)),
                       status])

orders.sort(key=lambda o: (o[2], o[0]))
with open(out + "/customers.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(customers[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(customers)
with open(out + "/orders.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["external_id", "customer_id", "amount", "currency", "ordered_at", "status"])
    for n, (cid, amount, at, status) in enumerate(orders, 1):
        w.writerow(["P%06d" % n, cid, amount, "CNY", at, status])

STAFF = [("hotline", "陈静", "chenj"), ("hotline", "杨磊", "yangl"), ("hotline", "黄娟", "huangj"),
         ("shops", "赵勇", "zhaoy"), ("shops", "吴艳", "wuy"), ("shops", "周涛", "zhout"),
         ("business_office", "徐明", "xum"), ("business_office", "孙霞", "sunx"),
         ("complaints_desk", "马超", "mac"), ("complaints_desk", "朱平", "zhup")]
with open(out + "/staff.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["external_id", "name", "department", "os_user", "active"])
    for n, (dept, name, user) in enumerate(STAFF, 1):
        w.writerow(["E%02d" % n, name, dept, user, 1])
