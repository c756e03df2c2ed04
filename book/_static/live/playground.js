// playground.js: the playground page (book/playground.md). Trains the book's microgpt (code/microgpt.py) in
// this tab, with Python in a Web Worker (MicrogptLive.Python from live.js); draws the loss curve, the sampled
// names and, for a typed name, the next-letter probabilities and every head's attention weights. All the
// numbers come from Python (book/_static/live/playground.py); this file only draws them.
"use strict";

(() => {
  const STEP = /^step\s+(\d+)\s*\/\s*(\d+)\s*\|\s*loss\s+([\d.]+)\s*$/;
  const WINDOW = 50; // the moving average of the book's loss plots (shorter for short runs)

  function init() {
    const trainBox = document.getElementById("mg-train");
    if (!trainBox || !window.MicrogptLive) return;
    const {Python, Stopped, el} = window.MicrogptLive;
    const python = new Python(["playground"]);

    // ---- controls --------------------------------------------------------------------------------------
    const number = (id, value, attrs) => el("input", {id, type: "number", value, ...attrs});
    const steps = number("mg-steps", 1000, {min: 1, max: 10000, step: 1});
    const seed = number("mg-seed", 42, {step: 1});
    const rate = number("mg-lr", 0.01, {min: 0.0001, max: 1, step: 0.001});
    const temperature = number("mg-temperature", 0.5, {min: 0.05, max: 3, step: 0.05});
    const trainButton = el("button", {id: "mg-train-button", type: "button"}, "Train");
    const stopButton = el("button", {id: "mg-stop", type: "button", disabled: ""}, "Stop");
    const status = el("p", {id: "mg-status", class: "mg-status"},
                      "Python (Pyodide) starts in this tab when you reach for these controls. " +
                      "The defaults are the original run's: press Train.");
    const curve = el("div", {id: "mg-curve", class: "mg-curve"});
    const log = el("pre", {id: "mg-log", class: "mg-log"});
    const label = (text, input) => el("label", {}, text, input);
    trainBox.append(el("div", {class: "mg-controls"}, label("steps", steps), label("seed", seed),
                       label("learning rate", rate), label("temperature", temperature), trainButton, stopButton),
                    status, curve, log);

    const slider = el("input", {id: "mg-temperature-slider", type: "range", min: 0.05, max: 2, step: 0.05, value: 0.5});
    const sliderValue = el("output", {}, "0.50");
    const againButton = el("button", {id: "mg-sample-again", type: "button", disabled: ""}, "New draws");
    const names = el("ol", {id: "mg-names", class: "mg-names"});
    const sampleNote = el("p", {class: "mg-note"}, "Train first (or stop a training run): the names come from that model.");
    document.getElementById("mg-sample").append(
      el("div", {class: "mg-controls"}, label("temperature", slider), sliderValue, againButton), sampleNote, names);

    const nameInput = el("input", {id: "mg-name", type: "text", value: "emma", maxlength: 15, spellcheck: "false"});
    const insideButton = el("button", {id: "mg-inside-button", type: "button", disabled: ""}, "Look inside");
    const inside = el("div", {id: "mg-inside-view", class: "mg-inside"});
    document.getElementById("mg-inside").append(
      el("div", {class: "mg-controls"}, label("a name", nameInput), insideButton), inside);

    // ---- state -----------------------------------------------------------------------------------------
    let losses = [];
    let total = 0;
    let snapshot = null; // the latest weights the training reported: {steps, weights, seed}
    let model = null; // {seed, steps} of the model the interpreter holds
    let drawDraws = 1;
    let training = false;

    const say = (text, kind = "") => { status.textContent = text; status.dataset.kind = kind; };
    // Python starts when the reader reaches for the controls, not on page load: leaving a page while its worker
    // is still loading Pyodide crashed headless Chromium's tab now and then (about 1 in 8 in tests/test_site.py's
    // timing, under load), and a reader who only reads this page should not download 13 MB.
    let starting = null;
    function startPython() {
      if (!starting) {
        say("Starting Python (Pyodide) in this tab…");
        starting = python.start();
        starting.then(() => {
          if (!training) say(`Python ${python.config.version} is ready (started in ${python.loadSeconds.toFixed(1)} s). ` +
                             "The defaults are the original run's: press Train.", "ready");
        }, (e) => say(`Python could not start: ${e.message}`, "error"));
      }
      return starting;
    }
    for (const event of ["pointerover", "focusin"]) trainBox.addEventListener(event, startPython, {once: true});

    function ready(on) {
      againButton.disabled = insideButton.disabled = !on;
    }

    // ---- the loss curve (an SVG drawn here from the printed losses) ------------------------------------
    let drawPending = false;
    function drawCurve() {
      if (drawPending) return;
      drawPending = true;
      requestAnimationFrame(() => {
        drawPending = false;
        const W = 720, H = 260, L = 48, R = 12, T = 12, B = 36;
        const n = Math.max(total, losses.length, 2);
        const top = Math.max(4, ...losses.slice(0, 200)), bottom = 0;
        const x = (i) => L + ((i - 1) / (n - 1)) * (W - L - R);
        const y = (v) => T + (1 - (v - bottom) / (top - bottom)) * (H - T - B);
        const path = (points) => points.map(([i, v], k) => `${k ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join("");
        const raw = losses.map((v, k) => [k + 1, v]);
        const span = Math.max(1, Math.min(WINDOW, Math.round(n / 10)));
        const avg = [];
        let sum = 0;
        losses.forEach((v, k) => {
          sum += v - (k >= span ? losses[k - span] : 0);
          if (k + 1 >= span) avg.push([k + 1, sum / span]);
        });
        const ticks = [0, 1, 2, 3, 4].filter((v) => v <= top);
        curve.innerHTML = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="training loss by step">
          ${ticks.map((v) => `<line class="mg-grid" x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}"/>
            <text class="mg-tick" x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`).join("")}
          <text class="mg-tick" x="${L}" y="${H - 18}">1</text>
          <text class="mg-tick" x="${W - R}" y="${H - 18}" text-anchor="end">${n}</text>
          <text class="mg-axis" x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">training step (one name each)</text>
          <text class="mg-axis" transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">loss (nats)</text>
          <path class="mg-raw" d="${path(raw)}"/>
          <path class="mg-avg" d="${path(avg)}"/>
          <text class="mg-legend" x="${W - R}" y="${T + 12}" text-anchor="end">faint: each step's loss; bold: mean of the last ${span}</text>
        </svg>`;
      });
    }

    // ---- training --------------------------------------------------------------------------------------
    let partial = "";
    let t0 = 0;
    function output(text) {
      log.append(text);
      log.scrollTop = log.scrollHeight;
      const lines = (partial + text).split("\n");
      partial = lines.pop();
      for (const line of lines) {
        const m = STEP.exec(line);
        if (!m) continue;
        losses.push(parseFloat(m[3]));
        total = parseInt(m[2], 10);
        const perStep = (performance.now() - t0) / losses.length;
        say(`step ${m[1]} / ${m[2]}, loss ${m[3]} · ${perStep.toFixed(0)} ms per step · ` +
            `${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      drawCurve();
    }

    trainButton.addEventListener("click", async () => {
      const args = {steps: parseInt(steps.value, 10), seed: parseInt(seed.value, 10), learning_rate: parseFloat(rate.value)};
      if (!(args.steps >= 1) || !Number.isFinite(args.seed) || !(args.learning_rate > 0)) {
        return say("Steps must be at least 1, the seed a whole number and the learning rate above 0.", "error");
      }
      training = true;
      losses = [];
      total = args.steps;
      snapshot = null;
      partial = "";
      log.textContent = "";
      names.textContent = "";
      inside.textContent = "";
      delete inside.dataset.name;
      delete inside.dataset.steps;
      ready(false);
      trainButton.disabled = true;
      stopButton.disabled = false;
      drawCurve();
      say("Waiting for Python to start…");
      try {
        await startPython();
        t0 = performance.now();
        say("Training…");
        const result = await python.call("playground", "train", args, {
          onOutput: output,
          onEvent: (data, weights) => {
            if (weights) snapshot = {steps: data.weights_after, weights, seed: args.seed};
          },
        });
        const ms = (1000 * result.seconds) / args.steps;
        model = {seed: args.seed, steps: args.steps};
        status.dataset.msPerStep = ms.toFixed(1);
        say(`Trained ${args.steps} steps in ${result.seconds.toFixed(1)} s (${ms.toFixed(0)} ms per step), ` +
            `final loss ${losses[losses.length - 1].toFixed(4)}.`, "ready");
        await trained();
      } catch (e) {
        if (!(e instanceof Stopped)) say(`Training failed: ${e.message}`, "error");
      } finally {
        training = false;
        trainButton.disabled = false;
        stopButton.disabled = true;
      }
    });

    stopButton.addEventListener("click", async () => {
      stopButton.disabled = true;
      const kept = snapshot;
      python.stop(); // ends the worker at once; a fresh interpreter starts
      say(`Stopped after ${losses.length} steps. Python restarted` +
          (kept && kept.steps ? `; it takes over the weights after ${kept.steps} steps…` : "."), "stopped");
      if (!kept || !kept.steps) return;
      try {
        await python.call("playground", "restore", {seed: kept.seed, steps: kept.steps, weights: Array.from(kept.weights)});
        model = {seed: kept.seed, steps: kept.steps};
        say(`Stopped after ${losses.length} steps. Python restarted with the weights after ${kept.steps} steps: ` +
            "sample from them, or look inside.", "stopped");
        await trained();
      } catch (e) {
        if (!(e instanceof Stopped)) say(`Could not restore the model: ${e.message}`, "error");
      }
    });

    async function trained() {
      ready(true);
      sampleNote.textContent = `From the model after ${model.steps} steps (seed ${model.seed}). ` +
        "Move the slider: the same random draws at another temperature. Names in italics are in the training data.";
      await sample();
      await look();
    }

    // ---- sampling --------------------------------------------------------------------------------------
    let sampling = null, again = false;
    async function sample() {
      if (!model) return;
      if (sampling) { again = true; return sampling; }
      sampling = (async () => {
        do {
          again = false;
          const t = parseFloat(slider.value);
          const result = await python.call("playground", "sample", {temperature: t, count: 20, seed: model.seed + drawDraws});
          names.textContent = "";
          result.names.forEach((name, i) => names.append(
            el("li", {class: result.known[i] ? "mg-known" : ""}, name || "(empty)")));
          names.dataset.temperature = t.toFixed(2);
        } while (again);
      })();
      try {
        await sampling;
      } catch (e) {
        if (!(e instanceof Stopped)) sampleNote.textContent = `Sampling failed: ${e.message}`;
      } finally {
        sampling = null;
      }
    }

    function setTemperature(value, from) {
      const t = Math.min(3, Math.max(0.05, parseFloat(value) || 0.5));
      if (from !== slider) slider.value = t;
      if (from !== temperature) temperature.value = t;
      sliderValue.textContent = t.toFixed(2);
    }
    slider.addEventListener("input", () => { setTemperature(slider.value, slider); sample(); });
    temperature.addEventListener("change", () => { setTemperature(temperature.value, temperature); sample(); });
    againButton.addEventListener("click", () => { drawDraws += 1; sample(); });

    // ---- look inside -----------------------------------------------------------------------------------
    const color = (v) => `rgba(37, 99, 235, ${Math.min(1, Math.max(0, v)).toFixed(3)})`;
    const subhead = (text) => el("p", {class: "mg-subhead"}, text);
    const shown = (label) => (label === "BOS" ? "⏎" : label);

    function heatmap(cls, columns, rows, shade = (v) => v) {
      // rows: [{label, values: [v or null], mark: column index to outline}]; shade: value to colour depth
      const table = el("table", {class: `mg-heatmap ${cls}`});
      table.append(el("tr", {}, el("th", {}), ...columns.map((c) => el("th", {scope: "col"}, shown(c)))));
      for (const row of rows) {
        const tr = el("tr", {class: "mg-row"}, el("th", {scope: "row"}, row.label));
        row.values.forEach((v, j) => {
          if (v === null) return tr.append(el("td", {class: "mg-future"}));
          const td = el("td", {"data-w": String(v), title: `${(100 * v).toFixed(1)}%`, style: `background:${color(shade(v))}`});
          if (j === row.mark) td.classList.add("mg-target");
          tr.append(td);
        });
        table.append(tr);
      }
      return table;
    }

    async function look() {
      const name = nameInput.value;
      try {
        const r = await python.call("playground", "inside", {name});
        inside.textContent = "";
        if (r.error) return inside.append(el("p", {class: "mg-error"}, r.error));
        const n = r.inputs.length;
        inside.append(subhead(`Next-letter probabilities (the model after ${r.steps} steps)`),
          el("p", {class: "mg-note"}, `Row: the letter the model has just read (⏎ = the start/end token), at each ` +
             "position; column: what it predicts next, darker = likelier (hover for the number). Outlined: the " +
             "letter that really comes next."),
          heatmap("mg-probs", r.vocab, r.inputs.map((t, p) => ({
            label: `${p}: ${shown(t)}`, values: r.probs[p], mark: r.vocab.indexOf(r.targets[p])})), Math.sqrt));
        inside.append(subhead("Attention weights"),
          el("p", {class: "mg-note"}, "One map per head: row = the position that looks, column = the earlier " +
             "position it looks at. Each row sums to 1; later positions are out of reach (blank)."));
        const heads = el("div", {class: "mg-heads"});
        r.attention.forEach((layer, li) => layer.forEach((rows, h) => {
          const table = heatmap("mg-attn", r.inputs.map((t, p) => `${p}${shown(t)}`), rows.map((w, p) => ({
            label: `${p}: ${shown(r.inputs[p])}`, values: Array.from({length: n}, (_, j) => (j <= p ? w[j] : null)), mark: -1})));
          table.dataset.layer = li;
          table.dataset.head = h;
          heads.append(el("figure", {class: "mg-head"}, table, el("figcaption", {}, `layer ${li}, head ${h}`)));
        }));
        inside.append(heads);
        inside.dataset.name = name;
        inside.dataset.steps = r.steps;
      } catch (e) {
        if (!(e instanceof Stopped)) inside.textContent = `Look inside failed: ${e.message}`;
      }
    }
    insideButton.addEventListener("click", look);
    nameInput.addEventListener("keydown", (e) => { if (e.key === "Enter" && !insideButton.disabled) look(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
