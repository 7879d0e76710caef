// Small behaviours for every page; each page works without them.
(function () {
  // The menu button on small screens. Without this script every link shows,
  // wrapped; with it, a phone shows a "Menu" button that opens the links.
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("menu");
  if (button && menu) {
    document.documentElement.classList.add("has-menu-button");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("open")) {
        button.setAttribute("aria-expanded", "false");
        menu.classList.remove("open");
        button.focus();
      }
    });
  }

  // A table wider than a phone scrolls inside its wrapper: a keyboard user must
  // be able to reach it to scroll it (WCAG 2.1.1), so a wrapper that scrolls
  // takes focus and is named after its table's caption or the heading before it.
  function focusableScrollers() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        wrap.dataset.scroller = "1";
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.hasAttribute("aria-label")) {
          wrap.dataset.scrollerLabel = "1";
          var caption = wrap.querySelector("caption");
          var heading = caption || wrap.closest("section, .card, main").querySelector("h1, h2, h3");
          wrap.setAttribute("aria-label", (heading ? heading.textContent.trim() : "Table") + " (scrolls sideways)");
        }
      } else if (!scrolls && wrap.dataset.scroller) {
        delete wrap.dataset.scroller;
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        if (wrap.dataset.scrollerLabel) {
          delete wrap.dataset.scrollerLabel;
          wrap.removeAttribute("aria-label");
        }
      }
    });
  }
  focusableScrollers();

  // A form sent back with errors: its summary (at the top, each error linking
  // to its field) takes focus, so a screen reader hears it first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  window.addEventListener("resize", focusableScrollers);
})();
