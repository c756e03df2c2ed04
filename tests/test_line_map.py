"""The onboarding tools: the line map of code/microgpt.py (tools/line_map.py) and the reading paths of
how_to_use.md (tools/paths.py, book/paths.yml).

Quick: every line of the script comes from a cell that holds it, a line that no cell holds is an error, and the
paths keep to their budgets and name real sections. With the built site: every line's link reaches a cell that
shows that line, each chapter that writes lines links to them, every path's link reaches a section. Browser: the
map opens, a line's link lands on its cell (screenshot in test-artifacts/).
"""
import os
import re
import shutil

import pytest
import yaml
from bs4 import BeautifulSoup

import line_map
import paths
from conftest import ROOT, Chromium
from test_site import server  # noqa: F401  (the built site on 127.0.0.1)
from chapter import chapter_notebooks

ARTIFACTS = os.path.join(ROOT, "test-artifacts")


def read_html(site, page):
    with open(os.path.join(site, "book", page), encoding="utf-8") as f:
        return BeautifulSoup(f.read(), "html.parser")


def words(text):
    """Text with its runs of white space made one space (BeautifulSoup keeps a run of spaces as one)."""
    return " ".join(text.split())


def fake_root(tmp_path, script=None, spec=None):
    """A copy of the repository's chapters, with another script or another paths.yml."""
    for name in ("_toc.yml",):
        shutil.copy(os.path.join(ROOT, name), tmp_path / name)
    (tmp_path / "book").mkdir()
    (tmp_path / "code").mkdir()
    for path in chapter_notebooks(ROOT):
        shutil.copy(os.path.join(ROOT, path), tmp_path / path)
    (tmp_path / line_map.SCRIPT).write_text(script if script is not None else
                                           open(os.path.join(ROOT, line_map.SCRIPT)).read())
    (tmp_path / paths.SPEC).write_text(spec if spec is not None else open(os.path.join(ROOT, paths.SPEC)).read())
    return str(tmp_path)


def test_every_line_of_the_script_comes_from_a_cell_that_holds_it():
    found = line_map.origins()
    with open(os.path.join(ROOT, line_map.SCRIPT)) as f:
        assert [text for _, text, _, _ in found] == f.read().rstrip("\n").split("\n")
    bodies = {(stem, index): body for stem, index, _, _, body in line_map.source_cells(ROOT)}
    checked = 0
    for n, text, stem, index in found:
        assert (stem, index) in bodies, f"line {n} points at {stem} cell {index}, which writes no code"
        generated = n <= 4 or text.startswith('if __name__') or text == "    main()"
        if text.strip() and not line_map.BANNER.match(text) and not generated:
            assert text.strip() in bodies[(stem, index)], f"line {n} is not in {stem} cell {index}: {text}"
            checked += 1
    assert checked > 250
    assert {stem for _, _, stem, _ in found} >= {"01_tokenizing", "04_autograd", "05_attention", "06_gpt",
                                                 "07_optimization", "11_microgpt"}


def test_a_line_that_no_cell_wrote_is_an_error(tmp_path):
    script = open(os.path.join(ROOT, line_map.SCRIPT)).read().replace("\ndef softmax(", "\nx = 41\n\n\ndef softmax(")
    root = fake_root(tmp_path, script=script)
    with pytest.raises(line_map.LineMapError, match=r"^line \d+ of code/microgpt.py is in no chapter cell"):
        line_map.origins(root)


def test_the_paths_keep_to_their_budgets_and_name_real_sections(tmp_path):
    with open(os.path.join(ROOT, paths.SPEC)) as f:
        spec = yaml.safe_load(f)
    built = paths.build()
    for name, (chapters, extra, total) in built.items():
        assert 0 < total <= spec[name]["budget_minutes"], name
        assert chapters, name
    core_cells = {(stem, i) for stem, secs in built["core"][0] for s in secs for i in s["cells"]}
    writing = {(stem, index) for _, _, stem, index in line_map.origins() if stem != "11_microgpt"}
    assert writing <= core_cells, "the core path leaves out a cell that writes the script"
    assert built["core"][2] < built["day"][2]

    wrong = yaml.safe_load(open(os.path.join(ROOT, paths.SPEC)))
    wrong["core"]["also"]["06_gpt"] = ["the-mlp-that-is-not-there"]
    root = fake_root(tmp_path, spec=yaml.safe_dump(wrong))
    with pytest.raises(paths.PathError, match="names the section 'the-mlp-that-is-not-there' of 06_gpt"):
        paths.build(root)
    tight = yaml.safe_load(open(os.path.join(ROOT, paths.SPEC)))
    tight["day"]["budget_minutes"] = 60
    (tmp_path / paths.SPEC).write_text(yaml.safe_dump(tight))
    with pytest.raises(paths.PathError, match=r"day takes \d+ minutes, over its budget of 60"):
        paths.build(root)


