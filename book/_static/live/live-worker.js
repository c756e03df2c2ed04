// live-worker.js: one Python interpreter (Pyodide) for one page, in a Web Worker (a module worker: Pyodide
// 314 refuses classic ones).
// The page (live.js) sends {type: "init" | "run" | "call" | "load", id, ...}; the worker answers with
// "out" (printed text, as it is printed), "event" (progress from Python), "done" and "failed".
// Messages are handled one at a time, in order; a run that must end early is ended by terminating the worker.
"use strict";

let pyodide = null;
let kernel = null;
let current = null; // id of the request being handled: printed text belongs to it
const modules = new Map(); // Python modules the page calls into, imported once
const decoders = {stdout: new TextDecoder(), stderr: new TextDecoder()};
let queue = Promise.resolve();

function post(message) {
  self.postMessage({id: current, ...message});
}

// Python code of the playground reports progress with liveEmit(json_text).
self.liveEmit = (text, array) => post({type: "event", data: JSON.parse(text), array});

self.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    current = msg.id;
    const t0 = performance.now();
    try {
      const result = await handlers[msg.type](msg);
      post({type: "done", ms: performance.now() - t0, ...result});
    } catch (e) {
      post({type: "failed", ms: performance.now() - t0, error: String((e && e.message) || e)});
    }
  });
};

// Every file of the runtime is checked against the pinned hash (subresource integrity), from the site's own
// folder or from the CDN alike: fetch() gets the hash added, and the two scripts are fetched (checked) first
// and then run from that checked text.
function checkedFetch(base, sri) {
  const plainFetch = self.fetch.bind(self);
  self.fetch = (input, options) => {
    const url = new URL(typeof input === "string" ? input : input.url, self.location.href).href;
    const name = url.startsWith(base) ? url.slice(base.length) : null;
    if (!(name && sri[name])) return plainFetch(input, options);
    return plainFetch(input, {...options, integrity: sri[name]}).catch((e) => {
      throw new Error(`${url} could not be fetched, or does not match its pinned hash (${e.message})`);
    });
  };
}

async function scriptURL(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return URL.createObjectURL(new Blob([await response.text()], {type: "text/javascript"}));
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

const handlers = {
  async init({base, sri, packages, files, modules, dataPath}) {
    checkedFetch(base, sri);
    const {loadPyodide} = await import(await scriptURL(base + "pyodide.mjs"));
    const createPyodideModule = (await import(await scriptURL(base + "pyodide.asm.mjs"))).default;
    pyodide = await loadPyodide({indexURL: base, createPyodideModule, packageBaseUrl: packages || undefined});
    for (const stream of ["stdout", "stderr"]) {
      const setter = stream === "stdout" ? pyodide.setStdout : pyodide.setStderr;
      setter.call(pyodide, {write: (buffer) => {
        post({type: "out", stream, text: decoders[stream].decode(buffer, {stream: true})});
        return buffer.length;
      }});
    }
    for (const [path, url] of Object.entries(files)) {
      pyodide.FS.writeFile(path, await fetchText(url));
    }
    pyodide.runPython(`import sys; sys.path.insert(0, "/home/pyodide")`);
    kernel = pyodide.pyimport("live_kernel");
    kernel.setup(dataPath);
    for (const name of modules || []) pyodide.pyimport(name);
    return {version: pyodide.version};
  },

  // One cell: its printed text streams back as "out"; status is "ok", "error" or "needs:PACKAGE".
  async run({code, name}) {
    const status = kernel.run(code, name);
    const pyFigures = kernel.figures();
    const figures = pyFigures.toJs();
    pyFigures.destroy();
    return {status, figures};
  },

  // A function of a Python module (the playground's), with JSON in and out.
  async call({module, fn, args}) {
    if (!modules.has(module)) modules.set(module, pyodide.pyimport(module));
    const result = modules.get(module)[fn](JSON.stringify(args || {}));
    return {result: JSON.parse(result)};
  },

  // Packages of the full Pyodide release, from its CDN (only when the reader asks for them). loadPackage does
  // not throw when a package fails: it says so to errorCallback, and the package is not in loadedPackages.
  // The stubs go only for what did load, so a failed load leaves the interpreter as it was.
  async load({names}) {
    const errors = [];
    await pyodide.loadPackage(names, {errorCallback: (text) => errors.push(text)});
    const loaded = names.filter((name) => name in pyodide.loadedPackages);
    if (loaded.length) kernel.drop_stubs(loaded.join(","));
    const missing = names.filter((name) => !loaded.includes(name));
    if (missing.length) throw new Error(`could not load ${missing.join(" and ")}: ${loadFailure(errors)}`);
    return {};
  },
};

// Why a package did not load, in a few words: Pyodide's own messages run to several lines.
function loadFailure(errors) {
  const text = errors.join(" ");
  if (!self.navigator.onLine || /fetch|network|request failed/i.test(text)) {
    return "no network, or the Pyodide CDN cannot be reached";
  }
  const first = (errors.find((e) => !/error occurred while loading/.test(e)) || "unknown error").split("\n")[0];
  return first.length > 160 ? first.slice(0, 157) + "…" : first;
}
