// Shardscope's theme switch. The OS preference decides until the reader presses "Dark mode";
// the choice is remembered (localStorage) and applied here, in the page's head, before the page
// paints, so a lab page does not flash the other theme while its wasm starts. The button is in
// each page's header (the home page's HTML, or the lab's Yew shell), found by its id.
"use strict";
(function () {
  var KEY = "shardscope-theme";
  var root = document.documentElement;

  function stored() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (e) {
      return null; // Storage may be off (privacy settings, some iframes): follow the OS.
    }
  }

  function apply(theme) {
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
  }

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) return chosen === "dark";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function sync() {
    var button = document.getElementById("theme-toggle");
    if (button) button.setAttribute("aria-pressed", isDark() ? "true" : "false");
    return button !== null;
  }

  apply(stored());

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !target.closest("#theme-toggle")) return;
    var next = isDark() ? "light" : "dark";
    apply(next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch (e) {
      // Not remembered, but applied for this page.
    }
    sync();
  });

  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", sync);

  // A lab page's header appears when its wasm has started: mark the button then.
  document.addEventListener("DOMContentLoaded", function () {
    if (sync()) return;
    var observer = new MutationObserver(function () {
      if (sync()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
})();
