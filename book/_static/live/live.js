// live.js: "Run live" on every chapter page. The chapter's code cells become editable and runnable, in real
// Python (Pyodide, CPython compiled to WebAssembly) running in a Web Worker: one interpreter per page.
// Nothing is fetched until the reader switches live mode on. Also defines MicrogptLive.Python, the
// worker client that the playground (playground.js) uses.
"use strict";

(() => {
  // The site's root, from Sphinx's data-content_root: every URL below is relative to it (the site may live
  // under a sub-path, as a GitHub Pages project site does).
  const root = new URL(document.documentElement.dataset.content_root || "./", location.href).href;
  const HOME = "/home/pyodide/";

  class Stopped extends Error {}

  let configPromise = null;
  function config() {
    // revalidated, never taken stale from the cache: it holds the hashes of the runtime the site now pins
    configPromise = configPromise || fetch(root + "_static/live/config.json", {cache: "no-cache"}).then((r) => {
      if (!r.ok) throw new Error(`live/config.json: HTTP ${r.status}`);
      return r.json();
    });
    return configPromise;
  }

  // One Python interpreter in a Web Worker. stop() ends it at once (terminate) and starts a fresh one:
  // without SharedArrayBuffer (GitHub Pages sends no isolation headers) that is the only way to interrupt.
  class Python {
    constructor(modules = []) {
      this.modules = modules; // Python modules to import once the interpreter is up (the playground's)
      this.nextId = 1;
      this.pending = new Map();
      this.worker = null;
      this.ready = null;
      this.loadSeconds = null;
    }

    start() {
      const started = performance.now();
      const worker = (this.worker = new Worker(root + "_static/live-worker.js", {type: "module"}));
      worker.onmessage = (e) => this.receive(e.data);
      worker.onerror = (e) => this.failAll(new Error(e.message || "the Python worker failed to start"));
      this.ready = config().then((cfg) => {
        const files = {
          [HOME + "live_kernel.py"]: root + "_static/live_kernel.py",
          [HOME + "playground.py"]: root + "_static/playground.py",
          [HOME + "microgpt.py"]: root + "_static/live/microgpt.py",
          [HOME + "names.txt"]: root + "_static/live/names.txt",
        };
        this.config = cfg;
        return this.request({
          type: "init", base: cfg.local ? root + "_static/pyodide/" : cfg.cdn, sri: cfg.sri,
          packages: cfg.packages, files, modules: this.modules, dataPath: HOME + "names.txt",
        });
      }).then((answer) => {
        this.loadSeconds = (performance.now() - started) / 1000;
        return answer;
      });
      this.ready.catch(() => {}); // whoever awaits it reports the failure
      return this.ready;
    }

    request(message, handlers = {}) {
      const id = this.nextId++;
      return new Promise((resolve, reject) => {
        this.pending.set(id, {resolve, reject, ...handlers});
        this.worker.postMessage({...message, id});
      });
    }

    receive(m) {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.type === "out") p.onOutput && p.onOutput(m.text, m.stream);
      else if (m.type === "event") p.onEvent && p.onEvent(m.data, m.array);
      else {
        this.pending.delete(m.id);
        if (m.type === "done") p.resolve(m);
        else p.reject(new Error(m.error));
      }
    }

    failAll(error) {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    }

    async run(code, name, onOutput, onEvent) {
      await this.ready;
      return this.request({type: "run", code, name}, {onOutput, onEvent});
    }

    async call(module, fn, args, handlers = {}) {
      await this.ready;
      return (await this.request({type: "call", module, fn, args}, handlers)).result;
    }

    async load(names, onOutput) {
      await this.ready;
      return this.request({type: "load", names}, {onOutput});
    }

    stop() {
      this.worker.terminate();
      this.failAll(new Stopped("stopped"));
      return this.start();
    }

    terminate() {
      this.worker.terminate();
      this.failAll(new Stopped("stopped"));
    }
  }

  // Every text shown goes through T: the page's language (live-i18n.js; English as written without it).
  const T = (text) => (window.liveText ? window.liveText(text) : text);

  function el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, k === "title" || k === "aria-label" ? T(v) : v);
    }
    e.append(...children.map(T));
    return e;
  }

  // One line of an error, for the status bar: a traceback belongs under its cell, not there. A Python
  // traceback (PythonError) says what went wrong on its last line.
  function oneLine(text) {
    const lines = String(text).split("\n").filter((line) => line.trim());
    return (lines[0] === "Traceback (most recent call last):" ? lines[lines.length - 1] : lines[0]) || "";
  }

  function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
  }

  // ---- a chapter page -----------------------------------------------------------------------------------

  class Chapter {
    constructor(page, article) {
      this.page = page;
      this.article = article;
      this.on = false;
      this.busy = false;
      this.python = null;
      this.setup = null; // promise of the setup cell's run in the current interpreter
      this.bar = el("div", {class: "live-bar"});
      this.toggle = el("button", {class: "live-toggle", type: "button", onclick: () => this.switch()}, "Run live");
      this.runAll = el("button", {class: "live-runall", type: "button", onclick: () => this.runUpTo(this.cells.length - 1)},
                       "Run all");
      this.stopButton = el("button", {class: "live-stop", type: "button", onclick: () => this.stop()}, "Stop");
      // A screen reader reads out what the status says; not the clock that counts the seconds of a start.
      this.message = el("span", {}, "Edit and run this chapter's code here, in your browser: real Python, " +
                        "nothing to install.");
      this.clock = el("span", {"aria-hidden": "true"});
      this.status = el("span", {class: "live-status", role: "status", "aria-live": "polite"}, this.message, this.clock);
      this.setupOutput = el("pre", {class: "live-setup-output"});
      this.runAll.hidden = this.stopButton.hidden = this.setupOutput.hidden = true;
      this.bar.append(this.toggle, this.runAll, this.stopButton, this.status, this.setupOutput);
      const title = article.querySelector("h1");
      (title ? title : article.firstElementChild).after(this.bar);
    }

    say(text, kind = "") {
      this.message.textContent = T(text);
      this.clock.textContent = "";
      this.status.dataset.kind = kind;
    }

    async switch() {
      if (this.on) return this.off();
      this.toggle.disabled = true;
      try {
        const response = await fetch(root + "_static/live/" + this.page + ".json");
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        this.specs = await response.json();
      } catch (e) {
        this.toggle.disabled = false;
        return this.say(`Live mode is not available for this page (${e.message}).`, "error");
      }
      const domCells = [...this.article.querySelectorAll("div.cell")];
      if (domCells.length !== this.specs.length) {
        this.toggle.disabled = false;
        return this.say(`Live mode cannot match this page's ${domCells.length} cells to the notebook's ` +
                        `${this.specs.length}; please report it.`, "error");
      }
      this.on = true;
      document.body.classList.add("live-on");
      this.cells = this.specs.map((spec, i) => this.makeCell(spec, domCells[i], i));
      this.toggle.textContent = T("Live: on");
      this.toggle.title = T("Switch live mode off (restores the page as it was built)");
      this.toggle.disabled = false;
      this.runAll.hidden = false;
      this.python = new Python();
      this.startPython();
    }

    off() {
      this.python.terminate();
      this.python = null;
      for (const cell of this.cells) cell.restore();
      this.cells = [];
      this.on = false;
      document.body.classList.remove("live-on");
      this.toggle.textContent = T("Run live");
      this.toggle.title = "";
      this.runAll.hidden = this.stopButton.hidden = this.setupOutput.hidden = true;
      this.say("Live mode is off: the page shows the outputs of the build again.");
    }

    // Start (or restart) the interpreter and run the setup cell in it, saying how it goes.
    startPython(restarted = "") {
      const t0 = performance.now();
      this.loaded = new Set(); // packages loaded from the CDN into this interpreter
      const ready = this.python.ready || this.python.start();
      this.say(`${restarted}Starting Python (Pyodide, in this tab)…`);
      const tick = setInterval(() => { this.clock.textContent = ` ${seconds(performance.now() - t0)}`; }, 200);
      this.setup = ready.then(async () => {
        clearInterval(tick);
        this.say(`${restarted}Python is up (${seconds(performance.now() - t0)}). Running the setup cell…`);
        this.setupOutput.textContent = "";
        // a chapter that runs on numpy declares it (tools/live.py): load it before the setup, from the CDN
        const needed = [...new Set(this.cells.filter((c) => c.spec.setup).flatMap((c) => c.spec.needs))];
        if (needed.length) {
          this.say(`${restarted}This chapter runs on ${needed.join(" and ")}: loading it from the Pyodide CDN ` +
                   "(needs the internet)…");
          await this.python.load(needed);
          for (const name of needed) this.loaded.add(name);
        }
        for (const cell of this.cells.filter((c) => c.spec.setup)) {
          if (!(await cell.run())) throw new Error("the setup cell stopped with an error (shown below this bar)");
          if (cell.state === "needs") throw new Error(`the setup cell needs ${cell.needs}, which the live ` +
                                                      "runtime does not include: this chapter cannot run live");
        }
        this.say(`${restarted}Ready (Pyodide ${this.python.config.version}, started in ` +
                 `${seconds(performance.now() - t0)}). Run a cell (Shift+Enter): the cells above it run first.`,
                 "ready");
        return true;
      }, (e) => {
        clearInterval(tick);
        throw e;
      });
      this.setup.catch((e) => {
        if (!(e instanceof Stopped)) this.say(`Live mode could not start: ${oneLine(e.message)}`, "error");
      });
      return this.setup;
    }

    makeCell(spec, element, index) {
      return new LiveCell(this, spec, element, index);
    }

    // Run cell i, after the cells above it that have not run yet in this interpreter.
    async runUpTo(i) {
      if (!this.on) return;
      if (this.busy) return this.say("A cell is still running: wait for it, or press Stop.");
      this.busy = true;
      this.stopButton.hidden = false;
      try {
        await this.setup;
        for (let j = 0; j <= i; j++) {
          const cell = this.cells[j];
          if (cell.spec.setup || (j < i && !cell.stale())) continue;
          if (!(await cell.run())) {
            if (j < i) this.cells[i].notRun(j);
            break;
          }
        }
        this.say(`Cell ${i + 1}: ${this.cells[i].summary}.`, this.cells[i].state === "ok" ? "ready" : "");
      } catch (e) {
        if (!(e instanceof Stopped)) this.say(`Live mode: ${oneLine(e.message)}`, "error");
      } finally {
        this.busy = false;
        this.stopButton.hidden = true;
      }
    }

    // End the running cell at once: the worker is terminated and a fresh interpreter starts.
    stop() {
      if (!this.python) return;
      this.end();
      this.python.start();
      this.startPython("Stopped; Python restarted. ");
    }

    // The interpreter ends: what ran in it is gone.
    end() {
      const running = this.cells.find((c) => c.state === "running");
      for (const cell of this.cells) cell.reset();
      this.python.terminate();
      if (running) running.stopped();
    }

    // The browser may keep a page the reader leaves, frozen, to come back to (the back/forward cache), and its
    // worker with it: the interpreter ends when the reader leaves, so that the browser holds one Python at
    // most, and a fresh one starts when the reader comes back.
    leave() {
      if (this.python) this.end();
    }

    comeBack() {
      if (!this.python) return;
      this.python.start();
      this.startPython("Back on this page: Python restarted. ");
    }
  }

  class LiveCell {
    constructor(chapter, spec, element, index) {
      this.chapter = chapter;
      this.spec = spec;
      this.element = element;
      this.index = index;
      this.state = "idle";
      this.input = element.querySelector(".cell_input");
      this.built = element.querySelector(".cell_output");
      this.hiddenSetup = spec.setup && !spec.input;
      this.output = el("div", {class: "live-output"});
      this.text = el("pre", {class: "live-text"});
      this.notes = el("div", {class: "live-notes"});
      this.output.append(this.text, this.notes);
      this.output.hidden = true;
      if (this.built) this.built.before(this.output);
      else element.append(this.output);
      element.classList.add("live-cell");
      if (this.input && !this.hiddenSetup) this.makeEditor();
    }

    makeEditor() {
      this.highlight = [...this.input.children];
      for (const child of this.highlight) child.hidden = true;
      const n = this.index + 1;
      this.editor = el("textarea", {class: "live-editor", spellcheck: "false", autocapitalize: "off",
                                    "aria-label": `code of cell ${n}`, "aria-describedby": `live-keys-${n}`});
      this.editor.value = this.spec.source;
      this.editor.addEventListener("input", () => {
        this.fit();
        if (this.state === "error") this.setLabel("edited since the error: runs again before the cells below");
      });
      this.editor.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.shiftKey || e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          this.chapter.runUpTo(this.index);
        } else if (e.key === "Escape") {
          this.editor.blur(); // Tab now moves on from here, to the Run button
        } else if (e.key === "Tab" && !e.shiftKey) {
          e.preventDefault();
          this.editor.setRangeText("    ", this.editor.selectionStart, this.editor.selectionEnd, "end");
          this.fit();
        }
      });
      this.runButton = el("button", {class: "live-run", type: "button", "aria-label": `Run cell ${n}`, onclick: () => {
        if (this.state === "running") this.chapter.stop(); // while it runs, the button stops it
        else this.chapter.runUpTo(this.index);
      }}, "Run");
      this.resetButton = el("button", {class: "live-reset", type: "button", title: "Back to the book's code",
                                       "aria-label": `Reset cell ${n} to the book's code`,
                                       onclick: () => { this.editor.value = this.spec.source; this.fit(); }}, "Reset");
      this.label = el("span", {class: "live-state"}, this.uses());
      const keys = el("span", {class: "live-keys", id: `live-keys-${n}`},
                      "Shift+Enter runs, Tab indents, Esc leaves the cell (then Tab moves on)");
      this.tools = el("div", {class: "live-tools"}, this.runButton, this.resetButton, this.label, keys);
      this.input.append(this.editor, this.tools);
      requestAnimationFrame(() => this.fit());
    }

    uses() {
      return this.spec.needs.length ? `uses ${this.spec.needs.join(" and ")}` : "";
    }

    // Whether running a cell below runs this one first: it has not run in this interpreter, it stopped with an
    // error (fixed since, maybe), or it lacked a package that has been loaded since.
    stale() {
      return this.state === "idle" || this.state === "error" ||
        (this.state === "needs" && this.chapter.loaded.has(this.needs));
    }

    // A new interpreter: nothing has run in it yet.
    reset() {
      this.state = "idle";
      this.setLabel(this.uses());
    }

    notRun(above) {
      this.notes.textContent = "";
      this.setLabel("not run");
      this.summary = `not run, cell ${above + 1} above it stopped with an error`;
      this.note(`Not run: cell ${above + 1} above it stopped with an error.`);
    }

    // As tall as the code, borders and a horizontal scrollbar (a long line) included: no line hidden.
    fit() {
      const editor = this.editor;
      editor.style.height = "auto";
      editor.style.height = `${editor.scrollHeight + editor.offsetHeight - editor.clientHeight}px`;
    }

    restore() {
      for (const child of this.highlight || []) child.hidden = false;
      if (this.editor) this.editor.remove();
      if (this.tools) this.tools.remove();
      this.output.remove();
      if (this.built) this.built.hidden = false;
      this.element.classList.remove("live-cell", "live-running");
    }

    note(text, kind = "") {
      const p = el("p", {class: `live-note ${kind}`}, text);
      this.output.hidden = false;
      this.notes.append(p);
      return p;
    }

    setLabel(text) {
      this.summary = text;
      if (this.label) this.label.textContent = T(text);
    }

    // Run this cell alone; true when what follows may run too.
    async run() {
      const python = this.chapter.python;
      const code = this.editor ? this.editor.value : this.spec.source;
      this.state = "running";
      this.showRunning(true);
      this.text.textContent = "";
      this.notes.textContent = "";
      this.text.hidden = false;
      this.output.hidden = this.hiddenSetup;
      const target = this.hiddenSetup ? this.chapter.setupOutput : this.text;
      const t0 = performance.now();
      let step = ""; // a training loop of the book reports its step (live_kernel.py)
      const edited = code !== this.spec.source; // the book's own cells pass their checks: not the reader's answer
      this.tick = setInterval(() => this.setLabel(`running… ${seconds(performance.now() - t0)}${step}`), 200);
      this.setLabel("running…");
      let answer;
      try {
        answer = await python.run(code, `<cell ${this.index + 1}>`, (text, stream) => {
          target.append(stream === "stderr" ? el("span", {class: "live-stderr"}, text) : text);
        }, (data) => {
          if (data.steps) step = `, step ${data.step} / ${data.steps}`;
          if (data.checked && edited) this.answered(data.checked);
        });
      } catch (e) {
        if (e instanceof Stopped) throw e;
        answer = {status: "error", ms: performance.now() - t0}; // the worker failed: the cell did not run
        target.append(el("span", {class: "live-stderr"}, e.message));
      } finally {
        clearInterval(this.tick);
        this.showRunning(false);
      }
      this.element.dataset.liveRuns = Number(this.element.dataset.liveRuns || 0) + 1; // finished runs
      this.text.hidden = !this.text.textContent;
      this.showFigures(answer.figures || []);
      if (answer.status === "ok") return this.ran(seconds(answer.ms));
      if (answer.status.startsWith("needs:")) return this.needsPackage(answer.status.slice(6), python);
      return this.raised(seconds(answer.ms));
    }

    // check() said "Right." in a cell the reader wrote: progress.js keeps the exercise as answered.
    answered(label) {
      document.dispatchEvent(new CustomEvent("microgpt:checked", {detail: {label, page: this.chapter.page}}));
    }

    // While the cell runs, its Run button stops it.
    showRunning(on) {
      this.element.classList.toggle("live-running", on);
      if (!this.runButton) return;
      this.runButton.textContent = T(on ? "Stop" : "Run");
      this.runButton.setAttribute("aria-label", T(`${on ? "Stop" : "Run"} cell ${this.index + 1}`));
    }

    showFigures(pngs) {
      for (const png of pngs) {
        const url = URL.createObjectURL(new Blob([png], {type: "image/png"}));
        this.notes.append(el("img", {class: "live-figure", src: url, alt: "figure drawn live by matplotlib"}));
      }
    }

    ran(took) {
      this.state = "ok";
      this.setLabel(`ran in ${took}`);
      if (this.built && !this.hiddenSetup) this.built.hidden = true;
      return true;
    }

    // The cell imports a package the core runtime lacks: the build's output stays, and the reader may load it.
    needsPackage(name, python) {
      this.state = "needs";
      this.needs = name;
      this.setLabel(`needs ${name}`);
      if (this.built) this.built.hidden = false;
      if (this.hiddenSetup) this.chapter.setupOutput.hidden = false;
      const message = `This cell needs ${name}, which the live runtime does not include: ` +
        (this.built ? "what it shows below is the build's output. " : "it stopped there. ");
      const p = el("p", {class: "live-note live-needs"}, message);
      if (python.config && python.config.packages) {
        p.append(el("button", {class: "live-load", type: "button", onclick: (e) => this.loadAndRun(name, e.target)},
                    `Load ${name} from the Pyodide CDN (needs the internet) and run again`));
      }
      this.output.hidden = false;
      this.notes.append(p);
      return true;
    }

    // An exception: what follows may run only if the cell raises on purpose.
    raised(took) {
      this.state = this.spec.raises ? "ok" : "error";
      this.setLabel(this.spec.raises ? `raised, as it should (${took})` : `error (${took})`);
      if (this.built && !this.hiddenSetup) this.built.hidden = true;
      if (this.hiddenSetup) this.chapter.setupOutput.hidden = false;
      return this.spec.raises;
    }

    // A failed load (no network, say) leaves the interpreter as it was: the cell says so in one line, and the
    // other cells still run.
    async loadAndRun(name, button) {
      const python = this.chapter.python;
      const names = name === "matplotlib" ? ["numpy", "matplotlib"] : [name];
      button.disabled = true;
      this.setLabel(`loading ${name}…`);
      const loading = this.note(`Loading ${name}…`);
      try {
        await python.load(names);
      } catch (e) {
        if (e instanceof Stopped) return;
        loading.remove();
        const message = oneLine(e.message).replace(/^could not/, "Could not") + ".";
        button.disabled = false;
        this.setLabel(`failed: could not load ${name}`);
        this.note(message, "live-error");
        return this.chapter.say(`${message} The cells that do not need ${name} still run.`, "error");
      }
      for (const loaded of names) this.chapter.loaded.add(loaded);
      this.chapter.runUpTo(this.index);
    }

    stopped() {
      clearInterval(this.tick);
      this.showRunning(false);
      this.setLabel("stopped");
      this.note("Stopped. Python was restarted, so what the cells above computed is gone: the setup " +
                "cell runs again now, and the cells above run again when you run this one.", "live-stopped");
    }
  }

  window.MicrogptLive = {Python, Stopped, root, el, config, T};

  function init() {
    const meta = document.querySelector('meta[name="microgpt-live"]');
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    if (!(meta && article)) return;
    const chapter = (window.MicrogptLive.chapter = new Chapter(meta.content, article));
    window.addEventListener("pagehide", () => chapter.leave());
    window.addEventListener("pageshow", (e) => e.persisted && chapter.comeBack());
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
