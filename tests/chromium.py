"""A small headless-Chromium driver for the browser tests, over the DevTools protocol.

Debian's `chromium` (installed by `.ci/run` when missing) is started with the flags this machine
needs (no sandbox as root, no GPU, no background networking: the network is closed), a fresh
profile, and `--remote-debugging-port=0`; we talk to its page over one websocket
(`websocket-client`). Every request the page makes is recorded, so tests can assert that a page
loads nothing from the network; JavaScript exceptions and console errors are recorded too.
`serve(folder)` serves a folder on 127.0.0.1 the way GitHub Pages would (search and web fonts
need http, not file://).
"""
from __future__ import annotations
import base64, functools, http.server, json, shutil, subprocess, tempfile, threading, time, urllib.request
from pathlib import Path

def find_chromium() -> str | None:
    "Path of a Chromium binary, or None."
    return shutil.which('chromium') or shutil.which('chromium-browser') or shutil.which('google-chrome')

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--remote-allow-origins=*', '--hide-scrollbars']

class Chromium:
    "One headless Chromium with one page; use as a context manager."
    def __init__(self, width:int=1280, height:int=900, timeout:float=30):
        import websocket                                   # websocket-client, a dev requirement
        self.timeout, self.events, self._id = timeout, [], 0
        self.profile = tempfile.mkdtemp(prefix='chromium-profile-')
        exe = find_chromium()
        if exe is None: raise RuntimeError('chromium not found')
        self.proc = subprocess.Popen([exe, *FLAGS, f'--user-data-dir={self.profile}', '--remote-debugging-port=0',
                                      f'--window-size={width},{height}', 'about:blank'],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file, t0 = Path(self.profile)/'DevToolsActivePort', time.time()
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.proc.poll() is not None or time.time() - t0 > timeout:
                self.close(); raise RuntimeError(f'chromium did not start (exit status {self.proc.returncode})')
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        targets = json.load(urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=timeout))
        page = next(t for t in targets if t['type'] == 'page')
        self.ws = websocket.create_connection(page['webSocketDebuggerUrl'], timeout=timeout, suppress_origin=True)
        for domain in ('Page', 'Runtime', 'Network', 'Log'): self.send(f'{domain}.enable')

    def __enter__(self): return self
    def __exit__(self, *exc): self.close()

    def send(self, method:str, **params):
        "Call a DevTools method and return its result; events that arrive meanwhile are kept in `events`."
        self._id += 1
        self.ws.send(json.dumps(dict(id=self._id, method=method, params=params)))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get('id') == self._id:
                if 'error' in msg: raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get('result', {})
            self.events.append(msg)

    def _wait_event(self, name:str, since:int, timeout:float):
        t0 = time.time()
        while not any(e.get('method') == name for e in self.events[since:]):
            if time.time() - t0 > timeout: raise TimeoutError(f'no {name} within {timeout} s')
            self.ws.settimeout(max(0.1, timeout - (time.time() - t0)))
            try: self.events.append(json.loads(self.ws.recv()))
            finally: self.ws.settimeout(self.timeout)

    def clear(self):
        "Forget the events so far (requests, errors), e.g. before opening the next page."
        self.events.clear()

    def goto(self, url:str, timeout:float|None=None):
        "Open `url` and wait for its load event (scripts, images and fonts loaded)."
        since = len(self.events)
        self.send('Page.navigate', url=url)
        self._wait_event('Page.loadEventFired', since, timeout or self.timeout)

    def eval(self, expr:str):
        "Value of a JavaScript expression in the page (promises are awaited)."
        r = self.send('Runtime.evaluate', expression=expr, returnByValue=True, awaitPromise=True)
        if 'exceptionDetails' in r: raise RuntimeError(f"{expr[:80]}: {r['exceptionDetails'].get('exception', {}).get('description')}")
        return r['result'].get('value')

    def wait_for(self, expr:str, timeout:float|None=None, every:float=0.1):
        "Poll `expr` until it is truthy; return its value."
        t0 = time.time()
        while True:
            v = self.eval(expr)
            if v: return v
            if time.time() - t0 > (timeout or self.timeout): raise TimeoutError(f'still false after {timeout or self.timeout} s: {expr}')
            time.sleep(every)

    def screenshot(self, path:Path, full_page:bool=False) -> Path:
        "Save a PNG of the viewport (or the whole page)."
        r = self.send('Page.captureScreenshot', format='png', captureBeyondViewport=full_page)
        Path(path).write_bytes(base64.b64decode(r['data'])); return Path(path)

    @property
    def requests(self) -> list[str]:
        "Every URL the pages requested so far."
        return [e['params']['request']['url'] for e in self.events if e.get('method') == 'Network.requestWillBeSent']

    def requests_from(self, document_url:str) -> list[str]:
        "The URLs that the page at `document_url` requested, itself included: not the late requests of a page opened before it (a favicon, say)."
        return [e['params']['request']['url'] for e in self.events
                if e.get('method') == 'Network.requestWillBeSent' and e['params'].get('documentURL') == document_url]

    @property
    def errors(self) -> list[str]:
        "JavaScript exceptions, console errors and failed loads, as text."
        out = []
        for e in self.events:
            m, p = e.get('method'), e.get('params', {})
            if m == 'Runtime.exceptionThrown': out.append(p['exceptionDetails'].get('exception', {}).get('description') or p['exceptionDetails'].get('text'))
            elif m == 'Log.entryAdded' and p['entry']['level'] == 'error': out.append(f"{p['entry'].get('url')}: {p['entry']['text']}")
            elif m == 'Runtime.consoleAPICalled' and p['type'] == 'error': out.append(' '.join(str(a.get('value')) for a in p['args']))
            elif m == 'Network.loadingFailed' and not p.get('canceled'): out.append(f"load failed: {p.get('errorText')}")
        return out

    def close(self):
        try:
            if getattr(self, 'ws', None): self.send('Browser.close')
        except Exception: pass
        try: self.proc.wait(timeout=10)
        except Exception: self.proc.kill(); self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass

class serve:
    "Serve `folder` on 127.0.0.1 (a free port) in a thread; `with serve(d) as url: ...`."
    def __init__(self, folder): self.folder = str(folder)
    def __enter__(self) -> str:
        self.httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(_Quiet, directory=self.folder))
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return f'http://127.0.0.1:{self.httpd.server_address[1]}'
    def __exit__(self, *exc): self.httpd.shutdown(); self.httpd.server_close()
