"""colab.py: the Colab edition of every chapter, generated from book/*.ipynb and the numbers of a build.

The chapters are written in MyST for the website. Colab renders plain Markdown and runs every cell under
*Run all*, so for each chapter notebook of _toc.yml this tool writes colab/NN_name.ipynb, in which:

- glossary terms and cross-references are links to the published website (page and anchor), labels are
  gone, and directives (exercises, admonitions, figures) are blockquotes with a bold title;
- every glued number is pasted into the prose as the build computed it (the <chapter>.glue.json files that
  `make book` leaves in _build/jupyter_execute/book/); `glue(...)` calls and glue-only cells are dropped;
- solutions are folded: their Markdown in <details>, their code in a form cell that runs only when asked;
- the setup cell is one folded form cell, and a cell that raises on purpose catches and prints its error,
  so that *Run all* completes.

It writes the Chinese edition too, colab/zh/NN_name.ipynb: the same notebook with every unit of prose replaced
by its translation from locale/zh_CN/ before the MyST becomes Markdown, links to the zh website, and the same
code cells, byte for byte (tools/colab_zh.py).

    python tools/colab.py            # (re)write colab/*.ipynb and colab/zh/*.ipynb (needs `make book` first)
    python tools/colab.py --check    # exit 1 if a committed file differs from what would be written

MICROGPT_BUILD points at another build folder than _build (as for tests/test_ladder.py).
"""
import ast
import io
import json
import os
import re
import sys
import tokenize

import nbformat
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin

import colab_links
import colab_zh
import glued
from chapter import ROOT, is_glue_cell, is_setup, strip_directives, tags, toc_files, without_glue_shim
COLAB_DIR = "colab"
SETUP_TITLE = "Code from earlier chapters: run this first"
HIDDEN_TITLE = "Folded code (double-click to read it)"
SOLUTION_TITLE = "Solution (run to check)"
SOLUTION_SWITCH = 'show_solution = False  #@param {type:"boolean"}'
EXCEPT_LINE = "except Exception as e:  # this cell fails on purpose: print the error, so that Run all goes on"
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention", "danger", "error",
               "seealso", "admonition", "margin", "sidebar", "topic"}


class ColabError(Exception):
    """Something the rendition cannot be made from; the message is one sentence that says what to do."""


def build_dir():
    return os.environ.get("MICROGPT_BUILD") or os.path.join(ROOT, "_build")


LANGUAGES = (None, colab_zh.LANGUAGE)  # the English edition, and the Chinese one


def rendition_path(chapter, language=None):
    """book/06_gpt.ipynb -> colab/06_gpt.ipynb, or colab/zh/06_gpt.ipynb (relative to the book's root)."""
    return colab_links.colab_path(chapter, language)


# --- the build's numbers ------------------------------------------------------------------------------------

def read_glue(chapter, build=None):
    """{key: text/plain} of everything the chapter glued, from the build's <chapter>.glue.json."""
    build = build or build_dir()
    stem = os.path.splitext(chapter)[0]
    path = os.path.join(build, "jupyter_execute", stem + ".glue.json")
    if not os.path.isfile(path):
        raise ColabError(f"There is no built book in {build} (no {os.path.relpath(path, build)}): "
                         f"run `make book` first, the Colab notebooks show the numbers that build computed.")
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    values = {}
    for key, output in records.items():
        text = output["data"]["text/plain"]
        values[key] = "".join(text) if isinstance(text, list) else text
    return values


def check_build_is_current(chapter, build=None, root=ROOT):
    """The build must have executed the chapter's current code, or its numbers may be out of date."""
    build = build or build_dir()
    executed = os.path.join(build, "jupyter_execute", os.path.splitext(chapter)[0] + ".ipynb")
    if not os.path.isfile(executed):
        raise ColabError(f"There is no built book in {build} (no executed {chapter}): run `make book` first.")
    def code(nb):  # (directive lines and removed cells aside: a build may strip them from what it shows)
        return [strip_directives(c.source) for c in nb.cells
                if c.cell_type == "code" and "remove-cell" not in c.metadata.get("tags", [])]
    if code(nbformat.read(os.path.join(root, chapter), as_version=4)) != code(nbformat.read(executed, as_version=4)):
        raise ColabError(f"The build in {build} ran an older version of {chapter}: run `make book` again, "
                         f"then `make colab`.")


