"""A throw-away JupyterLab server and a headless Chromium that drives it like a person.

:class:`LabServer` starts ``jupyter lab`` from this venv on a free loopback port with a
random token, in a scratch folder that holds *copies* of the course notebooks, with its
own config, runtime, data, settings and workspace folders (so nothing in the repository
or in ``~/.jupyter`` is read or written). :class:`LabWindow` is a browser tab with JupyterLab
loaded; :class:`NotebookPage` opens one notebook in it and does what a student does: restart
the kernel and run all cells, save, move a slider. Waits are conditions (kernel idle, no cell
queued, a new figure), never sleeps.

The browser is Debian's ``chromium`` (``apt-get install chromium``), driven through the
Python ``playwright`` package with ``executable_path``; ``playwright install`` is never
needed. Set ``CHROMIUM=/path/to/chrome`` to use another Chromium build.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--disable-extensions", "--disable-default-apps",
]

# Generous limits for a shared 2-core machine; the waits end as soon as the condition holds.
SERVER_START_S = 180
KERNEL_IDLE_S = 180
RUN_ALL_S = 600        # one notebook, top to bottom (its budget is 60 s)
REDRAW_S = 120         # one explorer redraw
VALIDATE_S = 300       # nbgrader validate runs the whole notebook again

# JupyterLab settings for the test user: no news or update pop-ups over the notebook,
# and every cell kept in the DOM (no virtual scrolling) so each output can be inspected.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none"},
}


def _stop_with_parent():
    """In the server's process: get SIGTERM when the test process dies, even by SIGKILL,
    so no server outlives its test run (Linux; elsewhere the fixture's teardown has to do)."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` serving ``root`` (a scratch copy of the course) on 127.0.0.1."""

    def __init__(self, root: Path, scratch: Path, log_path: Path):
        self.root, self.scratch, self.log_path = root, scratch, log_path
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    # ------------------------------------------------------------------ lifecycle

    def _environment(self) -> dict:
        dirs = {name: self.scratch / name for name in
                ("config", "runtime", "data", "settings", "workspaces", "exchange")}
        for d in dirs.values():
            d.mkdir(parents=True, exist_ok=True)
        for name, values in LAB_SETTINGS.items():
            path = dirs["settings"] / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        # nbgrader reads this beside the course's own nbgrader_config.py: a private exchange,
        # so the formgrader's release/collect work without touching /usr/local/share.
        (dirs["config"] / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(dirs['exchange'])!r}\n")

        env = dict(os.environ)
        # A student's kernel: interactive widgets, the inline matplotlib backend, full-length
        # experiments. Whatever the test runner had set must not leak into it.
        for name in ("NBGRADER_EXECUTION", "COURSE_STATIC_WIDGETS", "MPLBACKEND",
                     "JUPYTER_PATH", "JUPYTER_CONFIG_PATH"):
            env.pop(name, None)
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(self.scratch / "ipython"),
            # `course check` in JupyterLab's terminal, as `make start` arranges.
            PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        )
        return env

    def start(self) -> "LabServer":
        command = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_root=True",          # CI runs as root
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",  # never query PyPI for extensions
            # window.jupyterapp, for reading kernel state; every action goes through the UI.
            "--LabApp.expose_app_in_browser=True",
        ]
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=self.root, env=self._environment(),
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        preexec_fn=_stop_with_parent)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)   # polling for the port to open: no event to wait on
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {SERVER_START_S} s:\n"
                           + self.log_tail())

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")
        except Exception:   # noqa: BLE001 (best effort: SIGTERM also stops the kernels)
            pass
        self.process.send_signal(signal.SIGTERM)   # jupyter shuts its kernels down on SIGTERM
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.log.close()

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text().splitlines()[-lines:])

    # ------------------------------------------------------------------ REST

    def api(self, method: str, path: str):
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def page_url(self, path: str) -> str:
        return f"{self.url}/{path.lstrip('/')}?token={self.token}"


def copy_course(repo: Path, root: Path, extra: list[str]):
    """Copy what the server needs: every solution notebook, the listed release notebooks,
    and the course's nbgrader_config.py (the formgrader and Validate read it from the cwd)."""
    for notebook in sorted(repo.glob("solutions/*/*.ipynb")):
        target = root / notebook.relative_to(repo)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, target)
    for relative in extra:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / relative, target)
    shutil.copy2(repo / "nbgrader_config.py", root / "nbgrader_config.py")


def open_formgrader(page, lab: LabServer):
    """Open JupyterLab in ``page`` and click Nbgrader > Formgrader, as an instructor does;
    return the formgrader's frame (a playwright Frame: it follows the links clicked in it)."""
    page.goto(f"{lab.url}/lab?reset&token={lab.token}")
    return formgrader_from_menu(page)


