/*
 * minigluon docs: zoom and pan on the network diagrams (figures with the class "mg-zoom").
 * The wheel zooms around the pointer, dragging pans, the buttons zoom in, out and back to the
 * page's size (so does a double click); with the diagram focused, + - 0 and the arrow keys do
 * the same. The image is drawn at its zoomed width rather than scaled with a transform, so an
 * SVG stays sharp at every size. No network and no library: it works opened from file://.
 */
(() => {
  "use strict";

  const MIN = 1;
  const STEP = 1.25;

  // the offset of a picture `room` px smaller (room > 0) or larger (room < 0) than its box
  function clamp(offset, room) {
    return room >= 0 ? room / 2 : Math.min(0, Math.max(room, offset));
  }

  function attach(figure) {
    const img = figure.querySelector("img");
    if (!img || img.closest(".mg-zoom-viewport")) return;

    const viewport = document.createElement("div");
    viewport.className = "mg-zoom-viewport";
    viewport.tabIndex = 0;
    viewport.setAttribute("role", "img");
    viewport.setAttribute("aria-label", (img.getAttribute("alt") || "diagram") +
      " (zoomable: wheel or + and - to zoom, drag or arrow keys to pan, 0 to reset)");
    img.parentNode.insertBefore(viewport, img);
    viewport.appendChild(img);

    const bar = document.createElement("div");
    bar.className = "mg-zoom-bar";
    const button = (text, title, onClick) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "mg-zoom-button";
      b.textContent = text;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.addEventListener("click", onClick);
      bar.appendChild(b);
      return b;
    };
    const hint = document.createElement("span");
    hint.className = "mg-zoom-hint";
    hint.textContent = "wheel: zoom, drag: pan";
    viewport.parentNode.insertBefore(bar, viewport);

    let scale = 1;
    let x = 0;
    let y = 0;
    let baseWidth = 0; // the image's width on the page at scale 1, measured when zooming starts

    function apply() {
      if (scale === 1) {
        x = 0;
        y = 0;
        img.style.width = "";
        img.style.maxWidth = "";
        img.style.maxHeight = "";
        img.style.transform = "";
        viewport.style.height = "";
        viewport.classList.remove("mg-zoomed");
      } else {
        // keep the viewport at its unzoomed height while the image grows inside it
        if (!viewport.style.height) viewport.style.height = viewport.clientHeight + "px";
        img.style.maxWidth = "none";
        img.style.maxHeight = "none";
        img.style.width = baseWidth * scale + "px";
        const w = baseWidth * scale;
        const h = (img.naturalHeight / (img.naturalWidth || 1)) * w;
        // a picture smaller than the viewport stays centred, a larger one covers it
        x = clamp(x, viewport.clientWidth - w);
        y = clamp(y, viewport.clientHeight - h);
        img.style.transform = `translate(${x}px, ${y}px)`;
        viewport.classList.add("mg-zoomed");
      }
      viewport.dataset.scale = scale.toFixed(3);
      reset.disabled = scale === 1;
    }

    // zoom by `factor` keeping the point (px, py) of the viewport where it is
    function zoom(factor, px, py) {
      if (scale === 1) baseWidth = img.getBoundingClientRect().width || img.naturalWidth;
      // up to 3x the drawing's own size (12x at least): a tall graph shrunk to fit can be read
      const max = Math.max(12, (3 * img.naturalWidth) / (baseWidth || 1));
      const next = Math.min(max, Math.max(MIN, scale * factor));
      if (next === scale) return;
      if (px === undefined) {
        px = viewport.clientWidth / 2;
        py = viewport.clientHeight / 2;
      }
      if (scale === 1) {
        x = img.offsetLeft; // where the centred picture is now
        y = img.offsetTop;
      }
      x = px - ((px - x) * next) / scale;
      y = py - ((py - y) * next) / scale;
      scale = next;
      apply();
    }

    function resetView() {
      scale = 1;
      apply();
    }

    button("+", "Zoom in", () => zoom(STEP));
    button("\u2212", "Zoom out", () => zoom(1 / STEP));
    const reset = button("Reset", "Back to the page's size", resetView);
    bar.appendChild(hint);
    reset.disabled = true;

    viewport.addEventListener("wheel", (event) => {
      event.preventDefault();
      const r = viewport.getBoundingClientRect();
      const amount = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
      zoom(Math.exp(-amount / 300), event.clientX - r.left, event.clientY - r.top);
    }, { passive: false });

    let drag = null;
    viewport.addEventListener("pointerdown", (event) => {
      if (scale === 1 || event.button !== 0) return;
      drag = { id: event.pointerId, sx: event.clientX, sy: event.clientY, x, y };
      viewport.setPointerCapture(event.pointerId);
      viewport.classList.add("mg-dragging");
      event.preventDefault();
    });
    viewport.addEventListener("pointermove", (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      x = drag.x + event.clientX - drag.sx;
      y = drag.y + event.clientY - drag.sy;
      apply();
    });
    const endDrag = (event) => {
      if (!drag || event.pointerId !== drag.id) return;
      drag = null;
      viewport.classList.remove("mg-dragging");
    };
    viewport.addEventListener("pointerup", endDrag);
    viewport.addEventListener("pointercancel", endDrag);
    viewport.addEventListener("dblclick", resetView);
    img.addEventListener("dragstart", (event) => event.preventDefault());

    viewport.addEventListener("keydown", (event) => {
      const pan = 40;
      const keys = {
        "+": () => zoom(STEP), "=": () => zoom(STEP), "-": () => zoom(1 / STEP),
        "0": resetView,
        ArrowLeft: () => { x += pan; apply(); }, ArrowRight: () => { x -= pan; apply(); },
        ArrowUp: () => { y += pan; apply(); }, ArrowDown: () => { y -= pan; apply(); },
      };
      if (!keys[event.key] || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key.startsWith("Arrow") && scale === 1) return; // let the page scroll
      event.preventDefault();
      keys[event.key]();
    });

    const fit = () => {
      viewport.classList.toggle("mg-zoom-tall", img.naturalHeight > 1.25 * window.innerHeight);
    };
    if (img.complete) fit();
    else img.addEventListener("load", fit);

    window.addEventListener("resize", () => {
      fit();
      const s = scale;
      resetView();
      if (s !== 1) zoom(s);
    });
    apply();
  }

  function init() {
    document.querySelectorAll("figure.mg-zoom, .mg-zoom figure").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
