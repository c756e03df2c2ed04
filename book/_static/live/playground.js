// playground.js: the playground page (book/playground.md). Trains the book's microgpt (code/microgpt.py) in
// this tab, with Python in a Web Worker (MicrogptLive.Python from live.js); draws the loss curve, the sampled
// names and, for a typed name, the next-letter probabilities and every head's attention weights. All the
// numbers come from Python (book/_static/live/playground.py); this file only draws them.
//
// Read it top to bottom: the state, the controls, starting Python, training, the loss curve, sampling, and
// the look inside. The page's elements are in `ui`, what changes while the reader plays is in `state`. Every
// cell of the heatmaps is reachable by keyboard and named in words (heatmap, moveFocus).
"use strict";

(() => {
  const STEP = /^step\s+(\d+)\s*\/\s*(\d+)\s*\|\s*loss\s+([\d.]+)\s*$/;
  const WINDOW = 50; // the moving average of the book's loss plots (shorter for short runs)
  const SVG = "http://www.w3.org/2000/svg";
  const {Python, Stopped, el, T: tr} = window.MicrogptLive || {};  // tr: the words in the page's language

  let ui = null; // the page's controls and views, made once by init()
  const state = {
    python: null, // the interpreter, in a Web Worker
    starting: null, // the promise of its start, made when the reader first reaches for the controls
    training: false,
    losses: [], // every step's loss so far, as printed
    total: 0, // the steps of this run
    unfinished: "", // printed text after the last newline: the start of a line
    trainStart: 0, // performance.now() when the training began
    snapshot: null, // the latest weights the training reported: {steps, weights, seed}
    model: null, // {seed, steps} of the model the interpreter holds
    draws: 0, // which random draws sampling uses (0: the original program's own); New draws counts up
    curvePending: false, // a redraw of the curve waits for the next frame
    sampling: null, // the sampling under way, if any
    sampleAgain: false, // the temperature changed while sampling: sample once more
  };

  function init() {
    const trainBox = document.getElementById("mg-train");
    if (!trainBox || !Python) return;
    state.python = new Python(["playground"]);
    ui = {...trainControls(trainBox), ...sampleControls(document.getElementById("mg-sample")),
          ...insideControls(document.getElementById("mg-inside"))};
    for (const event of ["pointerover", "focusin"]) trainBox.addEventListener(event, startPython);
    window.addEventListener("pagehide", leave);
    ui.trainButton.addEventListener("click", train);
    ui.stopButton.addEventListener("click", stop);
    ui.slider.addEventListener("input", () => { setTemperature(ui.slider.value, ui.slider); sample(); });
    ui.temperature.addEventListener("change", () => {
      setTemperature(ui.temperature.value, ui.temperature);
      sample();
    });
    ui.againButton.addEventListener("click", () => { state.draws += 1; sample(); });
    ui.insideButton.addEventListener("click", lookInside);
    ui.nameInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !ui.insideButton.disabled) lookInside();
    });
  }

  // ---- the controls ------------------------------------------------------------------------------------

  const number = (id, value, attrs) => el("input", {id, type: "number", value, ...attrs});
  const label = (text, input) => el("label", {}, text, input);

  function trainControls(box) {
    const steps = number("mg-steps", 1000, {min: 1, max: 10000, step: 1});
    const seed = number("mg-seed", 42, {step: 1});
    const rate = number("mg-lr", 0.01, {min: 0.0001, max: 1, step: 0.001});
    const temperature = number("mg-temperature", 0.5, {min: 0.05, max: 3, step: 0.05});
    const trainButton = el("button", {id: "mg-train-button", type: "button"}, "Train");
    const stopButton = el("button", {id: "mg-stop", type: "button", disabled: ""}, "Stop");
    // what a screen reader announces (start, end, errors); the figures of every step go to `progress`
    const status = el("p", {id: "mg-status", class: "mg-status", role: "status", "aria-live": "polite"},
                      "Python (Pyodide) starts in this tab when you reach for these controls. " +
                      "The defaults are the original run's: press Train.");
    const progress = el("p", {id: "mg-progress", class: "mg-status"});
    const curveBox = el("div", {id: "mg-curve", class: "mg-curve"});
    const log = el("pre", {id: "mg-log", class: "mg-log"});
    box.append(el("div", {class: "mg-controls"}, label("steps", steps), label("seed", seed),
                  label("learning rate", rate), label("temperature", temperature), trainButton, stopButton),
               status, progress, curveBox, log);
    return {steps, seed, rate, temperature, trainButton, stopButton, status, progress, curveBox, log};
  }

  function sampleControls(box) {
    const slider = el("input", {id: "mg-temperature-slider", type: "range", min: 0.05, max: 2, step: 0.05, value: 0.5});
    const sliderValue = el("output", {}, "0.50");
    const againButton = el("button", {id: "mg-sample-again", type: "button", disabled: ""}, "New draws");
    const names = el("ol", {id: "mg-names", class: "mg-names"});
    const sampleNote = el("p", {class: "mg-note"},
                          "Train first (or stop a training run): the names come from that model.");
    box.append(el("div", {class: "mg-controls"}, label("temperature", slider), sliderValue, againButton),
               sampleNote, names);
    return {slider, sliderValue, againButton, names, sampleNote};
  }

  function insideControls(box) {
    const nameInput = el("input", {id: "mg-name", type: "text", value: "emma", maxlength: 15, spellcheck: "false"});
    const insideButton = el("button", {id: "mg-inside-button", type: "button", disabled: ""}, "Look inside");
    const inside = el("div", {id: "mg-inside-view", class: "mg-inside"});
    box.append(el("div", {class: "mg-controls"}, label("a name", nameInput), insideButton), inside);
    return {nameInput, insideButton, inside};
  }

  function say(text, kind = "") {
    ui.progress.textContent = "";
    ui.status.textContent = tr(text);
    ui.status.dataset.kind = kind;
  }

  // Sampling and looking inside need a trained model.
  function setReady(on) {
    ui.againButton.disabled = ui.insideButton.disabled = !on;
  }

  // ---- starting Python ---------------------------------------------------------------------------------

  // Python starts when the reader reaches for the controls, not on page load: leaving a page while its worker
  // is still loading Pyodide crashed headless Chromium's tab now and then (about 1 in 8 in tests/test_site.py's
  // timing, under load), and a reader who only reads this page should not download 13 MB.
  function startPython() {
    if (state.starting) return state.starting;
    const python = state.python;
    say("Starting Python (Pyodide) in this tab…");
    state.starting = python.start();
    state.starting.then(() => {
      if (state.training) return;
      say(`Python ${python.config.version} is ready (started in ${python.loadSeconds.toFixed(1)} s). ` +
          "The defaults are the original run's: press Train.", "ready");
    }, (e) => e instanceof Stopped || say(`Python could not start: ${e.message}`, "error"));
    return state.starting;
  }

  // The browser may keep a page the reader leaves, frozen, to come back to (the back/forward cache), and its
  // worker with it: Python ends when the reader leaves, so that the browser holds one at most. It starts
  // again when the reader reaches for the controls.
  function leave() {
    if (!state.starting) return;
    state.python.terminate();
    state.starting = null;
    state.model = null;
    setReady(false);
    say("Python ended when you left this page: it starts again when you reach for the controls, and the model " +
        "must be trained again.");
  }

  // ---- training ----------------------------------------------------------------------------------------

  async function train() {
    const args = {steps: parseInt(ui.steps.value, 10), seed: parseInt(ui.seed.value, 10),
                  learning_rate: parseFloat(ui.rate.value)};
    if (!(args.steps >= 1) || !Number.isFinite(args.seed) || !(args.learning_rate > 0)) {
      return say("Steps must be at least 1, the seed a whole number and the learning rate above 0.", "error");
    }
    clearRun(args.steps);
    say("Waiting for Python to start…");
    try {
      await startPython();
      state.trainStart = performance.now();
      say("Training…");
      const result = await state.python.call("playground", "train", args, {
        onOutput: output,
        onEvent: (data, weights) => {
          if (weights) state.snapshot = {steps: data.weights_after, weights, seed: args.seed};
        },
      });
      const ms = (1000 * result.seconds) / args.steps;
      state.model = {seed: args.seed, steps: args.steps};
      ui.status.dataset.msPerStep = ms.toFixed(1);
      say(`Trained ${args.steps} steps in ${result.seconds.toFixed(1)} s (${ms.toFixed(0)} ms per step), ` +
          `final loss ${state.losses[state.losses.length - 1].toFixed(4)}.`, "ready");
      await trained();
    } catch (e) {
      if (!(e instanceof Stopped)) say(`Training failed: ${e.message}`, "error");
    } finally {
      state.training = false;
      ui.trainButton.disabled = false;
      ui.stopButton.disabled = true;
    }
  }

  // A new run forgets the last one: its losses, log, names and look inside.
  function clearRun(steps) {
    state.training = true;
    state.losses = [];
    state.total = steps;
    state.snapshot = null;
    state.unfinished = "";
    ui.log.textContent = "";
    ui.names.textContent = "";
    ui.inside.textContent = "";
    delete ui.inside.dataset.name;
    delete ui.inside.dataset.steps;
    setReady(false);
    ui.trainButton.disabled = true;
    ui.stopButton.disabled = false;
    drawCurve();
  }

  // What the training prints, as it prints it: into the log, and each "step i / n | loss x" line onto the curve.
  function output(text) {
    ui.log.append(text);
    ui.log.scrollTop = ui.log.scrollHeight;
    const lines = (state.unfinished + text).split("\n");
    state.unfinished = lines.pop();
    for (const line of lines) {
      const m = STEP.exec(line);
      if (!m) continue;
      state.losses.push(parseFloat(m[3]));
      state.total = parseInt(m[2], 10);
      const ms = performance.now() - state.trainStart;
      ui.progress.textContent = tr(`step ${m[1]} / ${m[2]}, loss ${m[3]} · ` +
        `${(ms / state.losses.length).toFixed(0)} ms per step · ${(ms / 1000).toFixed(1)} s`);
    }
    drawCurve();
  }

  // Stop ends the worker at once (the only way to interrupt it); a fresh interpreter takes over the weights
  // the training last reported, so the reader can still sample and look inside.
  async function stop() {
    ui.stopButton.disabled = true;
    const kept = state.snapshot;
    state.python.stop();
    say(`Stopped after ${state.losses.length} steps. Python restarted` +
        (kept && kept.steps ? `; it takes over the weights after ${kept.steps} steps…` : "."), "stopped");
    if (!kept || !kept.steps) return;
    try {
      const weights = Array.from(kept.weights);
      await state.python.call("playground", "restore", {seed: kept.seed, steps: kept.steps, weights});
      state.model = {seed: kept.seed, steps: kept.steps};
      say(`Stopped after ${state.losses.length} steps. Python restarted with the weights after ${kept.steps} ` +
          "steps: sample from them, or look inside.", "stopped");
      await trained();
    } catch (e) {
      if (!(e instanceof Stopped)) say(`Could not restore the model: ${e.message}`, "error");
    }
  }

  async function trained() {
    setReady(true);
    state.draws = 0; // the first names at temperature 0.5 are the ones code/microgpt.py prints for this run
    ui.sampleNote.textContent = tr(`From the model after ${state.model.steps} steps (seed ${state.model.seed}). ` +
      "At temperature 0.5 the first draws are the ones `python code/microgpt.py` prints with these settings. " +
      "Move the slider: the same random draws at another temperature. Names in italics are in the training data.");
    await sample();
    await lookInside();
  }

  // ---- the loss curve ----------------------------------------------------------------------------------

  // At most one redraw per frame: the training prints faster than the screen refreshes.
  function drawCurve() {
    if (state.curvePending) return;
    state.curvePending = true;
    requestAnimationFrame(() => {
      state.curvePending = false;
      ui.curveBox.replaceChildren(curve(state.losses, state.total));
    });
  }

  // An SVG of every step's loss (faint) and their moving average (bold), over the whole run's steps.
  function curve(losses, total) {
    const W = 720, H = 260, L = 48, R = 12, T = 12, B = 36;
    const n = Math.max(total, losses.length, 2);
    const top = Math.max(4, ...losses.slice(0, 200)), bottom = 0;
    const x = (i) => L + ((i - 1) / (n - 1)) * (W - L - R);
    const y = (v) => T + (1 - (v - bottom) / (top - bottom)) * (H - T - B);
    const path = (points) => points.map(([i, v], k) => `${k ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join("");
    const span = Math.max(1, Math.min(WINDOW, Math.round(n / 10)));
    const ticks = [0, 1, 2, 3, 4].filter((v) => v <= top);
    return svg("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": tr("training loss by step")},
      ...ticks.flatMap((v) => [
        svg("line", {class: "mg-grid", x1: L, x2: W - R, y1: y(v), y2: y(v)}),
        svg("text", {class: "mg-tick", x: L - 6, y: y(v) + 4, "text-anchor": "end"}, String(v))]),
      svg("text", {class: "mg-tick", x: L, y: H - 18}, "1"),
      svg("text", {class: "mg-tick", x: W - R, y: H - 18, "text-anchor": "end"}, String(n)),
      svg("text", {class: "mg-axis", x: (L + W - R) / 2, y: H - 4, "text-anchor": "middle"},
          "training step (one name each)"),
      svg("text", {class: "mg-axis", transform: `translate(12 ${(T + H - B) / 2}) rotate(-90)`, "text-anchor": "middle"},
          "loss (nats)"),
      svg("path", {class: "mg-raw", d: path(losses.map((v, k) => [k + 1, v]))}),
      svg("path", {class: "mg-avg", d: path(movingAverage(losses, span))}),
      svg("text", {class: "mg-legend", x: W - R, y: T + 12, "text-anchor": "end"},
          `faint: each step's loss; bold: mean of the last ${span}`));
  }

  // [step, mean of the `span` losses up to it], from the first step that has `span` of them.
  function movingAverage(losses, span) {
    const points = [];
    let sum = 0;
    losses.forEach((v, k) => {
      sum += v - (k >= span ? losses[k - span] : 0);
      if (k + 1 >= span) points.push([k + 1, sum / span]);
    });
    return points;
  }

  function svg(tag, attrs = {}, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  }

  // ---- sampling ----------------------------------------------------------------------------------------

  // Twenty names from the model, at the slider's temperature. Calls while one samples are not lost: it samples
  // once more when it is done, at the temperature then.
  async function sample() {
    if (!state.model) return;
    if (state.sampling) {
      state.sampleAgain = true;
      return state.sampling;
    }
    state.sampling = drawNames();
    try {
      await state.sampling;
    } catch (e) {
      if (!(e instanceof Stopped)) ui.sampleNote.textContent = tr(`Sampling failed: ${e.message}`);
    } finally {
      state.sampling = null;
    }
  }

  async function drawNames() {
    do {
      state.sampleAgain = false;
      const t = parseFloat(ui.slider.value);
      const result = await state.python.call("playground", "sample",
                                             {temperature: t, count: 20, seed: state.model.seed, draw: state.draws});
      ui.names.replaceChildren(...result.names.map((name, i) =>
        el("li", {class: result.known[i] ? "mg-known" : ""}, name || "(empty)")));
      ui.names.dataset.temperature = t.toFixed(2);
    } while (state.sampleAgain);
  }

  // The slider and the temperature box above show the same temperature.
  function setTemperature(value, from) {
    const t = Math.min(3, Math.max(0.05, parseFloat(value) || 0.5));
    if (from !== ui.slider) ui.slider.value = t;
    if (from !== ui.temperature) ui.temperature.value = t;
    ui.sliderValue.textContent = t.toFixed(2);
  }

  // ---- look inside -------------------------------------------------------------------------------------

  async function lookInside() {
    const name = ui.nameInput.value;
    try {
      const r = await state.python.call("playground", "inside", {name});
      ui.inside.textContent = "";
      if (r.error) return ui.inside.append(el("p", {class: "mg-error"}, r.error));
      ui.inside.append(...probabilities(r), ...attention(r));
      ui.inside.dataset.name = name;
      ui.inside.dataset.steps = r.steps;
    } catch (e) {
      if (!(e instanceof Stopped)) ui.inside.textContent = tr(`Look inside failed: ${e.message}`);
    }
  }

  const subhead = (text) => el("p", {class: "mg-subhead"}, text);
  const note = (text) => el("p", {class: "mg-note"}, text);
  const shown = (token) => (token === "BOS" ? "⏎" : token);
  const spoken = (token) => (token === "BOS" ? "the start/end token" : `'${token}'`); // for a screen reader
  const percent = (v) => `${(100 * v).toFixed(1)}%`;
  const blue = (v) => `rgba(37, 99, 235, ${Math.min(1, Math.max(0, v)).toFixed(3)})`;
  const KEYS = "With the keyboard: Tab to a map, then the arrow keys (and Home, End) move from cell to cell; " +
    "each cell says its value.";

  function probabilities(r) {
    const rows = r.inputs.map((t, p) => ({label: `${p}: ${shown(t)}`, values: r.probs[p],
                                          mark: r.vocab.indexOf(r.targets[p])}));
    const words = (p, j, v) => `position ${p}, after ${spoken(r.inputs[p])}: next letter ${spoken(r.vocab[j])}, ` +
      `${percent(v)}${j === rows[p].mark ? ", the letter that really comes next" : ""}`;
    const table = heatmap("mg-probs", r.vocab, rows, words, Math.sqrt); // the square root shows unlikely letters
    table.setAttribute("aria-label", `next-letter probabilities, the model after ${r.steps} steps`);
    return [
      subhead(`Next-letter probabilities (the model after ${r.steps} steps)`),
      note("Row: the letter the model has just read (⏎ = the start/end token), at each position; column: what it " +
           "predicts next, darker = likelier (hover for the number). Outlined: the letter that really comes next."),
      note(KEYS),
      el("div", {class: "mg-scroll"}, table), // a phone's screen: the table shrinks to fit (live.css)
      readout(table),
    ];
  }

  function attention(r) {
    const n = r.inputs.length;
    const columns = r.inputs.map((t, p) => `${p}${shown(t)}`);
    const heads = el("div", {class: "mg-heads"});
    r.attention.forEach((layer, li) => layer.forEach((weights, h) => {
      const rows = weights.map((w, p) => ({label: `${p}: ${shown(r.inputs[p])}`, mark: -1,
                                           values: Array.from({length: n}, (_, j) => (j <= p ? w[j] : null))}));
      const words = (p, j, v) => `position ${p} (${spoken(r.inputs[p])}) attends to position ${j} ` +
        `(${spoken(r.inputs[j])}): ${percent(v)}`;
      const table = heatmap("mg-attn", columns, rows, words);
      table.dataset.layer = li;
      table.dataset.head = h;
      table.setAttribute("aria-label", `attention weights of layer ${li}, head ${h}`);
      heads.append(el("figure", {class: "mg-head"}, table, readout(table),
                      el("figcaption", {}, `layer ${li}, head ${h}`)));
    }));
    return [
      subhead("Attention weights"),
      note("One map per head: row = the position that looks, column = the earlier position it looks at. " +
           "Each row sums to 1; later positions are out of reach (blank)."),
      note(KEYS),
      heads,
    ];
  }

  // rows: [{label, values: [v or null], mark: the column to outline}]; words(row, column, value): the cell in
  // words, for a screen reader (aria-label) and the readout; shade: value to depth of colour. One cell of the
  // table is in the Tab order (a roving tabindex): the arrow keys move from there.
  function heatmap(cls, columns, rows, words, shade = (v) => v) {
    const table = el("table", {class: `mg-heatmap ${cls}`});
    table.append(el("tr", {}, el("th", {}), ...columns.map((c) => el("th", {scope: "col"}, shown(c)))));
    rows.forEach((row, i) => {
      const tr = el("tr", {class: "mg-row"}, el("th", {scope: "row"}, row.label));
      row.values.forEach((v, j) => {
        if (v === null) return tr.append(el("td", {class: "mg-future", "aria-hidden": "true"}));
        const td = el("td", {"data-w": String(v), "data-r": i, "data-c": j, title: percent(v), tabindex: -1,
                             "aria-label": words(i, j, v), style: `background:${blue(shade(v))}`});
        if (j === row.mark) td.classList.add("mg-target");
        tr.append(td);
      });
      table.append(tr);
    });
    const first = table.querySelector("td[data-c]");
    if (first) first.tabIndex = 0;
    table.addEventListener("keydown", (e) => moveFocus(table, e));
    return table;
  }

  // The arrow keys move to the next cell with a value (not into the blank future), Home and End to the row's
  // first and last; the cell moved to becomes the table's one Tab stop.
  function moveFocus(table, e) {
    const td = e.target.closest("td[data-c]");
    if (!td) return;
    const r = Number(td.dataset.r), c = Number(td.dataset.c);
    const step = {ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0]}[e.key];
    const row = [...table.querySelectorAll(`td[data-r="${r}"]`)];
    const target = step ? table.querySelector(`td[data-r="${r + step[0]}"][data-c="${c + step[1]}"]`) :
      e.key === "Home" ? row[0] : e.key === "End" ? row[row.length - 1] : null;
    if (!step && !target) return;
    e.preventDefault(); // the page does not scroll under the arrow keys
    if (!target) return;
    td.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  }

  // A line under a map that shows, for the eye, the cell in focus or under the pointer (a screen reader reads
  // the cell's own label instead).
  function readout(table) {
    const line = el("p", {class: "mg-readout", "aria-hidden": "true"});
    const show = (e) => {
      const td = e.target.closest && e.target.closest("td[data-c]");
      if (td) line.textContent = td.getAttribute("aria-label");
    };
    table.addEventListener("focusin", show);
    table.addEventListener("pointerover", show);
    return line;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
