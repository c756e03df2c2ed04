"""The Chinese edition cannot drift from the English one (tools/i18n.py).

Quick: the rules on made-up good and bad cases; every catalog message translated, not fuzzy, keeping every
role (with its target), inline code span, math span and link target of its English; the catalogs hold
exactly the messages of a fresh extraction from the English (needs the build's execution cache); the lists our
tools generate are in Chinese, titles from the catalogs; every built zh page has the English page's code blocks
and outputs and its glued numbers, and no English paragraph left.
Browser (headless Chromium, the site under a sub-path as on GitHub Pages): every zh page loads without console
errors, the language switch goes to the same page and back, the zh search finds 注意力 and 温度, Run live starts
on a zh chapter and speaks Chinese, and so do the playground's controls; screenshots of three zh chapters go to
test-artifacts/zh-*.png.
"""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

import pytest

from conftest import BUILD, ROOT, console_errors
from test_live import PREFIX, server  # noqa: F401  (the site under a sub-path, as on Pages)
from test_site import browser  # noqa: F401  (Chromium that survives a crashed tab)
from test_line_map import fake_root
import i18n
from chapter import exercises_of
from i18n import CJK

ARTIFACTS = os.path.join(ROOT, "test-artifacts")
SCREENSHOTS = ("book/01_tokenizing.html", "book/05_attention.html", "book/08_sampling.html")  # zh-NN_name.png


# --- the rules, on made-up cases ------------------------------------------------------------------------------

def test_bare_glue_roles_are_qualified_with_their_notebook():
    text = "共{glue:text}`n`个，{glue:text}`share:.1%`，{glue:text}`02_bigram.ipynb::x:s`，{glue}`fig`"
    assert i18n.qualify(text, "05_attention.ipynb") == (
        "共{glue:text}`05_attention.ipynb::n:s`个，{glue:text}`05_attention.ipynb::share:.1%`，"
        "{glue:text}`02_bigram.ipynb::x:s`，{glue}`05_attention.ipynb::fig`")


@pytest.mark.parametrize("msgstr, problem", [
    ("", "untranslated"),
    ("每个{term}`词元 <token>`都是一个整数。", None),                       # display text may change, target not
    ("每个{term}`词元 <tokens>`都是一个整数。", "role changed"),
    ("每个词元都是一个整数。", "role changed"),                                 # the role dropped
    ("每个{term}`词元 <token>`都是整数，见{ref}`ch-mlp`。", "role changed"),      # a role added
    ("每个{term}`词元 <token>`都是整数 `id`。", "inline code changed"),
    ("每个{term}`词元 <token>`都是整数 `idx`，$x_{i}$。", "math changed"),
    ("每个{term}`词元 <token>`都是整数 `idx`，$x_i$，[见此](http://x.org)。", "link target changed"),
])
def test_a_translation_that_loses_something_is_caught(msgstr, problem):
    msgid = "Each {term}`token` is an integer `idx`, $x_i$, [see](http://example.org)."
    if problem in (None, "role changed") and "idx" not in msgstr:
        msgid = "Each {term}`token` is an integer."
    if problem == "inline code changed":
        msgid = "Each {term}`token` is an integer `idx`."
    if problem == "math changed":
        msgid = "Each {term}`token` is an integer `idx`, $x_i$."
    found = i18n.message_problems(msgid, msgstr)
    if problem is None:
        assert found == []
    else:
        assert any(f.startswith(problem) for f in found), (msgid, msgstr, found)
    assert i18n.message_problems("Hello.", "你好。", fuzzy=True) == ["fuzzy"]
    assert i18n.message_problems("© Copyright %(copyright)s.", "© 版权所有。") == ["a %(name)s placeholder changed"]


