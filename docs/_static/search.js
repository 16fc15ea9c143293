/*
 * minigluon docs: search through the local search API when the site is served by
 * `python -m search.server` (`nox -s serve`), which understands typos, split names and
 * synonyms. Opened any other way (file://, a static host) the API is missing and this
 * script leaves Sphinx's own search alone.
 *
 * - the sidebar search box shows results as you type (Enter still opens the search page);
 * - the search page shows the API's results in place of Sphinx's.
 * Result text is only ever inserted with textContent, never as HTML.
 */
(() => {
  "use strict";

  const API = "/api/search";
  const SAFE_URL = /^[A-Za-z0-9_\-./#%]+$/; // relative links into the built site only
  let available = null; // Promise<boolean>, probed once per page

  function apiAvailable() {
    if (!/^https?:$/.test(window.location.protocol)) return Promise.resolve(false);
    if (available === null) {
      available = fetch(`${API}?q=&limit=1`, { headers: { Accept: "application/json" } })
        .then((r) => r.ok && (r.headers.get("Content-Type") || "").includes("application/json"))
        .catch(() => false);
    }
    return available;
  }

  async function search(q, limit) {
    const r = await fetch(`${API}?q=${encodeURIComponent(q)}&limit=${limit}`, {
      headers: { Accept: "application/json" },
    });
    if (!r.ok) throw new Error(`search API answered ${r.status}`);
    return r.json();
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
    item.append(anchor);
    if (result.signature) item.append(el("code", "mg-search-signature", result.signature));
    if (result.summary) item.append(el("span", "mg-search-summary", result.summary));
    if (result.source === "page" && result.path && result.path !== result.name) {
      item.append(el("span", "mg-search-path", result.path));
    }
    return item;
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
    const list = el("ol", "mg-search-list");
    data.results.forEach((r) => list.append(resultNode(r, "li")));
    section.append(list);
    sphinxResults.before(section);
    sphinxResults.hidden = true;
  }

  async function init() {
    if (!(await apiAvailable())) return;
    document.querySelectorAll("input.sidebar-search").forEach((input) => {
      if (input.form) attachDropdown(input);
    });
    replaceSearchPage();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
