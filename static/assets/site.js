/* cv-site: progressive enhancements. Everything works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* Dark mode toggle: the choice is remembered (the inline script in <head> applies it early). */
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    var media = window.matchMedia("(prefers-color-scheme: dark)");
    var isDark = function () {
      var theme = root.dataset.theme;
      return theme ? theme === "dark" : media.matches;
    };
    var sync = function () {
      toggle.setAttribute("aria-pressed", String(isDark()));
    };
    sync();
    toggle.addEventListener("click", function () {
      var theme = isDark() ? "light" : "dark";
      root.dataset.theme = theme;
      try { localStorage.setItem("theme", theme); } catch (e) { /* private mode */ }
      sync();
    });
    if (media.addEventListener) media.addEventListener("change", sync);
  }

  /* Copy buttons for BibTeX. */
  if (navigator.clipboard && window.isSecureContext) {
    document.querySelectorAll("button.copy").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var source = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(source.textContent).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        }, function () {
          button.textContent = "Copy failed";
        });
      });
    });
  }

  /* Publication filter: year, type, words. */
  var form = document.getElementById("filter");
  if (form) {
    var items = Array.prototype.slice.call(document.querySelectorAll("li.paper"));
    var texts = items.map(function (li) { return li.textContent.toLowerCase(); });
    var groups = document.querySelectorAll("section.group");
    var count = form.querySelector(".count");
    var none = document.querySelector("p.none");
    var fields = form.elements;
    var apply = function () {
      var words = fields.q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var year = fields.year.value, type = fields.type.value, shown = 0;
      items.forEach(function (li, i) {
        var ok = (!year || li.dataset.year === year) && (!type || li.dataset.type === type) &&
          words.every(function (w) { return texts[i].indexOf(w) >= 0; });
        li.hidden = !ok;
        if (ok) shown++;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("li.paper:not([hidden])");
      });
      var filtered = words.length || year || type;
      count.textContent = filtered ? shown + " of " + items.length + " shown" : "";
      if (none) none.hidden = shown > 0;
    };
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
})();
