// cv-site serve only (never in a built site): reload this page when a rebuild changed it, and show
// the errors of a failed rebuild over the page until a good build clears them.
(function () {
  "use strict";
  var script = document.currentScript;
  var page = script.getAttribute("data-page"); // this page's output file, "*" for any change
  var OVERLAY = "cv-site-overlay";

  function affectsThisPage(changed) {
    if (page === "*") return changed.length > 0;
    return changed.some(function (path) {
      return path === page || !/\.(html|bib|xml|txt|pdf)$/.test(path); // assets: CSS, JS, images
    });
  }

  function hideErrors() {
    var old = document.getElementById(OVERLAY);
    if (old) old.remove();
  }

  function showErrors(problems) {
    hideErrors();
    var box = document.createElement("div");
    box.id = OVERLAY;
    box.setAttribute("role", "alert");
    box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
      "margin:0;padding:1rem 1.25rem;background:#2b0b0e;color:#ffe4e6;border-top:4px solid #f43f5e;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 24px #0006";
    // The heading and the Hide button share a row in the flow, so neither covers the other at
    // any width (a button laid over the corner covered the heading on a phone).
    var head = document.createElement("div");
    head.style.cssText = "display:flex;align-items:flex-start;gap:1rem";
    var title = document.createElement("strong");
    title.style.cssText = "flex:1;min-width:0";
    title.textContent = "cv-site: the last change has errors; this page is the last good build";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.style.cssText = "flex:none;font:inherit;padding:.2rem .7rem;min-height:2rem";
    close.addEventListener("click", hideErrors);
    head.appendChild(title);
    head.appendChild(close);
    box.appendChild(head);
    var list = document.createElement("ul");
    list.style.cssText = "margin:.5rem 0 0;padding-left:1.25rem";
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      item.style.whiteSpace = "pre-wrap";
      item.textContent = problem;
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  if (!window.EventSource) return;
  var source = new EventSource(script.getAttribute("data-events"));
  source.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    hideErrors();
    if (affectsThisPage(data.changed)) location.reload();
  });
  source.addEventListener("problems", function (event) {
    showErrors(JSON.parse(event.data).problems);
  });
  source.addEventListener("ok", hideErrors);
})();
