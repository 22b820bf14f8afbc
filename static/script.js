// The Homebrew Server: a little script for the home page.
// It shows when the page loaded and how long each stage took, using the
// browser's Navigation Timing data. No frameworks, no network requests.
(function () {
  "use strict";

  function show(id, text) {
    var element = document.getElementById(id);
    if (element) {
      element.textContent = text;
    }
  }

  function ms(value) {
    return Math.round(value) + " ms";
  }

  function navigationEntry() {
    if (window.performance && typeof performance.getEntriesByType === "function") {
      var entries = performance.getEntriesByType("navigation");
      if (entries.length > 0) {
        return entries[0];
      }
    }
    return null;
  }

  // The script is deferred, so the document has been parsed by now.
  show("loaded-at", new Date().toLocaleTimeString());

  var entry = navigationEntry();
  if (entry) {
    show("first-byte", ms(entry.responseStart));
  }
  show("page-ready", ms(performance.now()));

  window.addEventListener("load", function () {
    // loadEventEnd is only filled in after the load handlers have returned.
    setTimeout(function () {
      var done = navigationEntry();
      if (done && done.loadEventEnd > 0) {
        show("page-ready", ms(done.domContentLoadedEventEnd));
        show("all-loaded", ms(done.loadEventEnd));
      } else {
        show("all-loaded", ms(performance.now()));
      }
    }, 0);
  });
})();
