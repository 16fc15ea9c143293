// Cell outputs wrap long lines (minigluon-outputs.css). A block whose widest line is only a
// little too wide for the box (a summary table of 100 columns in a box of 92) keeps one line
// per row, at the font size that fits it, down to MIN_SCALE; anything wider stays wrapped.
(function () {
  "use strict";
  const MIN_SCALE = 0.8;

  function fit(output) {
    const pre = output.querySelector("pre");
    if (!pre) return;
    output.classList.remove("mg-fit");
    pre.style.fontSize = "";
    output.classList.add("mg-fit"); // measure the unwrapped width
    const width = pre.clientWidth, needed = pre.scrollWidth;
    if (needed <= width) {
      output.classList.remove("mg-fit"); // fits anyway: wrapping changes nothing
      return;
    }
    // glyph widths do not scale exactly with the font size: step down until it fits
    const size = parseFloat(getComputedStyle(pre).fontSize);
    for (let scale = Math.floor((width / needed) * 100) / 100; scale >= MIN_SCALE;
         scale -= 0.01) {
      pre.style.fontSize = (size * scale).toFixed(2) + "px";
      if (pre.scrollWidth <= pre.clientWidth) return;
    }
    output.classList.remove("mg-fit"); // too wide: wrap rather than cut off
    pre.style.fontSize = "";
  }

  function fitAll() {
    document.querySelectorAll(".cell_output .output").forEach(fit);
  }

  // a block in a closed <details> (a full traceback) has no width until opened
  document.addEventListener("toggle", (event) => {
    event.target.querySelectorAll(".cell_output .output, .output").forEach(fit);
  }, true);

  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(fitAll, 150);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitAll);
  } else {
    fitAll();
  }
})();
