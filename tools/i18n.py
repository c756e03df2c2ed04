"""i18n.py: the Chinese edition (zh_CN) of the book, built from the same source, code and numbers.

The English Markdown is the one source. Sphinx's gettext builder extracts each page's prose into
locale/zh_CN/LC_MESSAGES/book/<page>.po (one message per paragraph, heading, list item, caption, table cell,
exercise title, figure alt text or fold label; code cells are not messages); translators fill the msgstr; a
second build with `language: zh_CN` reads the same notebooks, reuses their executed outputs from the same
jupyter-cache, and replaces each message by its translation. Commands (from the repository's root, with the
venv's Python):

  python tools/i18n.py build [--draft]  the zh site into _build/html/zh/ (after the English `make book`):
                                        writes _build/_config_zh.yml from _config.yml plus ZH below, copies
                                        locale/ to _build/locale/ with every bare glue role qualified, runs
                                        jupyter-book (-W -n --keep-going). A message left untranslated is a
                                        build warning, so an error; --draft lets it pass (while translating);
                                        --locale=DIR reads the catalogs from DIR instead of locale/
  python tools/i18n.py extract          the English messages, fresh, into _build/gettext/*.pot
  python tools/i18n.py check            the catalogs against _build/gettext: every message translated, none
                                        fuzzy, none missing or obsolete, and every role (with its target),
                                        inline code span, math span and link target of the English kept

`make i18n` runs `extract` and `sphinx-intl update` (new and changed English messages reach the catalogs);
`make i18n-check` runs `extract` and `check`. tests/test_i18n.py checks the same and the built zh pages.

As a Sphinx extension (local_extensions in _config.yml, both languages) it adds a language switch to every
page (book/_templates/language-switch.html: the same page in the other language, by a relative link, so it
works under any sub-path), makes exercise titles, figures' alt text and the labels of folded cells
translatable, and, in the zh build only, translates what Locale cannot reach (the sidebar's part captions, the
fold labels), warns about each message left in English and translates the search box's placeholder.
"""
import os
import re
import shutil
import subprocess
import sys

import yaml

from chapter import ROOT, exercises_of

LANG = "zh_CN"
LOCALE = os.path.join(ROOT, "locale")
BUILD = os.path.join(ROOT, "_build")
BUILD_LOCALE = os.path.join(BUILD, "locale")          # the catalogs the zh build reads (glue roles qualified)
SITE_ZH = os.path.join(BUILD, "html", "zh")           # where the zh site is published: <site>/zh/
GETTEXT = os.path.join(BUILD, "gettext")
CATALOGS = os.path.join(LOCALE, LANG, "LC_MESSAGES")

# What the zh build changes in _config.yml; everything else (extensions, execution, theme) is shared.
ZH = {
    "title": "microgpt：从零构建 GPT",
    "author": "microgpt 图书的贡献者",
    "html": {"extra_footer": "<p>文字与代码：microgpt 图书的贡献者。模型是 Andrej Karpathy 的 microgpt，"
                             "在这里一步一步重新搭建。</p>\n"},
    "sphinx": {"config": {"language": LANG, "locale_dirs": [BUILD_LOCALE], "gettext_compact": False,
                          "html_search_language": "zh"}},
}
SEARCH_PLACEHOLDER = {"zh_CN": "搜索本书……"}
LOGO_ALT = {"zh_CN": "{title}：首页"}  # the theme writes "<title> - Home" into the logo's alt text, untranslatable
THEME = os.path.join(LOCALE, LANG, "theme.po")  # the page chrome: theme strings that the themes' catalogs lack
SWITCH = {"en": ("zh/", "中文", "zh-CN", "阅读本页的中文版"),  # from a page: (folder, label, hreflang, title)
          LANG: ("../", "English", "en", "Read this page in English")}


class I18nError(Exception):
    """A problem that stops the tool; its message is one sentence."""


