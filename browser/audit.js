// The accessibility and usability checks run in the page (see browser/audit.py and
// docs/browser-tests.md for the rules and their reasons). Returns every violation found, so one
// run of a journey reports all the problems of a page at once.
(opts) => {
  const out = [];
  const px = (v) => parseFloat(v) || 0;

  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    let d = tag;
    const name = el.getAttribute("name");
    const type = el.getAttribute("type");
    if (name) d += `[name="${name}"]`;
    if (type && tag === "input") d += `[type="${type}"]`;
    const value = el.getAttribute("value");
    if (value && tag === "input" && (type === "radio" || type === "checkbox")) d += `[value="${value}"]`;
    if (el.id && !name) d += `#${el.id}`;
    if (!name && !el.id && el.classList.length) d += "." + [...el.classList].join(".");
    if (tag === "label" && el.htmlFor !== undefined) d += `[for="${el.getAttribute("for")}"]`;
    const text = (el.innerText || el.textContent || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    if (text && ["a", "button", "summary", "label"].includes(tag)) d += ` "${text}"`;
    const form = el.closest("form");
    if (form && form.getAttribute("action")) d += ` in form[action="${form.getAttribute("action")}"]`;
    return d;
  };

  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.display === "none" || s.visibility === "hidden") return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };

  // 1. Every form field has a label: <label for>, a wrapping <label>, aria-label or aria-labelledby.
  //    Fields in a closed <details> are checked too: they are one tap away.
  const fields = document.querySelectorAll("input, select, textarea");
  for (const el of fields) {
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (["hidden", "submit", "button", "reset", "image"].includes(type)) continue;
    const labelled =
      [...(el.labels || [])].some((l) => l.textContent.trim()) ||
      (el.getAttribute("aria-label") || "").trim() ||
      (el.getAttribute("aria-labelledby") || "")
        .split(/\s+/)
        .some((id) => id && document.getElementById(id) && document.getElementById(id).textContent.trim());
    if (!labelled) out.push({ check: "label", element: describe(el), detail: "form field without a label" });
  }
  //    A label pointing at no field labels nothing (e.g. for="" above a group of radio buttons).
  for (const label of document.querySelectorAll("label[for]")) {
    const target = label.getAttribute("for");
    if (!target || !document.getElementById(target)) {
      out.push({ check: "label", element: describe(label), detail: "label[for] points at no field" });
    }
  }

  // 2. Tap targets: the actions a person taps (buttons, submit inputs, a.btn, the big links of
  //    residents' pages, <summary> that opens a form) are at least opts.minTarget CSS px both ways.
  //    Exempt: .small buttons (compact secondary actions by design) and links inside text.
  const targets = document.querySelectorAll(
    "main button, main input[type=submit], main input[type=button], main a.btn, main .big-links a, main summary"
  );
  for (const el of targets) {
    if (el.classList.contains("small") || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width + 0.5 < opts.minTarget || r.height + 0.5 < opts.minTarget) {
      out.push({
        check: "tap-target",
        element: describe(el),
        detail: `${Math.round(r.width)}×${Math.round(r.height)} px, needs ${opts.minTarget}×${opts.minTarget}`,
      });
    }
  }

  //    Radio buttons and checkboxes: the control with its label is what one taps, so the larger
  //    of the two must reach the size (a bare 13 px box with no label never does).
  for (const el of document.querySelectorAll("main input[type=radio], main input[type=checkbox]")) {
    if (!visible(el)) continue;
    const boxes = [el, ...(el.labels || [])].filter(visible).map((x) => x.getBoundingClientRect());
    const w = Math.max(...boxes.map((r) => r.width));
    const h = Math.max(...boxes.map((r) => r.height));
    if (w + 0.5 < opts.minTarget || h + 0.5 < opts.minTarget) {
      out.push({
        check: "tap-target",
        element: describe(el),
        detail: `${Math.round(w)}×${Math.round(h)} px with its label, needs ${opts.minTarget}×${opts.minTarget}`,
      });
    }
  }

  if (opts.phone) {
    // 3. Legible at default zoom: body text and form controls at least 16 px (smaller inputs also
    //    make phone browsers zoom in when tapped).
    const base = px(getComputedStyle(document.body).fontSize);
    if (base < opts.minFont) out.push({ check: "font-size", element: "body", detail: `${base} px base font` });
    for (const el of fields) {
      if (!visible(el) || ["checkbox", "radio", "hidden"].includes((el.getAttribute("type") || "").toLowerCase())) continue;
      const size = px(getComputedStyle(el).fontSize);
      if (size < opts.minFont) out.push({ check: "font-size", element: describe(el), detail: `${size} px` });
    }

    // 4. No horizontal scrolling: the page is no wider than the screen. Name the outermost
    //    elements that stick out (outside scrollable containers such as .table-wrap).
    // Not window.innerWidth alone: a mobile browser widens it to fit content that sticks out
    // (innerWidth became 608 on a 390 px phone with a 600 px box); the layout viewport's width
    // (documentElement.clientWidth) stays the screen's.
    const width = Math.min(window.innerWidth, document.documentElement.clientWidth);
    const scrollWidth = document.scrollingElement.scrollWidth;
    if (scrollWidth > width) {
      const inScroller = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === "auto" || o === "scroll" || o === "hidden") return true;
        }
        return false;
      };
      const wide = [...document.body.querySelectorAll("*")].filter(
        (el) => visible(el) && el.getBoundingClientRect().right > width + 0.5 && !inScroller(el)
      );
      const outermost = wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5);
      out.push({
        check: "overflow",
        element: outermost.map(describe).join(" | ") || "html",
        detail: `page is ${scrollWidth} px wide on a ${width} px screen`,
      });
    }
  }
  return out;
}