def format_glued(text, fmt_spec):
    """What myst-nb's {glue:text} shows: the value's repr, unquoted by literal_eval, then formatted."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        value = text
    if fmt_spec == "":
        return str(value)
    kind = fmt_spec[-1]
    if kind == "s":
        value = str(value)
    elif kind in "bcdoxX":
        value = int(value)
    elif kind in "eEfFgGn%":
        value = float(value)
    return format(value, fmt_spec)


class Glue:
    """Looks up glued values for one chapter, in its own or another chapter's records (doc::key)."""

    def __init__(self, chapter, build=None):
        self.chapter, self.build, self.cache = chapter, build, {}

    def records(self, chapter):
        if chapter not in self.cache:
            self.cache[chapter] = read_glue(chapter, self.build)
        return self.cache[chapter]

    def __call__(self, chapter, key, fmt_spec, role):
        records = self.records(chapter)
        if key not in records:
            raise ColabError(f"{self.chapter} pastes the glued value {key!r}, which the build of {chapter} does not "
                             f"have: run `make book` again.")
        if role == "glue:text":
            return format_glued(records[key], fmt_spec)
        return format_glued(records[key], "")  # {glue} and {glue:md}: the text/plain value, unquoted


def parse_glue_role(role, content, chapter):
    """(chapter, key, format spec) of a glue role, parsed the way myst-nb 1.4 parses it."""
    if role == "glue:text":
        parts = content.rsplit(":", 1)
        key, fmt_spec = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "s")
    else:
        key, fmt_spec = content, ""
    if "::" in key:
        doc, key = key.split("::", 1)
        chapter = os.path.normpath(os.path.join(os.path.dirname(chapter), doc)).replace(os.sep, "/")
    return chapter, key, fmt_spec


# --- the website's targets: pages, labels, figures, exercises, glossary terms -------------------------------

def page_url(config, docname, anchor=None, language=None):
    prefix = colab_zh.SITE_PREFIX if language else ""
    return colab_links.pages_url(config) + prefix + docname + ".html" + (f"#{anchor}" if anchor else "")


def term_id(term):
    """The HTML id Sphinx gives a glossary term (sphinx.util.nodes.make_id): 'KV cache' -> 'term-KV-cache'."""
    text = ("term-" + term).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9._]+", "-", " ".join(text.split()))
    return re.sub(r"^[-0-9._]+|-+$", "", text)


