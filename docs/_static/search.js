/*
 * minigluon docs: the search box and the search page answer with minigluon's own search (typos,
 * split and joined names, synonyms, pasted error messages, exact names first), however the site
 * is opened: from disk (file://), from a static host or from `nox -s serve`. The engine
 * (_static/search-engine.js, the ranking of search/query.py) runs here on the index the docs
 * build exported (_static/search-data.js, loaded on first use). If that file is missing, the
 * served site's search API answers instead, and without either Sphinx's own search is left alone.
 *
 * - the sidebar search box shows results as you type (Enter still opens the search page);
 * - the search page shows our results in place of Sphinx's;
 * - each result shows how closely it matches; a query with no close match says so.
 * Result text is only ever inserted with textContent, never as HTML.
 */
(() => {
  "use strict";

  const API = "/api/search";
  const DATA = "_static/search-data.js";
  const DATA_GLOBAL = "MINIGLUON_SEARCH_DATA";
  const SAFE_URL = /^[A-Za-z0-9_\-./#%]+$/; // relative links into the built site only
  let backend = null; // Promise<(q, limit) => response | null>, chosen once per page

  function loadEngine() {
    const Engine = window.MinigluonSearchEngine && window.MinigluonSearchEngine.Engine;
    if (!Engine) return Promise.resolve(null);
    return new Promise((resolve) => {
      const ready = () => {
        try {
          const engine = new Engine(window[DATA_GLOBAL]);
          resolve((q, limit) => engine.search(q, limit));
        } catch (err) {
          resolve(null);
        }
      };
      if (window[DATA_GLOBAL]) return ready();
      const script = document.createElement("script"); // a <script> loads from file:// too
      script.src = contentRoot() + DATA;
      script.onload = () => (window[DATA_GLOBAL] ? ready() : resolve(null));
      script.onerror = () => resolve(null);
      document.head.append(script);
    });
  }

  async function apiBackend() {
    if (!/^https?:$/.test(window.location.protocol)) return null;
    try {
      const r = await fetch(`${API}?q=&limit=1`, { headers: { Accept: "application/json" } });
      const json = r.ok && (r.headers.get("Content-Type") || "").includes("application/json");
      if (!json) return null;
    } catch (err) {
      return null;
    }
    return async (q, limit) => {
      const r = await fetch(`${API}?q=${encodeURIComponent(q)}&limit=${limit}`, {
        headers: { Accept: "application/json" },
      });
      if (!r.ok) throw new Error(`search API answered ${r.status}`);
      return r.json();
    };
  }

  function chooseBackend() {
    if (backend === null) {
      backend = loadEngine().then((local) => local || apiBackend());
    }
    return backend;
  }

  async function search(q, limit) {
    const run = await chooseBackend();
    if (!run) throw new Error("no search backend");
    return run(q, limit);
  }

  function contentRoot() {
    return document.documentElement.dataset.content_root || "";
  }

  function link(url) {
    return typeof url === "string" && SAFE_URL.test(url) && !url.startsWith("//")
      ? contentRoot() + url
      : null;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function resultNode(result, tag) {
    const item = el(tag, "mg-search-result");
    const anchor = el("a", "mg-search-link");
    const target = link(result.url);
    if (target) anchor.href = target;
    anchor.append(el("span", "mg-search-kind", result.kind), el("span", "mg-search-name", result.name));
    if (typeof result.confidence === "number") {
      const match = el("span", "mg-search-match", `${Math.round(result.confidence * 100)}% match`);
      match.title = "how closely this result matches the query";
      anchor.append(match);
    }
    item.append(anchor);
    if (result.signature) item.append(el("code", "mg-search-signature", result.signature));
    if (result.summary) item.append(el("span", "mg-search-summary", result.summary));
    if (result.source === "page" && result.path && result.path !== result.name) {
      item.append(el("span", "mg-search-path", result.path));
    }
    return item;
  }

  function noCloseMatch(q) {
    const shown = q.length > 60 ? `${q.slice(0, 59)}…` : q;
    return el("p", "mg-search-weak", `No close match for “${shown}”; nearest:`);
  }

  function didYouMean(suggestion, onPick) {
    const p = el("p", "mg-search-dym", "Did you mean ");
    const a = el("a", null, suggestion);
    a.href = `${contentRoot()}search.html?q=${encodeURIComponent(suggestion)}`;
    if (onPick) {
      a.addEventListener("mousedown", (event) => {
        event.preventDefault();
        onPick(suggestion);
      });
    }
    p.append(a, document.createTextNode("?"));
    return p;
  }

  // -- the sidebar search box: results while typing ------------------------------------------

  function attachDropdown(input) {
    const box = el("div", "mg-search-dropdown");
    box.setAttribute("role", "listbox");
    box.hidden = true;
    input.setAttribute("autocomplete", "off");
    input.form.classList.add("mg-search-form");
    input.form.append(box);
    let timer = null;
    let requestId = 0;
    let active = -1;

    const items = () => Array.from(box.querySelectorAll(".mg-search-result"));
    const highlight = (i) => {
      items().forEach((node, j) => node.classList.toggle("mg-active", j === i));
      active = i;
    };
    const hide = () => {
      box.hidden = true;
      active = -1;
    };

    async function update() {
      const q = input.value.trim();
      const id = ++requestId;
      if (!q) return hide();
      let data;
      try {
        data = await search(q, 8);
      } catch (err) {
        return hide(); // the form still submits to Sphinx's search page
      }
      if (id !== requestId) return; // a newer keystroke won
      box.replaceChildren();
      if (data.did_you_mean) {
        box.append(didYouMean(data.did_you_mean, (s) => {
          input.value = s;
          update();
        }));
      }
      if (data.weak && data.results.length) box.append(noCloseMatch(q));
      const list = el("ul", "mg-search-list");
      data.results.forEach((r) => list.append(resultNode(r, "li")));
      if (!data.results.length) list.append(el("li", "mg-search-empty", "No results"));
      box.append(list);
      box.hidden = false;
      active = -1;
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 120);
    });
    input.addEventListener("focus", () => {
      if (input.value.trim() && box.childElementCount) box.hidden = false;
    });
    input.addEventListener("blur", () => setTimeout(hide, 150));
    input.addEventListener("keydown", (event) => {
      const n = items().length;
      if (event.key === "ArrowDown" && n) {
        event.preventDefault();
        highlight((active + 1) % n);
      } else if (event.key === "ArrowUp" && n) {
        event.preventDefault();
        highlight((active - 1 + n) % n);
      } else if (event.key === "Escape") {
        hide();
      } else if (event.key === "Enter" && active >= 0) {
        const a = items()[active].querySelector("a[href]");
        if (a) {
          event.preventDefault();
          window.location.href = a.href;
        }
      }
    });
  }

  // -- the search page: our results in place of Sphinx's ------------------------------------

  async function replaceSearchPage() {
    const sphinxResults = document.getElementById("search-results");
    const q = new URLSearchParams(window.location.search).get("q");
    if (!sphinxResults || !q) return;
    let data;
    try {
      data = await search(q, 50);
    } catch (err) {
      return; // keep Sphinx's results
    }
    if (!data.results.length) return; // Sphinx may still find something
    const section = el("section", "mg-search-page");
    section.id = "mg-search-results";
    section.append(el("h2", null, "Search results"));
    if (data.did_you_mean) section.append(didYouMean(data.did_you_mean));
    section.append(el("p", "mg-search-count", `${data.results.length} results for “${q}”`));
    if (data.weak) section.append(noCloseMatch(q));
    const list = el("ol", "mg-search-list");
    data.results.forEach((r) => list.append(resultNode(r, "li")));
    section.append(list);
    sphinxResults.before(section);
    sphinxResults.hidden = true;
  }

  function init() {
    // The index loads on first use (focus or typing), not with every page; until it has
    // loaded, or if it cannot, the form still submits to Sphinx's search page.
    document.querySelectorAll("input.sidebar-search").forEach((input) => {
      if (!input.form) return;
      attachDropdown(input);
      input.addEventListener("focus", chooseBackend, { once: true });
    });
    replaceSearchPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
