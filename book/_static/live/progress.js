// progress.js: what the reader has done, kept in this browser only: the chapters visited, the chapters read to
// the end, and the exercises answered right with check() in live mode. One localStorage key holds it all (no
// cookies, no server: nothing leaves the browser, and it works offline). Every page loads this file
// (tools/live.py); it shows the progress where a page asks for it:
//   #mg-your-progress (how-to-use): a summary, marks on the chapter and exercise links, "Forget my progress";
//   #mg-continue (the landing page): a link to the chapter visited last, shown only when there is one;
//   [data-mg-chapter="06_gpt"] (any page): the class mg-done once that chapter is read to the end.
// live.js tells it about a right answer with the event "microgpt:checked" ({label} in its detail).
"use strict";

(() => {
  const KEY = "microgpt.progress";
  const VERSION = 1;

  // Every word the reader sees, in one place: a translated edition changes only this.
  const TEXT = {
    summary: (visited, total, read, answered) =>
      `In this browser you have opened ${visited} of the ${total} chapters and read ${read} of them to the ` +
      `end, and answered ${answered} ${answered === 1 ? "exercise" : "exercises"} right with check() in ` +
      "live mode.",
    nothing: "Nothing yet: the chapters you open, read to the end, and answer exercises in will show here.",
    noStorage: "This browser does not let the site keep anything (a private window, or storage switched " +
      "off), so your progress is not kept.",
    forget: "Forget my progress",
    forgotten: "Forgotten: this browser keeps no progress of yours now.",
    continueAt: "Continue where you left off: ",
    visited: "opened",
    read: "✓ read",
    answered: "✓ right",
  };
  const TEXT_ZH = {  // the same words on a page of the Chinese edition (lang="zh-CN")
    summary: (visited, total, read, answered) =>
      `在这个浏览器里，你打开过${total}章中的${visited}章，读完了其中${read}章，并在在线运行模式下用check()` +
      `答对了${answered}道练习。`,
    nothing: "还没有记录：你打开的章节、读到结尾的章节和答对的练习都会显示在这里。",
    noStorage: "这个浏览器不允许网站保存任何内容（无痕窗口，或关闭了存储），所以你的进度不会被保留。",
    forget: "忘掉我的进度",
    forgotten: "已忘掉：这个浏览器现在不保留你的任何进度。",
    continueAt: "从上次离开的地方继续：",
    visited: "已打开",
    read: "✓ 已读完",
    answered: "✓ 答对",
  };
  if (document.documentElement.lang.startsWith("zh")) Object.assign(TEXT, TEXT_ZH);

  // ---- the stored record ------------------------------------------------------------------------------

  // {version, chapters: {stem: {title, path, visited, read}}, exercises: {label: {chapter, at}}, last: stem}
  const empty = () => ({version: VERSION, chapters: {}, exercises: {}, last: null});
  const isMap = (x) => x !== null && typeof x === "object" && !Array.isArray(x);

  // Anything unreadable (no storage in a private window, a record of another version, a corrupt one) reads as
  // no progress; the next change writes a fresh record.
  function load() {
    try {
      const data = JSON.parse(window.localStorage.getItem(KEY));
      if (isMap(data) && data.version === VERSION && isMap(data.chapters) && isMap(data.exercises) &&
          Object.values(data.chapters).every(isMap) && Object.values(data.exercises).every(isMap)) {
        return data;
      }
    } catch (e) {
      // no storage, or not JSON: as if empty
    }
    return empty();
  }

  function change(edit) {
    const data = load(); // read again: another tab may have added to it
    edit(data);
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch (e) {
      // no storage: this page still shows what happened on it
    }
    show(data);
  }

  function forget() {
    try {
      window.localStorage.removeItem(KEY);
    } catch (e) {
      // nothing was kept
    }
    show(empty());
  }

  function storageWorks() {
    try {
      window.localStorage.setItem(KEY + ".test", "1");
      window.localStorage.removeItem(KEY + ".test");
      return true;
    } catch (e) {
      return false;
    }
  }

  // ---- recording ----------------------------------------------------------------------------------------

  const now = () => Date.now();
  const stemOf = (path) => path.split("/").pop().replace(/\.html$/, "");

  // A chapter page: record the visit, and the end of the article coming into view (read to the end).
  function watchChapter(page, article) {
    const stem = stemOf(page);
    const heading = article.querySelector("h1");
    const title = heading ? heading.textContent.replace(/#$/, "").trim() : stem;
    change((data) => {
      data.chapters[stem] = {...data.chapters[stem], title, path: page, visited: now()};
      data.last = stem;
    });
    document.addEventListener("microgpt:checked", (e) => {
      const label = e.detail && e.detail.label;
      if (typeof label !== "string") return;
      change((data) => {
        data.exercises[label] = {chapter: stem, at: now()};
      });
    });
    const end = document.createElement("div");
    end.className = "mg-end";
    end.setAttribute("aria-hidden", "true");
    article.append(end);
    if (!("IntersectionObserver" in window)) return;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      change((data) => {
        data.chapters[stem] = {...data.chapters[stem], read: now()};
      });
    });
    observer.observe(end);
  }

  // ---- showing --------------------------------------------------------------------------------------------

  const root = new URL(document.documentElement.dataset.content_root || "./", location.href).href;

  function show(data) {
    for (const e of document.querySelectorAll("[data-mg-chapter]")) {
      const chapter = data.chapters[e.dataset.mgChapter];
      e.classList.toggle("mg-done", Boolean(chapter && chapter.read));
    }
    showContinue(data, document.getElementById("mg-continue"));
    showPanel(data, document.getElementById("mg-your-progress"));
  }

  function showContinue(data, box) {
    if (!box) return;
    const chapter = data.last && data.chapters[data.last];
    box.hidden = !(chapter && typeof chapter.path === "string");
    if (box.hidden) return box.replaceChildren();
    const link = document.createElement("a");
    link.href = root + chapter.path + ".html";
    link.textContent = chapter.title || data.last;
    box.replaceChildren(TEXT.continueAt, link);
  }

  function showPanel(data, panel) {
    if (!panel) return;
    const article = panel.closest("article") || document;
    const chapterLinks = [...article.querySelectorAll("table td:first-child a.reference.internal")]
      .filter((a) => /^\d\d_/.test(stemOf(new URL(a.href).pathname)));
    for (const a of chapterLinks) {
      const chapter = data.chapters[stemOf(new URL(a.href).pathname)];
      mark(a, chapter ? (chapter.read ? TEXT.read : TEXT.visited) : "", chapter && chapter.read);
    }
    for (const a of article.querySelectorAll('a.reference.internal[href*="#ex-"]')) {
      mark(a, data.exercises[new URL(a.href).hash.slice(1)] ? TEXT.answered : "", true);
    }
    const chapters = Object.values(data.chapters);
    const visited = chapters.filter((c) => c.visited).length;
    const read = chapters.filter((c) => c.read).length;
    const answered = Object.keys(data.exercises).length;
    if (!panel.firstChild) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "mg-forget";
      button.textContent = TEXT.forget;
      button.addEventListener("click", () => {
        forget();
        panel.querySelector(".mg-summary").textContent = TEXT.forgotten;
      });
      const summary = document.createElement("p");
      summary.className = "mg-summary";
      summary.setAttribute("role", "status"); // a screen reader hears what Forget did
      panel.append(summary, button);
    }
    const total = new Set(chapterLinks.map((a) => a.pathname)).size;
    panel.querySelector(".mg-summary").textContent = !storageWorks() ? TEXT.noStorage :
      visited || answered ? TEXT.summary(visited, total, read, answered) : TEXT.nothing;
  }

  // A mark after a link: what the reader did there ("" removes it).
  function mark(link, text, done) {
    let span = link.nextElementSibling;
    if (!(span && span.classList.contains("mg-mark"))) {
      if (!text) return;
      span = document.createElement("span");
      link.after(span);
    }
    if (!text) return span.remove();
    span.className = done ? "mg-mark mg-mark-done" : "mg-mark";
    span.textContent = text;
  }

  function init() {
    const meta = document.querySelector('meta[name="microgpt-live"]');
    const article = document.querySelector("article.bd-article") || document.querySelector("main");
    if (meta && article) watchChapter(meta.content, article);
    else show(load());
    window.addEventListener("storage", (e) => e.key === KEY && show(load())); // another tab changed it
    window.MicrogptProgress = {show: () => show(load()), forget, KEY, TEXT};
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