def page_markdown(root, docname):
    """The Markdown of a page: the .md file, or the markdown cells of the notebook, one block per cell."""
    if os.path.isfile(os.path.join(root, docname + ".md")):
        return [open(os.path.join(root, docname + ".md"), encoding="utf-8").read()], []
    nb = nbformat.read(os.path.join(root, docname + ".ipynb"), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"], [c for c in nb.cells if c.cell_type == "code"]


class Site:
    """Everything a chapter can link to on the published website, found by reading the book's sources."""

    def __init__(self, root=ROOT, language=None):
        self.config, self.language, self.root = colab_links.load_config(root), language, root
        self.catalogs = {}  # docname -> its translations (the Chinese edition's titles of pages and sections)
        self.targets = {}  # label -> (docname, anchor or None, title)
        self.terms = {}    # lowercased term -> term as written in the glossary
        self.glossary = None
        for docname in toc_files(root):
            texts, code_cells = page_markdown(root, docname)
            first_heading = True
            for text in texts:
                lines = text.split("\n")
                for i, line in enumerate(lines):
                    label = re.fullmatch(r"\((\S+)\)=\s*", line)
                    if label:
                        following = [x for x in lines[i + 1:] if x.strip()]
                        heading = re.match(r"(#+)\s+(.*)", following[0]) if following else None
                        title = heading.group(2).strip() if heading else label.group(1)
                        page_level = heading is not None and len(heading.group(1)) == 1 and first_heading
                        self.add(label.group(1), docname, None if page_level else label.group(1), title)
                    if re.match(r"#\s", line):
                        first_heading = False
                for block in parse_blocks(text):
                    if block[0] == "directive":
                        self.add_directive(docname, *block[1:])
            for cell in code_cells:
                figure = cell.metadata.get("mystnb", {}).get("figure", {})
                if figure.get("name"):
                    self.add(figure["name"], docname, figure["name"], figure.get("caption", figure["name"]))

    def add(self, label, docname, anchor, title):
        if label in self.targets and self.targets[label][0] != docname:
            raise ColabError(f"The label {label!r} is defined twice, in {self.targets[label][0]} and {docname}.")
        self.targets[label] = (docname, anchor, title)

    def add_directive(self, docname, name, argument, options, body):
        if name in ("exercise", "exercise-start") and "label" in options:
            self.add(options["label"], docname, options["label"], argument or "Exercise")
        elif name in ("figure", "table", "math", "code-block", "code") and "name" in options:
            self.add(options["name"], docname, options["name"], body.strip().split("\n")[0] or options["name"])
        elif name == "glossary":
            self.glossary = docname
            for line in body.split("\n"):
                if line.strip() and not line[0].isspace() and not line.startswith(":"):
                    self.terms[line.strip().lower()] = line.strip()

    def target(self, label):
        if label not in self.targets:
            raise ColabError(f"No page of the book defines the label {label!r} (a `(label)=` line, a figure's "
                             f"name or an exercise's :label:).")
        return self.targets[label]

    def title(self, label):
        docname, _anchor, title = self.target(label)
        if self.language:  # the title as the zh website shows it, from the target page's catalog
            if docname not in self.catalogs:
                self.catalogs[docname] = colab_zh.read_catalog(docname, self.root)
            return self.catalogs[docname].get(colab_zh.normalized(title), title)
        return title

    def url(self, docname, anchor=None):
        return page_url(self.config, docname, anchor, self.language)

    def ref(self, label, text):
        docname, anchor, _title = self.target(label)
        return f"[{text}]({self.url(docname, anchor)})"

    def term(self, term, text):
        """A glossary link: a translated term keeps the English term's id (sphinx.transforms.i18n)."""
        if self.glossary is None or term.lower() not in self.terms:
            raise ColabError(f"The glossary has no term {term!r}: add it to book/glossary.md.")
        return f"[{text}]({self.url(self.glossary, term_id(self.terms[term.lower()]))})"

    def doc(self, target, text, chapter):
        docname = os.path.normpath(os.path.join(os.path.dirname(chapter), target)).replace(os.sep, "/")
        docname = re.sub(r"\.(ipynb|md)$", "", docname)
        return f"[{text or docname}]({self.url(docname)})"


# --- Markdown: MyST in, CommonMark (with HTML and $ math) out -----------------------------------------------

ROLE = re.compile(r"\{([\w:-]+)\}`([^`]*)`")
BLOCKS = MarkdownIt("commonmark").use(colon_fence_plugin)  # ``` and ~~~ fences, and MyST's ::: fences


def parse_blocks(text):
    """Split MyST Markdown into ('text', str), ('code', str) and ('directive', name, argument, options, body):
    the fences at the top level, as markdown-it finds them, and the text between them."""
    lines, blocks, end = text.split("\n"), [], 0
    for token in BLOCKS.parse(text):
        if token.level != 0 or token.type not in ("fence", "colon_fence"):
            continue
        first, last = token.map
        closing = lines[last - 1].strip() if last - 1 > first else ""
        if not (closing.startswith(token.markup) and closing.strip(token.markup[0]) == ""):
            raise ColabError(f"A fence {lines[first]!r} is never closed.")
        if lines[end:first]:
            blocks.append(("text", "\n".join(lines[end:first])))
        end = last
        directive = re.fullmatch(r"\{([\w:-]+)\}[ \t]*(.*)", token.info.strip())
        if not directive:  # a plain code block: kept exactly as it is
            blocks.append(("code", "\n".join(lines[first:last])))
            continue
        options, body = directive_options(token.content.rstrip("\n").split("\n") if token.content else [])
        blocks.append(("directive", directive.group(1), directive.group(2).strip(), options,
                       "\n".join(body).strip("\n")))
    if lines[end:]:
        blocks.append(("text", "\n".join(lines[end:])))
    return blocks


def directive_options(body):
    """({option: value}, the rest of the body) of a directive: options as a YAML block or as :key: lines."""
    options = {}
    if body and body[0].strip() == "---":
        end = body.index("---", 1)
        for line in body[1:end]:
            key, _, value = line.partition(":")
            options[key.strip()] = value.strip()
        body = body[end + 1:]
    while body and re.match(r"^:[\w-]+:", body[0]):
        key, _, value = body[0][1:].partition(":")
        options[key] = value.strip()
        body = body[1:]
    return options, body


def blockquote(title, body):
    lines = [f"**{title}**", ""] + body.split("\n") if body.strip() else [f"**{title}**"]
    return "\n".join(("> " + line).rstrip() for line in lines)


def details(summary, body):
    return f"<details><summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


class Markdown:
    """Turns one chapter's MyST Markdown into CommonMark, cell by cell (a solution may span several cells)."""

    def __init__(self, chapter, site, glue, translate=None):
        self.chapter, self.site, self.glue = chapter, site, glue
        self.translate = translate  # None, or a colab_zh.Translator: the prose in Chinese
        self.in_solution = False
        self.solution_text = []  # Markdown of the open solution, not yet written out
        self.solution_parts = 0

    def inline(self, text):
        """Roles and labels of running text; fenced code is left alone by the caller."""
        text = re.sub(r"^\(\S+\)=[ \t]*\n?", "", text, flags=re.M)

        def role(m):
            name, content = m.group(1), m.group(2)
            explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
            text, target = (explicit.group(1), explicit.group(2)) if explicit else ("", content)
            if name in ("glue", "glue:text", "glue:md"):
                return self.glue(*parse_glue_role(name, content, self.chapter), name)
            if name == "term":
                return self.site.term(target, text or target)
            if name in ("ref", "numref"):
                return self.site.ref(target, text or self.plain(self.site.title(target)))
            if name == "doc":
                return self.site.doc(target, text, self.chapter)
            if name in ("math", "eq"):
                return f"${content}$"
            raise ColabError(f"{self.chapter} uses the role {{{name}}}, which tools/colab.py cannot render for Colab: "
                             f"teach it that role.")
        return ROLE.sub(role, text)

    def plain(self, text):
        """Text with its roles reduced to what they show, without links (for a link's own text)."""
        def role(m):
            name, content = m.group(1), m.group(2)
            if name.startswith("glue"):
                return self.glue(*parse_glue_role(name, content, self.chapter), name)
            explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
            return explicit.group(1) if explicit else content
        return ROLE.sub(role, text)

    def word(self, english):
        """A word this tool writes itself (a directive's title), in the edition's language."""
        return colab_zh.WORDS.get(english, english) if self.translate else english

    def optional(self, text):
        """A title, caption or alt text, translated where the catalog has it."""
        return self.translate.optional(text) if self.translate else text

    def render(self, text):
        """CommonMark for the Markdown `text`; what belongs to an open solution is held back."""
        out = []
        for block in parse_blocks(text):
            if block[0] == "directive":
                piece = self.directive(*block[1:])
            elif block[0] == "code":
                piece = block[1]
            else:
                piece = self.inline(self.translate(block[1]) if self.translate else block[1])
            if piece is None or not piece.strip():
                continue
            (self.solution_text if self.in_solution else out).append(piece.strip("\n"))
        return "\n\n".join(out)

    def directive(self, name, argument, options, body):
        if name in ("exercise", "exercise-start"):
            title = self.word("Exercise") + (f" ({self.inline(self.optional(argument))})" if argument else "")
            return blockquote(title, self.render_inner(body))
        if name == "exercise-end":
            return None
        if name == "solution":
            return details(self.word("Solution"), self.render_inner(body))
        if name == "solution-start":
            self.in_solution, self.solution_parts = True, 0
            return None
        if name == "solution-end":
            piece = self.close_solution_part()
            self.in_solution = False
            return piece
        if name in ADMONITIONS:
            if name in ("admonition", "topic", "sidebar", "margin"):
                title = self.optional(argument) if argument else self.word(name.capitalize())
            else:  # these take no title: MyST reads an argument as the first line of the text
                title, body = self.word("See also" if name == "seealso" else name.capitalize()), \
                    f"{argument}\n{body}".strip()
            return blockquote(self.inline(title), self.render_inner(body))
        if name in ("dropdown", "toggle"):
            return details(self.inline(self.optional(argument)) or self.word("Show"), self.render_inner(body))
        if name == "figure":
            alt = self.optional(options.get("alt", ""))
            image = f"![{alt}]({colab_links.raw_url(self.site.config, self.chapter, argument)})"
            caption = self.render_inner(body)
            return blockquote(self.word("Figure"), image + ("\n\n" + caption if caption else ""))
        if name == "math":
            return f"$$\n{body}\n$$"
        if name in ("code-block", "code", "code-cell"):
            return f"```{argument}\n{body}\n```"
        raise ColabError(f"{self.chapter} uses the directive {{{name}}}, which tools/colab.py cannot render for Colab: "
                         f"teach it that directive.")

    def render_inner(self, body):
        """A directive's body: rendered on its own, never held back as solution text."""
        saved, self.in_solution = self.in_solution, False
        try:
            return self.render(body)
        finally:
            self.in_solution = saved

    def close_solution_part(self):
        """The solution's Markdown so far, folded in <details>; None when there is none."""
        text = "\n\n".join(self.solution_text).strip()
        self.solution_text = []
        if not text:
            return None
        self.solution_parts += 1
        return details(self.word("Solution" if self.solution_parts == 1 else "Solution (continued)"), text)


# --- code cells -------------------------------------------------------------------------------------------

def indent(source, prefix="    "):
    """Indent every line of code, but not the lines inside a multi-line string (their text would change)."""
    inside = set()
    for token in tokenize.generate_tokens(io.StringIO(source + "\n").readline):
        if token.start[0] < token.end[0] and token.type != tokenize.NL:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    return "\n".join(line if number in inside or not line.strip() else prefix + line
                     for number, line in enumerate(source.split("\n"), 1))


def dump(statements):
    return [ast.dump(n, include_attributes=False) for n in statements]


def check_parses(original, rewritten):
    try:
        ast.parse(rewritten)
    except SyntaxError as e:
        raise ColabError(f"A rewritten cell does not parse ({e}); the cell was:\n{original}") from None


def wrap_raises(source):
    """try/except around a cell that raises on purpose: the error is printed and Run all goes on."""
    wrapped = f"try:\n{indent(source)}\n{EXCEPT_LINE}\n    print(f\"{{type(e).__name__}}: {{e}}\")"
    check_parses(source, wrapped)
    if dump(ast.parse(wrapped).body[0].body) != dump(ast.parse(source).body):
        raise ColabError(f"Wrapping a raises-exception cell in try/except changed its code:\n{source}")
    return wrapped


def wrap_solution(source):
    """A solution's code as a Colab form cell whose body runs only when the reader ticks show_solution."""
    wrapped = (f"#@title {SOLUTION_TITLE}\n"
               "# Run all skips this cell: tick show_solution (or set it to True), then run the cell.\n"
               f"{SOLUTION_SWITCH}\nif show_solution:\n{indent(source)}")
    check_parses(source, wrapped)
    if dump(ast.parse(wrapped).body[1].body) != dump(ast.parse(source).body):
        raise ColabError(f"Folding a solution cell changed its code:\n{source}")
    return wrapped


def folded_title(cell):
    """The website's label for a folded cell ("Show the answer key ..."), as a Colab form title."""
    prompt = cell.metadata.get("mystnb", {}).get("code_prompt_show", "")
    if not prompt.startswith("Show "):
        return HIDDEN_TITLE
    what = prompt[len("Show "):]
    return what[0].upper() + what[1:] + ": double-click to read it"


# --- one chapter --------------------------------------------------------------------------------------------

def note_cell(site, chapter):
    config = site.config
    docname = os.path.splitext(chapter)[0]
    source = colab_links.blob_url(config, chapter)
    if site.language:
        return nbformat.v4.new_markdown_cell(colab_zh.note(chapter, source, site.url(docname),
                                                           page_url(config, docname)))
    return nbformat.v4.new_markdown_cell(
        "> **The Colab edition of a chapter of *microgpt, the book*.** "
        f"It is generated from [`{chapter}`]({source}) by `tools/colab.py`: to change it, edit the chapter, "
        f"not this file. The chapter on the website: <{page_url(config, docname)}>.\n>\n"
        "> Choose *Runtime → Run all*. The first code cell brings in the code of earlier chapters, and the "
        "names are downloaded the first time. Solutions stay folded and do not run until you ask.")


def render_chapter(chapter, site=None, glue=None, root=ROOT, language=None):
    """The Colab notebook of the chapter at `chapter` (like 'book/06_gpt.ipynb'), as a NotebookNode.
    glue(chapter, key, fmt_spec, role) -> text supplies glued values (by default: the build's); `language`
    zh_CN: the Chinese edition (its Site must be made with the same language)."""
    site = site or Site(root, language)
    if site.language != language:
        raise ValueError(f"render_chapter({chapter!r}, language={language!r}) got a Site for {site.language!r}")
    translate = colab_zh.Translator(chapter, root) if language else None
    markdown = Markdown(chapter, site, glue or Glue(chapter), translate)
    cells = [note_cell(site, chapter)]
    for cell in nbformat.read(os.path.join(root, chapter), as_version=4).cells:
        if cell.cell_type == "markdown":
            cells += markdown_cells(markdown.render(cell.source))
        elif cell.cell_type == "code" and not is_glue_cell(cell):  # glue cells: their numbers are in the prose
            cells += colab_code_cells(cell, markdown)
    if markdown.in_solution:
        raise ColabError(f"{chapter} opens a solution ({{solution-start}}) that it never closes ({{solution-end}}).")
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number:03d}"
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "colab": {"name": os.path.basename(chapter), "provenance": [], "toc_visible": True},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    nbformat.validate(nb)
    return nb