def formgrader_from_menu(page):
    """Click Nbgrader > Formgrader in the JupyterLab of ``page``; return the formgrader's frame."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator(".lm-Menu-itemLabel", has_text="Formgrader").first.click()
    return page.wait_for_selector("iframe[src*='formgrader']").content_frame()


# ---------------------------------------------------------------------- the browser page

# Kernel state, read from the application (--LabApp.expose_app_in_browser).
_KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}"""
# File > Open: the notebook's panel id, once its file is loaded and its kernel session set up
_OPEN = """async (path) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  return widget.id;
}"""
# Close every tab of the main area without a dialog; the ids of their kernel sessions
_CLOSE_ALL = """() => {
  const sessions = [];
  for (const widget of Array.from(window.jupyterapp.shell.widgets('main'))) {
    const session = widget.sessionContext && widget.sessionContext.session;
    if (session) sessions.push(session.id);
    widget.dispose();
  }
  return sessions;
}"""
_RECORD_MESSAGES = """() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const log = window.__kernelMessages = [];
  const t0 = performance.now();
  kernel.anyMessage.connect((_, args) => {
    const m = args.msg, data = (m.content && m.content.data) || {};
    log.push([Math.round(performance.now() - t0), args.direction, m.channel, m.header.msg_type,
              m.header.msg_id.slice(0, 8), ((m.parent_header || {}).msg_id || '').slice(0, 8),
              m.header.msg_type === 'status' ? m.content.execution_state
                : JSON.stringify(data.state || data.method || '').slice(0, 80)]);
  });
}"""
_SILENT_EXECUTE = """(code) => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
    .requestExecute({code, silent: true, store_history: false}).done.then(() => true)"""
# Each command resolves when its cell has run; the last cell runs without advancing
# (advancing past the last cell would append a new one).
_RUN_EACH_CELL = """async () => {
  const app = window.jupyterapp, notebook = app.shell.currentWidget.content;
  notebook.activeCellIndex = 0;
  const count = notebook.widgets.length;
  for (let k = 0; k < count; k++) {
    await app.commands.execute(k === count - 1 ? 'notebook:run-cell' : 'notebook:run-cell-and-select-next');
  }
}"""
_ANY_QUEUED = "(panel) => Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))" \
              ".some(p => p.textContent.includes('*'))"


class LabWindow:
    """One browser tab with JupyterLab loaded, in which the tests open their notebooks one
    after another (:class:`NotebookPage`). Loading JupyterLab costs Chromium about 7 s of CPU,
    so each test worker loads it once: a notebook is opened as File > Open does, and closed
    (its tab disposed, its kernel shut down) before the next one opens."""

    def __init__(self, browser, lab: LabServer):
        self.lab = lab
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.goto(f"{lab.url}/lab?reset&token={lab.token}")
        self.page.wait_for_function("() => !!window.jupyterapp", timeout=KERNEL_IDLE_S * 1000)
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")

    def close_tabs(self):
        """Close every tab of the main area without a dialog, and shut down their kernels."""
        for session in self.page.evaluate(_CLOSE_ALL):
            try:
                self.lab.api("DELETE", f"/api/sessions/{session}")
            except urllib.error.HTTPError as err:
                if err.code != 404:       # 404: the kernel session ended already
                    raise

    def close(self):
        self.context.close()


