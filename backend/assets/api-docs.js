// The API reference page's script (served at /api/v1/docs.js, no other file): a filter over the
// operations and a "try it" form under each, which sends the request from this page, with its
// session cookie, and shows the status, the X-Request-Id and the body of the answer.
"use strict";

(function () {
  const filter = document.getElementById("filter");
  const ops = Array.from(document.querySelectorAll("details.op"));
  if (filter) {
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      for (const op of ops) {
        const text = op.querySelector("summary").textContent.toLowerCase() + " " +
          (op.closest("section").id || "");
        op.hidden = !words.every((w) => text.includes(w));
      }
    });
  }

  function element(tag, attrs, text) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function form(op) {
    const box = op.querySelector(".try");
    if (!box || box.dataset.built) return;
    box.dataset.built = "1";
    const method = op.dataset.method.toUpperCase();
    const path = op.dataset.path;
    const media = box.dataset.body;
    box.appendChild(element("h4", {}, "Try it"));
    const params = {};
    for (const m of path.matchAll(/\{(\w+)\}/g)) {
      const label = element("label", {}, m[1] + " ");
      const input = element("input", { type: "text", name: m[1], required: "" });
      label.appendChild(input);
      box.appendChild(label);
      params[m[1]] = input;
    }
    const qLabel = element("label", {}, "query (e.g. from=2026-11-02&to=2026-11-06) ");
    const query = element("input", { type: "text", name: "query" });
    qLabel.appendChild(query);
    box.appendChild(qLabel);
    let body = null;
    if (media === "application/json") {
      const label = element("label", {}, "JSON body");
      body = element("textarea", { name: "body", spellcheck: "false" });
      body.value = "{}";
      label.appendChild(element("br"));
      label.appendChild(body);
      box.appendChild(label);
    } else if (media === "multipart/form-data") {
      const label = element("label", {}, "file ");
      body = element("input", { type: "file", name: "file" });
      label.appendChild(body);
      box.appendChild(label);
    }
    const send = element("button", { type: "button" }, "Send " + method);
    const out = element("pre", { "aria-live": "polite" });
    box.appendChild(send);
    box.appendChild(out);
    send.addEventListener("click", async () => {
      let url = path;
      for (const [name, input] of Object.entries(params)) {
        url = url.replace("{" + name + "}", encodeURIComponent(input.value.trim()));
      }
      if (query.value.trim()) url += "?" + query.value.trim().replace(/^\?/, "");
      const init = { method, credentials: "same-origin", headers: {} };
      if (media === "application/json") {
        init.headers["Content-Type"] = "application/json";
        init.body = body.value;
      } else if (media === "multipart/form-data" && body.files.length) {
        const data = new FormData();
        data.append("file", body.files[0]);
        init.body = data;
      }
      out.textContent = method + " " + url + " …";
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON */ }
        out.textContent = res.status + " " + res.statusText + "\nX-Request-Id: " +
          (res.headers.get("X-Request-Id") || "") + "\nContent-Type: " +
          (res.headers.get("Content-Type") || "") + "\n\n" + shown;
      } catch (e) {
        out.textContent = "The request failed: " + e;
      }
    });
  }

  for (const op of ops) {
    op.addEventListener("toggle", () => { if (op.open) form(op); });
  }
})();