def markdown_cells(text):
    return [nbformat.v4.new_markdown_cell(text.strip("\n"))] if text.strip() else []


def colab_code_cells(cell, markdown):
    """What one code cell of the chapter becomes: the setup, a solution, a folded cell or a plain one (a
    solution's Markdown so far before it, a figure's caption after it)."""
    code = strip_directives(cell.source)
    if is_setup(cell):
        code = without_glue_shim(code)
        return [form_cell(SETUP_TITLE, code)] if code.strip() else []
    if "raises-exception" in tags(cell):
        code = wrap_raises(code)
    if markdown.in_solution:
        out = markdown_cells(markdown.close_solution_part() or "") + [form_cell(None, wrap_solution(code))]
    elif {"hide-input", "remove-input"} & set(tags(cell)):
        out = [form_cell(folded_title(cell), code)]
    else:
        out = [nbformat.v4.new_code_cell(code)]
    figure = cell.metadata.get("mystnb", {}).get("figure", {})
    if figure.get("caption"):
        caption = markdown.inline(markdown.optional(figure["caption"]))
        out += markdown_cells(blockquote(markdown.word("Figure"), caption))
    return out


def form_cell(title, code):
    """A Colab form cell: its code folded under its `#@title` line (a title of None: the code has one)."""
    cell = nbformat.v4.new_code_cell(code if title is None else f"#@title {title}\n{code}")
    cell.metadata["cellView"] = "form"
    return cell