class NotebookPage:
    """One notebook open in JupyterLab (in the worker's :class:`LabWindow`), alone: opening
    it closes whatever notebook an earlier test left open."""

    def __init__(self, window: LabWindow, path: str, artifacts: Path):
        self.window, self.lab, self.path, self.artifacts = window, window.lab, path, artifacts
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.page = window.page
        self.console_errors: list[str] = []
        self._listeners = [("console", lambda m: m.type == "error" and self.console_errors.append(m.text)),
                           ("pageerror", lambda e: self.console_errors.append(f"uncaught: {e}"))]
        for event, listener in self._listeners:
            self.page.on(event, listener)

    def open(self):
        self.window.close_tabs()            # what a test that failed left open
        panel_id = self.page.evaluate(_OPEN, self.path)
        self.wait_kernel_idle()
        self.panel = self.page.locator(f"[id='{panel_id}']")
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for()
        return self

    def record_kernel_messages(self):
        """Keep a log of the kernel messages this page sends and receives (types, parents,
        comm methods): written next to the screenshots when a test needs to explain a failure."""
        self.page.evaluate(_RECORD_MESSAGES)

    def save_kernel_messages(self, name: str) -> Path:
        path = self.artifacts / f"{name}.kernel-messages.json"
        path.write_text(json.dumps(self.page.evaluate("() => window.__kernelMessages || []"),
                                   indent=0))
        return path

    def wait_kernel_idle(self, timeout_s: float = KERNEL_IDLE_S):
        self.page.wait_for_function(_KERNEL_IDLE, timeout=timeout_s * 1000)

    def cells(self):
        return self.panel.locator(".jp-Notebook .jp-Cell")

    def cell(self, index: int):
        return self.cells().nth(index)

    def click_toolbar(self, command: str):
        self.panel.locator(f".jp-Toolbar [data-command='{command}']").click()

    def restart_and_run_all(self):
        """The toolbar's "Restart the kernel and run all cells" (⏩), confirmed in its dialog;
        returns when no cell is queued and the kernel is idle again."""
        self.click_toolbar("notebook:restart-run-all")
        dialog = self.page.locator(".jp-Dialog")
        dialog.locator(".jp-mod-accept").click()
        dialog.wait_for(state="detached")
        panel = self.panel.element_handle()
        # The queued cells show [*] from the moment the restart is accepted until they ran.
        self.page.wait_for_function(_ANY_QUEUED, arg=panel, timeout=KERNEL_IDLE_S * 1000)
        self.page.wait_for_function(f"(panel) => !({_ANY_QUEUED})(panel)", arg=panel,
                                    timeout=RUN_ALL_S * 1000)
        self.wait_kernel_idle()

    def run_each_cell(self, quick: bool = False):
        """Run every cell in turn from the top, as Shift+Enter pressed on each, going on past
        errors (JupyterLab's Run All stops at the first one). ``quick``: first set
        ``NBGRADER_EXECUTION`` in the kernel, silently (no cell of the notebook changes), so
        that the experiments are as short as while grading."""
        if quick:
            self.page.evaluate(_SILENT_EXECUTE, "import os; os.environ['NBGRADER_EXECUTION'] = 'validate'")
        self.page.evaluate(_RUN_EACH_CELL)
        self.wait_kernel_idle()

    def save(self) -> dict:
        """Save with the toolbar button and return the notebook as written to disk."""
        self.click_toolbar("docmanager:save")
        self.page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=60_000)
        return json.loads((self.lab.root / self.path).read_text())

    def output_report(self) -> list[dict]:
        """What each cell shows, read from the DOM: for every top-level output its mime
        type, whether an image decoded, whether a widget rendered (and the images and
        error outputs inside it)."""
        return self.panel.evaluate(_OUTPUT_REPORT)

    def screenshot(self, name: str, locator=None) -> Path:
        path = self.artifacts / (re.sub(r"[^\w.-]+", "_", name) + ".png")
        (locator or self.page).screenshot(path=path)
        return path

    def close(self):
        """Close the notebook's tab and shut down its kernel (File > Close and Shut Down,
        without the dialog)."""
        self.window.close_tabs()
        for event, listener in self._listeners:
            self.page.remove_listener(event, listener)
        if self.console_errors:   # for whoever reads the artifacts after a failure
            (self.artifacts / "browser-console-errors.txt").write_text(
                "\n".join(self.console_errors) + "\n")


_OUTPUT_REPORT = """(panel) => {
  const cells = Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell'));
  const loaded = (img) => img.complete && img.naturalWidth > 0;
  return cells.map((cell, index) => {
    const area = cell.querySelector('.jp-Cell-outputArea');
    const children = area ? Array.from(area.children).filter(
        c => c.classList.contains('jp-OutputArea-child')) : [];
    const outputs = children.map(child => {
      const out = child.querySelector(':scope > .jp-OutputArea-output');
      if (!out) return {kind: 'missing'};
      const widget = out.querySelector('.jupyter-widgets');
      if (widget || out.getAttribute('data-mime-type') === null) {
        const images = Array.from(out.querySelectorAll('img'));
        return {
          kind: 'widget', rendered: !!widget,
          text: out.innerText.slice(0, 300),
          sliders: out.querySelectorAll('.noUi-handle').length,
          dropdowns: out.querySelectorAll('select').length,
          images: images.length, images_loaded: images.filter(loaded).length,
          stderr: Array.from(out.querySelectorAll(
              '[data-mime-type="application/vnd.jupyter.stderr"]')).map(e => e.innerText.slice(0, 500)),
        };
      }
      const mime = out.getAttribute('data-mime-type');
      const img = out.querySelector('img');
      return {kind: 'mime', mime, image_loaded: img ? loaded(img) : null,
              text: mime.startsWith('image/') ? '' : out.innerText.slice(0, 500)};
    });
    return {index, code: cell.classList.contains('jp-CodeCell'),
            prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
            outputs};
  });
}"""