def merge(base, extra):
    """base updated with extra, dictionaries merged key by key (a copy)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def derived_config(overrides):
    """_config.yml with overrides, the execution cache named explicitly (the English build's, so that no
    notebook runs twice) and local extensions by absolute path (the file lives in _build/)."""
    with open(os.path.join(ROOT, "_config.yml"), encoding="utf-8") as f:
        config = merge(yaml.safe_load(f), overrides)
    config["execute"] = {**config.get("execute", {}), "cache": os.path.join(BUILD, ".jupyter_cache")}
    extensions = config["sphinx"].get("local_extensions", {})
    config["sphinx"]["local_extensions"] = {k: os.path.join(ROOT, v) for k, v in extensions.items()}
    if "i18n" not in extensions:
        raise I18nError("_config.yml lists no `i18n: tools` under sphinx.local_extensions, so the zh build would "
                        "have no language switch and no check for untranslated messages.")
    return config


def run_build(config, output, *args):
    """jupyter-book on the whole book with a config written to _build/_config_<output>.yml; the output goes
    to _build/<output>/_build/ (its own doctrees: a gettext environment cannot be reused by an html build)."""
    path = os.path.join(BUILD, f"_config_{output}.yml")
    os.makedirs(BUILD, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Written by tools/i18n.py from _config.yml: edit that file or the tool, never this one.\n")
        yaml.safe_dump(config, f, allow_unicode=True, sort_keys=False, width=120)
    jupyter_book = os.path.join(os.path.dirname(sys.executable), "jupyter-book")
    code = subprocess.call([jupyter_book, "build", ROOT, "--config", path, "--path-output",
                            os.path.join(BUILD, output), "-W", "-n", "--keep-going", *args], cwd=ROOT)
    if code:
        raise I18nError(f"jupyter-book failed for _build/{output} (exit {code}); its warnings are above.")
    return os.path.join(BUILD, output, "_build")


# --- the catalogs -----------------------------------------------------------------------------------------------

GLUE = re.compile(r"\{glue(:\w+)?\}`([^`]+)`")


def qualify(text, notebook):
    """Every bare glue role of text, `{glue:text}`key``, as `{glue:text}`notebook::key:s``: in a translated
    paragraph myst-nb no longer finds the page's own glue data, but a file-qualified key always works.
    ({glue:text} reads `a::b:c` as key a::b and format c, so a qualified key needs its format, `s` by default.)"""
    def one(m):
        role, target = m[1] or "", m[2]
        if "::" in target:
            return m[0]
        if role == ":text" and ":" not in target:
            target += ":s"
        return f"{{glue{role}}}`{notebook}::{target}`"
    return GLUE.sub(one, text)


def catalog_paths(folder=CATALOGS, ext=".po"):
    """{page path relative to folder without extension ('book/05_attention'): path} of every catalog."""
    found = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if name.endswith(ext):
                path = os.path.join(dirpath, name)
                found[os.path.relpath(path, folder)[:-len(ext)].replace(os.sep, "/")] = path
    return dict(sorted(found.items()))


def read_catalog(path):
    from babel.messages.pofile import read_po
    with open(path, "rb") as f:
        data = f.read()
    try:
        import io
        return read_po(io.BytesIO(data))
    except Exception as e:  # babel's parse errors have no common class
        raise I18nError(f"{os.path.relpath(path, ROOT)} is not a readable catalog ({e}).") from e


def translator(root=ROOT, language=LANG):
    """translate(stem, English text, fallback): the text's translation in the catalog of the page book/<stem>
    (locale/<language>/), or the fallback in English, where the catalog has none or only a fuzzy one (the
    build skips those too). For what our tools write into pages in the page's language: exercise titles,
    section titles, part captions."""
    catalogs = {}

    def translate(stem, text, fallback):
        if language == "en":
            return fallback
        if stem not in catalogs:
            path = os.path.join(root, "locale", language, "LC_MESSAGES", "book", stem + ".po")
            catalogs[stem] = read_catalog(path) if os.path.isfile(path) else None
        message = catalogs[stem].get(text) if catalogs[stem] else None
        return message.string if message and message.string and not message.fuzzy else fallback
    return translate


def copy_locale(source=LOCALE):
    """locale/ to _build/locale/, each notebook page's glue roles qualified in its msgstr. A file is written
    only when its text changes, so Sphinx re-reads only the pages whose translations changed."""
    import io
    from babel.messages.pofile import write_po
    changed = 0
    for page, path in catalog_paths(os.path.join(source, LANG, "LC_MESSAGES")).items():
        notebook = os.path.basename(page) + ".ipynb"
        catalog = read_catalog(path)
        if os.path.isfile(os.path.join(ROOT, page + ".ipynb")):
            for message in catalog:
                if message.id and isinstance(message.string, str):
                    message.string = qualify(message.string, notebook)
        out = io.BytesIO()
        write_po(out, catalog, width=0, omit_header=False)
        changed += write_changed(os.path.join(BUILD_LOCALE, LANG, "LC_MESSAGES", page + ".po"), out.getvalue())
    return changed + compile_theme(os.path.join(source, LANG, "theme.po"))


def write_changed(target, data):
    """Write bytes to target unless it holds them already; 1 if written, else 0."""
    if os.path.isfile(target) and open(target, "rb").read() == data:
        return 0
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "wb") as f:
        f.write(data)
    return 1


def compile_theme(path):
    """locale/zh_CN/theme.po compiled for the two domains the themes translate with: "sphinx" (Sphinx's
    own and pydata-sphinx-theme's templates) and "booktheme" (sphinx-book-theme's buttons, and our templates
    in book/_templates through its translate()). Returns the number of files written."""
    import io
    from babel.messages.mofile import write_mo
    problems = catalog_problems(path)
    if problems:
        raise I18nError(problems[0] + (f" ({len(problems) - 1} more)" if len(problems) > 1 else ""))
    catalog, out = read_catalog(path), io.BytesIO()
    write_mo(out, catalog)
    return sum(write_changed(os.path.join(BUILD_LOCALE, LANG, "LC_MESSAGES", domain + ".mo"), out.getvalue())
               for domain in ("sphinx", "booktheme"))


# What a translation must keep from its English message (the same rule as the translators' self-check).
ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
CODE = re.compile(r"(?<![`}])`([^`]+)`")
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$", re.S)
LINK = re.compile(r"\]\(([^)]+)\)")


def role_target(text):
    """The target of a role's text: `词元 <token>` -> token; `token` -> token."""
    m = re.search(r"<([^<>]+)>\s*$", text)
    return m.group(1) if m else text