def test_the_theme_catalog_is_translated_and_compiles_for_both_domains():
    """locale/zh_CN/theme.po (the page chrome) follows the rules of the page catalogs, and the zh build gets it
    as the "sphinx" and "booktheme" catalogs."""
    assert i18n.catalog_problems(i18n.THEME) == []
    theme = {m.id for m in i18n.read_catalog(i18n.THEME) if m.id}
    folder = os.path.join(ROOT, "book", "_templates")
    used = {m for name in os.listdir(folder) for m in re.findall(r"translate\('([^']+)'\)",
                                                                 open(os.path.join(folder, name)).read())}
    assert used and used <= theme, f"book/_templates translates what theme.po lacks: {sorted(used - theme)}"
    assert i18n.compile_theme(i18n.THEME) >= 0
    import gettext
    for domain in ("sphinx", "booktheme"):
        found = gettext.translation(domain, i18n.BUILD_LOCALE, [i18n.LANG])
        assert CJK.search(found.gettext("Open issue")) and CJK.search(found.gettext("Toggle primary sidebar"))


EN_PAGE = """<html><body><article class="bd-article"><h1>Attention</h1>
<p>There are <span class="pasted-text">32,033</span> names and <span class="pasted-text">0.5</span> of them.</p>
<div class="cell"><div class="cell_input"><pre>print(len(docs))</pre></div>
<div class="cell_output"><pre>32033</pre></div></div>
<ul><li><p>A list item with <code>code</code>.</p></li></ul></article></body></html>"""
ZH_PAGE = """<html><body><article class="bd-article"><h1>注意力</h1>
<p>一共有<span class="pasted-text">0.5</span>和<span class="pasted-text">32,033</span>个名字。</p>
<div class="cell"><div class="cell_input"><pre>print(len(docs))</pre></div>
<div class="cell_output"><pre>32033</pre></div></div>
<ul><li><p>带有<code>code</code>的列表项。</p></li></ul></article></body></html>"""


def test_page_checks_pass_a_faithful_page_and_catch_made_up_bad_ones():
    def problems(zh):
        return i18n.page_problems("p.html", i18n.parse(EN_PAGE), i18n.parse(zh))
    assert problems(ZH_PAGE) == []   # numbers may move within a sentence
    bad_code = ZH_PAGE.replace("print(len(docs))", "print(len(docs)) ")
    bad_number = ZH_PAGE.replace(">0.5<", ">0.50<")
    english_left = ZH_PAGE.replace("带有", "A list item with ").replace("的列表项", "")
    chrome = '<nav aria-label="Main"><a href="#x">从<em>karia</em>到引文</a></nav>' \
        '<a title="Read this page in English">English</a><button title="显示或隐藏目录侧栏"></button>'
    assert problems(ZH_PAGE.replace("<body>", "<body>" + chrome)) == []
    english_chrome = ZH_PAGE.replace("<body>", '<body><button title="Toggle primary sidebar"></button>')
    assert ["English left around" in p for p in problems(english_chrome)] == [True]
    mixed = ZH_PAGE.replace("<body>", "<body><footer><p>作者： The book contributors</p></footer>")
    assert ["English left around" in p for p in problems(mixed)] == [True]
    assert ["code blocks" in p for p in problems(bad_code)] == [True]
    assert ["glued numbers" in p for p in problems(bad_number)] == [True]
    assert ["English left" in p for p in problems(english_left)] == [True]
    for problem in problems(bad_number) + problems(english_left):
        assert "\n" not in problem and problem.endswith("."), problem


# --- the catalogs -------------------------------------------------------------------------------------------------

CATALOGS = i18n.catalog_paths()


def test_there_is_a_catalog_per_page():
    pages = {os.path.splitext(f)[0] for f in os.listdir(os.path.join(ROOT, "book")) if f.endswith((".md", ".ipynb"))}
    assert {os.path.basename(p) for p in CATALOGS} == pages


