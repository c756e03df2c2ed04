// live-i18n.js: the words of "Run live" and of the playground in the page's language. live.js and
// playground.js write English; every text they show goes through window.liveText(text), which returns it as it
// is on an English page and, on a page of the Chinese edition (<html lang="zh-CN">, tools/i18n.py), rewrites
// it by the first rule below that matches it whole. A text no rule matches stays English (a name, a number,
// a Python error). Loaded before live.js and playground.js (tools/live.py).
(function () {
  "use strict";
  const t = (text) => window.liveText(text);
  const ZH = [
    // the chapter's bar and its cells (live.js)
    [/^Run live$/, "在线运行"],
    [/^Live: on$/, "在线运行：开"],
    [/^Switch live mode off \(restores the page as it was built\)$/, "关闭在线运行（恢复构建时的页面）"],
    [/^Run all$/, "全部运行"],
    [/^Stop$/, "停止"],
    [/^Run$/, "运行"],
    [/^Reset$/, "还原"],
    [/^Edit and run this chapter's code here, in your browser: real Python, nothing to install\.$/,
     "在浏览器里直接编辑、运行本章的代码：真正的Python，无须安装任何东西。"],
    [/^Live mode is off: the page shows the outputs of the build again\.$/, "在线运行已关闭：页面重新显示构建时的输出。"],
    [/^(Stopped; Python restarted\. |Back on this page: Python restarted\. )(.+)$/s,
     (_, before, rest) => t(before.trim()) + t(rest)],
    [/^Stopped; Python restarted\.$/, "已停止；Python已重启。"],
    [/^Back on this page: Python restarted\.$/, "回到本页：Python已重启。"],
    [/^Starting Python \(Pyodide, in this tab\)…$/, "正在本标签页中启动Python（Pyodide）……"],
    [/^Python is up \((.+)\)\. Running the setup cell…$/, "Python已启动（用时$1）。正在运行准备单元格……"],
    [/^This chapter runs on (.+): loading it from the Pyodide CDN \(needs the internet\)…$/,
     "本章需要$1：正在从Pyodide CDN加载（需要联网）……"],
    [/^Ready \(Pyodide (.+), started in (.+)\)\. Run a cell \(Shift\+Enter\): the cells above it run first\.$/,
     "就绪（Pyodide $1，启动用时$2）。运行一个单元格（Shift+Enter）时，它上面的单元格会先运行。"],
    [/^Live mode could not start: (.*)$/s, "在线运行无法启动：$1"],
    [/^Live mode is not available for this page \((.*)\)\.$/s, "本页不能在线运行（$1）。"],
    [/^A cell is still running: wait for it, or press Stop\.$/, "还有单元格在运行：请等它结束，或点击“停止”。"],
    [/^Cell (\d+): (.*)\.$/s, (_, n, what) => `单元格${n}：${t(what)}。`],
    [/^Live mode: (.*)$/s, "在线运行：$1"],
    [/^Back to the book's code$/, "恢复书中的代码"],
    [/^Reset cell (\d+) to the book's code$/, "把单元格$1恢复为书中的代码"],
    [/^(Run|Stop) cell (\d+)$/, (_, verb, n) => `${verb === "Run" ? "运行" : "停止"}单元格${n}`],
    [/^Shift\+Enter runs, Tab indents, Esc leaves the cell \(then Tab moves on\)$/,
     "Shift+Enter运行，Tab缩进，Esc离开单元格（再按Tab移到下一处）"],
    [/^uses (.+)$/, "使用$1"],
    [/^not run$/, "未运行"],
    [/^not run, cell (\d+) above it stopped with an error$/, "未运行：上面的单元格$1出错停止了"],
    [/^Not run: cell (\d+) above it stopped with an error\.$/, "未运行：上面的单元格$1出错停止了。"],
    [/^edited since the error: runs again before the cells below$/, "出错后已修改：运行下面的单元格前会先重新运行"],
    [/^running…(.*)$/, (_, rest) => "运行中……" + rest.replace(/, step (\d+) \/ (\d+)/, "，第$1/$2步")],
    [/^ran in (.+)$/, "运行用时$1"],
    [/^needs (.+)$/, "需要$1"],
    [/^loading (.+)…$/, "正在加载$1……"],
    [/^Loading (.+)…$/, "正在加载$1……"],
    [/^failed: could not load (.+)$/, "失败：无法加载$1"],
    [/^stopped$/, "已停止"],
    [/^raised, as it should \((.+)\)$/, "按预期抛出异常（$1）"],
    [/^error \((.+)\)$/, "出错（$1）"],
    [/^This cell needs (.+), which the live runtime does not include: (what it shows below is the build's output\.|it stopped there\.) $/,
     (_, name, rest) => `这个单元格需要${name}，在线运行环境不包含它：` +
       (rest.startsWith("what") ? "下面显示的是构建时的输出。" : "运行停在了这里。")],
    [/^Load (.+) from the Pyodide CDN \(needs the internet\) and run again$/, "从Pyodide CDN加载$1（需要联网）并重新运行"],
    [/^Stopped\. Python was restarted, so what the cells above computed is gone: the setup cell runs again now, and the cells above run again when you run this one\.$/,
     "已停止。Python已重启，上面的单元格算出的结果都没有了：准备单元格现在会重新运行，运行本单元格时上面的单元格也会重新运行。"],
    // the playground (playground.js)
    [/^Train$/, "训练"],
    [/^New draws$/, "重新抽样"],
    [/^Look inside$/, "看看内部"],
    [/^steps$/, "步数"],
    [/^seed$/, "随机种子"],
    [/^learning rate$/, "学习率"],
    [/^temperature$/, "温度"],
    [/^a name$/, "一个名字"],
    [/^Python \(Pyodide\) starts in this tab when you reach for these controls\. The defaults are the original run's: press Train\.$/,
     "当你开始使用这些控件时，Python（Pyodide）会在本标签页中启动。默认值就是原版运行的设置：点击“训练”。"],
    [/^Train first \(or stop a training run\): the names come from that model\.$/,
     "先训练（或停止一次训练）：名字来自那个模型。"],
    [/^Starting Python \(Pyodide\) in this tab…$/, "正在本标签页中启动Python（Pyodide）……"],
    [/^Python (\S+) is ready \(started in (.+)\)\. The defaults are the original run's: press Train\.$/,
     "Python $1已就绪（启动用时$2）。默认值就是原版运行的设置：点击“训练”。"],
    [/^Python could not start: (.*)$/s, "Python无法启动：$1"],
    [/^Python ended when you left this page: it starts again when you reach for the controls, and the model must be trained again\.$/,
     "你离开本页时Python已结束：再使用这些控件时它会重新启动，模型需要重新训练。"],
    [/^Steps must be at least 1, the seed a whole number and the learning rate above 0\.$/,
     "步数至少为1，随机种子须为整数，学习率须大于0。"],
    [/^Waiting for Python to start…$/, "正在等待Python启动……"],
    [/^Training…$/, "训练中……"],
    [/^Trained (\d+) steps in (.+) s \((\d+) ms per step\), final loss (.+)\.$/,
     "训练了$1步，用时$2秒（每步$3毫秒），最终损失$4。"],
    [/^Training failed: (.*)$/s, "训练失败：$1"],
    [/^Stopped after (\d+) steps\. Python restarted; it takes over the weights after (\d+) steps…$/,
     "在第$1步后停止。Python已重启，正在接管第$2步后的权重……"],
    [/^Stopped after (\d+) steps\. Python restarted\.$/, "在第$1步后停止。Python已重启。"],
    [/^Stopped after (\d+) steps\. Python restarted with the weights after (\d+) steps: sample from them, or look inside\.$/,
     "在第$1步后停止。Python已重启，并载入第$2步后的权重：可以用它采样，或看看内部。"],
    [/^Could not restore the model: (.*)$/s, "无法恢复模型：$1"],
    [/^step (\d+) \/ (\d+), loss (\S+) · (\d+) ms per step · (.+) s$/, "第$1/$2步，损失$3 · 每步$4毫秒 · $5秒"],
    [/^From the model after (\d+) steps \(seed (\d+)\)\. At temperature 0\.5 the first draws are the ones `python code\/microgpt\.py` prints with these settings\. Move the slider: the same random draws at another temperature\. Names in italics are in the training data\.$/,
     "来自训练了$1步的模型（随机种子$2）。温度为0.5时，前几次抽样就是用这些设置运行`python code/microgpt.py`打印出的名字。" +
     "拖动滑块：同样的随机抽样，换一个温度。斜体的名字在训练数据中出现过。"],
    [/^Sampling failed: (.*)$/s, "采样失败：$1"],
    [/^Look inside failed: (.*)$/s, "查看内部失败：$1"],
    [/^Next-letter probabilities \(the model after (\d+) steps\)$/, "下一个字母的概率（训练了$1步的模型）"],
    [/^Row: the letter the model has just read \(⏎ = the start\/end token\), at each position; column: what it predicts next, darker = likelier \(hover for the number\)\. Outlined: the letter that really comes next\.$/,
     "行：模型在每个位置刚读到的字母（⏎ = 开始/结束词元）；列：它预测的下一个字母，颜色越深可能性越大（悬停可看数值）。" +
     "带框的是真正的下一个字母。"],
    [/^Attention weights$/, "注意力权重"],
    [/^One map per head: row = the position that looks, column = the earlier position it looks at\. Each row sums to 1; later positions are out of reach \(blank\)\.$/,
     "每个头一张图：行 = 发出注意的位置，列 = 它所注意的更早位置。每一行之和为1；更靠后的位置看不到（空白）。"],
    [/^With the keyboard: Tab to a map, then the arrow keys \(and Home, End\) move from cell to cell; each cell says its value\.$/,
     "用键盘：按Tab进入一张图，再用方向键（以及Home、End）在格子间移动；每个格子都会读出它的数值。"],
    [/^layer (\d+), head (\d+)$/, "第$1层，第$2个头"],
    [/^training loss by step$/, "每一步的训练损失"],
  ];
  const rules = (document.documentElement.lang || "").startsWith("zh") ? ZH : [];
  window.liveText = function (text) {
    if (typeof text !== "string") return text;
    for (const [pattern, replacement] of rules) {
      if (pattern.test(text)) return text.replace(pattern, replacement);
    }
    return text;
  };
})();