def kept_parts(text):
    """(roles with targets, code spans, math spans, link targets) of a message, each a Counter."""
    from collections import Counter
    roles = Counter((r, role_target(t)) for r, t in ROLE.findall(text))
    rest = ROLE.sub("", text)
    return roles, Counter(CODE.findall(rest)), Counter(MATH.findall(rest)), Counter(LINK.findall(rest))


def message_problems(msgid, msgstr, fuzzy=False):
    """What is wrong with one translation, as short phrases (none: it is fine)."""
    if not msgstr or fuzzy:
        return ["fuzzy" if fuzzy and msgstr else "untranslated"]
    out = []
    if sorted(re.findall(r"%\(\w+\)s", msgid)) != sorted(re.findall(r"%\(\w+\)s", msgstr)):
        out.append("a %(name)s placeholder changed")
    for name, a, b in zip(("role", "inline code", "math", "link target"), kept_parts(msgid), kept_parts(msgstr)):
        if a != b:
            lost, added = sorted(map(str, a - b)), sorted(map(str, b - a))
            out.append(f"{name} changed (missing {lost}, extra {added})")
    return out


def catalog_problems(path):
    """One sentence per problem of one catalog."""
    name = os.path.relpath(path, ROOT)
    return [f"{name}: {problem} in {message.id[:60]!r}."
            for message in read_catalog(path) if message.id
            for problem in message_problems(message.id, message.string, message.fuzzy)]