def test_generated_lists_are_written_in_the_page_language(tmp_path):
    """The exercise index, the checkpoints and the facilitator's sessions are generated in Chinese (not translated
    from the English text): each title is its catalog's translation, the labels and the counts are the English
    ones; a title whose translation is missing or fuzzy stays English, as the build would show it."""
    import reading_time
    en, zh = reading_time.estimates(ROOT), reading_time.estimates(ROOT, "zh_CN")
    assert en.keys() == zh.keys()
    for key in en:
        assert re.findall(r"<([\w-]+)>`", zh[key]) == re.findall(r"<([\w-]+)>`", en[key]), key
        assert re.findall(r"\d+(?:\.\d)?", zh[key]) == re.findall(r"\d+(?:\.\d)?", en[key]), key
    assert re.fullmatch(r"[\d.]+小时", zh["read_total"]) and "暂无" not in zh["exercise_list_05_attention"]
    catalog = i18n.read_catalog(os.path.join(i18n.CATALOGS, "book", "05_attention.po"))
    label, title = exercises_of(os.path.join(ROOT, "book", "05_attention.ipynb"))[0]
    chinese = catalog.get(title).string
    assert f"{{ref}}`{re.sub(r'[`<>]', '', chinese)} <{label}>`" in zh["exercise_list_05_attention"]
    caption = reading_time.parts(ROOT)[0][0]  # part captions are messages of the root page, whose sidebar has them
    intro = i18n.read_catalog(os.path.join(i18n.CATALOGS, "book", "intro.po"))
    assert zh["checkpoints"].startswith(f"- **{intro.get(caption).string}**，")

    root = fake_root(tmp_path)  # the same chapters and catalogs, this title's translation made fuzzy
    shutil.copytree(os.path.join(ROOT, "locale"), os.path.join(root, "locale"))
    from babel.messages.pofile import write_po
    catalog.get(title).flags.add("fuzzy")
    with open(os.path.join(root, "locale", i18n.LANG, "LC_MESSAGES", "book", "05_attention.po"), "wb") as f:
        write_po(f, catalog, width=76)
    fuzzy = reading_time.estimates(root, "zh_CN")["exercise_list_05_attention"]
    assert f"{{ref}}`{re.sub(r'[`<>]', '', title)} <{label}>`" in fuzzy


@pytest.mark.parametrize("page", sorted(CATALOGS))
def test_every_message_is_translated_and_keeps_what_must_not_change(page):
    problems = i18n.catalog_problems(CATALOGS[page])
    assert not problems, f"{len(problems)} problems (`python tools/i18n.py check` lists them):\n" + \
        "\n".join(problems[:20])


def test_the_catalogs_hold_exactly_the_messages_of_the_english():
    """A fresh gettext extraction (tools/i18n.py extract, reusing the build's executed notebooks): a new or
    changed English paragraph that `make i18n` has not brought into the catalogs fails here."""
    if not os.path.isdir(os.path.join(BUILD, ".jupyter_cache")):
        reason = "no execution cache in _build: run `make book` first (the extraction reuses its notebooks)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, but there is {reason}")
        pytest.skip(reason)
    result = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "i18n.py"), "extract"], cwd=ROOT,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    problems = i18n.drift_problems()
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems[:20])


# --- the built zh site ----------------------------------------------------------------------------------------

def zh_pages(site):
    """The zh site's pages made from the book (not search.html, genindex.html), relative to zh/."""
    zh = os.path.join(site, "zh")
    if not os.path.isfile(os.path.join(zh, "index.html")):
        reason = "no zh site in the built site: run `make book` (it builds both languages)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the book should have been built, but there is {reason}")
        pytest.skip(reason)
    found = []
    for folder, dirs, files in os.walk(zh):
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        found += [os.path.relpath(os.path.join(folder, f), zh) for f in files
                  if f.endswith(".html") and f not in ("search.html", "genindex.html", "index.html")]
    return sorted(found)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_every_zh_page_has_the_code_and_numbers_of_the_english_and_no_english_left(site):
    problems, pages = [], zh_pages(site)
    assert len(pages) == len(CATALOGS), f"zh pages {pages} do not match the catalogs {sorted(CATALOGS)}"
    for page in pages:
        en, zh = (i18n.parse(read(os.path.join(folder, page))) for folder in (site, os.path.join(site, "zh")))
        if zh.html.get("lang") != "zh-CN":
            problems.append(f"{page}: the zh page is not marked lang=\"zh-CN\".")
        for parsed, folder, other in ((en, site, os.path.join(site, "zh")), (zh, os.path.join(site, "zh"), site)):
            link = parsed.select_one("a.language-switch")
            target = link and os.path.normpath(os.path.join(folder, os.path.dirname(page), link["href"]))
            if target != os.path.normpath(os.path.join(other, page)):
                problems.append(f"{os.path.relpath(folder, site)}/{page}: the language switch goes to {target}.")
        problems += i18n.page_problems(page, en, zh)  # last: it takes code and math out of the zh page
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