MEASURED_SLOT = "@@measured-value@@"  # never written in a chapter
MEASURED_VALUE = r"[^\"\\\n<>|*`]{1,40}?"  # what may stand in its place: a short value on one line
ANY_VALUE = r"(?:[^\n\\]|\\[^n])*?"  # without a build, any glued value: anything on one line of the file


def measured_placeholder(real, root=ROOT):
    """A glue lookup that puts a placeholder where a value declared measured=True goes (--check, the tests)."""
    declared = {}

    def glue(chapter, key, fmt_spec, role):
        if chapter not in declared:
            declared[chapter] = glued.declared_measured(os.path.join(root, chapter))
        return MEASURED_SLOT if declared[chapter](key) else real(chapter, key, fmt_spec, role)
    return glue


def any_value(chapter, key, fmt_spec, role):
    """Without a (current) build, every glued value is a placeholder."""
    return MEASURED_SLOT


def text_of(nb):
    return nbformat.writes(nb) + "\n"


def matches(expected, committed, value=MEASURED_VALUE):
    """The committed text equals the expected one, up to the values at MEASURED_SLOT in expected."""
    pattern = value.join(re.escape(part) for part in expected.split(MEASURED_SLOT))
    return re.fullmatch(pattern, committed, re.S) is not None


def chapters(root=ROOT):
    return colab_links.chapter_notebooks(root)