def drift_problems(pot_folder=GETTEXT, po_folder=CATALOGS):
    """One sentence per difference between the fresh English messages (.pot) and the catalogs (.po)."""
    pots, pos = catalog_paths(pot_folder, ".pot"), catalog_paths(po_folder)
    if not pots:
        raise I18nError(f"{os.path.relpath(pot_folder, ROOT)} holds no .pot file: run `make i18n-check`.")
    out = [f"{page}: no catalog for this page: run `make i18n`." for page in pots if page not in pos]
    out += [f"{page}: a catalog for a page the book no longer has: delete it." for page in pos if page not in pots]
    for page in sorted(set(pots) & set(pos)):
        new = {m.id for m in read_catalog(pots[page]) if m.id}
        old = {m.id for m in read_catalog(pos[page]) if m.id}
        out += [f"{page}: the English has a message the catalog lacks, {m[:60]!r}: run `make i18n`."
                for m in new - old]
        out += [f"{page}: the catalog has a message the English no longer has, {m[:60]!r}: run `make i18n`."
                for m in old - new]
    return out


# --- the built pages: what must be the same in both languages, and what must not stay English -----------------

CJK = re.compile(r"[\u3400-\u9fff]")  # Chinese characters (punctuation alone is no Chinese)
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
BLOCKS = "p, h1, h2, h3, h4, h5, h6, figcaption, th, td, dt, dd, li, .admonition-title, .caption-text, noscript"
NOT_PROSE = "pre, code, .math, mjx-container, script, style, .pasted-text, .headerlink, div.cell, .cell_output"
# Prose that may stay English on a zh page, whole (after code, math and glued numbers are removed). Keep it short.
ENGLISH_ALLOWED = {"GPT-2 small", "Google Colab", "block_size", "lm_head", "state_dict"}


def parse(html):
    from bs4 import BeautifulSoup
    return BeautifulSoup(html, "html.parser")


def article(page):
    """The article of a parsed page (the whole page where it has none)."""
    return page.select_one("article.bd-article") or page


def code_blocks(page):
    """The text of every code block and output of a parsed page, in order."""
    return [pre.get_text() for pre in article(page).select("pre")]


def glued(page):
    """The glued numbers of a parsed page, sorted (a translation may reorder a sentence, not change a number)."""
    return sorted(span.get_text() for span in article(page).select(".pasted-text"))


def english_blocks(page, allowed=ENGLISH_ALLOWED):
    """The prose blocks of a parsed translated page with no Chinese in them but two English words or more.
    (It takes code, math and glued numbers out of the page.)"""
    found = []
    text_of = article(page)
    for junk in text_of.select(NOT_PROSE):
        junk.decompose()
    for block in text_of.select(BLOCKS):
        if block.select_one("p, ul, ol, table"):
            continue  # a list item or cell that holds paragraphs: they are checked one by one
        text = " ".join(block.get_text(" ").split())
        if text not in allowed and not CJK.search(text) and len(WORD.findall(text)) >= 2:
            found.append(text)
    return found


# The page chrome (all but the article) may keep these English, whole: the switch to English and its tooltip,
# names, a key, the aria-labels "Main" and "Page" that sphinx-book-theme writes into its templates (every other
# chrome string is translated, by the themes' catalogs or locale/zh_CN/theme.po).
CHROME_ALLOWED = {"English", "Read this page in English", "Colab", "Ctrl", "Ctrl + K", ".ipynb", "Transformer", "Main",
                  "Page"}
CHROME_ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "data-bs-title")