# --- in a browser ------------------------------------------------------------------------------------------------

@pytest.mark.browser
def test_every_zh_page_loads_and_its_switch_goes_to_the_same_page_and_back(browser, site, server):
    problems = []

    def click_switch(driver):
        driver.find_element("css selector", "a.language-switch").click()
        time.sleep(0.3)
        return driver.current_url

    os.makedirs(ARTIFACTS, exist_ok=True)
    for page in zh_pages(site):
        errors = browser.visit(server.base + "zh/" + page, console_errors)
        if errors:
            problems.append(f"zh/{page}: errors in the browser's console: {errors[:3]}")
        if page in SCREENSHOTS:
            browser.driver.save_screenshot(os.path.join(ARTIFACTS, "zh-" + os.path.basename(page)[:-5] + ".png"))
        there = click_switch(browser.driver)
        back = click_switch(browser.driver)
        paths = [urllib.parse.urlsplit(url).path for url in (there, back)]
        if paths != [PREFIX + page, PREFIX + "zh/" + page]:
            problems.append(f"zh/{page}: the switch went to {there} and back to {back}")
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("query, chapter", [("注意力", "05_attention.html"), ("温度", "08_sampling.html")])
def test_the_zh_search_finds_chinese_words(browser, site, server, query, chapter):
    zh_pages(site)  # skips without a zh site
    browser.visit(server.base + "zh/search.html?q=" + urllib.parse.quote(query), lambda driver: None)
    deadline, results = time.time() + 30, []
    while time.time() < deadline and not results:
        time.sleep(0.5)
        results = browser.driver.execute_script(
            "return [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    assert any(r.split("#")[0].endswith("/zh/book/" + chapter) for r in results), \
        f"searching {query} on the zh site does not find {chapter}: {results[:8]}"


@pytest.mark.browser
def test_run_live_and_the_playground_speak_chinese_on_zh_pages(browser, site, server):
    """Run live works on a zh chapter, in Chinese (book/_static/live/live-i18n.js); the playground's controls too."""
    zh_pages(site)  # skips without a zh site

    def start_live(driver):
        driver.execute_script("document.querySelector('.live-toggle').click()")
        deadline = time.time() + 240
        while time.time() < deadline:
            kind = driver.execute_script("return document.querySelector('.live-status').dataset.kind")
            if kind in ("ready", "error"):
                break
            time.sleep(0.5)
        return driver.execute_script(
            "return [document.querySelector('.live-status').textContent, "
            "document.querySelector('.live-toggle').textContent, "
            "document.querySelector('.live-keys') && document.querySelector('.live-keys').textContent]")

    status, toggle, keys = browser.visit(server.base + "zh/book/01_tokenizing.html", start_live)
    assert status.startswith("就绪") and toggle == "在线运行：开" and keys.startswith("Shift+Enter运行"), \
        (status, toggle, keys)
    labels = browser.visit(server.base + "zh/book/playground.html", lambda driver: driver.execute_script(
        "return [...document.querySelectorAll('#mg-train-button, #mg-inside-button, .mg-controls label')]"
        ".map(e => e.firstChild.textContent.trim())"))
    assert {"训练", "看看内部", "步数", "学习率", "温度"} <= set(labels), labels

    def look_inside(driver):  # trained one step, the fewest the page allows: every text of the look inside
        driver.execute_script("document.getElementById('mg-steps').value = '1';"
                              "document.getElementById('mg-name').value = 'ava';"
                              "document.getElementById('mg-train-button').click()")
        deadline = time.time() + 240
        while time.time() < deadline and not driver.execute_script(
                "return document.getElementById('mg-inside-view').dataset.steps === '1'"):
            time.sleep(0.5)
        return driver.execute_script("return [...document.querySelectorAll('#mg-inside-view "
                                     ":is(.mg-subhead, .mg-note, figcaption)')].map(e => e.textContent)")
    texts = browser.visit(server.base + "zh/book/playground.html", look_inside)
    assert len(texts) >= 8 and all(CJK.search(t) and not re.search(r"[A-Za-z]+(?: [A-Za-z]+){2}", t)
                                   for t in texts), texts