def generate(root=ROOT, build=None):
    """{path of the Colab notebook: its text} for every chapter, in English and in Chinese; measured values as
    the build measured them. Everything is made before anything is written."""
    out = {}
    for language in LANGUAGES:
        site = Site(root, language)
        for chapter in chapters(root):
            check_build_is_current(chapter, build, root)
            nb = render_chapter(chapter, site, Glue(chapter, build), root, language)
            out[rendition_path(chapter, language)] = text_of(nb)
    return out


def folders(root=ROOT):
    """The folders of the editions: colab/ and colab/zh/."""
    return [os.path.dirname(rendition_path("book/x.ipynb", language)) for language in LANGUAGES]


def strays(root, expected):
    """Notebooks in the editions' folders that belong to no chapter (a folder of an edition is no stray)."""
    found = []
    for folder in folders(root):
        full = os.path.join(root, folder)
        for name in sorted(os.listdir(full)) if os.path.isdir(full) else []:
            path = f"{folder}/{name}"
            if path not in expected and path not in folders(root):
                found.append(path)
    return found


def build_is_current(chapter, build=None, root=ROOT):
    try:
        check_build_is_current(chapter, build, root)
        return True
    except ColabError:
        return False


def check(root=ROOT, build=None):
    """None if every committed Colab notebook is what generate() would write, else one sentence naming the
    first stale file. Where the build ran the chapter as it is now, its numbers are compared (measured ones
    aside); without such a build (a fresh clone, or a chapter edited since), every glued number is a
    placeholder and the rest (prose, code, folds) is compared."""
    expected = set()
    for language in LANGUAGES:
        site = Site(root, language)
        for chapter in chapters(root):
            path = rendition_path(chapter, language)
            expected.add(path)
            full = os.path.join(root, path)
            if not os.path.isfile(full):
                return f"{path} is missing: run `make colab` (after `make book`)."
            if build_is_current(chapter, build, root):
                glue, value = measured_placeholder(Glue(chapter, build), root), MEASURED_VALUE
            else:
                glue, value = any_value, ANY_VALUE
            text = text_of(render_chapter(chapter, site, glue, root, language))
            if not matches(text, open(full, encoding="utf-8").read(), value):
                source = f"{chapter} (or its translation)" if language else chapter
                return (f"{path} is out of date (or was edited by hand): edit {source} instead, then run "
                        f"`make colab` (after `make book`).")
    for path in strays(root, expected):
        return f"{path} belongs to no chapter of _toc.yml: delete it (`make colab` does)."
    return None


def main(argv):
    try:
        if "--check" in argv:
            problem = check()
            if problem:
                print(problem)
                return 1
            return 0
        files = generate()
        for folder in folders():
            os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
        for path in strays(ROOT, files):
            os.remove(os.path.join(ROOT, path))
            print(f"removed {path}")
        for path, text in files.items():
            full = os.path.join(ROOT, path)
            if not os.path.isfile(full) or open(full, encoding="utf-8").read() != text:
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)
                print(f"wrote {path}")
        return 0
    except (ColabError, colab_zh.TranslationError) as e:
        print(e)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