def english_chrome(page, allowed=CHROME_ALLOWED):
    """The texts and labels around the article of a parsed translated page that have an English word and no
    Chinese, or three English words in a row."""
    from bs4.element import Comment, Declaration, Doctype
    found = []
    for element in page.find_all(True):
        if element.name in ("script", "style") or element.find_parent(["article", "script", "style"]):
            continue
        texts = [element.get(name) for name in CHROME_ATTRIBUTES if element.get(name)]
        if any(not isinstance(t, (Comment, Declaration, Doctype)) and t.strip()
               for t in element.find_all(string=True, recursive=False)):
            whole = element  # an inline element's text is judged with its sentence: 从<em>karia</em>到…
            while whole.name in ("em", "strong", "code", "span", "i", "b") and whole.parent:
                whole = whole.parent
            texts.append(whole.get_text(" "))
        for text in (" ".join(t.split()) for t in texts):
            if text and text not in allowed and (not CJK.search(text) and re.search(r"[A-Za-z]{3}", text)
                                                  or re.search(r"[A-Za-z]+(?: [A-Za-z]+){2}", text)):
                found.append(text)  # English alone, or a run of three English words beside Chinese
    return sorted(set(found))


def page_problems(name, en, zh):
    """One sentence per way the zh page differs from the English one where it must not, or stays English
    (en, zh: the pages, parsed)."""
    out = []
    if code_blocks(en) != code_blocks(zh):
        out.append(f"{name}: the code blocks or outputs differ from the English page's.")
    en_numbers, zh_numbers = glued(en), glued(zh)
    if en_numbers != zh_numbers:
        from collections import Counter
        lost = sorted((Counter(en_numbers) - Counter(zh_numbers)).elements())
        added = sorted((Counter(zh_numbers) - Counter(en_numbers)).elements())
        out.append(f"{name}: glued numbers differ from the English page's (missing {lost[:5]}, "
                   f"extra {added[:5]}).")
    out += [f"{name}: English left around the zh page's article: {text[:80]!r}." for text in english_chrome(zh)]
    out += [f"{name}: English left in the zh page: {text[:80]!r}." for text in english_blocks(zh)]
    return out


# --- the builds ---------------------------------------------------------------------------------------------------

def build(draft=False, source=LOCALE):
    if not catalog_paths(os.path.join(source, LANG, "LC_MESSAGES")):
        raise I18nError(f"{source} holds no {LANG} catalog: run `make i18n` first.")
    config = derived_config(ZH)
    if draft:
        sphinx = config["sphinx"]["config"]
        sphinx["suppress_warnings"] = [*sphinx.get("suppress_warnings", []), "i18n.untranslated"]
    if copy_locale(source):
        # A changed catalog may change a title or caption that every page shows (the sidebar, {ref} texts),
        # but Sphinx rewrites only the pages it re-reads: with no old pages, it writes them all.
        shutil.rmtree(os.path.join(BUILD, "zh", "_build", "html"), ignore_errors=True)
    try:
        out = run_build(config, "zh")
    except I18nError:
        # Sphinx rewrites only the pages it must: without old pages the next build reports every warning again.
        shutil.rmtree(os.path.join(BUILD, "zh", "_build", "html"), ignore_errors=True)
        raise
    shutil.rmtree(SITE_ZH, ignore_errors=True)
    shutil.copytree(os.path.join(out, "html"), SITE_ZH)
    print(f"i18n: the zh site is in {os.path.relpath(SITE_ZH, ROOT)}/")


def extract():
    """The English messages into _build/gettext/ (what `sphinx-intl update -p _build/gettext` reads). The
    builder's own output starts empty, so a catalog that nothing makes any more (a page removed) is not kept;
    it rewrites every page's catalog each time."""
    shutil.rmtree(os.path.join(BUILD, "i18n", "_build", "gettext"), ignore_errors=True)
    out = run_build(derived_config({}), "i18n", "--builder", "custom", "--custom-builder", "gettext")
    shutil.rmtree(GETTEXT, ignore_errors=True)
    shutil.copytree(os.path.join(out, "gettext"), GETTEXT)
    print(f"i18n: the English messages are in {os.path.relpath(GETTEXT, ROOT)}/")


