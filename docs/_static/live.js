/*
 * minigluon docs: "Edit" and "Run" on every code cell and every `>>>` example, when the site
 * is served by `python -m search.server` (`nox -s serve`) with live code on. The server serves
 * pages only to its owner (who opened the link it printed), and marks them with
 * <meta name="minigluon-live" content="COOKIE">: the name of the XSRF cookie whose value this
 * script sends back in a header with every POST. Opened any other way (file://, a static
 * host) a page has no such tag and this script adds nothing.
 *
 * Each browser tab has its own Jupyter kernel (the tab id lives in sessionStorage), which
 * keeps its state across the cells of a page. Runs go one at a time, in the order asked.
 * Kernel output is only ever inserted as text (textContent), and images only as data: URLs
 * of base64 that looks like base64; never as HTML.
 */
(() => {
  "use strict";

  const meta = document.querySelector('meta[name="minigluon-live"]');
  if (!meta || !/^https?:$/.test(window.location.protocol)) return;
  const XSRF_COOKIE = meta.getAttribute("content") || "";

  /* The XSRF value, read when a request is sent: the cookie may be set after this script. */
  function xsrf() {
    for (const part of document.cookie.split(";")) {
      const eq = part.indexOf("=");
      if (eq > 0 && part.slice(0, eq).trim() === XSRF_COOKIE) return part.slice(eq + 1).trim();
    }
    return "";
  }
  const TAB_KEY = "minigluon-live-tab";
  const TAB_ID = /^[A-Za-z0-9_-]{8,64}$/;
  const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
  let queue = Promise.resolve(); // runs are sent one after another

  function tabId() {
    let id = null;
    try {
      id = window.sessionStorage.getItem(TAB_KEY);
    } catch (err) {
      // storage off: one id for this page view
    }
    if (!id || !TAB_ID.test(id)) {
      const bytes = window.crypto.getRandomValues(new Uint8Array(16));
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      try {
        window.sessionStorage.setItem(TAB_KEY, id);
      } catch (err) {
        // as above
      }
    }
    return id;
  }
  const TAB = tabId();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function button(label, title, onClick) {
    const b = el("button", "mg-live-button", label);
    b.type = "button";
    if (title) b.title = title;
    b.addEventListener("click", onClick);
    return b;
  }

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-XSRFToken": xsrf(),
      },
      body: JSON.stringify(body),
      cache: "no-store",
      credentials: "same-origin",
    });
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      // not JSON: the status says enough
    }
    if (!response.ok) {
      const why = data && typeof data.error === "string" ? data.error : "no details";
      throw new Error(`the server refused (HTTP ${response.status}): ${why}`);
    }
    return data;
  }

  // -- the runnable blocks of the page ----------------------------------------------------------

  /* The code of a `>>>` example without its prompts and expected output: as doctest reads
   * it, a "..." line is code only right after a ">>>" or "..." line. */
  function exampleCode(text) {
    const code = [];
    let inSource = false;
    for (const line of text.split("\n")) {
      if (line === ">>>" || line.startsWith(">>> ")) {
        code.push(line.slice(4));
        inSource = true;
      } else if (inSource && (line === "..." || line.startsWith("... "))) {
        code.push(line.slice(4));
      } else {
        inSource = false;
      }
    }
    return code.join("\n");
  }

  function findBlocks() {
    const blocks = [];
    const selector = "div.cell > div.cell_input, div.doctest, div.highlight-pycon";
    document.querySelectorAll(selector).forEach((node) => {
      if (node.closest(".cell_output") || node.closest(".mg-live-block")) return;
      const pre = node.querySelector("pre");
      if (!pre) return;
      if (node.classList.contains("cell_input")) {
        const cell = node.parentElement;
        blocks.push({
          node,
          source: pre.textContent.replace(/\n$/, ""),
          doctest: false,
          mayRaise: cell.classList.contains("tag_raises-exception"),
          shownOutput: cell.querySelector(":scope > .cell_output"),
        });
      } else {
        const source = exampleCode(pre.textContent);
        if (source.trim()) {
          blocks.push({ node, source, doctest: true, mayRaise: false, shownOutput: null });
        }
      }
    });
    return blocks;
  }

  // -- one block: toolbar, editor, output -----------------------------------------------------

  function attach(block, index, blocks) {
    block.node.classList.add("mg-live-block");
    const label = block.doctest ? `example ${index + 1}` : `cell ${index + 1}`;
    const bar = el("div", "mg-live-bar");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", `Live code, ${label}`);
    const status = el("span", "mg-live-status");
    status.setAttribute("aria-live", "polite");
    const output = el("div", "mg-live-output");
    output.hidden = true;
    block.label = label;
    block.status = status;
    block.output = output;
    block.editor = null;

    const edit = button("Edit", "Edit this code (Shift+Enter in the editor runs it)", () => {
      if (block.editor) {
        block.editor.remove();
        block.editor = null;
        block.node.hidden = false;
        edit.textContent = "Edit";
        edit.title = "Edit this code (Shift+Enter in the editor runs it)";
        edit.focus();
        return;
      }
      const editor = el("textarea", "mg-live-editor");
      editor.value = block.source;
      editor.rows = Math.min(30, block.source.split("\n").length + 1);
      editor.spellcheck = false;
      editor.setAttribute("autocapitalize", "off");
      editor.setAttribute("autocomplete", "off");
      editor.setAttribute("aria-label", `Code of ${label}`);
      editor.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.shiftKey || event.ctrlKey)) {
          event.preventDefault();
          enqueue(() => run(block));
        }
      });
      block.editor = editor;
      block.node.hidden = true;
      block.node.after(editor);
      edit.textContent = "Undo edits";
      edit.title = "Discard the edits and show the original code";
      editor.focus();
    });
    const runOne = button("Run", "Run this code in this tab's kernel", () => {
      block.status.textContent = "Queued…";
      enqueue(() => run(block));
    });
    const runAbove = button("Run all above",
      "Run every earlier block of this page in order, then this one", () => {
        block.status.textContent = "Queued…";
        enqueue(async () => {
          for (const b of blocks.slice(0, index + 1)) {
            if (!(await run(b))) {
              // a later cell would only fail in turn
              if (b !== block) block.status.textContent = `Not run: ${b.label} did not succeed`;
              break;
            }
          }
        });
      });
    bar.append(edit, runOne, runAbove, status);
    block.node.after(bar);
    bar.after(output);
    block.bar = bar;
  }

  function code(block) {
    return block.editor ? block.editor.value : block.source;
  }

  function setBusy(block, text) {
    block.status.textContent = text;
    block.output.setAttribute("aria-busy", "true");
    block.bar.classList.add("mg-live-busy");
  }

  /* Run one block; true if the next block of a "Run all above" may go on. */
  async function run(block) {
    setBusy(block, "Running…");
    let result;
    try {
      result = await post("/api/run", {
        tab: TAB, page: window.location.pathname, code: code(block), doctest: block.doctest,
      });
    } catch (err) {
      show(block, [{ type: "notice", text: `Could not run: ${err.message}` }]);
      block.status.textContent = "Not run";
      return false;
    }
    const items = Array.isArray(result.outputs) ? result.outputs.slice() : [];
    if (result.kernel !== "reused" && block !== firstBlock) {
      items.unshift({
        type: "notice",
        text: "This ran in a new kernel: earlier code of this page has not run in it " +
          "(\"Run all above\" runs it first).",
      });
    }
    show(block, items);
    const seconds = typeof result.elapsed === "number" ? ` in ${result.elapsed.toFixed(2)} s` : "";
    const words = {
      ok: `Done${seconds}`, error: `Error${seconds}`, timeout: "Stopped: time limit",
      "output-cap": "Stopped: output limit", died: "Kernel died", cancelled: "Cancelled",
    };
    block.status.textContent = words[result.status] || String(result.status);
    return result.status === "ok" || (result.status === "error" && block.mayRaise);
  }

  function show(block, items) {
    const output = block.output;
    output.replaceChildren();
    for (const item of items) {
      const node = outputNode(item);
      if (node) output.append(node);
    }
    if (!output.childElementCount) output.append(el("p", "mg-live-empty", "(no output)"));
    output.removeAttribute("aria-busy");
    output.hidden = false;
    block.bar.classList.remove("mg-live-busy");
    if (block.shownOutput) block.shownOutput.hidden = true; // the output of the build
  }

  function outputNode(item) {
    if (!item || typeof item !== "object") return null;
    switch (item.type) {
      case "stream":
        return el("pre", `mg-live-stream mg-live-${item.name === "stderr" ? "stderr" : "stdout"}`,
          item.text);
      case "text":
        return el("pre", "mg-live-text", item.text);
      case "error": {
        const pre = el("pre", "mg-live-error", item.traceback);
        pre.setAttribute("role", "alert");
        return pre;
      }
      case "image": {
        const data = typeof item.data === "string" ? item.data : "";
        if (item.mime !== "image/png" || !BASE64.test(data) || data.length % 4) return null;
        const img = el("img", "mg-live-image");
        img.alt = "Figure drawn by the code";
        img.src = `data:image/png;base64,${data}`;
        return img;
      }
      case "notice":
        return el("p", "mg-live-notice", item.text);
      default:
        return null;
    }
  }

  function enqueue(task) {
    const next = queue.then(task, task);
    queue = next.catch(() => {});
    return next;
  }

  // -- the page: a bar with "Restart kernel" -----------------------------------------------

  function pageBar() {
    const bar = el("div", "mg-live-page");
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", "Live code");
    bar.append(el("span", "mg-live-page-text",
      "Live code: Edit and Run the code of this page in a Jupyter kernel of this tab."));
    const status = el("span", "mg-live-status");
    status.setAttribute("aria-live", "polite");
    const restart = button("Restart kernel",
      "Start this tab's kernel afresh: variables are lost, a running cell is stopped",
      async () => {
        restart.disabled = true;
        status.textContent = "Restarting…";
        try {
          const data = await post("/api/restart", { tab: TAB });
          status.textContent = data.restarted ? "Kernel restarted" : "No kernel was running";
        } catch (err) {
          status.textContent = `Could not restart: ${err.message}`;
        } finally {
          restart.disabled = false;
        }
      });
    bar.append(restart, status);
    const main = document.querySelector("article[role='main']") ||
      document.querySelector("[role='main']") || document.body;
    const title = main.querySelector("h1");
    if (title) title.after(bar);
    else main.prepend(bar);
  }

  let firstBlock = null;

  function init() {
    const blocks = findBlocks();
    if (!blocks.length) return;
    firstBlock = blocks[0];
    blocks.forEach((block, i) => attach(block, i, blocks));
    pageBar();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