def test_every_line_of_the_map_links_to_a_cell_that_shows_it(site):
    rows = read_html(site, "microgpt_py.html").select(".mg-line")
    found = line_map.origins()
    assert len(rows) == len(found)
    pages = {}
    for row, (n, text, stem, index) in zip(rows, found):
        href = row.select_one("a.mg-ln")["href"]
        assert href == f"{stem}.html#cell-{index}" and row["id"] == f"L{n}"
        assert row["data-mg-chapter"] == stem
        assert words(row.select_one("code").get_text()) == words(text)
        page = pages.setdefault(stem, read_html(site, f"{stem}.html"))
        cell = page.find(id=f"cell-{index}")
        assert cell is not None, f"{href}: no such anchor"
        assert "cell" in cell.get("class", []), f"{href} is not a code cell"
        generated = n <= 4 or text.startswith('if __name__') or text == "    main()"
        if text.strip() and not line_map.BANNER.match(text) and not generated:
            assert words(text) in words(cell.get_text()), f"{href} does not show line {n}: {text}"


def test_each_chapter_links_to_its_lines(site):
    found = line_map.origins()
    ids = {row["id"] for row in read_html(site, "microgpt_py.html").select(".mg-line")}
    for stem in sorted({s for _, _, s, _ in found}):
        note = read_html(site, f"{stem}.html").select_one("p.mg-lines-note")
        assert note is not None, f"{stem} does not link to its lines"
        targets = [a["href"] for a in note.select("a")]
        lines = [int(t.split("#L")[1]) for t in targets if "#L" in t]
        assert lines and all(f"L{n}" in ids for n in lines)
        assert min(lines) == min(n for n, _, s, _ in found if s == stem)


def test_every_path_links_to_a_section_that_exists(site):
    page = read_html(site, "how_to_use.html")
    pages, checked = {}, 0
    for name in ("the-core-path", "the-one-day-path"):
        section = page.find(id=name)
        assert section is not None, name
        for a in section.select("ol a[href]"):
            target, _, anchor = a["href"].partition("#")
            if not anchor or not target.endswith(".html") or "/" in target:
                continue
            ids = pages.setdefault(target, {t["id"] for t in read_html(site, target).select("[id]")})
            assert anchor in ids, f"{name}: {a['href']} has no such anchor"
            checked += 1
    assert checked > 50
    assert re.search(r"About \d+ min, for someone", page.get_text())


@pytest.mark.browser
def test_the_line_map_in_a_browser(server):
    base = server + "book/"
    browser = Chromium(window=(1280, 900))
    try:
        def read(driver):
            from selenium.webdriver.common.by import By
            row = next(r for r in driver.find_elements(By.CSS_SELECTOR, ".mg-line")
                       if r.text.split(None, 1)[-1].startswith("def gpt("))
            os.makedirs(ARTIFACTS, exist_ok=True)
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
            driver.save_screenshot(os.path.join(ARTIFACTS, "line-map.png"))
            label = row.find_element(By.CSS_SELECTOR, "a.mg-ln").get_attribute("aria-label")
            row.find_element(By.CSS_SELECTOR, "a.mg-ln").click()
            cell = driver.execute_script("return document.getElementById(location.hash.slice(1))")
            top = driver.execute_script("return arguments[0].getBoundingClientRect().top", cell)
            return label, driver.current_url, cell.text, top
        label, url, text, top = browser.visit(base + "microgpt_py.html", read)
    finally:
        browser.close()
    assert re.fullmatch(r"line \d+: written in .+", label)
    assert "06_gpt.html#cell-" in url and "def gpt(" in text and 0 <= top < 900


@pytest.mark.browser
def test_the_onboarding_pages_fit_a_phone(server):
    """360 pixels wide, the line map, the facilitator's guide and how-to-use do not scroll sideways."""
    base = server + "book/"
    browser = Chromium(window=(360, 800))
    wide = {}
    try:
        for page in ("microgpt_py.html", "facilitator.html", "how_to_use.html"):
            wide[page] = browser.visit(base + page, lambda d: d.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"))
        browser.driver.save_screenshot(os.path.join(ARTIFACTS, "how-to-use-360.png"))
    finally:
        browser.close()
    assert all(extra <= 0 for extra in wide.values()), wide