def check():
    problems = drift_problems()
    for path in catalog_paths().values():
        problems += catalog_problems(path)
    for problem in problems:
        print(problem)
    if problems:
        raise I18nError(f"{len(problems)} problems in the zh catalogs (listed above).")
    print("i18n: every message translated, none fuzzy, none stale; roles, code, math and links kept.")


# --- the Sphinx extension ---------------------------------------------------------------------------------------

def is_english(config):
    return not config.language or config.language.startswith("en")


def on_config(app, config):
    config.templates_path.insert(0, os.path.join(ROOT, "book", "_templates"))  # before the themes' components
    options = dict(config.html_theme_options or {})
    options["article_header_end"] = ["language-switch.html", "article-header-buttons.html"]
    if config.language in SEARCH_PLACEHOLDER:
        options["search_bar_text"] = SEARCH_PLACEHOLDER[config.language]
    if config.language in LOGO_ALT:
        title = config.html_title or config.project
        options["logo"] = {**(options.get("logo") or {}), "alt_text": LOGO_ALT[config.language].format(title=title)}
    config.html_theme_options = options


def language_switch(app, pagename, templatename, context, doctree):
    """The link to the same page in the other language, relative: ../ per folder level, then into zh/ or out."""
    prefix, label, hreflang, title = SWITCH["en" if is_english(app.config) else LANG]
    url = "../" * pagename.count("/") + prefix + pagename + ".html"
    context["language_switch"] = {"url": url, "label": label, "hreflang": hreflang, "title": title}
    alternate = f'\n<link rel="alternate" hreflang="{hreflang}" href="{url}" />'
    context["metatags"] = context.get("metatags", "") + alternate


def drop_message_documents(app, doctree):
    """Each translated message is parsed as a small document of its own, and the nodes Sphinx takes from it
    keep a reference to it, and through its settings to the whole build environment: a zh page's pickled
    doctree was 17 times the English one's (3 MB), slow to write and to read back. They belong to the page."""
    for node in doctree.findall():
        if getattr(node, "_document", None) not in (None, doctree):
            node._document = doctree


def fast_chinese_search():
    """Sphinx's Chinese search language, without its quadratic step: it asks, for every word of every page,
    whether the word is in a list of all the Latin words seen so far (45 of the zh build's 100 s). A set answers
    the same question."""
    from sphinx.search.zh import SearchChinese

    class LatinTerms(list):
        def __init__(self):
            super().__init__()
            self.seen = set()

        def extend(self, terms):
            terms = list(terms)
            super().extend(terms)
            self.seen.update(terms)

        def __contains__(self, term):
            return term in self.seen

    class FastSearchChinese(SearchChinese):
        def init(self, options):
            super().init(options)
            self.latin_terms = LatinTerms()
    return FastSearchChinese


def message_node():
    """The class of a node that carries one message to the gettext builder and is never written."""
    from docutils import nodes
    from sphinx import addnodes

    class message(nodes.Element, addnodes.translatable):
        def preserve_original_messages(self):
            pass

        def apply_translated_message(self, original_message, translated_message):
            pass

        def extract_original_messages(self):
            return [self["msg"]]
    return message


