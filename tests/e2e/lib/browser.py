#!/usr/bin/env python3
"""Fills in the hosted questionnaire in headless Chromium, as a customer on a
phone would: opens the link, taps one answer per scale question, types into
the text boxes, taps the button, and prints what the page then says.

Chromium is driven through the DevTools protocol over its debugging pipe
(file descriptors 3 and 4, JSON messages ended by a NUL byte), so nothing
beyond Python and the chromium package is needed.

Usage: browser.py URL ANSWERS.json
  ANSWERS: {"q_overall": 2, "q_comment": "text", ...}; numbers are tapped,
  texts typed. Prints one JSON object: {"before": {...}, "after": "..."}
  (before is null when the page has no form: the link was answered, ...).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


class Chromium:
    def __init__(self):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            sys.exit(77)
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        self.profile = tempfile.mkdtemp(prefix="manyi-chromium-")

        def fds():  # the pipe on the descriptors Chromium expects
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)  # either may be 3 or 4
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "about:blank"],
            preexec_fn=fds, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_browser, 65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_browser, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == name:
                    del self.events[: i + 1]
                    return m
            self.events.append(self._read())


def main():
    url, answers = sys.argv[1], json.load(open(sys.argv[2]))
    b = Chromium()
    try:
        target = b.call("Target.createTarget", url="about:blank")["targetId"]
        s = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        b.call("Page.enable", s)
        # a phone: 390 CSS pixels wide, touch
        b.call("Emulation.setDeviceMetricsOverride", s, width=390, height=844,
               deviceScaleFactor=3, mobile=True)
        b.call("Page.navigate", s, url=url)
        b.wait_event("Page.loadEventFired")

        def js(expr):
            r = b.call("Runtime.evaluate", s, expression=expr, returnByValue=True)
            if "exceptionDetails" in r:
                raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
            return r["result"].get("value")

        def tap(selector):
            box = js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                     " if (!e) return null; e.scrollIntoView({block: 'center'});"
                     " const r = e.getBoundingClientRect();"
                     " return [r.left + r.width / 2, r.top + r.height / 2]; })()")
            if box is None:
                raise RuntimeError(f"nothing on the page matches {selector}")
            for kind in ("mousePressed", "mouseReleased"):
                b.call("Input.dispatchMouseEvent", s, type=kind, x=box[0], y=box[1],
                       button="left", clickCount=1)

        if js("document.querySelector('form') === null"):  # answered, expired, ...
            print(json.dumps({"before": None, "after": js("document.body.innerText")},
                             ensure_ascii=False))
            return
        before = {
            "lang": js("document.documentElement.lang"),
            "title": js("document.querySelector('h1').innerText"),
            "questions": js("document.querySelectorAll('fieldset').length"),
            "fits_phone": js("document.documentElement.scrollWidth <= window.innerWidth"),
        }
        for code, value in answers.items():
            if isinstance(value, int):
                tap(f'input[name="{code}"][value="{value}"]')
            elif isinstance(value, list):  # the choices to tick
                for choice in value:
                    tap(f'input[name="{code}"][value="{choice}"]')
            else:
                tap(f'textarea[name="{code}"]')
                b.call("Input.insertText", s, text=value)
        before["checked"] = js("Array.from(document.querySelectorAll('input:checked'))"
                               ".map(e => e.name + '=' + e.value).join(' ')")
        tap('button[type="submit"]')
        b.wait_event("Page.loadEventFired")
        print(json.dumps({"before": before, "after": js("document.body.innerText")},
                         ensure_ascii=False))
    finally:
        b.close()


if __name__ == "__main__":
    main()
