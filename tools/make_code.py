"""make_code.py: `make code`, every file generated from the chapters, all or nothing.

First every generator plans its files and checks its rules, the Colab editions' too (a broken rule or a text
without its Chinese translation stops here, before anything is written); then tangle, the ladder and the
README's Colab links write theirs; then the Colab editions are written if the last build ran every chapter as
it is now (they paste that build's numbers), and otherwise left as they are, with one sentence saying so
(`make book`, then `make colab`).
"""
import os
import sys

import colab
import colab_links
import colab_zh
import ladder
import tangle
from chapter import ROOT, chapter_notebooks, read_notebook


def main():
    try:
        tangle.plan(ROOT)
        paths = [os.path.join(ROOT, chapter) for chapter in chapter_notebooks(ROOT)]
        ladder.check_rules([(path, read_notebook(path)) for path in paths])
        colab_links.markdown_list(ROOT)
        for language in colab.LANGUAGES:  # a role or directive the Colab edition cannot render, a text untranslated
            site = colab.Site(ROOT, language)
            for chapter in colab.chapters(ROOT):
                colab.render_chapter(chapter, site, colab.any_value, ROOT, language)
    except (tangle.TangleError, ladder.LadderError, colab.ColabError, colab_zh.TranslationError) as e:
        print(f"make code: {str(e).rstrip('.')}; nothing was written.", file=sys.stderr)
        return 2
    for path in tangle.tangle(ROOT, write=True) + ladder.ladder(ROOT, write=True):
        print("wrote " + path)
    if colab_links.main(["--write"]) != 0:
        return 1
    stale = [c for c in colab.chapters(ROOT) if not colab.build_is_current(c)]
    if stale:
        print(f"colab/ not regenerated: the last build did not run {stale[0]} as it is now "
              f"(run `make book`, then `make colab`).")
        return 0
    return colab.main([])


if __name__ == "__main__":
    sys.exit(main())