def setup(app):
    from docutils import nodes
    from sphinx.transforms import SphinxTransform
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.util import logging
    from sphinx.util.nodes import extract_messages, traverse_parent
    from sphinx_exercise.nodes import exercise_subtitle
    logger = logging.getLogger(__name__)
    if not is_english(app.config) and os.path.isfile(os.path.join(BUILD_LOCALE, LANG, "LC_MESSAGES", "booktheme.mo")):
        app.add_message_catalog("booktheme", BUILD_LOCALE)  # after locale/zh_CN/theme.po (compile_theme)

    class ExerciseTitles(SphinxTransform):
        """Exercise titles become messages: sphinx-exercise parses a title without recording its source, so
        gettext skips it. Each gets its Markdown from the notebook as its message, and a source and line."""
        default_priority = 5  # before Locale (20) reads the messages

        def apply(self, **kwargs):
            source = self.document.get("source", "")
            subtitles = list(self.document.findall(exercise_subtitle))
            if not subtitles or not source.endswith(".ipynb"):
                return
            titles = dict(exercises_of(source))
            for node in subtitles:
                exercise = node.parent.parent
                node.rawsource = titles.get(exercise.get("label"), node.astext())
                node.source, node.line = source, exercise.line

    class ExerciseRegistry(SphinxTransform):
        """sphinx-exercise keeps a copy of each exercise as its directive made it, before Locale (20)
        translated its title, and titles each solution from that copy: in a translated build the solutions
        said "Solution to Exercise 5.1 (Predict, then run: ...)". The copy is taken again, translated."""
        default_priority = 30

        def apply(self, **kwargs):
            if is_english(self.config) or not hasattr(self.env, "sphinx_exercise_registry"):
                return
            from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node
            kinds = (exercise_enumerable_node, exercise_node)
            for node in self.document.findall(lambda n: isinstance(n, kinds)):
                entry = self.env.sphinx_exercise_registry.get(node.get("label"))
                if entry is not None:
                    entry["node"] = node.deepcopy()

    class ChineseBrackets(SphinxPostTransform):
        """sphinx-exercise writes "练习 5.1 (title)" with Latin brackets; Chinese text takes （）."""
        default_priority = 22  # after sphinx-exercise titles exercises and solutions (21)

        def run(self, **kwargs):
            if is_english(self.config):
                return
            from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node
            kinds = (exercise_enumerable_node, exercise_node, solution_node)
            for box in self.document.findall(lambda n: isinstance(n, kinds)):
                if box.children and isinstance(box[0], nodes.title):
                    for text in list(box[0].findall(nodes.Text)):
                        if str(text) in (" (", ")"):
                            text.parent.replace(text, nodes.Text("（" if str(text) == " (" else "）"))

    class Untranslated(SphinxPostTransform):
        """In a translated build, a warning (i18n.untranslated) for every message still in English: each
        message the gettext builder would collect (the same stage: docinfo gone, exercise titles and
        figures' alt text not yet replaced) that Locale did not translate. Text that already holds Chinese
        (sphinx-exercise's own 练习, 解答) is no message left in English."""
        default_priority = 1

        def run(self, **kwargs):
            if is_english(self.config) or self.app.builder.name == "gettext":
                return
            from sphinx import addnodes
            from sphinx_exercise.nodes import exercise_title, solution_title
            skip = (exercise_title, solution_title, addnodes.toctree)  # a toctree: LateMessages marks it
            found = [(node, msg) for node, msg in extract_messages(self.document)
                     if not isinstance(node, skip) and not CJK.search(msg)
                     and (isinstance(node, nodes.image) or not node.get("translated"))]  # alt: Chinese or not
            found += [(node, msg) for node in self.document.findall(nodes.Element)
                      for msg in node.get("i18n_untranslated", [])]
            for node, msg in found:
                logger.warning(f"untranslated message: {msg[:70]!r}", location=node,
                               type="i18n", subtype="untranslated")

    message = message_node()

    def outside_bundle(node):
        """The output a node belongs to (myst-nb drops its other renderings), or the node itself."""
        for parent in traverse_parent(node):
            if parent.get("nb_element") == "mime_bundle":
                return parent
        return node

    class MessagesForGettext(SphinxPostTransform):
        """Exercise titles, the alt text of a notebook's figures and the labels of folded cells are messages when
        Sphinx reads a page (so the zh build translates them), but the post-transforms of sphinx-exercise and
        myst-nb replace or drop those nodes before the gettext builder collects messages. A copy of each message
        goes in beside them first."""
        builders = ("gettext",)
        default_priority = 1  # before myst-nb picks an output's mime type (4) and sphinx-exercise its title (5)

        def run(self, **kwargs):
            found = [(n, n.rawsource) for n in self.document.findall(exercise_subtitle) if n.rawsource]
            found += [(n, n[key]) for n in self.document.findall(nodes.container)
                      for key in ("prompt_show", "prompt_hide") if n.get("nb_element") == "cell_code" and n.get(key)]
            found += [(n, n["alt"]) for n in self.document.findall(nodes.image) if n.get("alt")]
            for node, msg in found:
                anchor = (node.parent.parent if isinstance(node, exercise_subtitle) else
                          node if isinstance(node, nodes.container) else outside_bundle(node))
                carrier = message(msg=msg)
                carrier.source, carrier.line = node.source or anchor.source, node.line or anchor.line
                carrier.uid = ""  # the gettext builder skips a node without one (Sphinx's own toctree hack)
                anchor.parent.insert(anchor.parent.index(anchor), carrier)

    def page_catalog(transform):
        """The zh catalog of the page being read (what Locale translated it with)."""
        from sphinx.locale import init as init_locale
        from sphinx.util.i18n import docname_to_domain
        dirs = [os.path.join(transform.env.srcdir, d) for d in transform.config.locale_dirs]
        domain = docname_to_domain(transform.env.docname, transform.config.gettext_compact)
        catalog, found = init_locale(dirs, transform.config.language, domain)
        return catalog.gettext if found else (lambda msg: msg)

    def translate(node, msg, gettext, apply):
        """apply(translation) if the catalog has one, else mark the message for Untranslated to report."""
        msgstr = gettext(msg)
        if msgstr != msg:
            apply(msgstr)
        else:
            node["i18n_untranslated"] = [*node.get("i18n_untranslated", []), msg]

    class LateMessages(SphinxTransform):
        """Messages that Locale (20) cannot reach, translated from the same catalog: the part captions of the
        sidebar (sphinx-external-toc adds its toctrees at 100) and the labels of folded code cells ("Show the
        code from earlier chapters", attributes of the cell that myst-nb turns into a button when writing)."""
        default_priority = 101

        def apply(self, **kwargs):
            if is_english(self.config) or self.app.builder.name == "gettext":
                return
            from sphinx import addnodes
            gettext = page_catalog(self)
            for node in self.document.findall(addnodes.toctree):
                for msg in node.extract_original_messages():
                    translate(node, msg, gettext,
                              lambda t, node=node, msg=msg: node.apply_translated_message(msg, t))
            for node in self.document.findall(nodes.container):
                for key in ("prompt_show", "prompt_hide"):
                    if node.get("nb_element") == "cell_code" and node.get(key):
                        translate(node, node[key], gettext,
                                  lambda t, node=node, key=key: node.__setitem__(key, t))

    # Sphinx does not notice a change to this file; a config value made from it makes every page re-read.
    with open(__file__, "rb") as f:
        import hashlib
        app.add_config_value("i18n_tool", hashlib.sha256(f.read()).hexdigest()[:12], "env")
    app.add_transform(ExerciseTitles)
    app.add_transform(LateMessages)
    app.add_transform(ExerciseRegistry)
    app.add_post_transform(MessagesForGettext)
    app.add_post_transform(Untranslated)
    app.add_post_transform(ChineseBrackets)
    app.add_search_language(fast_chinese_search())
    app.connect("config-inited", on_config)
    app.connect("doctree-read", drop_message_documents)
    app.connect("html-page-context", language_switch)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv):
    options = dict(a.split("=", 1) if "=" in a else (a, True) for a in argv[1:])
    commands = {"extract": extract, "check": check,
                "build": lambda: build(draft=options.get("--draft", False), source=options.get("--locale", LOCALE))}
    if not argv or argv[0] not in commands or not set(options) <= {"--draft", "--locale"}:
        print("usage: python tools/i18n.py build [--draft] [--locale=DIR] | extract | check", file=sys.stderr)
        return 2
    try:
        commands[argv[0]]()
    except I18nError as e:
        print(f"i18n: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
