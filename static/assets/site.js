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

  /* Publication filter: year, type, words. Words match what a visitor sees of a paper (badge,
     title, authors, venue or reference, note, link labels), not its hidden abstract or BibTeX. The choice is
     kept in the address (?q=diffusion&year=2023), so a filtered list can be linked and survives
     a reload. */
  var form = document.getElementById("filter");
  if (form) {
    var SHOWN = ".badge, .paper-title, .authors, .venue, .reference, .annotation, .links";
    var items = Array.prototype.slice.call(document.querySelectorAll("li.paper"));
    var texts = items.map(function (li) {
      return Array.prototype.map.call(li.querySelectorAll(SHOWN), function (el) {
        return el.textContent;
      }).join(" ").toLowerCase();
    });
    var groups = document.querySelectorAll("section.group");
    var count = form.querySelector(".count");
    var none = document.querySelector("p.none");
    var fields = form.elements;
    var names = ["q", "year", "type"];
    var params = new URLSearchParams(location.search);
    names.forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      var field = fields[name];
      field.value = value;
      if (field.value !== value) field.value = "";  /* a year or type the list does not have */
    });
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
      return filtered;
    };
    var remember = function () {
      var query = new URLSearchParams(location.search);
      names.forEach(function (name) {
        var value = fields[name].value.trim();
        if (value) query.set(name, value); else query.delete(name);
      });
      var search = query.toString();
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    };
    if (apply() && location.hash) {
      var target = document.getElementById(location.hash.slice(1));
      if (target && !target.hidden) target.scrollIntoView();
    }
    form.addEventListener("input", function () { apply(); remember(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
})();
